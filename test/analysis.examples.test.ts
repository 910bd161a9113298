// The OpenAPI document's examples of a round explained are what the analyses give for the example
// round: regenerate them with `npx tsx scripts/analysis-examples.ts`.
import '@hono/zod-openapi';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildAnalysisExamples } from '../scripts/analysis-examples.js';
import { optimumSchema, sensitivitySchema, whatItWouldTakeSchema } from '../src/api/routes/round-analysis.js';

const file = (name: string): unknown => JSON.parse(readFileSync(new URL(`../src/api/examples/${name}`, import.meta.url), 'utf8'));

describe("the round analyses' examples in the OpenAPI document", () => {
  it('are what the analyses give for the example round, and fit the schemas the routes answer with', async () => {
    const built = await buildAnalysisExamples();
    expect(file('round-what-it-would-take.json')).toEqual(built.whatItWouldTake);
    expect(file('round-optimum.json')).toEqual(JSON.parse(JSON.stringify(built.optimum)));
    expect(file('round-sensitivity.json')).toEqual(built.sensitivity);
    whatItWouldTakeSchema.parse(built.whatItWouldTake);
    optimumSchema.parse(built.optimum);
    sensitivitySchema.parse(built.sensitivity);
    expect(built.optimum.givenUpHundredths).toBe(1000);
  });
});
