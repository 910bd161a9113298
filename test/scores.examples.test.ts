// The OpenAPI document's examples of a score and its verification are what the engine and the
// checks give for the example bid: regenerate them with `npx tsx scripts/score-examples.ts`.
import '@hono/zod-openapi';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildScoreExamples } from '../scripts/score-examples.js';
import { bidScoreSchema, scoreVerdictSchema } from '../src/api/routes/scores.js';

const file = (name: string): unknown => JSON.parse(readFileSync(new URL(`../src/api/examples/${name}`, import.meta.url), 'utf8'));

describe('the score examples in the OpenAPI document', () => {
  it('are the example bid scored, verified, and verified with a changed fact', async () => {
    const built = await buildScoreExamples();
    expect(file('score.json')).toEqual(built.score);
    expect(file('score-verify.json')).toEqual(built.verified);
    expect(file('score-verify-tampered.json')).toEqual(built.tampered);
    expect(built.verified).toMatchObject({ match: true, differences: [] });
    expect(built.tampered.differences.map((d) => [d.check, d.path])).toEqual([
      ['rederivation', 'facts.core20Percent'],
      ['facts_from_bid', 'facts.core20Percent'],
    ]);
  });

  it('fit the schemas the routes answer with', async () => {
    const built = await buildScoreExamples();
    expect(bidScoreSchema.parse(built.score)).toEqual(built.score);
    expect(scoreVerdictSchema.parse(built.verified)).toEqual(built.verified);
    expect(scoreVerdictSchema.parse(built.tampered)).toEqual(built.tampered);
  });
});
