// The floor for the lifecycle benchmark: a bare bid workflow that makes the same calls as the
// real one — intake, the commit of each step, the deadline, evaluator assignment, seven review
// Updates each committed, scoring — with none of its model, table of actions or transitions.
import { condition, defineUpdate, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../src/activities/index.js';
import type { CommitInput } from '../src/activities/recorder.js';
import type { Bid } from '../src/domain/bid.js';
import { searchAttributes, type Actor, type BidState, type PolicySnapshot, type SubmissionReceipt } from '../src/shared.js';

export const bareReceiptUpdate = defineUpdate<SubmissionReceipt, [{ contentHash: string }]>('bareReceipt');
export const bareStepUpdate = defineUpdate<{ state: string }, [{ actor: Actor; n: number }]>('bareStep');

export async function bareBidWorkflow(input: { bid: Bid; contentHash: string; submittedBy: Actor; policy: PolicySnapshot }): Promise<string> {
  const { workflowId } = workflowInfo();
  const reference = input.bid.reference;
  const acts = proxyActivities<Activities>({ startToCloseTimeout: input.policy.activityTimeoutMs, retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });
  let version = 0;
  let events = 0;
  let intake = false;
  let steps = 0;
  let state: BidState = 'SUBMITTED';
  // Commits go one after another, in version order, as the bid workflow's do: an Update's commit
  // racing the main path's would reach the read model out of order and never be projected.
  let committed: Promise<unknown> = Promise.resolve();
  const commit = (summary: Record<string, unknown>, extras?: CommitInput['extras'], model?: Record<string, unknown>) => {
    const next = committed.then(() => send(summary, extras, model));
    committed = next;
    return next;
  };
  const send = (summary: Record<string, unknown>, extras?: CommitInput['extras'], model?: Record<string, unknown>) => {
    const at = new Date().toISOString();
    return acts.commit({
      streamType: 'bid',
      streamId: reference,
      version: ++version,
      ...(model ? { model: model as never } : { changes: [{ p: ['state'], v: state }] }),
      summary,
      events: [{ eventId: `${workflowId}#${++events}`, occurredAt: at, actorId: 'system', actorRole: 'system', action: 'bare.step', fromState: state, toState: state, payload: { n: events } }],
      alsoOn: [],
      notices: [],
      extras,
      updatedAt: at,
    });
  };

  setHandler(bareReceiptUpdate, async () => {
    await condition(() => intake);
    return { reference, state, missing: [] };
  });
  setHandler(
    bareStepUpdate,
    async () => {
      await condition(() => state === 'HUB_REVIEW');
      await commit({ waitingFor: `step ${steps + 1}` });
      steps += 1;
      return { state };
    },
    { validator: (_step: { actor: Actor; n: number }) => undefined },
  );

  upsertSearchAttributes([{ key: searchAttributes.state, value: state }]);
  await acts.checkIntake(input.bid);
  state = 'HUB_REVIEW';
  upsertSearchAttributes([{ key: searchAttributes.state, value: state }]);
  await commit(
    { state, waitingFor: 'assignment', band: null, benefitScore: null, mustFund: false, safetyEscalation: false },
    { bid: { bid: input.bid, contentHash: input.contentHash, submittedBy: input.submittedBy.id, submittedAt: new Date().toISOString(), workflowId } },
    { reference, state, review: null },
  );
  intake = true;
  const due = await acts.computeDeadline({ start: new Date().toISOString(), spec: input.policy.deadlines.hubReview, reminderFraction: input.policy.reminderFraction });
  const evaluators = await acts.assignEvaluators({ reference, cycle: 1, count: 1, excludeOrganisations: [input.bid.leadOrganisation], excludeUserIds: [] });
  await commit({ waitingFor: 'review' }, {
    assignments: { cycle: 1, open: true, dueAt: due.dueAt, reviews: evaluators.map((e) => ({ evaluatorId: e.id, assignedBy: 'system', assignedAt: due.startedAt, completedAt: null })) },
  });
  await condition(() => steps >= 7);
  const score = await acts.scoreBid({
    eventId: `${workflowId}#score1`,
    reference,
    bid: input.bid,
    ratings: { evidence_quality: 4, deliverability: 4, quality_and_safety: 4 },
    scoredAt: new Date().toISOString(),
  });
  state = 'AWAITING_ASSEMBLY';
  upsertSearchAttributes([
    { key: searchAttributes.state, value: state },
    { key: searchAttributes.band, value: score.band },
  ]);
  await commit({ state, band: score.band, benefitScore: score.benefitScore });
  await condition(() => false);
  return state;
}
