// Finance's trail search, paged, on the real PostgreSQL: every event that matches comes exactly
// once, in event order without time bounds and in time order between times, even when events
// were stored out of time order (two bids' workflows committing late, one after the other).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../src/activities/trail.js';
import { searchTrail, type TrailFilters } from '../src/services/trail.js';
import { createTestContext, type TestContext } from './helpers/context.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ startWorker: false });
});
afterAll(async () => ctx?.close());

const at = (minute: number) => new Date(Date.UTC(2031, 0, 6, 9, minute)).toISOString();

async function bidWithEvents(reference: string, minutes: number[]) {
  await ctx.db.execute(sql`insert into bids (reference, workflow_id, title, lead_organisation, partner_organisations, primary_ambition, secondary_ambitions, level, places, kind, total_pence, recurrent_pence, non_recurrent_pence, submission, content_hash, state, status, submitted_by, submitted_at, updated_at, projection_version)
    values (${reference}, ${`bid-${reference}`}, 'Search test', 'NNUH', '{}', 'mental_health', '{}', 'place', '{norwich}', 'new_service', 100, 100, 0, ${JSON.stringify({ costs: [{ financialYear: '2031/32' }] })}::jsonb, 'x', 'HUB_REVIEW', '{}', 'test', ${at(0)}, ${at(0)}, 1)`);
  await ctx.db.transaction((tx) =>
    appendEvents(tx, 'bid', reference, minutes.map((m, i) => ({ eventId: `${reference}#${i + 1}`, occurredAt: at(m), actorId: 'test', actorRole: 'system', action: `search.m${m}`, payload: {} })), ctx.config.TRAIL_SEAL_KEY),
  );
}

/** Every page, following nextCursor, as (minute of occurredAt) in the order given. */
async function allPages(filters: TrailFilters, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor = 0;
  for (let pages = 0; pages < 100; pages += 1) {
    const { items, nextCursor } = await searchTrail(ctx.db, filters, cursor, limit);
    seen.push(...items.map((e) => e.action));
    if (nextCursor === null) return seen;
    cursor = nextCursor;
  }
  throw new Error('paging never ended');
}

describe('GET /trail paging', () => {
  const a = 'SR-2031';
  beforeAll(async () => {
    // A's events are stored first but interleave in time with B's, stored after.
    await bidWithEvents(`${a}-A`, [1, 3, 5, 7, 9]);
    await bidWithEvents(`${a}-B`, [2, 4, 6, 8, 10]);
  });

  it('between two times, gives every event in the window once, in time order, across pages', async () => {
    const window = { from: at(3), to: at(8) };
    for (const limit of [1, 2, 3, 100]) {
      expect(await allPages(window, limit)).toEqual(['search.m3', 'search.m4', 'search.m5', 'search.m6', 'search.m7', 'search.m8']);
    }
    expect(await allPages({ from: at(9) }, 1)).toEqual(['search.m9', 'search.m10']);
    expect(await allPages({ to: at(2) }, 1)).toEqual(['search.m1', 'search.m2']);
  });

  it('resumes after the cursor when it lies before the window, and inside it when it lies within', async () => {
    const first = await searchTrail(ctx.db, { from: at(1), to: at(10) }, 0, 2);
    expect(first.items.map((e) => e.action)).toEqual(['search.m1', 'search.m2']);
    // The cursor (the event at minute 2) is before `from`: the window starts at `from`.
    const later = await searchTrail(ctx.db, { from: at(6), to: at(10) }, first.nextCursor!, 2);
    expect(later.items.map((e) => e.action)).toEqual(['search.m6', 'search.m7']);
    // The cursor is inside the window: the page starts just after it.
    const inside = await searchTrail(ctx.db, { from: at(1), to: at(10) }, later.nextCursor!, 2);
    expect(inside.items.map((e) => e.action)).toEqual(['search.m8', 'search.m9']);
  });

  it('without time bounds, gives every event once in the order stored', async () => {
    expect(await allPages({ place: 'norwich', financialYear: '2031/32' }, 3)).toEqual([
      ...[1, 3, 5, 7, 9].map((m) => `search.m${m}`),
      ...[2, 4, 6, 8, 10].map((m) => `search.m${m}`),
    ]);
  });
});
