// The evaluation hub: an evaluator's queue, and each review step on a bid, through the bid's
// workflow (assignment, steps, ratings with "not applicable", completion, revisions, moderation).
import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema.js';
import { actorOf } from '../../services/auth.js';
import { withInterests } from '../../services/interests.js';
import { bidActionStatus, reviewQueue } from '../../services/bids.js';
import {
  assignReviewUpdate,
  completeReviewUpdate,
  moderateUpdate,
  recordRatingUpdate,
  recordReviewStepUpdate,
  requestRevisionsUpdate,
  takeReviewUpdate,
} from '../../shared.js';
import { ApiError } from '../errors.js';
import { errorResponses } from '../openapi.js';
import { bearer, newRouter } from '../router.js';
import { assignBody, completeBody, moderateBody, queueItemSchema, ratingBody, revisionsBody, stepBody } from '../schemas.js';
import { bidActionRoute, json } from './helpers.js';

const TAG = 'Evaluation hub';

export function reviewsRouter() {
  const router = newRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/reviews/queue',
      tags: [TAG],
      summary: 'My review queue, overdue first',
      description: 'Bids assigned to you, bids with an open review place you have no conflict with, and (for the hub lead) bids waiting for moderation.',
      security: bearer,
      responses: { 200: json(z.object({ items: z.array(queueItemSchema) }).openapi('ReviewQueue'), 'The queue'), ...errorResponses(401, 403) },
    }),
    async (c) => {
      const user = c.get('user');
      if (!user.roles.includes('evaluator') && !user.roles.includes('hub_lead')) {
        throw new ApiError(403, 'forbidden', 'Only evaluators and the hub lead have a review queue', { rule: 'role' });
      }
      return c.json({ items: await reviewQueue(c.get('deps'), user) }, 200);
    },
  );

  router.openapi(
    bidActionRoute('review/take', {
      summary: 'Take an open review place',
      description: 'An evaluator with no conflict takes a review the automatic assignment could not fill.',
      body: z.object({}).strict(),
      tag: TAG,
    }),
    async (c) => c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, takeReviewUpdate, { actor: c.get('user') }), 200),
  );

  router.openapi(
    bidActionRoute('review/assign', {
      summary: 'Assign or reassign a review (hub lead)',
      description: 'Name the evaluator, and the one they replace if the places are full.',
      body: assignBody,
      tag: TAG,
    }),
    async (c) => {
      const { evaluatorId, replaces } = c.req.valid('json');
      const deps = c.get('deps');
      const [evaluator] = await deps.db.select().from(users).where(eq(users.id, evaluatorId)).limit(1);
      if (!evaluator || !evaluator.active) {
        throw new ApiError(422, 'refused', `There is no active user ${evaluatorId}`, [{ field: 'evaluatorId', rule: 'known_user', message: 'is not an active user' }]);
      }
      return c.json(await bidActionStatus(deps, c.req.valid('param').reference, assignReviewUpdate, { actor: c.get('user'), evaluator: await withInterests(deps.db, actorOf(evaluator)), replaces }), 200);
    },
  );

  router.openapi(
    bidActionRoute('review/steps', {
      summary: 'Record a review step',
      description: 'Evaluation design, outcome measures or data availability, each recorded separately by an assigned evaluator.',
      body: stepBody,
      tag: TAG,
    }),
    async (c) => c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, recordReviewStepUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );

  router.openapi(
    bidActionRoute('review/ratings', {
      summary: 'Record a rating',
      description: 'Evidence quality, deliverability or quality and safety, 0 to 5, or null for not applicable.',
      body: ratingBody,
      tag: TAG,
    }),
    async (c) => c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, recordRatingUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );

  router.openapi(
    bidActionRoute('review/complete', {
      summary: 'Complete my review',
      description: 'Once every step and rating is recorded: ready for scoring, or not supported (with a reason).',
      body: completeBody,
      tag: TAG,
    }),
    async (c) => c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, completeReviewUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );

  router.openapi(
    bidActionRoute('review/revisions', {
      summary: 'Request revisions from the programme team',
      description: 'An assigned evaluator or the hub lead, at most twice per bid.',
      body: revisionsBody,
      tag: TAG,
    }),
    async (c) => c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, requestRevisionsUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );

  router.openapi(
    bidActionRoute('review/moderation', {
      summary: 'Moderate divergent ratings (hub lead)',
      description: 'When two evaluators differ by 3 or more on a criterion: the moderated ratings and the decision. Both originals stay on the trail.',
      body: moderateBody,
      tag: TAG,
    }),
    async (c) => c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, moderateUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );

  return router;
}
