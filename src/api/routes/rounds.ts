// Funding rounds: open one (admin), run its allocation (finance or admin), what-if runs that
// change nothing, confirm it into commitments (finance), cancel it (admin), and its trail.
import { freeText } from '../../domain/text.js';
import { createRoute, z } from '@hono/zod-openapi';
import { financialYearSchema } from '../../domain/bid.js';
import { AMBITIONS, PLACES } from '../../domain/vocabulary.js';
import { bidTrail } from '../../services/trail.js';
import { ALLOCATION_CHECKS, verifyRoundAllocation } from '../../services/allocation-verify.js';
import { getRound, listRounds, openRound, runRoundAction, whatIf } from '../../services/rounds.js';
import { analysisRoutes } from './round-analysis.js';
import { cancelRoundUpdate, confirmAllocationUpdate, overrideAllocationUpdate, ROUND_ACTIONS, runAllocationUpdate, type RoundStatus } from '../../shared.js';
import { errorResponses } from '../openapi.js';
import { bearer, newRouter } from '../router.js';
import { penceField, trailEventSchema } from '../schemas.js';
import { body, idempotencyHeader, json } from './helpers.js';

const TAG = 'Funding rounds';
const statusOf = (status: RoundStatus) => ({ ...status });

const roundIdParam = z.object({
  roundId: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{2,60}$/, 'must be lower-case letters, digits and hyphens')
    .openapi({ param: { name: 'roundId', in: 'path' }, example: '2026-27-main-round' }),
});

const subEnvelopeSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'must be lower-case letters, digits and hyphens'),
    dimension: z.enum(['ambition', 'place']),
    key: z.string().min(1),
    label: freeText(1, 200),
    envelopePence: penceField('This sub-envelope, in pence'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const keys: readonly string[] = s.dimension === 'ambition' ? AMBITIONS : PLACES;
    if (!keys.includes(s.key)) ctx.addIssue({ code: 'custom', path: ['key'], message: `must be one of: ${keys.join(', ')}` });
  })
  .openapi('SubEnvelope');

const roundCreateBody = z
  .object({
    roundId: roundIdParam.shape.roundId.optional(),
    title: freeText(3, 200),
    financialYear: financialYearSchema,
    envelopePence: penceField('The budget envelope, in pence'),
    subEnvelopes: z.array(subEnvelopeSchema).max(100).default([]),
    opensAt: z.iso.datetime({ offset: true }),
    closesAt: z.iso.datetime({ offset: true }),
  })
  .strict();

const roundSchema = z
  .object({ roundId: z.string(), title: z.string(), financialYear: z.string(), envelopePence: z.number().int(), state: z.enum(['OPEN', 'PROPOSED', 'CONFIRMED', 'CANCELLED']) })
  .loose()
  .openapi('FundingRound', { description: "A round: its envelopes, state, latest proposal (each bid's place and reason, the cut line) and history" });

const allocationSchema = z
  .object({
    version: z.number().int(),
    runAt: z.string(),
    runBy: z.string(),
    reason: z.string(),
    confirmedBy: z.string().nullable(),
    confirmedAt: z.string().nullable(),
    result: z.object({ funded: z.array(z.string()), waitlisted: z.array(z.string()), ranking: z.array(z.unknown()), cutLine: z.unknown(), envelopes: z.array(z.unknown()) }).loose(),
  })
  .openapi('Allocation', { description: 'The full result: every bid ranked by benefit per pound, with its draws, the money left before it, and why it fell where it did' });

const whatIfBody = z
  .object({
    envelopePence: penceField('Another envelope, in pence').optional(),
    subEnvelopes: z.array(subEnvelopeSchema).max(100).optional(),
    ruleSet: z.object({ id: z.string().min(1), version: z.string().min(1) }).strict().optional().openapi({ description: "Score every bid again with this rule set version, from its stored facts" }),
  })
  .strict();

const allocationParams = roundIdParam.extend({
  version: z.coerce.number().int().min(1).max(1_000_000).openapi({ param: { name: 'version', in: 'path' }, example: 1 }),
});

const ALLOCATION_VERDICT_EXAMPLE = {
  roundId: '2026-27-main-round',
  version: 1,
  financialYear: '2026/27',
  runAt: '2026-11-30T10:00:00.000Z',
  runBy: 'fiona',
  confirmedBy: 'fiona',
  match: false,
  rederivation: { match: false, recordedBytes: 4811, recomputedBytes: 4809 },
  differences: [
    {
      check: 'rederivation',
      path: 'result.ranking[2].outcome',
      recorded: 'funded',
      recomputed: 'waitlisted',
      message: 'Running the allocation again on the recorded input does not give the recorded result (recorded: the stored result; recomputed: the re-run)',
    },
  ],
};

const allocationVerdictSchema = z
  .object({
    roundId: z.string(),
    version: z.number().int(),
    financialYear: z.string(),
    runAt: z.string(),
    runBy: z.string(),
    confirmedBy: z.string().nullable(),
    match: z.boolean().openapi({ description: 'True when every check holds' }),
    rederivation: z.object({ match: z.boolean(), recordedBytes: z.number().int(), recomputedBytes: z.number().int() }).openapi({ description: "The recorded input run again: its canonical JSON against the recorded result's, byte for byte" }),
    differences: z
      .array(
        z.object({
          check: z.enum(ALLOCATION_CHECKS).openapi({
            description:
              '`rederivation`: the recorded input allocated again, against the recorded result; `scores`: each bid\'s benefit score in the input against the bid\'s recorded scores; ' +
              '`trail`: the round\'s allocation.proposed (or rerun) and allocation.confirmed events against the re-derived figures',
          }),
          path: z.string().openapi({ example: 'result.ranking[2].outcome' }),
          recorded: z.unknown().optional(),
          recomputed: z.unknown().optional(),
          message: z.string(),
        }),
      )
      .openapi({ description: 'Every check that failed, each with the first field where it differs' }),
  })
  .openapi('AllocationVerdict', { description: 'A stored allocation re-derived and checked; nothing is changed', example: ALLOCATION_VERDICT_EXAMPLE });

function roundAction<S extends z.ZodType>(path: string, summary: string, description: string, schema: S) {
  return createRoute({
    method: 'post',
    path: `/rounds/{roundId}/${path}`,
    tags: [TAG],
    summary,
    description,
    security: bearer,
    request: { params: roundIdParam, headers: idempotencyHeader, ...body(schema) },
    responses: { 200: json(roundSchema, 'The round after the action'), ...errorResponses(400, 401, 403, 404, 409, 413, 422) },
  });
}

export function roundsRouter() {
  const router = newRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/rounds',
      tags: [TAG],
      summary: 'Open a funding round (admin)',
      description: 'A financial year, a budget envelope in pence, optional sub-envelopes by ambition or place, an opening and a closing date. At the closing date the round allocates by itself if nobody has.',
      security: bearer,
      request: body(roundCreateBody),
      responses: { 201: json(roundSchema, 'Opened'), ...errorResponses(400, 401, 403, 409, 413) },
    }),
    async (c) => {
      const round = await openRound(c.get('deps'), c.get('user'), c.req.valid('json'));
      c.header('Location', `/rounds/${round.roundId}`);
      return c.json(statusOf(round), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/rounds',
      tags: [TAG],
      summary: 'Funding rounds, newest first (finance, admin)',
      security: bearer,
      responses: {
        200: json(z.object({ items: z.array(z.object({ roundId: z.string(), title: z.string(), financialYear: z.string(), envelopePence: z.number().int(), state: z.string(), opensAt: z.string(), closesAt: z.string() })) }), 'Rounds'),
        ...errorResponses(401, 403),
      },
    }),
    async (c) => c.json({ items: await listRounds(c.get('deps'), c.get('user')) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/rounds/{roundId}',
      tags: [TAG],
      summary: 'One round with its latest allocation in full, and what you may do',
      security: bearer,
      request: { params: roundIdParam },
      responses: {
        200: json(z.object({ round: roundSchema, allocation: allocationSchema.nullable(), allowedActions: z.array(z.enum(ROUND_ACTIONS)) }), 'The round'),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { round, allocation, allowedActions } = await getRound(c.get('deps'), c.get('user'), c.req.valid('param').roundId);
      return c.json({ round: statusOf(round), allocation: allocation ? { ...allocation, result: { ...allocation.result } } : null, allowedActions }, 200);
    },
  );

  router.openapi(
    roundAction('allocate', 'Run the allocation now (finance, admin)', "Must-fund bids first, then the rest by benefit score per pound while they fit; each bid learns its provisional place. Run again at will before confirmation.", z.object({ reason: freeText(1, 2000, 'A reason is required') }).strict()),
    async (c) => c.json(statusOf(await runRoundAction(c.get('deps'), c.req.valid('param').roundId, runAllocationUpdate, { actor: c.get('user'), ...c.req.valid('json') })), 200),
  );

  router.openapi(
    roundAction('confirm', 'Confirm the allocation (finance)', 'Turns the proposal you reviewed (by its version) into commitments: its bids become FUNDED or WAITLISTED, on the trail. With ALLOCATION_SECOND_CONFIRMER=true the person who ran that version may not confirm it (403, rule four_eyes): another finance person does.', z.object({ version: z.number().int().min(1) }).strict()),
    async (c) => c.json(statusOf(await runRoundAction(c.get('deps'), c.req.valid('param').roundId, confirmAllocationUpdate, { actor: c.get('user'), ...c.req.valid('json') })), 200),
  );

  router.openapi(
    roundAction(
      'override',
      'Move a bid across the line, with the reason (OVERRIDE_ROLES, default finance)',
      'Funds a waitlisted bid or waitlists a funded one in the proposal you reviewed (by its version), recorded on the round’s trail as `allocation.overridden` with the reason and who decided; the bid learns its new place. ' +
        'Refused (422, `details.rule` `envelope`) if the overrides of this version, taken together, would exceed the envelope or any sub-envelope; a must-fund bid cannot be waitlisted (`must_fund`). A new run starts without overrides.',
      z
        .object({
          version: z.number().int().min(1),
          reference: z.string().min(1).max(40),
          direction: z.enum(['fund', 'waitlist']),
          reason: freeText(1, 2000, 'A reason is required'),
        })
        .strict()
        .openapi({ example: { version: 1, reference: 'NW-2026-0101', direction: 'fund', reason: 'The only bid for the mental health crisis pathway; the Assembly asked that it be funded' } }),
    ),
    async (c) => c.json(statusOf(await runRoundAction(c.get('deps'), c.req.valid('param').roundId, overrideAllocationUpdate, { actor: c.get('user'), ...c.req.valid('json') })), 200),
  );

  router.openapi(
    roundAction('cancel', 'Cancel the round (admin)', 'Before confirmation; its bids are released for another round.', z.object({ reason: freeText(1, 2000, 'A reason is required') }).strict()),
    async (c) => c.json(statusOf(await runRoundAction(c.get('deps'), c.req.valid('param').roundId, cancelRoundUpdate, { actor: c.get('user'), ...c.req.valid('json') })), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/rounds/{roundId}/what-if',
      tags: [TAG],
      summary: 'What if: another envelope, other sub-envelopes, or another rule set (finance, admin)',
      description: 'The same allocation under other settings, with the differences from the latest proposal. It changes nothing: no bid, round or trail is touched.',
      security: bearer,
      request: { params: roundIdParam, ...body(whatIfBody) },
      responses: {
        200: json(z.object({ settings: z.unknown(), comparedWith: z.string(), result: z.unknown(), summary: z.unknown(), differences: z.array(z.unknown()) }).openapi('WhatIf'), 'The what-if result and its differences'),
        ...errorResponses(400, 401, 403, 404, 413),
      },
    }),
    async (c) => c.json(await whatIf(c.get('deps'), c.get('user'), c.req.valid('param').roundId, c.req.valid('json')), 200),
  );

  analysisRoutes(router, roundIdParam);

  router.openapi(
    createRoute({
      method: 'post',
      path: '/rounds/{roundId}/allocations/{version}/verify',
      tags: [TAG],
      summary: 'Re-derive an allocation from its recorded input (finance, admin)',
      description:
        "Runs the allocation again on the input recorded with version {version} and compares the result with the recorded one byte for byte (canonical JSON); checks each bid's benefit score in that input against the bid's recorded scores, and the round's trail events that announced and confirmed it. It changes nothing, in any state of the round.",
      security: bearer,
      request: { params: allocationParams },
      responses: { 200: json(allocationVerdictSchema, 'The verdict: match, or every difference found'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { roundId, version } = c.req.valid('param');
      return c.json(await verifyRoundAllocation(c.get('deps').db, c.get('user'), roundId, version), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/rounds/{roundId}/trail',
      tags: [TAG],
      summary: "A round's own trail: opened, each allocation run and rerun, confirmation",
      security: bearer,
      request: { params: roundIdParam },
      responses: { 200: json(z.object({ roundId: z.string(), events: z.array(trailEventSchema) }), 'The trail'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { roundId } = c.req.valid('param');
      await getRound(c.get('deps'), c.get('user'), roundId);
      return c.json({ roundId, events: await bidTrail(c.get('deps').db, roundId) }, 200);
    },
  );

  return router;
}
