// A bid's scores, explained and re-derived: the score record for whoever may see the bid, and
// its verification for finance and the admin. Neither changes anything.
import { createRoute, z } from '@hono/zod-openapi';
import { scoreRecordSchema, scoreVerificationSchema } from '../../rules/record.js';
import { bidScore, SCORE_CHECKS, verifyBidScore } from '../../services/score-records.js';
import { errorResponses } from '../openapi.js';
import { bearer, newRouter } from '../router.js';
import { referenceParam } from '../schemas.js';

const TAG = 'Scores';

// The example bid (examples/bid.json) scored, verified, and verified with a recorded fact
// changed: made by scripts/score-examples.ts, kept true by test/scores.examples.test.ts.
import SCORE_EXAMPLE from '../examples/score.json' with { type: 'json' };
import VERIFY_EXAMPLE from '../examples/score-verify.json' with { type: 'json' };
import TAMPERED_EXAMPLE from '../examples/score-verify-tampered.json' with { type: 'json' };

const scoreIdField = z
  .string()
  .regex(/^score\d{1,6}$/, 'must be a score id such as score1')
  .openapi({ param: { name: 'scoreId', in: 'path' }, description: "A score's id within its bid, from `scores[].scoreId`", example: 'score1' });
const scoreParams = referenceParam.extend({ scoreId: scoreIdField });

const ruleSetRef = z.object({ id: z.string(), version: z.string(), hash: z.string() });

export const bidScoreSchema = scoreRecordSchema
  .extend({
    reference: z.string().openapi({ example: 'NW-2026-0042' }),
    scoreId: z.string().openapi({ description: 'This score within the bid', example: 'score1' }),
    eventId: z.string().openapi({ description: 'The score’s event id, as the trail’s scoring.completed event names it (payload.scoreEventId)', example: 'bid-NW-2026-0042#score1' }),
    scoredAt: z.string().openapi({ example: '2026-11-03T10:15:00.000Z' }),
    current: z.boolean().openapi({ description: 'Whether this is the score the bid holds now (a re-score keeps the earlier ones)' }),
    scores: z
      .array(z.object({ scoreId: z.string(), scoredAt: z.string(), ruleSet: ruleSetRef, benefitScore: z.number(), band: z.string(), current: z.boolean() }))
      .openapi({ description: 'Every score the bid has had, newest first; read each with GET /bids/{reference}/scores/{scoreId}' }),
  })
  .openapi('BidScore', { description: 'A stored score of a bid, explained from its record alone', example: SCORE_EXAMPLE });

const differenceSchema = z
  .object({
    check: z.enum(SCORE_CHECKS).openapi({
      description:
        '`rederivation`: the recorded rule set version re-run on the recorded facts, against the recorded bytes; `stored_result`: the stored result (what GET shows) against those bytes; ' +
        '`columns`: the score’s columns (band, benefit score, rule set) against them; `facts_from_bid`: the recorded facts against what the bid and the hub’s agreed ratings give on the recorded scoring day; ' +
        '`trail`: the hash-chained scoring.completed event that announced the score, and the bid’s chain',
    }),
    path: z.string().openapi({ example: 'facts.core20Percent' }),
    recorded: z.unknown().optional().openapi({ description: 'What the record checked holds there' }),
    recomputed: z.unknown().optional().openapi({ description: 'What it should hold, re-derived' }),
    message: z.string(),
  })
  .openapi('ScoreDifference');

export const scoreVerdictSchema = z
  .object({
    reference: z.string(),
    scoreId: z.string(),
    eventId: z.string(),
    scoredAt: z.string(),
    ruleSet: ruleSetRef.openapi({ description: 'The rule set version recorded, and re-run: never today’s' }),
    match: z.boolean().openapi({ description: 'True when every check holds' }),
    rederivation: scoreVerificationSchema,
    differences: z.array(differenceSchema).openapi({ description: 'Every check that failed, each with the first field where it differs' }),
    trail: z.object({
      valid: z.boolean().openapi({ description: 'Whether the bid’s hash chain holds' }),
      scoringEventSeq: z.number().int().nullable().openapi({ description: 'The trail event that announced the score' }),
      brokenAt: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
    }),
  })
  .openapi('ScoreVerdict', { description: 'A stored score re-derived and checked; nothing is changed', example: VERIFY_EXAMPLE });

const scoreAnswer = (description: string) => ({ description, content: { 'application/json': { schema: bidScoreSchema, example: SCORE_EXAMPLE } } });
const verdictAnswer = {
  description: 'The verdict: match, or every difference found',
  content: {
    'application/json': {
      schema: scoreVerdictSchema,
      examples: {
        match: { summary: 'The score holds', value: VERIFY_EXAMPLE },
        tampered: { summary: 'A recorded fact was changed after scoring (core20Percent 38 → 83)', value: TAMPERED_EXAMPLE },
      },
    },
  },
};

const RECORD_DESCRIPTION =
  'What ICB finance needs to see how the score came about: the rule set (id, version, content hash), the exact facts it was given, each criterion with its weight, ' +
  'applicability (and why not), score, rescaled weight and the rules that fired in their own words, the weighted sum and the rescaling, the band, the hard-rule flags and the scheme of delegation. ' +
  'For whoever may see the bid. A record whose parts disagree answers 409 `score_inconsistent`: verify it.';

const VERIFY_DESCRIPTION =
  'Finance and the admin re-derive a stored score: the recorded rule set version (not today’s, and not today’s date) is run again on the recorded facts and compared byte for byte with the recorded result; ' +
  'the stored result, the score’s columns, the bid’s own facts and ratings and the trail event that announced the score are checked against it. Changes nothing.';

export function scoresRouter() {
  const router = newRouter();
  router.openapi(
    createRoute({
      method: 'get',
      path: '/bids/{reference}/score',
      tags: [TAG],
      summary: "A bid's latest score, explained",
      description: RECORD_DESCRIPTION,
      security: bearer,
      request: { params: referenceParam },
      responses: { 200: scoreAnswer('The latest score'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json((await bidScore(c.get('deps'), c.get('user'), c.req.valid('param').reference)), 200),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/bids/{reference}/scores/{scoreId}',
      tags: [TAG],
      summary: 'One of a bid’s scores, the latest or an earlier one, explained',
      description: RECORD_DESCRIPTION,
      security: bearer,
      request: { params: scoreParams },
      responses: { 200: scoreAnswer('The score'), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      const { reference, scoreId } = c.req.valid('param');
      return c.json((await bidScore(c.get('deps'), c.get('user'), reference, scoreId)), 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/bids/{reference}/score/verify',
      tags: [TAG],
      summary: "Re-derive a bid's latest score (finance)",
      description: VERIFY_DESCRIPTION,
      security: bearer,
      request: { params: referenceParam },
      responses: { 200: verdictAnswer, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json((await verifyBidScore(c.get('deps'), c.get('user'), c.req.valid('param').reference)), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/bids/{reference}/scores/{scoreId}/verify',
      tags: [TAG],
      summary: 'Re-derive one of a bid’s scores (finance)',
      description: VERIFY_DESCRIPTION,
      security: bearer,
      request: { params: scoreParams },
      responses: { 200: verdictAnswer, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { reference, scoreId } = c.req.valid('param');
      return c.json((await verifyBidScore(c.get('deps'), c.get('user'), reference, scoreId)), 200);
    },
  );
  return router;
}
