// Every route of the OpenAPI document, fuzzed: requests generated from each operation's own
// parameters and body schema (valid-looking values, near misses and hostile ones: NUL, lone
// surrogates, control characters, huge numbers, wrong types), sent as each kind of caller.
// Whatever arrives: never a 5xx, every error in the one shape, and a refused request changes
// nothing. FUZZ_RUNS sets how many requests (default 2,000; the issue's run used 10,000).
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { reviewToAssembly, smallBid, submit, waitForBid } from './helpers/lifecycle.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  pattern?: string;
  $ref?: string;
  nullable?: boolean;
  default?: unknown;
}
interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
type Doc = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

let ctx: TestContext;
let doc: Doc;
let references: string[] = [];
const USERS = ['amira.hassan', 'tom.fletcher', 'priya.shah', 'rachel.green', 'sarah.collins', 'peter.novak', 'claire.dawson', 'ian.thompson'];

beforeAll(async () => {
  ctx = await createTestContext();
  doc = (await (await ctx.app.request('/openapi.json')).json()) as Doc;
  // Real things to aim at: bids in review and at the Assembly, a meeting, a round.
  const inReview = await submit(ctx, smallBid());
  const atAssembly = await submit(ctx, smallBid());
  await waitForBid(ctx, inReview, (b) => b.state === 'HUB_REVIEW' && !!b.review?.reviews.length, 'review');
  await reviewToAssembly(ctx, atAssembly);
  references = [inReview, atAssembly];
}, 180_000);
afterAll(async () => ctx?.close());

const hostileString = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\uD800', 'x\uDFFFy', '\u0007bell', '%00', '../../etc/passwd', "'; drop table bids; --", '<script>alert(1)</script>', '=HYPERLINK("x")', '🏥'.repeat(50), ' '.repeat(6000), 'NW-2026-0001', '9'.repeat(400)),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ maxLength: 20 }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, [], {}, [null], { __proto__: { admin: true } }),
  fc.integer(),
);

function resolve(schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) return resolve(doc.components?.schemas?.[schema.$ref.split('/').at(-1)!]);
  return schema;
}

/** A value for a schema: mostly one that fits, sometimes a near miss or something hostile. */
function valueFor(raw: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  if (depth > 4) return fc.constant(null);
  const options = schema.anyOf ?? schema.oneOf;
  if (options?.length) return fc.oneof(...options.map((o) => valueFor(o, depth + 1)));
  if (schema.allOf?.length) return valueFor(schema.allOf[0], depth + 1);
  const fitting = ((): fc.Arbitrary<unknown> => {
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
    switch (type) {
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 1_000_000_000, Number.MAX_SAFE_INTEGER) });
      case 'number':
        return fc.double({ min: schema.minimum ?? -10, max: schema.maximum ?? 1e6, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(valueFor(schema.items, depth + 1), { maxLength: 3 });
      case 'object': {
        const props = Object.entries(schema.properties ?? {});
        if (!props.length) return fc.constant({});
        const required = new Set(schema.required ?? []);
        return fc.record(Object.fromEntries(props.map(([k, v]) => [k, valueFor(v, depth + 1)])), { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) });
      }
      case 'string':
        if (schema.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
        if (schema.format === 'date') return fc.constantFrom('2026-12-01', '2027-04-01', '2026-02-30');
        return fc.oneof(fc.constantFrom('ready', 'adequate', 'support', 'evidence_quality', 'evaluation_design', 'Clear reasons', '2026/27', 'NNUH', 'priya.shah', 'item-1', ...references), fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) }));
      default:
        return hostileValue;
    }
  })();
  return fc.oneof({ weight: 6, arbitrary: fitting }, { weight: 1, arbitrary: hostileValue });
}


interface Request {
  method: string;
  path: string;
  user: string | null;
  body?: unknown;
  headers: Record<string, string>;
}

function requests(): fc.Arbitrary<Request> {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
  return fc.constantFrom(...ops).chain(({ path, method, op }) => {
    const params = op.parameters ?? [];
    const pathParams = params.filter((p) => p.in === 'path');
    const query = params.filter((p) => p.in === 'query');
    const bodySchema = op.requestBody?.content?.['application/json']?.schema;
    const pathValue = (p: (typeof params)[number]) =>
      fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...references, 'item-1', 'item-2', 'claire.dawson', 'missing-thing') }, { weight: 1, arbitrary: valueFor(p.schema) }, { weight: 1, arbitrary: hostileString });
    return fc.record({
      user: fc.oneof({ weight: 8, arbitrary: fc.constantFrom<string | null>(...USERS) }, { weight: 1, arbitrary: fc.constant<string | null>(null) }),
      pathValues: fc.tuple(...pathParams.map(pathValue)),
      query: fc.tuple(...query.map((p) => fc.option(valueFor(p.schema), { nil: undefined }))),
      body: bodySchema ? fc.oneof({ weight: 5, arbitrary: valueFor(bodySchema) }, { weight: 1, arbitrary: hostileValue }) : fc.constant(undefined),
      key: fc.option(fc.constantFrom('fuzz-key-0001', 'fuzz-key-0002', 'short', 'x'.repeat(200)), { nil: undefined }),
    }).map(({ user, pathValues, query: queryValues, body, key }) => {
      let concrete = path;
      pathParams.forEach((p, i) => (concrete = concrete.replace(`{${p.name}}`, encodePath(String(pathValues[i])))));
      const search = new URLSearchParams();
      query.forEach((p, i) => {
        const v = queryValues[i];
        if (v !== undefined) search.set(p.name, typeof v === 'string' ? v : JSON.stringify(v));
      });
      const qs = search.toString();
      const headers: Record<string, string> = key ? { 'idempotency-key': key } : {};
      return { method, path: `${concrete}${qs ? `?${qs}` : ''}`, user, body, headers };
    });
  });
}

/** What a refused request must not change: every stream, read model, person and token. */
async function fingerprint(): Promise<string> {
  const [row] = rowsOf<Record<string, unknown>>(
    await ctx.db.execute(sql`select (select count(*) from decision_events) as events,
      (select coalesce(sum(projection_version), 0) from bids) as bids,
      (select coalesce(sum(projection_version), 0) from meetings) as meetings,
      (select coalesce(sum(projection_version), 0) from funding_rounds) as rounds,
      (select count(*) from users) as users,
      (select string_agg(id || roles::text || active::text || organisation, ',' order by id) from users) as people,
      (select count(*) from api_tokens where revoked_at is null) as tokens,
      (select count(*) from rule_set_activations) as activations`),
  );
  return JSON.stringify(row);
}

/** Until nothing moves: a request that was accepted may start work that finishes a moment later. */
async function settled(): Promise<string> {
  let last = await fingerprint();
  for (;;) {
    await new Promise((r) => setTimeout(r, 150));
    const now = await fingerprint();
    if (now === last) return now;
    last = now;
  }
}

/**
 * A path segment as a hostile client could send it: a lone surrogate cannot be UTF-8, so it goes
 * as the three bytes a lax encoder would write (%ED%A0%80), which the service must refuse cleanly.
 */
function encodePath(value: string): string {
  return value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]|[^\uD800-\uDFFF]+/g, (part) => {
    if (part.length !== 1 || part.charCodeAt(0) < 0xd800 || part.charCodeAt(0) > 0xdfff) return encodeURIComponent(part);
    const code = part.charCodeAt(0);
    return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  });
}

describe('every route of the OpenAPI document, fuzzed', () => {
  it(`answers ${RUNS.toLocaleString('en-GB')} generated requests with no 5xx, one error shape, and no change on refusal`, async () => {
    const statuses = new Map<number, number>();
    let before = await settled();
    await fc.assert(
      fc.asyncProperty(requests(), async (req) => {
        const headers: Record<string, string> = { ...req.headers };
        let body: string | undefined;
        if (req.body !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(req.body);
        }
        const res = req.user ? await ctx.api(req.user, req.path, { method: req.method, headers, body }) : await ctx.app.request(req.path, { method: req.method, headers, body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        if (res.status >= 500) throw new Error(`${req.method} ${req.path} answered ${res.status}: ${text.slice(0, 300)}`);
        if (res.status >= 400) {
          const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
          expect(typeof parsed.error?.code, `${req.method} ${req.path}`).toBe('string');
          expect(typeof parsed.error?.message).toBe('string');
          expect(text).not.toMatch(/at .*\.ts:\d+/);
          expect(await fingerprint(), `a refused ${req.method} ${req.path} (${res.status}) changed something`).toBe(before);
        } else before = await settled();
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261202), endOnFailure: true },
    );
    const summary = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ');
    console.log(`[fuzz] ${RUNS} requests over ${Object.keys(doc.paths).length} paths: ${summary}`);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  }, 3_600_000);
});
