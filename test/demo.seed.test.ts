// `npm run demo:seed` as a newcomer runs it, against the service served over real HTTP on the
// real worker, Temporal and PostgreSQL: a dozen bids across every ambition and place through
// review, scoring and an Assembly meeting, then a round whose allocation has a cut line. Run
// again, it changes nothing; with no service to talk to, it gives up in time and says why.
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_USERS } from '../src/db/demo.js';
import { decisionEvents } from '../src/db/schema.js';
import { DEMO_MEETING_ID, DEMO_ROUND_ID } from '../src/demo/seed.js';
import { AMBITIONS, PLACES } from '../src/domain/vocabulary.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { call } from './helpers/http.js';
import { freePort } from './helpers/ports.js';
import { runScript } from './helpers/scripts.js';

// A dozen bids, each a real workflow reviewed step by step over HTTP: minutes on a loaded machine.
vi.setConfig({ testTimeout: 900_000 });

let ctx: TestContext;
let server: ServerType;
let url: string;
let dataDir: string;

beforeAll(async () => {
  ctx = await createTestContext();
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: ctx.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The token file an embedded first start writes, with this test's tokens.
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'demo-seed-'));
  const tokens = DEMO_USERS.map((u) => ({ id: u.id, name: u.name, organisation: u.organisation, roles: u.roles, description: u.description, token: ctx.tokens[u.id] }));
  await writeFile(path.join(dataDir, 'demo-tokens.json'), JSON.stringify(tokens), { mode: 0o600 });
});
afterAll(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  await ctx?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const seed = (args: string[] = []) => runScript('scripts/demo-seed.ts', ['--url', url, ...args], { DATA_DIR: dataDir }, 840_000);
const events = async () => (await ctx.db.select({ n: count() }).from(decisionEvents))[0]!.n;

interface Ranked {
  reference: string;
  outcome: 'funded' | 'waitlisted';
  mustFund: boolean;
  roundCostPence: number;
}

describe('npm run demo:seed', () => {
  it('takes a dozen bids across every ambition and place through review, the Assembly and a round with a cut line, and a second run changes nothing', async () => {
    const run = await seed();
    expect(run.code, run.stdout).toBe(0);

    // A dozen bids, between them all eight ambitions and all five places.
    const list = await call(ctx, 'claire.dawson', 'GET', '/bids?pageSize=100');
    const bids = list.body.items as { reference: string; state: string; primaryAmbition: string; places: string[] }[];
    expect(bids.length).toBeGreaterThanOrEqual(12);
    expect(new Set(bids.map((b) => b.primaryAmbition))).toEqual(new Set(AMBITIONS));
    expect(new Set(bids.flatMap((b) => b.places))).toEqual(new Set(PLACES));

    // Each reviewed by the evaluators the hub assigned, and scored.
    for (const b of bids) {
      const { status } = (await call(ctx, 'claire.dawson', 'GET', `/bids/${b.reference}`)).body;
      expect(status.review.reviews.length, b.reference).toBe(status.review.requiredEvaluators);
      expect(status.review.reviews.every((r: { completed?: unknown }) => r.completed), b.reference).toBe(true);
      expect(status.score.benefitScore, b.reference).toEqual(expect.any(Number));
    }

    // One Assembly meeting decided every bid, each of the four ways, and closed.
    const { meeting } = (await call(ctx, 'sarah.collins', 'GET', `/meetings/${DEMO_MEETING_ID}`)).body;
    expect(meeting.state).toBe('CLOSED');
    const outcomes = (meeting.items as { decision?: { outcome: string } }[]).map((i) => i.decision?.outcome);
    expect(outcomes).toHaveLength(12);
    expect(new Set(outcomes)).toEqual(new Set(['supported', 'supported_with_conditions', 'deferred', 'not_supported']));

    // The round: confirmed, some funded and some waitlisted below the cut line, the envelope not exceeded.
    const { round, allocation } = (await call(ctx, 'claire.dawson', 'GET', `/rounds/${DEMO_ROUND_ID}`)).body;
    expect(round.state).toBe('CONFIRMED');
    const ranking = allocation.result.ranking as Ranked[];
    const funded = ranking.filter((r) => r.outcome === 'funded');
    const waitlisted = ranking.filter((r) => r.outcome === 'waitlisted');
    expect(funded.length).toBeGreaterThan(0);
    expect(waitlisted.length).toBeGreaterThan(0);
    expect(allocation.result.cutLine).toMatchObject({ reference: expect.any(String), rank: expect.any(Number) });
    expect(funded.some((r) => r.mustFund)).toBe(true);
    expect(funded.reduce((sum, r) => sum + r.roundCostPence, 0)).toBeLessThanOrEqual(round.envelopePence);
    const overall = (allocation.result.envelopes as { id: string; envelopePence: number; allocatedPence: number }[]).find((e) => e.id === 'overall')!;
    expect(overall.allocatedPence).toBeLessThanOrEqual(overall.envelopePence);
    const stateOf = new Map((await call(ctx, 'claire.dawson', 'GET', '/bids?pageSize=100')).body.items.map((b: { reference: string; state: string }) => [b.reference, b.state]));
    for (const r of funded) expect(stateOf.get(r.reference), r.reference).toBe('FUNDED');
    for (const r of waitlisted) expect(stateOf.get(r.reference), r.reference).toBe('WAITLISTED');

    // It says what it did and where to look.
    expect(run.stdout).toContain(`${funded.length} funded, ${waitlisted.length} waitlisted below the line`);
    expect(run.stdout).toContain('cut line');
    expect(run.stdout).toContain(`${url}/app/rounds/${DEMO_ROUND_ID}`);
    expect(run.stdout).toContain(`${url}/app/meetings/${DEMO_MEETING_ID}`);

    // A second run finds it seeded and changes nothing.
    const before = await events();
    const again = await seed();
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toContain(`Already seeded: round ${DEMO_ROUND_ID} was confirmed`);
    expect(again.stdout).toContain(`${url}/app/rounds/${DEMO_ROUND_ID}`);
    expect(await events()).toBe(before);
    expect((await call(ctx, 'claire.dawson', 'GET', '/bids?pageSize=100')).body.total).toBe(bids.length);
  });

  it('gives up within its timeout, saying so, when no service answers', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const run = await runScript('scripts/demo-seed.ts', ['--url', nobody, '--timeout', '2'], { DATA_DIR: dataDir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Gave up after 2 s waiting for the service at ${nobody} to answer (start it with npm start in another terminal)`);
  });

  it('refuses a count too small for a cut line, naming the rule', async () => {
    const run = await seed(['--count', '1']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('The count must be a whole number from 2 to 12');
  });
});
