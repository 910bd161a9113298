// Bids: submit, list and read them; the programme team's, the chair's and the admin's actions
// on one. Every action goes to the bid's workflow, whose validator decides; refusals map to HTTP.
import { createRoute, type z } from '@hono/zod-openapi';
import { bidSubmissionSchema } from '../../domain/bid.js';
import {
  allowedBidActions,
  bidActionStatus,
  contentHashOf,
  listBids,
  readVisibleBid,
  runBidAction,
  submitBidOnce,
} from '../../services/bids.js';
import {
  chairsActionUpdate,
  declareInterestUpdate,
  recordBoardDecisionUpdate,
  recordConditionMetUpdate,
  waiveConditionUpdate,
  requestReconsiderationUpdate,
  rescoreUpdate,
  resubmitUpdate,
  reviewReconsiderationUpdate,
  withdrawUpdate,
  type Actor,
  type BidStatus,
} from '../../shared.js';
import { errorResponses } from '../openapi.js';
import { bearer, newRouter } from '../router.js';
import { bidActionRoute, body, idempotencyHeader, json } from './helpers.js';
import {
  bidDetailSchema,
  bidListQuery,
  bidListSchema,
  boardDecisionBody,
  chairsActionBody,
  conditionMetBody,
  conditionWaiverBody,
  interestBody,
  reconsiderationBody,
  reconsiderationReviewBody,
  receiptSchema,
  referenceParam,
  rescoreBody,
  splitConditions,
  withdrawBody,
} from '../schemas.js';

/** What the chair's action route sends the workflow: the conditions' words, and their due days when one has one. */
function chairsActionArgs(actor: Actor, { conditions, ...rest }: z.infer<typeof chairsActionBody>) {
  return { actor, ...rest, ...splitConditions(conditions) };
}


export function bidsRouter() {
  const router = newRouter();
  router.openapi(
      createRoute({
        method: 'post',
        path: '/bids',
        tags: ['Bids'],
        summary: 'Submit a bid',
        description:
          "A programme team member submits a bid led by their own organisation. The bid's workflow (`bid-<reference>`) starts and runs intake; " +
          'the answer says whether the bid went to hub review or was returned with what is missing. Send an `Idempotency-Key` so a retried request cannot create a second bid.',
        security: bearer,
        request: { headers: idempotencyHeader, ...body(bidSubmissionSchema) },
        responses: {
          201: json(receiptSchema, 'Submitted; intake has run'),
          200: json(receiptSchema, 'Already submitted with this content'),
          202: json(receiptSchema, 'Submitted; intake is still running'),
          ...errorResponses(400, 401, 403, 409, 413, 422),
        },
      }),
      async (c) => {
        const answer = await submitBidOnce(c.get('deps'), c.get('user'), c.req.valid('json'), c.req.valid('header')['idempotency-key']);
        c.header('Location', `/bids/${answer.receipt.reference}`);
        if (answer.replayed) c.header('Idempotent-Replayed', 'true');
        return c.json(answer.receipt, answer.status);
      },
  );
  router.openapi(
      createRoute({
        method: 'get',
        path: '/bids',
        tags: ['Bids'],
        summary: 'List bids you may see',
        description:
          "Programme teams see their own organisation's bids; evaluators see bids that reached review; the Assembly sees scored bids; finance and admin see all.",
        security: bearer,
        request: { query: bidListQuery },
        responses: { 200: json(bidListSchema, 'One page of bids, newest change first'), ...errorResponses(400, 401) },
      }),
      async (c) => c.json(await listBids(c.get('deps'), c.get('user'), c.req.valid('query')), 200),
  );
  router.openapi(
      createRoute({
        method: 'get',
        path: '/bids/{reference}',
        tags: ['Bids'],
        summary: 'One bid: its content, state, deadlines, and what you may do next',
        security: bearer,
        request: { params: referenceParam },
        responses: { 200: json(bidDetailSchema, 'The bid'), ...errorResponses(400, 401, 403, 404) },
      }),
      async (c) => {
        const { reference } = c.req.valid('param');
        const deps = c.get('deps');
        const user = c.get('user');
        const { view, model } = await readVisibleBid(deps, user, reference);
        return c.json({ bid: view, status: { ...(view.status as unknown as BidStatus) }, allowedActions: await allowedBidActions(deps, user, reference, model) }, 200);
      },
  );
  router.openapi(
      bidActionRoute('resubmit', {
        summary: 'Resubmit a returned bid, or answer a revision request',
        description: 'The whole bid again, with what intake or the hub asked for. It goes through intake once more; the answer is its receipt.',
        body: bidSubmissionSchema,
        response: receiptSchema,
      }),
      async (c) => {
        const bid = c.req.valid('json');
        return c.json(await runBidAction(c.get('deps'), c.req.valid('param').reference, resubmitUpdate, { actor: c.get('user'), bid, contentHash: contentHashOf(bid) }), 200);
      },
  );
  router.openapi(bidActionRoute('withdraw', { summary: 'Withdraw a bid', description: "The lead organisation's programme team withdraws its bid from any open state.", body: withdrawBody }), async (c) =>
      c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, withdrawUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );
  router.openapi(
      bidActionRoute('interests', { summary: 'Declare an interest in a bid', description: 'Anyone who reviews, votes or decides declares an interest; it bars them from the bid.', body: interestBody }),
      async (c) =>
        c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, declareInterestUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );
  router.openapi(
      bidActionRoute('chairs-action', {
        summary: "Take chair's action on a safety escalation",
        description: 'The chair or vice-chair decides a safety-escalated bid between meetings; the next meeting ratifies it.',
        body: chairsActionBody,
        tag: 'Assembly',
      }),
      async (c) =>
        c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, chairsActionUpdate, chairsActionArgs(c.get('user'), c.req.valid('json'))), 200),
  );
  router.openapi(
      bidActionRoute('conditions/met', {
        summary: 'Record a condition of the decision as met',
        description:
          "The evaluation hub lead (without a conflict of interest) records that a condition of the decision in force (`c1`, `c2`, ... in `status.conditions`) is met, " +
          'with the evidence the programme team gave: `condition.met` on the trail, and its notices stop. While the bid is supported or funded.',
        body: conditionMetBody,
        tag: 'Evaluation hub',
      }),
      async (c) =>
        c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, recordConditionMetUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );
  router.openapi(
      bidActionRoute('conditions/waiver', {
        summary: 'Waive a condition of the decision',
        description:
          'The Assembly chair (without a conflict of interest) waives a condition of the decision in force that is not yet met, with the reason: ' +
          '`condition.waived` on the trail, its notices stop, and the programme team and the hub are told. While the bid is supported or funded.',
        body: conditionWaiverBody,
        tag: 'Assembly',
      }),
      async (c) =>
        c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, waiveConditionUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );
  router.openapi(
      bidActionRoute('board-decision', { summary: "Record the ICB Board's decision", description: 'For bids of £1,000,000 or more, which the Assembly supported.', body: boardDecisionBody, tag: 'Admin' }),
      async (c) =>
        c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, recordBoardDecisionUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );
  router.openapi(
      bidActionRoute('reconsideration', {
        summary: "Ask for reconsideration of the Assembly's decision",
        description:
          "The lead organisation's programme team asks the CCP Assembly to reconsider its decision not to support the bid, with its grounds and the new information, " +
          'within DEADLINE_RECONSIDERATION (default 30 working days) of the decision letter. Once, per decision; a request after the window is refused (rule `reconsideration_window`).',
        body: reconsiderationBody,
      }),
      async (c) =>
        c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, requestReconsiderationUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );
  router.openapi(
      bidActionRoute('reconsideration-review', {
        summary: 'Review a request for reconsideration',
        description:
          "The evaluation hub lead (without a conflict of interest) reviews the request: `return_to_assembly` puts the bid back before the CCP Assembly, on the next agenda with its history; `uphold` lets the decision stand.",
        body: reconsiderationReviewBody,
        tag: 'Evaluation hub',
      }),
      async (c) =>
        c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, reviewReconsiderationUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );
  router.openapi(
      bidActionRoute('rescore', { summary: 'Re-score a bid waiting for the Assembly', description: 'Runs the active (or a named) rule set again; the earlier score stays on the record.', body: rescoreBody, tag: 'Admin' }),
      async (c) =>
        c.json(await bidActionStatus(c.get('deps'), c.req.valid('param').reference, rescoreUpdate, { actor: c.get('user'), ...c.req.valid('json') }), 200),
  );
  return router;
}

