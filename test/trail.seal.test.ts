// The sealed trail on the real PostgreSQL: the service's own role may only read and append, and
// whoever owns the database and switches the triggers off still cannot alter the trail unseen:
// each kind of tampering is found and named by verification, because the tamperer lacks the key.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../src/activities/trail.js';
import { openPostgres, type Database } from '../src/db/client.js';
import { sealHead } from '../src/domain/seal.js';
import { eventHash, type TrailEventInput } from '../src/domain/trail.js';
import { verifyTrail } from '../src/services/trail.js';
import { adminUrl } from './helpers/databases.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { asOwnerWithoutTriggers as asOwnerWithoutTriggersAt } from './helpers/scripts.js';

let ctx: TestContext;
let key: string;
let serviceRole: string;
let service: Database;

beforeAll(async () => {
  ctx = await createTestContext({ startWorker: false });
  key = ctx.config.TRAIL_SEAL_KEY!;
  // A login role of the service's own, a member of cp_service, as an installation makes one.
  serviceRole = `cp_svc_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create role "${serviceRole}" login in role cp_service`);
  } finally {
    await admin.end();
  }
  const url = new URL(ctx.databaseUrl);
  url.username = serviceRole;
  service = await openPostgres(url.toString(), 2, 60);
});

afterAll(async () => {
  await service?.close();
  await ctx?.close();
  if (serviceRole) {
    const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop role if exists "${serviceRole}"`);
    } finally {
      await admin.end();
    }
  }
});

const event = (stream: string, n: number, payload: Record<string, unknown> = {}): TrailEventInput => ({
  eventId: `${stream}#${n}`,
  occurredAt: new Date(Date.UTC(2026, 10, 22, 9, 0, n)).toISOString(),
  actorId: 'user-1',
  actorRole: 'evaluator',
  action: `step.${n}`,
  fromState: 'HUB_REVIEW',
  toState: 'HUB_REVIEW',
  payload,
});

/** A stream of three events, written as the service writes it: through its own role. */
async function stream(): Promise<string> {
  const id = ctx.reference();
  await service.db.transaction((tx) => appendEvents(tx, 'bid', id, [1, 2, 3].map((n) => event(id, n, { rating: n })), key));
  return id;
}

/** Runs statements as the database owner with every trail trigger switched off, as a tamperer would. */
const asOwnerWithoutTriggers = (work: (tx: postgres.TransactionSql) => Promise<unknown>) => asOwnerWithoutTriggersAt(ctx.databaseUrl, work);

/** The breaks the whole trail's verification names in this stream (other tests tamper with theirs). */
const breaksOf = async (id: string) => (await verifyTrail(ctx.db, key)).broken.filter((b) => b.streamId === id);

describe('the service role', () => {
  it('reads and appends to the trail, sealed, and the whole trail verifies', async () => {
    const id = await stream();
    const verdict = await verifyTrail(service.db, key);
    expect(verdict).toMatchObject({ valid: true, sealsChecked: true, broken: [] });
    expect(verdict.checkpoint).toMatchObject({ streams: expect.any(Number), events: expect.any(Number) });
    expect((await verifyTrail(service.db, key, id)).valid).toBe(true);
  });

  it.each([
    ['UPDATE an event', (id: string) => `update decision_events set payload = '{"rating": 5}' where stream_id = '${id}'`],
    ['DELETE an event', (id: string) => `delete from decision_events where stream_id = '${id}'`],
    ['TRUNCATE the trail', () => 'truncate decision_events'],
    ['DISABLE its trigger', () => 'alter table decision_events disable trigger decision_events_no_update_delete'],
    ['DROP its trigger', () => 'drop trigger decision_events_no_update_delete on decision_events'],
    ['ALTER the table', () => 'alter table decision_events add column forged text'],
    ['DELETE a sealed head', (id: string) => `delete from trail_heads where stream_id = '${id}'`],
    ['TRUNCATE the checkpoint', () => 'truncate trail_checkpoint'],
    ['DISABLE the seals\u2019 triggers', () => 'alter table trail_heads disable trigger user'],
  ])('may not %s', async (_what, statement) => {
    const id = await stream();
    const client = (service.db as unknown as { $client: postgres.Sql }).$client;
    await expect(client.unsafe(statement(id))).rejects.toThrow(/permission denied|must be owner/);
    expect((await verifyTrail(ctx.db, key, id)).valid).toBe(true);
  });
});

describe('tampering by the database owner with the triggers off, each found and named', () => {
  it('a payload changed', async () => {
    const id = await stream();
    await asOwnerWithoutTriggers((tx) => tx`update decision_events set payload = '{"rating": 5}'::jsonb where stream_id = ${id} and seq = 2`);
    expect(await breaksOf(id)).toEqual([
      expect.objectContaining({ kind: 'event_changed', streamId: id, seq: 2, eventId: `${id}#2`, reason: expect.stringContaining('payload or fields were changed') }),
    ]);
  });

  it('an event deleted mid-chain', async () => {
    const id = await stream();
    await asOwnerWithoutTriggers((tx) => tx`delete from decision_events where stream_id = ${id} and seq = 2`);
    expect(await breaksOf(id)).toEqual([expect.objectContaining({ kind: 'event_deleted', streamId: id, seq: 2, reason: 'event 2 is missing (found 3 next)' })]);
  });

  it('the last event deleted', async () => {
    const id = await stream();
    await asOwnerWithoutTriggers((tx) => tx`delete from decision_events where stream_id = ${id} and seq = 3`);
    expect(await breaksOf(id)).toEqual([
      expect.objectContaining({ kind: 'last_event_deleted', streamId: id, seq: 3, reason: expect.stringContaining('it ends at 2: 1 event(s) removed from its end') }),
    ]);
  });

  it('a stream deleted, with its sealed head', async () => {
    const id = await stream();
    await asOwnerWithoutTriggers(async (tx) => {
      await tx`delete from decision_events where stream_id = ${id}`;
      await tx`delete from trail_heads where stream_id = ${id}`;
    });
    // Nothing of the stream is left to name it by: the sealed checkpoint counts it missing.
    expect(await breaksOf(id)).toEqual([]);
    const verdict = await verifyTrail(ctx.db, key);
    expect(verdict.valid).toBe(false);
    expect(verdict.broken).toContainEqual(expect.objectContaining({ kind: 'stream_deleted', streamId: null, reason: expect.stringContaining('1 stream(s) deleted with their heads') }));
  });

  it('a stream deleted, its head left behind', async () => {
    const id = await stream();
    await asOwnerWithoutTriggers((tx) => tx`delete from decision_events where stream_id = ${id}`);
    expect(await breaksOf(id)).toContainEqual(expect.objectContaining({ kind: 'stream_deleted', streamId: id, reason: expect.stringContaining('has no events: its stream was deleted') }));
  });

  it('a chain rewritten and recomputed end to end, which only the key could have sealed', async () => {
    const id = await stream();
    // The tamperer has the code and the database, not the key: every hash recomputed from event 2 on.
    await asOwnerWithoutTriggers(async (tx) => {
      const rows = await tx<{ event_id: string; seq: number; occurred_at: Date; payload: unknown; prev_hash: string; hash: string; [k: string]: unknown }[]>`
        select * from decision_events where stream_id = ${id} order by seq`;
      let prevHash = rows[0]!.hash;
      for (const row of rows.slice(1)) {
        const fields = {
          eventId: row.event_id,
          streamType: 'bid',
          streamId: id,
          seq: row.seq,
          occurredAt: row.occurred_at.toISOString(),
          actorId: row.actor_id as string,
          actorRole: row.actor_role as string,
          action: row.action as string,
          fromState: row.from_state as string,
          toState: row.to_state as string,
          payload: row.seq === 2 ? { rating: 5 } : row.payload,
          ruleSetVersion: null,
          prevHash,
        };
        const hash = eventHash(fields);
        await tx`update decision_events set payload = ${tx.json(fields.payload as never)}, prev_hash = ${prevHash}, hash = ${hash} where event_id = ${row.event_id}`;
        prevHash = hash;
      }
    });
    expect((await verifyTrail(ctx.db, undefined, id)).broken.filter((b) => b.kind !== 'seal_key_missing')).toEqual([]); // the chain alone holds
    expect(await breaksOf(id)).toEqual([expect.objectContaining({ kind: 'chain_recomputed', streamId: id, seq: 3, reason: expect.stringContaining('without the key') })]);
  });

  it('a head re-sealed without the key', async () => {
    const id = await stream();
    await asOwnerWithoutTriggers(async (tx) => {
      await tx`delete from decision_events where stream_id = ${id} and seq = 3`;
      const [prev] = await tx<{ hash: string }[]>`select hash from decision_events where stream_id = ${id} and seq = 2`;
      const forged = sealHead('a guess at the key, not the key itself!', { streamType: 'bid', streamId: id, seq: 2, hash: prev!.hash });
      await tx`update trail_heads set seq = 2, hash = ${prev!.hash}, seal = ${forged} where stream_id = ${id}`;
    });
    expect(await breaksOf(id)).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'seal_invalid', streamId: id, reason: expect.stringContaining('rewritten without the key') })]),
    );
  });
});
