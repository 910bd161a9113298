// One durable workflow per bid, id `bid-<reference>`: it carries the bid through its lifecycle.
import { ApplicationFailure, condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { TrailEventInput } from '../domain/trail.js';
import {
  RefusalType,
  searchAttributes,
  statusQuery,
  submissionReceiptUpdate,
  type Actor,
  type BidState,
  type BidStatus,
  type BidWorkflowInput,
  type MissingItem,
} from '../shared.js';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function bidWorkflow(input: BidWorkflowInput): Promise<BidState> {
  const { bid } = input;
  const workflowId = workflowInfo().workflowId;
  let state: BidState = 'SUBMITTED';
  let missing: MissingItem[] = [];
  let eventCounter = 0;
  let projectionVersion = 0;
  // Answers to human actions wait for the read model, so a read after the answer sees it.
  let intakeRecorded = false;
  const contentHash = input.contentHash;

  const status = (): BidStatus => ({ reference: bid.reference, state, missing });
  const nextEventId = () => `${workflowId}#${++eventCounter}`;
  const now = () => new Date().toISOString();
  const event = (actor: Actor, role: string, action: string, to: BidState, payload: Record<string, unknown> = {}): TrailEventInput => ({
    eventId: nextEventId(),
    occurredAt: now(),
    actorId: actor.id,
    actorRole: role,
    action,
    fromState: state,
    toState: to,
    payload,
  });

  setHandler(statusQuery, status);
  setHandler(
    submissionReceiptUpdate,
    async () => {
      await condition(() => intakeRecorded);
      return { reference: bid.reference, state, missing };
    },
    {
      validator: ({ contentHash: asked }) => {
        if (asked !== contentHash) {
          throw ApplicationFailure.create({
            type: RefusalType.referenceInUse,
            message: `reference ${bid.reference} is already used by a different bid`,
            nonRetryable: true,
          });
        }
      },
    },
  );

  const moveTo = (next: BidState) => {
    state = next;
    upsertSearchAttributes([{ key: searchAttributes.state, value: next }]);
  };

  upsertSearchAttributes([
    { key: searchAttributes.primaryAmbition, value: bid.primaryAmbition },
    { key: searchAttributes.leadOrganisation, value: bid.leadOrganisation },
  ]);

  // Intake: check completeness, store the bid and its first events.
  const submittedAt = now();
  const submitted = event(input.submittedBy, 'applicant', 'bid.submitted', 'INTAKE', { contentHash });
  moveTo('INTAKE');
  missing = await acts.checkIntake(bid);
  const outcome: BidState = missing.length > 0 ? 'RETURNED' : 'HUB_REVIEW';
  const intakeEvent = event(
    { id: 'system', name: 'Intake', roles: [], organisation: 'ICB' },
    'system',
    missing.length > 0 ? 'intake.returned' : 'intake.completed',
    outcome,
    missing.length > 0 ? { missing } : {},
  );
  moveTo(outcome);
  await acts.recordBidEvents({
    reference: bid.reference,
    events: [submitted, intakeEvent],
    projection: { version: ++projectionVersion, state, updatedAt: now(), status: { missing } },
    submission: { bid, contentHash, submittedBy: input.submittedBy.id, submittedAt, workflowId },
  });
  intakeRecorded = true;

  // The rest of the lifecycle builds on this (issue 3).
  await condition(() => false);
  return state;
}
