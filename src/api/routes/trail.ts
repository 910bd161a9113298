// The decision trail: one bid's (for whoever may see the bid), the whole trail and its CSV
// export and verification (finance and admin), and the money supported and committed.
import { createRoute, z } from '@hono/zod-openapi';
import { financialYearSchema } from '../../domain/bid.js';
import { actionsMatchingWords, AMBITIONS, PLACES } from '../../domain/vocabulary.js';
import { getVisibleBid } from '../../services/bids.js';
import { getMeeting } from '../../services/meetings.js';
import { committedAgainstEnvelopes } from '../../services/rounds.js';
import { bidTrail, exportFinanceCsv, exportTrailCsv, moneyTotals, needFinance, searchTrail, verifyTrail, type TrailFilters } from '../../services/trail.js';
import { BID_STATES } from '../../shared.js';
import { errorResponses } from '../openapi.js';
import { bearer, newRouter } from '../router.js';
import { meetingIdParam, referenceParam, trailEventSchema } from '../schemas.js';
import { json } from './helpers.js';

const TAG = 'Decision trail';

const filtersQuery = z.object({
  financialYear: z
    .string()
    .optional()
    .pipe(financialYearSchema.optional())
    .openapi({ description: 'Bids with costs in this financial year', example: '2026/27' }),
  ambition: z.enum(AMBITIONS).optional().openapi({ description: 'Primary or secondary ambition' }),
  place: z.enum(PLACES).optional(),
  organisation: z.string().regex(/^[A-Z0-9_]{2,20}$/).optional().openapi({ description: 'Lead or partner organisation' }),
  state: z.enum(BID_STATES).optional().openapi({ description: "The bid's state now" }),
  minPence: z.coerce.number().int().min(0).optional().openapi({ description: "The bid's whole-life cost, at least" }),
  maxPence: z.coerce.number().int().min(0).optional().openapi({ description: "The bid's whole-life cost, at most" }),
  action: z.string().regex(/^[a-z_.]{1,60}$/).optional().openapi({ description: 'Actions starting with this, e.g. assembly.', example: 'assembly.' }),
  words: z
    .string()
    .max(100)
    .regex(/^[\p{L}\p{N}\s'’.,:-]*$/u, 'must be letters, numbers and spaces')
    .optional()
    .openapi({ description: "Events whose label (as the trail page names them) holds every word, each word the start of one of the label's", example: 'allocation confirmed' }),
  reference: z.string().max(20).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/** The query's filters for the service: the words become the actions whose labels hold them. */
function filtersOf({ words, ...filters }: z.infer<typeof filtersQuery>): TrailFilters {
  return words?.trim() ? { ...filters, actions: actionsMatchingWords(words) } : filters;
}

const BREAK_KINDS = [
  'event_changed',
  'event_deleted',
  'link_broken',
  'last_event_deleted',
  'chain_recomputed',
  'unsealed_events',
  'stream_unsealed',
  'seal_invalid',
  'stream_deleted',
  'heads_changed',
  'checkpoint_missing',
  'checkpoint_invalid',
  'seal_key_missing',
] as const;

const trailBreakSchema = z
  .object({
    kind: z.enum(BREAK_KINDS).openapi({ description: 'What was done to the trail, by name' }),
    streamId: z.string().nullable(),
    streamType: z.string().nullable(),
    seq: z.number().int().nullable(),
    eventId: z.string().nullable(),
    reason: z.string(),
  })
  .openapi('TrailBreak');

const verificationSchema = z
  .object({
    valid: z.boolean(),
    streams: z.number().int(),
    events: z.number().int(),
    sealsChecked: z.boolean(),
    checkpoint: z
      .object({ version: z.number().int(), streams: z.number().int(), events: z.number().int(), digest: z.string(), seal: z.string(), sealedAt: z.string() })
      .nullable()
      .openapi({ description: 'The sealed checkpoint over every stream head, as stored: keep a copy outside the database to compare later' }),
    firstBroken: trailBreakSchema.nullable(),
    broken: z.array(trailBreakSchema),
  })
  .openapi('TrailVerification');

const trailRowSchema = trailEventSchema.extend({
  bid: z.object({ title: z.string(), leadOrganisation: z.string(), primaryAmbition: z.string(), places: z.array(z.string()), totalPence: z.number().int(), bidState: z.string() }),
});

const moneySchema = z.object({ recurrentPence: z.number().int(), nonRecurrentPence: z.number().int(), totalPence: z.number().int(), bids: z.number().int() });

export function trailRouter() {
  const router = newRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/bids/{reference}/trail',
      tags: [TAG],
      summary: "One bid's decision trail, in order",
      description: 'Every state change and every human or automatic decision on the bid: actor and role, from and to state, payload, rule set version, and the hash chain.',
      security: bearer,
      request: { params: referenceParam },
      responses: { 200: json(z.object({ reference: z.string(), events: z.array(trailEventSchema) }), 'The trail'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { reference } = c.req.valid('param');
      await getVisibleBid(c.get('deps'), c.get('user'), reference);
      return c.json({ reference, events: await bidTrail(c.get('deps').db, reference) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/bids/{reference}/trail/verify',
      tags: [TAG],
      summary: "Verify one bid's hash chain",
      security: bearer,
      request: { params: referenceParam },
      responses: { 200: json(verificationSchema, 'The verdict, with the first broken link if any'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { reference } = c.req.valid('param');
      await getVisibleBid(c.get('deps'), c.get('user'), reference);
      return c.json(await verifyTrail(c.get('deps').db, c.get('deps').config.TRAIL_SEAL_KEY, reference), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/meetings/{meetingId}/trail',
      tags: [TAG],
      summary: "A meeting's own trail: scheduling, agenda, attendance, interests, votes, decisions",
      security: bearer,
      request: { params: meetingIdParam },
      responses: { 200: json(z.object({ meetingId: z.string(), events: z.array(trailEventSchema) }), 'The trail'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { meetingId } = c.req.valid('param');
      await getMeeting(c.get('deps'), c.get('user'), meetingId);
      return c.json({ meetingId, events: await bidTrail(c.get('deps').db, meetingId) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/trail',
      tags: [TAG],
      summary: 'The whole decision trail, filtered (finance)',
      description:
        "Events on every bid, filtered by the bid's financial year, ambition, place, organisation, state and amount, and by the event's action or the words of its label; oldest first, or newest first with order=newest. Pass nextCursor back as cursor for the next page (in the same order).",
      security: bearer,
      request: {
        query: filtersQuery.extend({
          cursor: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          order: z.enum(['oldest', 'newest']).default('oldest').openapi({ description: 'oldest first (the default) or newest first' }),
        }),
      },
      responses: {
        200: json(z.object({ items: z.array(trailRowSchema), nextCursor: z.number().int().nullable() }).openapi('TrailPage'), 'One page of events'),
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      needFinance(c.get('user'));
      const { cursor, limit, order, ...filters } = c.req.valid('query');
      return c.json(await searchTrail(c.get('deps').db, filtersOf(filters), cursor, limit, order), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/trail/export.csv',
      tags: [TAG],
      summary: 'Export the filtered trail as CSV (finance)',
      description: 'Streams, so any size exports in constant memory. Cells that would run as spreadsheet formulas are escaped.',
      security: bearer,
      request: { query: filtersQuery },
      responses: {
        200: { description: 'CSV, one row per event', content: { 'text/csv': { schema: z.string() } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    (c) => {
      needFinance(c.get('user'));
      const stamp = new Date().toISOString().slice(0, 10);
      return new Response(exportTrailCsv(c.get('deps').db, filtersOf(c.req.valid('query'))), {
        status: 200,
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="decision-trail-${stamp}.csv"` },
      });
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/trail/finance.csv',
      tags: [TAG],
      summary: "The filtered trail's decisions as CSV, in pounds and words (finance)",
      description:
        "One row per decision: the CCP Assembly's (as applied to the bid), the chair's action and its ratification, the ICB Board's, each allocation override and each allocation confirmed; oldest first. " +
        'Labels beside the codes (decision, outcome, role, state, organisation, ambition, places) and pounds beside the pence (the whole-life cost, and the bid\'s cost in the round\'s financial year). ' +
        'The same filters as the trail. Streams, a batch at a time; cells that would run as spreadsheet formulas are escaped.',
      security: bearer,
      request: { query: filtersQuery },
      responses: {
        200: { description: 'CSV, one row per decision', content: { 'text/csv': { schema: z.string() } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    (c) => {
      needFinance(c.get('user'));
      const stamp = new Date().toISOString().slice(0, 10);
      return new Response(exportFinanceCsv(c.get('deps').db, filtersOf(c.req.valid('query'))), {
        status: 200,
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="decisions-for-finance-${stamp}.csv"` },
      });
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/trail/verify',
      tags: [TAG],
      summary: 'Verify every hash chain and seal (finance)',
      description:
        "Recomputes every event's hash, bid, meeting and round streams alike; checks each stream's end against its head sealed with the trail key, and the heads against the sealed checkpoint; reports every break by kind (event_changed, event_deleted, last_event_deleted, stream_deleted, chain_recomputed, ...).",
      security: bearer,
      responses: { 200: json(verificationSchema, 'The verdict'), ...errorResponses(401, 403) },
    }),
    async (c) => {
      needFinance(c.get('user'));
      return c.json(await verifyTrail(c.get('deps').db, c.get('deps').config.TRAIL_SEAL_KEY), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/finance/totals',
      tags: ['Finance'],
      summary: 'Money supported and committed, per financial year and against each envelope',
      description:
        'Supported: bids the Assembly supported (awaiting the Board, in allocation, waitlisted or funded). Committed: funded bids. ' +
        "Envelopes: each confirmed round's envelopes with the money committed against them (earlier rounds' and its own) and what is left.",
      security: bearer,
      request: { query: z.object({ financialYear: z.string().optional().pipe(financialYearSchema.optional()) }) },
      responses: {
        200: json(
          z
            .object({
              years: z.array(z.object({ financialYear: z.string(), supported: moneySchema, committed: moneySchema })),
              envelopes: z.array(
                z.object({
                  roundId: z.string(),
                  title: z.string(),
                  financialYear: z.string(),
                  confirmedAt: z.string(),
                  envelopes: z.array(z.object({ id: z.string(), label: z.string(), envelopePence: z.number().int(), committedPence: z.number().int(), leftPence: z.number().int() }).loose()),
                }),
              ),
            })
            .openapi('MoneyTotals'),
          'Totals',
        ),
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      needFinance(c.get('user'));
      const { financialYear } = c.req.valid('query');
      const deps = c.get('deps');
      return c.json({ years: await moneyTotals(deps.db, financialYear), envelopes: await committedAgainstEnvelopes(deps, financialYear) }, 200);
    },
  );

  return router;
}
