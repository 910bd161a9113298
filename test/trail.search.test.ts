// Finance's trail search, paged, on the real PostgreSQL: every event that matches comes exactly
// once, in event order without time bounds and in time order between times, even when events
// were stored out of time order (two bids' workflows committing late, one after the other).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../src/activities/trail.js';
import { parse } from 'csv-parse/sync';
import { CSV_COLUMNS, decisionRows, exportFinanceCsv, exportTrailCsv, FINANCE_CSV_COLUMNS, searchTrail, type TrailFilters } from '../src/services/trail.js';
import { createTestContext, type TestContext } from './helpers/context.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ startWorker: false });
});
afterAll(async () => ctx?.close());

const at = (minute: number) => new Date(Date.UTC(2031, 0, 6, 9, minute)).toISOString();

async function bidWithEvents(reference: string, minutes: number[], { title = 'Search test', actorId = 'test', year = '2031/32' } = {}) {
  await ctx.db.execute(sql`insert into bids (reference, workflow_id, title, lead_organisation, partner_organisations, primary_ambition, secondary_ambitions, level, places, kind, total_pence, recurrent_pence, non_recurrent_pence, submission, content_hash, state, status, submitted_by, submitted_at, updated_at, projection_version)
    values (${reference}, ${`bid-${reference}`}, ${title}, 'NNUH', '{}', 'mental_health', '{}', 'place', '{norwich}', 'new_service', 100, 100, 0, ${JSON.stringify({ costs: [{ financialYear: year }] })}::jsonb, 'x', 'HUB_REVIEW', '{}', 'test', ${at(0)}, ${at(0)}, 1)`);
  await ctx.db.transaction((tx) =>
    appendEvents(tx, 'bid', reference, minutes.map((m, i) => ({ eventId: `${reference}#${i + 1}`, occurredAt: at(m), actorId, actorRole: 'system', action: `search.m${m}`, payload: {} })), ctx.config.TRAIL_SEAL_KEY),
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

describe('GET /trail newest first', () => {
  const n = 'SR-2032';
  beforeAll(async () => {
    await bidWithEvents(`${n}-A`, [1, 3, 5, 7, 9]);
    await bidWithEvents(`${n}-B`, [2, 4, 6, 8, 10]);
  });
  const mine = { reference: undefined, financialYear: '2031/32', place: 'norwich' } as TrailFilters;

  async function newestPages(filters: TrailFilters, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor = 0;
    for (let pages = 0; pages < 100; pages += 1) {
      const { items, nextCursor } = await searchTrail(ctx.db, filters, cursor, limit, 'newest');
      seen.push(...items.map((e) => `${e.streamId.slice(-1)}${e.action.slice(7)}`));
      if (nextCursor === null) return seen;
      cursor = nextCursor;
    }
    throw new Error('paging never ended');
  }

  it('without time bounds, gives every event once, the last stored first, across pages', async () => {
    const oldest = (await allPages({ ...mine, reference: `${n}-A` }, 100)).length;
    expect(oldest).toBe(5);
    for (const limit of [1, 3, 100]) {
      expect(await newestPages({ ...mine, reference: `${n}-B` }, limit)).toEqual(['Bm10', 'Bm8', 'Bm6', 'Bm4', 'Bm2']);
    }
  });

  it('between two times, gives every event in the window once, the latest first, across pages', async () => {
    const window = { from: at(3), to: at(8) };
    const expected = [8, 7, 6, 5, 4, 3].map((m) => `search.m${m}`);
    for (const limit of [1, 2, 4, 100]) {
      const seen: string[] = [];
      let cursor = 0;
      for (;;) {
        const { items, nextCursor } = await searchTrail(ctx.db, window, cursor, limit, 'newest');
        seen.push(...items.map((e) => e.action));
        if (nextCursor === null) break;
        cursor = nextCursor;
      }
      // Both describe blocks' bids have events at these minutes: each minute twice.
      expect(seen.filter((_, i, all) => all.indexOf(seen[i]!) === i)).toEqual(expected);
      expect(seen).toHaveLength(expected.length * 2);
    }
  });

  it('finds exactly the actions asked for, and none for an empty list', async () => {
    const found = await searchTrail(ctx.db, { ...mine, actions: ['search.m3', 'search.m4'] }, 0, 100, 'newest');
    expect(found.items.map((e) => e.action).sort()).toEqual(['search.m3', 'search.m3', 'search.m4', 'search.m4']);
    expect((await searchTrail(ctx.db, { ...mine, actions: ['search.m5'] })).items.map((e) => e.streamId).sort()).toEqual([`SR-2031-A`, `${n}-A`]);
    expect((await searchTrail(ctx.db, { ...mine, actions: [] })).items).toEqual([]);
  });
});

describe('the finance CSV', () => {
  const ref = 'SR-2033-F';
  beforeAll(async () => {
    await ctx.db.execute(sql`insert into bids (reference, workflow_id, title, lead_organisation, partner_organisations, primary_ambition, secondary_ambitions, level, places, kind, total_pence, recurrent_pence, non_recurrent_pence, submission, content_hash, state, status, submitted_by, submitted_at, updated_at, projection_version)
      values (${ref}, ${`bid-${ref}`}, 'Finance words', 'NNUH', '{}', 'mental_health', '{}', 'place', '{norwich,west_norfolk}', 'new_service', 39000000, 39000000, 0, ${JSON.stringify({ costs: [{ financialYear: '2033/34' }, { financialYear: '2034/35' }] })}::jsonb, 'x', 'FUNDED', '{}', 'test', ${at(0)}, ${at(0)}, 1)`);
    await ctx.db.execute(sql`insert into bid_costs (reference, financial_year, recurrent_pence, non_recurrent_pence) values (${ref}, '2033/34', 20000000, 500000), (${ref}, '2034/35', 18500000, 0)`);
    const bidEvent = (seq: number, minute: number, action: string, payload: Record<string, unknown>, extra: object = {}) => ({
      eventId: `${ref}#${seq}`, occurredAt: at(minute), actorId: 'system', actorRole: 'system', action, payload, ...extra,
    });
    await ctx.db.transaction((tx) =>
      appendEvents(tx, 'bid', ref, [
        bidEvent(1, 31, 'bid.submitted', {}),
        bidEvent(2, 32, 'assembly.decision_recorded', { outcome: 'supported' }),
        bidEvent(3, 33, 'assembly.decision_applied', { meetingId: 'sr-meeting', outcome: 'supported_with_conditions', conditions: ['Report quarterly', 'Name a clinical lead'], conditionsDueBy: [null, '2031-09-30'], reason: 'Strong case', routedTo: 'ALLOCATION', delegation: 'finance' }, { fromState: 'AWAITING_ASSEMBLY', toState: 'ALLOCATION' }),
        bidEvent(4, 34, 'allocation.proposed', { roundId: 'sr-round', version: 1, outcome: 'waitlisted', rank: 2, reason: 'Waitlisted' }),
      ], ctx.config.TRAIL_SEAL_KEY),
    );
    await ctx.db.execute(sql`insert into funding_rounds (id, title, financial_year, envelope_pence, sub_envelopes, opens_at, closes_at, state, updated_at, projection_version) values ('sr-round', 'Search round', '2033/34', 100000000, '[]'::jsonb, ${at(30)}, ${at(50)}, 'CONFIRMED', ${at(50)}, 1) on conflict do nothing`);
    await ctx.db.transaction((tx) =>
      appendEvents(tx, 'round', 'sr-round', [
        { eventId: 'sr-round#1', occurredAt: at(35), actorId: 'claire.dawson', actorRole: 'finance', action: 'allocation.overridden', payload: { version: 1, reference: ref, direction: 'fund', allocated: 'waitlisted', outcome: 'funded', reason: 'Winter pressures', funded: [ref], waitlisted: [] } },
      ], ctx.config.TRAIL_SEAL_KEY),
    );
    // Finance confirms after the override, as a round does.
    await ctx.db.transaction((tx) => appendEvents(tx, 'bid', ref, [
      bidEvent(5, 36, 'allocation.confirmed', { roundId: 'sr-round', version: 1, reference: ref, outcome: 'funded', rank: 2, reason: 'Funded by override' }, { actorId: 'claire.dawson', actorRole: 'finance', fromState: 'ALLOCATION', toState: 'FUNDED' }),
    ], ctx.config.TRAIL_SEAL_KEY));
  });

  it("has one row per decision, the round's override named to its bid, in pounds and words beside the codes", async () => {
    const rows = await decisionRows(ctx.db, { reference: ref });
    const records = rows.map((r) => Object.fromEntries(FINANCE_CSV_COLUMNS.map((c, i) => [c, r.line[i]])));
    expect(records.map((r) => r.action)).toEqual(['assembly.decision_applied', 'allocation.overridden', 'allocation.confirmed']);
    const [assembly, override, confirmed] = records;
    expect(assembly).toMatchObject({
      decision: 'Assembly decision', outcome: 'supported_with_conditions', outcome_label: 'Supported with conditions', conditions: 'Report quarterly; Name a clinical lead (due by 2031-09-30)', reason: 'Strong case',
      decided_by: 'The service, automatically', state_after: 'ALLOCATION', state_after_label: 'Supported: waiting for allocation', meeting_id: 'sr-meeting',
      lead_organisation: 'NNUH', primary_ambition: 'mental_health', primary_ambition_label: 'Transforming mental health services',
      places: 'norwich;west_norfolk', places_labels: 'Norwich; West Norfolk', bid_total_pence: 39000000, bid_total_pounds: '390000.00', bid_state_now: 'FUNDED', bid_state_now_label: 'Funded',
    });
    expect(assembly!.details).toContain('Now: Supported: waiting for allocation');
    expect(assembly!.details).toContain('Delegation: CCP Assembly, with finance confirmation');
    expect(assembly!.lead_organisation_name).toMatch(/Norfolk and Norwich/);
    expect(override).toMatchObject({ decision: 'Allocation overridden', bid_reference: ref, outcome: 'funded', outcome_label: 'Funded', reason: 'Winter pressures', decided_by_id: 'claire.dawson', decided_by_role_label: 'ICB finance', round_id: 'sr-round', round_title: 'Search round', round_financial_year: '2033/34', round_year_pence: 20500000, round_year_pounds: '205000.00' });
    expect(override!.details).toContain('Overridden to: Fund');
    expect(confirmed).toMatchObject({ decision: 'Allocation confirmed', outcome: 'funded', decided_by: 'Claire Dawson', round_year_pounds: '205000.00', allocation_rank: '2', state_after_label: 'Funded' });
  });

  it('takes the trail filters, and streams the same rows as CSV', async () => {
    expect((await decisionRows(ctx.db, { reference: ref, actions: ['allocation.overridden', 'allocation.confirmed'] })).map((r) => r.line[4])).toEqual(['allocation.overridden', 'allocation.confirmed']);
    expect(await decisionRows(ctx.db, { reference: ref, state: 'WAITLISTED' })).toEqual([]);
    expect((await decisionRows(ctx.db, { reference: ref, from: at(35) })).map((r) => r.line[4])).toEqual(['allocation.overridden', 'allocation.confirmed']);
    const text = await new Response(exportFinanceCsv(ctx.db, { reference: ref }, 1)).text();
    const records = parse<Record<string, string>>(text, { columns: true });
    expect(Object.keys(records[0]!)).toEqual([...FINANCE_CSV_COLUMNS]);
    expect(records.map((r) => r.decision)).toEqual(['Assembly decision', 'Allocation overridden', 'Allocation confirmed']);
    expect(records[2]).toMatchObject({ round_year_pence: '20500000', round_year_pounds: '205000.00', bid_total_pounds: '390000.00' });
  });
});

describe('the raw CSV from PostgreSQL', () => {
  it('streams every row of the filter in event order, and a cell people can write cannot run as a formula', async () => {
    const reference = 'SR-2031-CSV';
    await bidWithEvents(reference, [1, 2, 3], { title: '=HYPERLINK("http://example.org","Open")', actorId: '-test' });
    const text = await new Response(exportTrailCsv(ctx.db, { reference })).text();
    const records = parse<Record<string, string>>(text, { columns: true });
    expect(Object.keys(records[0]!)).toEqual([...CSV_COLUMNS]);
    expect(records.map((r) => r.action)).toEqual(['search.m1', 'search.m2', 'search.m3']);
    expect(records.map((r) => r.occurred_at)).toEqual([at(1), at(2), at(3)]);
    expect(new Set(records.map((r) => r.bid_title))).toEqual(new Set(['\'=HYPERLINK("http://example.org","Open")']));
    expect(new Set(records.map((r) => r.actor_id))).toEqual(new Set(["'-test"]));
    expect(records[0]).toMatchObject({ bid_reference: reference, seq: '1', lead_organisation: 'NNUH', places: 'norwich', bid_total_pence: '100', bid_state_now: 'HUB_REVIEW' });
  });
});

describe('GET /trail with four or more of the bid attributes', () => {
  it('narrows to the matching bids first, the year and the amount among their attributes, then pages their events', async () => {
    // Alike in every attribute but the year.
    await bidWithEvents('SR-2031-Y1', [11, 12], { year: '2031/32' });
    await bidWithEvents('SR-2031-Y2', [13, 14], { year: '2032/33' });
    const filters = { ambition: 'mental_health', place: 'norwich', state: 'HUB_REVIEW', organisation: 'NNUH' } as const;
    const inYear = await searchTrail(ctx.db, { ...filters, financialYear: '2032/33' }, 0, 100);
    expect(inYear.items.map((e) => `${e.streamId} ${e.action}`)).toEqual(['SR-2031-Y2 search.m13', 'SR-2031-Y2 search.m14']);
    const newest = await searchTrail(ctx.db, { ...filters, financialYear: '2032/33', minPence: 50, maxPence: 150 }, 0, 1, 'newest');
    expect(newest.items.map((e) => e.action)).toEqual(['search.m14']);
    expect(newest.nextCursor).not.toBeNull();
    const none = await searchTrail(ctx.db, { ...filters, financialYear: '2040/41' }, 0, 100);
    expect(none.items).toEqual([]);
  });

  it("finds a bid's events under its attributes now: a bid that changes is found by the new and not the old", async () => {
    await bidWithEvents('SR-2033-S1', [21, 22], { year: '2033/34' });
    const filters = { ambition: 'mental_health', place: 'norwich', organisation: 'NNUH', financialYear: '2033/34' } as const;
    const found = async (f: TrailFilters) => (await searchTrail(ctx.db, f, 0, 100)).items.map((e) => `${e.streamId} ${e.action} ${e.bid.bidState}`);
    expect(await found({ ...filters, state: 'HUB_REVIEW' })).toEqual(['SR-2033-S1 search.m21 HUB_REVIEW', 'SR-2033-S1 search.m22 HUB_REVIEW']);
    await ctx.db.execute(sql`update bids set state = 'SCORING', places = '{west_norfolk}' where reference = 'SR-2033-S1'`);
    expect(await found({ ...filters, state: 'HUB_REVIEW' })).toEqual([]);
    expect(await found({ ...filters, state: 'SCORING' })).toEqual([]);
    expect(await found({ ...filters, place: 'west_norfolk', state: 'SCORING' })).toEqual(['SR-2033-S1 search.m21 SCORING', 'SR-2033-S1 search.m22 SCORING']);
  });
});
