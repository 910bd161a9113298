// What a commit sends instead of the whole model: the changes between two versions. Applying
// them gives the new version exactly, in JavaScript and in PostgreSQL's cp_apply_changes alike,
// and one change to a large model is one short change.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { openPostgres, rowsOf, type Database } from '../src/db/client.js';
import { applyChanges, diff, jsonEqual, type Json } from '../src/model/changes.js';
import { sql } from 'drizzle-orm';
import { cloneTemplate } from './helpers/databases.js';

// JSON as models hold it: objects, arrays that mostly grow, strings, numbers, null.
const value: fc.Arbitrary<Json> = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1000, max: 1000 }),
    fc.string({ maxLength: 8 }),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'votes', 'items', '0'), tie('json'), { maxKeys: 4 }),
  ),
})).json;
const model = fc.dictionary(fc.constantFrom('state', 'items', 'review', 'x', 'y'), value, { maxKeys: 5 });

/** A second version that shares most of the first, as a step's model does. */
const pair = model.chain((a) => fc.tuple(fc.constant(a), fc.oneof(model, mutate(a))));
function mutate(a: Record<string, Json>): fc.Arbitrary<Record<string, Json>> {
  return fc.tuple(fc.constantFrom(...Object.keys(a), 'new'), value).map(([key, v]) => ({ ...a, [key]: v }));
}

describe('changes between two models', () => {
  it('apply to give the second exactly', () => {
    fc.assert(fc.property(pair, ([a, b]) => jsonEqual(applyChanges(a, diff(a, b)), b)), { numRuns: 2000 });
  });

  it('are nothing when nothing changed', () => {
    fc.assert(fc.property(model, (a) => diff(a, structuredClone(a)).length === 0));
  });

  it('are one short change for one vote among two hundred items', () => {
    const items = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`item-${i + 1}`, { reference: `NW-2026-${i}`, votes: {} }]));
    const before = { state: 'OPEN', items };
    const after = { state: 'OPEN', items: { ...items, 'item-17': { ...items['item-17']!, votes: { 'sarah.collins': 'support' } } } };
    expect(diff(before, after)).toEqual([{ p: ['items', 'item-17', 'votes', 'sarah.collins'], v: 'support' }]);
  });

  it('append to an array that grew, and replace one that shrank', () => {
    expect(diff({ a: [1, 2] }, { a: [1, 2, 3] })).toEqual([{ p: ['a', '2'], v: 3 }]);
    expect(diff({ a: [1, 2, 3] }, { a: [1] })).toEqual([{ p: ['a'], v: [1] }]);
    expect(diff({ a: 1, b: 2 }, { a: 1 })).toEqual([{ p: ['b'] }]);
  });
});

describe('cp_apply_changes in PostgreSQL', () => {
  let database: Database;
  beforeAll(async () => {
    const url = await cloneTemplate(inject('templateDatabase'), `cp_test_${inject('runId')}_${randomBytes(4).toString('hex')}`);
    database = await openPostgres(url, 2);
  });
  afterAll(async () => database?.close());

  it('gives the same model as applying the changes here', async () => {
    const samples = fc.sample(pair, { numRuns: 300, seed: 20261202 });
    const rows = rowsOf<{ i: number; applied: Json }>(
      await database.db.execute(sql`select (x ->> 'i')::int as i, cp_apply_changes(x -> 'a', x -> 'c') as applied
        from jsonb_array_elements(${JSON.stringify(samples.map(([a, b], i) => ({ i, a, c: diff(a, b) })))}::jsonb) x`),
    );
    expect(rows).toHaveLength(samples.length);
    for (const { i, applied } of rows) expect(jsonEqual(applied, samples[i]![1]), `sample ${i}`).toBe(true);
  });
});
