// A round's allocation explained: what it would take to fund each waitlisted bid, the optimum
// beside the greedy rule, and the sensitivity to the weights. Reads only; they change nothing.
import { createRoute, z } from '@hono/zod-openapi';
import WHAT_IT_WOULD_TAKE_EXAMPLE from '../examples/round-what-it-would-take.json' with { type: 'json' };
import OPTIMUM_EXAMPLE from '../examples/round-optimum.json' with { type: 'json' };
import SENSITIVITY_EXAMPLE from '../examples/round-sensitivity.json' with { type: 'json' };
import { roundOptimum, roundSensitivity, roundWhatItWouldTake } from '../../services/round-analysis.js';
import { errorResponses } from '../openapi.js';
import { bearer, type newRouter } from '../router.js';

const TAG = 'Funding rounds';

const basisSchema = z
  .object({ roundId: z.string(), version: z.number().int().nullable(), runAt: z.string().nullable() })
  .openapi('AnalysisBasis', { description: 'The proposal analysed (its exact stored input), or version null before any run: the bids as they stand' });

const changeSchema = z
  .object({ kind: z.enum(['change', 'impossible', 'undetermined']), sentence: z.string() })
  .loose()
  .openapi('FundingChange', { description: "A change that would fund the bid (kind 'change', with its amount), or why none would" });

export const whatItWouldTakeSchema = z
  .object({
    basis: basisSchema,
    financialYear: z.string(),
    bids: z.array(
      z
        .object({
          reference: z.string(),
          rank: z.number().int(),
          roundCostPence: z.number().int(),
          totalCostPence: z.number().int(),
          benefitScore: z.number(),
          shortOn: z.array(z.string()),
          cost: changeSchema,
          envelope: z.object({ overall: changeSchema, subEnvelopes: z.array(changeSchema), together: changeSchema.nullable() }),
          score: changeSchema,
          sentence: z.string(),
        })
        .loose(),
    ),
  })
  .openapi('WhatItWouldTake', {
    description: 'For each waitlisted bid, in rank order, the smallest single change that would fund it under the round’s rule: a cost lower by £X, an envelope larger by £Y, or a score higher by Z — exact to the penny and the hundredth of a point',
  });

const fundedSetSchema = z.object({ funded: z.array(z.string()), benefitHundredths: z.number().int(), benefitScoreTotal: z.number(), roundCostPence: z.number().int() });

export const optimumSchema = z
  .object({
    basis: basisSchema,
    financialYear: z.string(),
    objective: z.string(),
    optimum: fundedSetSchema,
    greedy: fundedSetSchema,
    givenUpHundredths: z.number().int().min(0),
    givenUp: z.number(),
    onlyInOptimum: z.array(z.string()),
    onlyInGreedy: z.array(z.string()),
    envelopes: z.array(z.object({ id: z.string(), label: z.string(), moneyPence: z.number().int(), optimumPence: z.number().int(), greedyPence: z.number().int() })),
    solver: z.object({ name: z.literal('HiGHS'), version: z.string() }),
    sentence: z.string(),
  })
  .openapi('AllocationOptimum', { description: 'The most total benefit score the money could buy within every envelope (an integer programme solved by HiGHS), beside the greedy result, and the benefit the rule gives up' });

export const sensitivitySchema = z
  .object({
    basis: basisSchema,
    financialYear: z.string(),
    prng: z.literal('mulberry32'),
    seed: z.number().int(),
    samples: z.number().int(),
    spreadPercent: z.number(),
    robustPercent: z.number().int(),
    criteria: z.array(z.string()),
    bids: z.array(
      z.object({
        reference: z.string(),
        nominalOutcome: z.enum(['funded', 'waitlisted']),
        mustFund: z.boolean(),
        fundedCount: z.number().int(),
        fundedShare: z.number(),
        classification: z.enum(['robust-funded', 'robust-waitlisted', 'marginal']),
      }),
    ),
  })
  .openapi('AllocationSensitivity', { description: 'How often each bid is funded when every criterion weight varies within ±spreadPercent; the seed is returned, and the same query gives the same answer' });

const sensitivityQuery = z.object({
  spreadPercent: z.coerce.number().min(0).max(99.9999).default(10).openapi({ param: { name: 'spreadPercent', in: 'query' }, example: 10, description: 'n in ±n%; default 10' }),
  samples: z.coerce.number().int().min(1).max(20_000).default(1000).openapi({ param: { name: 'samples', in: 'query' }, example: 1000, description: 'Monte Carlo samples, 1 to 20,000; default 1,000' }),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(0xffff_ffff)
    .optional()
    .openapi({ param: { name: 'seed', in: 'query' }, example: 20260131, description: "The generator's seed; by default one derived from the round and the proposal's version (FNV-1a of `roundId@version`)" }),
});

const answer = <T extends z.ZodType>(schema: T, description: string, example: unknown) => ({ description, content: { 'application/json': { schema, example } } });

export function analysisRoutes(router: ReturnType<typeof newRouter>, roundIdParam: z.ZodObject<{ roundId: z.ZodString }>) {
  router.openapi(
    createRoute({
      method: 'get',
      path: '/rounds/{roundId}/what-it-would-take',
      tags: [TAG],
      summary: 'What it would take to fund each waitlisted bid (finance, admin)',
      description:
        'For the latest proposal (or, before any, the bids as they stand): each waitlisted bid with the smallest cost reduction, envelope or sub-envelope increase, and score increase that would fund it. ' +
        'Each is exact: with the change the allocation funds it, with one penny or one hundredth less it does not. Changes nothing.',
      security: bearer,
      request: { params: roundIdParam },
      responses: { 200: answer(whatItWouldTakeSchema, 'Each waitlisted bid, in rank order', WHAT_IT_WOULD_TAKE_EXAMPLE), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(whatItWouldTakeSchema.parse(await roundWhatItWouldTake(c.get('deps'), c.get('user'), c.req.valid('param').roundId)), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/rounds/{roundId}/optimum',
      tags: [TAG],
      summary: 'The best the money could buy, beside the greedy rule (finance, admin)',
      description:
        'The set of bids with the greatest total benefit score that fits every envelope and sub-envelope (must-fund bids always in), solved exactly by HiGHS and checked in integer pence; ' +
        'the greedy result; the benefit the rule gives up; and which bids differ. A what-if: it changes nothing.',
      security: bearer,
      request: { params: roundIdParam },
      responses: { 200: answer(optimumSchema, 'The optimum and the greedy result', OPTIMUM_EXAMPLE), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(optimumSchema.parse(await roundOptimum(c.get('deps'), c.get('user'), c.req.valid('param').roundId)), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/rounds/{roundId}/sensitivity',
      tags: [TAG],
      summary: 'How robust each decision is to the weights (finance, admin)',
      description:
        'A seeded Monte Carlo: each sample varies every criterion weight of the rule set within ±spreadPercent, rescores every bid from its recorded criterion scores and allocates again. ' +
        'Each bid’s funded count and share, and whether it is robustly funded, robustly waitlisted (either in 95% of samples or more) or marginal. The seed is in the answer: the same query gives the same answer, byte for byte. Changes nothing.',
      security: bearer,
      request: { params: roundIdParam, query: sensitivityQuery },
      responses: { 200: answer(sensitivitySchema, 'Each bid in rank order', SENSITIVITY_EXAMPLE), ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(sensitivitySchema.parse(await roundSensitivity(c.get('deps'), c.get('user'), c.req.valid('param').roundId, c.req.valid('query'))), 200),
  );
}
