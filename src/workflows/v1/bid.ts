// FROZEN first version, kept so bids, meetings and rounds started on it run to the end and
// their histories replay (test/replay.test.ts). New work starts the model-based workflows.
// One durable workflow per bid, id `bid-<reference>`: intake, evaluation hub review, scoring,
// the CCP Assembly and the routing after it. Every human action is an update whose validator
// checks role, conflict of interest and state, so a refused action never enters history.
import { SYSTEM, onUpdate, person, refuse } from './handlers.js';
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { Role } from '../../domain/vocabulary.js';
import type { TrailEventInput } from '../../domain/trail.js';
import {
  BID_ACTIONS,
  OPEN_BID_STATES,
  RATING_CRITERIA,
  REVIEW_STEPS,
  RefusalType,
  TERMINAL_BID_STATES,
  allocationConfirmedSignal,
  allocationProposedSignal,
  allocationReleasedSignal,
  allowedActionsQuery,
  assemblyDecisionSignal,
  assignReviewUpdate,
  bidInterestSignal,
  chairsActionUpdate,
  completeReviewUpdate,
  declareInterestUpdate,
  itemWithdrawnSignal,
  meetingInterestSignal,
  meetingWorkflowId,
  moderateUpdate,
  placeOnAgendaUpdate,
  rescoreUpdate,
  recordBoardDecisionUpdate,
  recordRatingUpdate,
  recordReviewStepUpdate,
  removedFromAgendaSignal,
  requestRevisionsUpdate,
  roundBidWithdrawnSignal,
  roundWorkflowId,
  resubmitUpdate,
  searchAttributes,
  statusQuery,
  submissionReceiptUpdate,
  takeReviewUpdate,
  withdrawUpdate,
  type Actor,
  type AssemblyDecision,
  type AssemblyStatus,
  type BidAction,
  type BidState,
  type BidStatus,
  type BidWorkflowInput,
  type Deadline,
  type EvaluatorReview,
  type Interest,
  type MissingItem,
  type PersonRef,
  type PolicySnapshot,
  type Ratings,
  type ReviewStatus,
  type ScoreSummary,
  type SubmissionReceipt,
} from './shared.js';

const setup = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { maximumInterval: '30 seconds' } });

const STAFF_ROLES: Role[] = ['evaluator', 'hub_lead', 'assembly_member', 'assembly_chair', 'finance', 'admin'];



/** Guards run in two modes: for a person (everything) or for a role (state and role only). */
type Mode = 'person' | 'role';

export async function bidWorkflow(input: BidWorkflowInput): Promise<BidState> {
  const workflowId = workflowInfo().workflowId;
  const reference = input.bid.reference;
  let bid = input.bid;
  let contentHash = input.contentHash;
  let state = 'SUBMITTED' as BidState;
  let missing: MissingItem[] = [];
  let returnedAt: string | undefined;
  let lapseDeadline: Deadline | undefined;
  let revisionDeadline: Deadline | undefined;
  let review: ReviewStatus | undefined;
  let score: ScoreSummary | undefined;
  let rescoreWith: { ruleSet?: { id: string; version: string } } | undefined;
  const assembly: AssemblyStatus = { deferrals: 0, decisions: [] };
  let board: BidStatus['board'];
  let allocation: BidStatus['allocation'];
  const interests: Interest[] = [];
  let withdrawn: BidStatus['withdrawn'];
  /** Counts completed intakes, so a (re)submission's answer waits for its own intake. */
  let intakesRecorded = 0;
  /** Counts recorded scores, so a re-score's answer waits for its own. */
  let scoresRecorded = 0;
  let resubmittedFrom: BidState | undefined;
  let eventCounter = 0;
  let projectionVersion = 0;
  let notificationCounter = 0;

  // Handlers are registered before the first await (an update may arrive with the first task);
  // the policy and the activities they use are in place before any of them runs an activity.
  // eslint-disable-next-line prefer-const -- assigned once, after the handlers that use it are registered
  let policy!: PolicySnapshot;
  // eslint-disable-next-line prefer-const -- as above
  let acts!: ReturnType<typeof proxyActivities<Activities>>;

  const now = () => new Date().toISOString();
  const totalPence = () => bid.costs.reduce((sum, c) => sum + c.recurrentPence + c.nonRecurrentPence, 0);
  const parties = () => [bid.leadOrganisation, ...bid.partnerOrganisations];
  const isTerminal = () => (TERMINAL_BID_STATES as readonly BidState[]).includes(state);
  const activeReviews = () => review?.reviews ?? [];
  const reviewOf = (id: string) => activeReviews().find((r) => r.evaluator.id === id);

  // ---------------------------------------------------------------------------------------
  // Guards: role, then conflict of interest, then state.

  const hasRole = (actor: Actor, ...roles: Role[]) => roles.some((r) => actor.roles.includes(r));
  const conflictOf = (who: { id: string; organisation: string }): string | null => {
    if (who.organisation === bid.leadOrganisation) return `belongs to ${who.organisation}, the bid's lead organisation`;
    if (bid.partnerOrganisations.includes(who.organisation)) return `belongs to ${who.organisation}, a partner organisation of the bid`;
    if (interests.some((i) => i.person.id === who.id)) return 'has declared an interest in the bid';
    return null;
  };
  const needRole = (actor: Actor, action: string, ...roles: Role[]) => {
    if (!hasRole(actor, ...roles)) refuse(RefusalType.forbidden, `Only ${roles.join(' or ')} may ${action}`, 'role');
  };
  const needNoConflict = (actor: Actor, action: string, mode: Mode) => {
    if (mode === 'role') return;
    const conflict = conflictOf(actor);
    if (conflict) refuse(RefusalType.conflictOfInterest, `${actor.name} may not ${action}: ${conflict}`, 'conflict_of_interest');
  };
  const needState = (action: string, ...states: BidState[]) => {
    if (!states.includes(state)) refuse(RefusalType.wrongState, `A bid in ${state} cannot ${action}; it must be ${states.join(' or ')}`, 'state');
  };
  const needOwnOrganisation = (actor: Actor, action: string, mode: Mode) => {
    if (mode === 'person' && actor.organisation !== bid.leadOrganisation) {
      refuse(RefusalType.forbidden, `Only the lead organisation's programme team (${bid.leadOrganisation}) may ${action}`, 'own_organisation');
    }
  };
  const needAssigned = (actor: Actor, action: string, mode: Mode) => {
    if (mode === 'role') return;
    const r = reviewOf(actor.id);
    if (!r) refuse(RefusalType.forbidden, `${actor.name} is not assigned to review this bid, so may not ${action}`, 'assigned_evaluator');
    if (r.completed) refuse(RefusalType.wrongState, `${actor.name} has completed this review already`, 'state');
  };
  const needReviewPhase = (action: string, phase: ReviewStatus['phase']) => {
    if (review?.phase !== phase) refuse(RefusalType.wrongState, `The review is in ${review?.phase ?? 'no'} phase; it cannot ${action} now`, 'state');
  };

  const guards: Record<BidAction, (actor: Actor, mode: Mode) => void> = {
    resubmit: (a, mode) => {
      needRole(a, 'resubmit a bid', 'applicant');
      needOwnOrganisation(a, 'resubmit it', mode);
      needState('be resubmitted', 'RETURNED', 'AWAITING_REVISION');
    },
    withdraw: (a, mode) => {
      needRole(a, 'withdraw a bid', 'applicant');
      needOwnOrganisation(a, 'withdraw it', mode);
      needState('be withdrawn', ...OPEN_BID_STATES);
    },
    takeReview: (a, mode) => {
      needRole(a, 'take a review', 'evaluator', 'hub_lead');
      needNoConflict(a, 'review this bid', mode);
      needState('be taken for review', 'HUB_REVIEW');
      needReviewPhase('take a review', 'review');
      if (mode === 'person' && reviewOf(a.id)) refuse(RefusalType.invalid, `${a.name} is already reviewing this bid`);
      if (activeReviews().length >= review!.requiredEvaluators) {
        refuse(RefusalType.invalid, `This bid already has its ${review!.requiredEvaluators} evaluator(s); the hub lead may reassign`);
      }
    },
    assignReview: (a, mode) => {
      needRole(a, 'assign or reassign a review', 'hub_lead');
      needNoConflict(a, 'assign reviews of this bid', mode);
      needState('have its review assigned', 'HUB_REVIEW');
      needReviewPhase('assign a review', 'review');
    },
    recordReviewStep: (a, mode) => {
      needRole(a, 'record a review step', 'evaluator', 'hub_lead');
      needNoConflict(a, 'review this bid', mode);
      needState('be reviewed', 'HUB_REVIEW');
      needReviewPhase('record a review step', 'review');
      needAssigned(a, 'record a review step', mode);
    },
    recordRating: (a, mode) => guards.recordReviewStep(a, mode),
    completeReview: (a, mode) => {
      guards.recordReviewStep(a, mode);
      if (mode === 'role') return;
      const r = reviewOf(a.id)!;
      const steps = REVIEW_STEPS.filter((s) => !r.steps[s]);
      const ratings = RATING_CRITERIA.filter((c) => !r.ratings[c]);
      if (steps.length || ratings.length) {
        refuse(RefusalType.invalid, `The review is not complete: still to record ${[...steps, ...ratings].join(', ')}`);
      }
    },
    requestRevisions: (a, mode) => {
      needRole(a, 'request revisions', 'evaluator', 'hub_lead');
      needNoConflict(a, 'review this bid', mode);
      needState('have revisions requested', 'HUB_REVIEW');
      if (mode === 'person' && !hasRole(a, 'hub_lead')) needAssigned(a, 'request revisions', mode);
      if (review!.revisionCycles >= policy.maxRevisionCycles) {
        refuse(RefusalType.invalid, `Revisions have been requested ${review!.revisionCycles} times, the most allowed; decide ready or not supported`);
      }
    },
    moderate: (a, mode) => {
      needRole(a, 'moderate divergent ratings', 'hub_lead');
      needNoConflict(a, 'moderate this bid', mode);
      needState('be moderated', 'HUB_REVIEW');
      needReviewPhase('be moderated', 'moderation');
    },
    declareInterest: (a, mode) => {
      needRole(a, 'declare an interest', ...STAFF_ROLES);
      if (isTerminal()) refuse(RefusalType.wrongState, `A bid in ${state} is closed`);
      if (mode === 'person' && interests.some((i) => i.person.id === a.id)) refuse(RefusalType.invalid, `${a.name} has already declared an interest`);
    },
    chairsAction: (a, mode) => {
      needRole(a, "take chair's action", 'assembly_chair');
      needNoConflict(a, "take chair's action on this bid", mode);
      needState("have chair's action taken", 'AWAITING_ASSEMBLY');
      if (!score?.flags.safetyEscalation) refuse(RefusalType.invalid, "Chair's action is only for a bid with a safety escalation");
      if (assembly.chairsAction) refuse(RefusalType.invalid, "Chair's action has been taken already");
      if (assembly.meetingId) refuse(RefusalType.wrongState, `The bid is on the agenda of ${assembly.meetingTitle ?? assembly.meetingId}; the meeting decides`);
    },
    recordBoardDecision: (a) => {
      needRole(a, "record the ICB Board's decision", 'admin');
      needState("have the Board's decision recorded", 'AWAITING_BOARD');
    },
    rescore: (a) => {
      needRole(a, 're-score a bid', 'admin');
      needState('be re-scored', 'AWAITING_ASSEMBLY');
      if (assembly.meetingId) refuse(RefusalType.wrongState, 'The bid is on an agenda; it cannot be re-scored until the meeting has decided');
    },
  };

  const passes = (action: BidAction, actor: Actor, mode: Mode) => {
    try {
      guards[action](actor, mode);
      return true;
    } catch {
      return false;
    }
  };
  const roleActions = (): BidStatus['nextActions'] => {
    const out: BidStatus['nextActions'] = {};
    for (const role of ['applicant', 'evaluator', 'hub_lead', 'assembly_member', 'assembly_chair', 'finance', 'admin'] as Role[]) {
      const sample: Actor = { id: `role:${role}`, name: role, roles: [role], organisation: '' };
      const actions = BID_ACTIONS.filter((a) => a !== 'declareInterest' && passes(a, sample, 'role'));
      if (actions.length) out[role] = actions;
    }
    return out;
  };

  // ---------------------------------------------------------------------------------------
  // Status, trail and projection

  const waitingFor = (): string => {
    switch (state) {
      case 'SUBMITTED':
      case 'INTAKE':
        return 'intake checks';
      case 'RETURNED':
        return `the programme team to resubmit with what is missing (lapses ${lapseDeadline?.dueAt ?? ''})`;
      case 'HUB_REVIEW': {
        if (!review) return 'the evaluation hub to assign evaluators';
        if (review.phase === 'moderation') return 'the hub lead to moderate divergent ratings';
        const open = review ? review.requiredEvaluators - review.reviews.length : 0;
        if (open > 0) return `an evaluator to take the review (${open} place(s) open)`;
        const pending = activeReviews().filter((r) => !r.completed).map((r) => r.evaluator.name);
        return `evaluation hub review by ${pending.join(' and ')}`;
      }
      case 'AWAITING_REVISION':
        return 'the programme team to answer the revision request';
      case 'SCORING':
        return 'clinical scoring';
      case 'AWAITING_ASSEMBLY':
        return assembly.meetingId ? `the CCP Assembly meeting ${assembly.meetingTitle ?? assembly.meetingId}` : 'a place on the next CCP Assembly agenda';
      case 'AWAITING_BOARD':
        return "the ICB Board's decision (above the Assembly's delegation limit)";
      case 'ALLOCATION':
        return 'allocation within a funding round';
      case 'WAITLISTED':
        return 'money to become available in a funding round';
      default:
        return assembly.ratification === 'pending' ? "ratification of the chair's action at the next meeting" : 'nothing: the bid is closed';
    }
  };

  const status = (): BidStatus => ({
    reference,
    state,
    title: bid.title,
    leadOrganisation: bid.leadOrganisation,
    partnerOrganisations: bid.partnerOrganisations,
    waitingFor: waitingFor(),
    missing,
    returnedAt,
    lapseDeadline,
    revisionDeadline,
    review,
    score,
    assembly,
    board,
    allocation,
    interests,
    withdrawn,
    nextActions: roleActions(),
    policy: policy ? { id: policy.id, version: policy.version } : { id: '', version: '' },
    ruleSetVersion: score ? `${score.ruleSet.id}@${score.ruleSet.version}` : undefined,
  });

  interface Pending {
    by: PersonRef;
    role: string;
    action: string;
    from: BidState;
    to: BidState;
    payload?: Record<string, unknown>;
    ruleSetVersion?: string;
  }
  const ev = (by: PersonRef, role: string, action: string, payload: Record<string, unknown> = {}, to: BidState = state, from: BidState = state): Pending => ({
    by,
    role,
    action,
    from,
    to,
    payload,
  });

  const moveTo = (next: BidState) => {
    state = next;
    upsertSearchAttributes([{ key: searchAttributes.state, value: next }]);
  };

  // Writes go one at a time, in the order the workflow made them, so the trail reads in order.
  let writes: Promise<unknown> = Promise.resolve();
  const commit = (pending: Pending[], options: { storeSubmission?: boolean } = {}): Promise<void> => {
    const events: TrailEventInput[] = pending.map((p) => ({
      eventId: `${workflowId}#${++eventCounter}`,
      occurredAt: now(),
      actorId: p.by.id,
      actorRole: p.role,
      action: p.action,
      fromState: p.from,
      toState: p.to,
      payload: p.payload,
      ruleSetVersion: p.ruleSetVersion ?? (score ? `${score.ruleSet.id}@${score.ruleSet.version}#${score.ruleSet.hash.slice(0, 12)}` : null),
    }));
    const snapshot = status();
    const cycle = review?.cycle ?? 0;
    const write = {
      reference,
      events,
      projection: {
        version: ++projectionVersion,
        state,
        updatedAt: now(),
        band: score?.band ?? null,
        benefitScore: score?.benefitScore ?? null,
        mustFund: score?.flags.mustFund ?? false,
        safetyEscalation: score?.flags.safetyEscalation ?? false,
        status: snapshot as unknown as Record<string, unknown>,
      },
      assignments: review
        ? {
            cycle,
            open: state === 'HUB_REVIEW' && review.phase === 'review',
            dueAt: review.deadline?.dueAt ?? null,
            reviews: review.reviews.map((r) => ({
              evaluatorId: r.evaluator.id,
              assignedBy: r.assignedBy,
              assignedAt: r.assignedAt,
              completedAt: r.completed?.at ?? null,
            })),
          }
        : undefined,
      submission: options.storeSubmission
        ? { bid, contentHash, submittedBy: input.submittedBy.id, submittedAt: now(), workflowId }
        : undefined,
    };
    const done = writes.then(() => acts.recordBidEvents(write));
    writes = done.catch(() => undefined);
    return done.then(() => undefined);
  };

  const notify = (kind: string, to: { roles?: Role[]; userIds?: string[]; organisation?: string }, subject: string, body: string) =>
    acts.notify({
      id: `${workflowId}#n${++notificationCounter}`,
      kind,
      recipientRoles: to.roles ?? [],
      recipientIds: to.userIds ?? [],
      recipientOrganisation: to.organisation ?? null,
      subject,
      body,
      reference,
      meetingId: null,
      createdAt: now(),
    });

  /** Waits until `at`, or until `done()` holds; true if done() held first. */
  const waitUntil = async (at: string, done: () => boolean): Promise<boolean> => {
    const ms = Date.parse(at) - Date.now();
    if (ms <= 0) return done();
    return condition(done, ms);
  };

  // ---------------------------------------------------------------------------------------
  // Handlers

  setHandler(statusQuery, status);
  setHandler(allowedActionsQuery, (actor: Actor) => BID_ACTIONS.filter((a) => passes(a, actor, 'person')));

  onUpdate(
    submissionReceiptUpdate,
    async (): Promise<SubmissionReceipt> => {
      await condition(() => intakesRecorded > 0);
      return { reference, state, missing };
    },
    ({ contentHash: asked }) => {
      if (asked !== input.contentHash) refuse(RefusalType.referenceInUse, `Reference ${reference} is already used by a different bid`);
    },
  );

  onUpdate(
    resubmitUpdate,
    async ({ actor, bid: next, contentHash: nextHash }): Promise<SubmissionReceipt> => {
      const from = state;
      resubmittedFrom = from;
      bid = { ...next, reference };
      contentHash = nextHash;
      const before = intakesRecorded;
      moveTo('INTAKE');
      await commit([ev(person(actor), 'applicant', 'bid.resubmitted', { contentHash: nextHash }, 'INTAKE', from)]);
      await condition(() => intakesRecorded > before);
      return { reference, state, missing };
    },
    ({ actor, bid: next }) => {
      guards.resubmit(actor, 'person');
      if (next.reference !== undefined && next.reference !== reference) refuse(RefusalType.invalid, `A resubmission must keep the reference ${reference}`);
      if (next.leadOrganisation !== bid.leadOrganisation) refuse(RefusalType.invalid, 'A resubmission cannot change the lead organisation');
    },
  );

  onUpdate(
    withdrawUpdate,
    async ({ actor, reason }) => {
      const from = state;
      withdrawn = { by: person(actor), reason, at: now() };
      moveTo('WITHDRAWN');
      const meetingId = assembly.meetingId;
      const heldBy = allocation?.provisional ? allocation.roundId : undefined;
      await commit([ev(person(actor), 'applicant', 'bid.withdrawn', { reason }, 'WITHDRAWN', from)]);
      if (meetingId) await signalMeeting(meetingId, 'withdrawn');
      if (heldBy) {
        // The round reruns its allocation without this bid; the next that fits moves up.
        try {
          await getExternalWorkflowHandle(roundWorkflowId(heldBy)).signal(roundBidWithdrawnSignal, { reference });
        } catch {
          // The round has finished; its confirmed allocation stands.
        }
      }
      return status();
    },
    ({ actor, reason }) => {
      guards.withdraw(actor, 'person');
      if (!reason?.trim()) refuse(RefusalType.invalid, 'A withdrawal needs a reason');
    },
  );

  const signalMeeting = async (meetingId: string, what: 'withdrawn' | { person: PersonRef; nature: string }) => {
    try {
      const handle = getExternalWorkflowHandle(meetingWorkflowId(meetingId));
      if (what === 'withdrawn') await handle.signal(itemWithdrawnSignal, { reference });
      else await handle.signal(bidInterestSignal, { reference, ...what });
    } catch {
      // The meeting has finished; there is nothing left for it to update.
    }
  };

  // --- Review

  const newReview = (evaluator: PersonRef, assignedBy: string): EvaluatorReview => ({
    evaluator,
    assignedAt: now(),
    assignedBy,
    steps: {},
    ratings: {},
  });

  onUpdate(
    takeReviewUpdate,
    async ({ actor }) => {
      review!.reviews.push(newReview(person(actor), actor.id));
      await commit([ev(person(actor), actor.roles.includes('evaluator') ? 'evaluator' : 'hub_lead', 'review.taken', { cycle: review!.cycle })]);
      return status();
    },
    ({ actor }) => guards.takeReview(actor, 'person'),
  );

  onUpdate(
    assignReviewUpdate,
    async ({ actor, evaluator, replaces }) => {
      let replaced: PersonRef | undefined;
      if (replaces) {
        const index = review!.reviews.findIndex((r) => r.evaluator.id === replaces);
        replaced = review!.reviews[index]!.evaluator;
        review!.reviews.splice(index, 1);
      }
      review!.reviews.push(newReview(person(evaluator), actor.id));
      await commit([
        ev(person(actor), 'hub_lead', replaced ? 'review.reassigned' : 'review.assigned', {
          cycle: review!.cycle,
          evaluator: person(evaluator),
          ...(replaced && { replaced }),
        }),
      ]);
      await notify('review.assigned', { userIds: [evaluator.id] }, `Review assigned: ${reference}`, `${actor.name} assigned you to review ${reference}, ${bid.title}.`);
      return status();
    },
    ({ actor, evaluator, replaces }) => {
      guards.assignReview(actor, 'person');
      if (!hasRole(evaluator, 'evaluator', 'hub_lead')) refuse(RefusalType.invalid, `${evaluator.name} is not an evaluator`);
      const conflict = conflictOf(evaluator);
      if (conflict) refuse(RefusalType.conflictOfInterest, `${evaluator.name} may not review this bid: ${conflict}`);
      if (reviewOf(evaluator.id)) refuse(RefusalType.invalid, `${evaluator.name} is already reviewing this bid`);
      if (replaces) {
        const current = reviewOf(replaces);
        if (!current) refuse(RefusalType.invalid, `${replaces} is not reviewing this bid`);
        if (current.completed) refuse(RefusalType.invalid, `${current.evaluator.name} has completed the review; it cannot be reassigned`);
      } else if (activeReviews().length >= review!.requiredEvaluators) {
        refuse(RefusalType.invalid, `This bid has its ${review!.requiredEvaluators} evaluator(s); name the one to replace`);
      }
    },
  );

  onUpdate(
    recordReviewStepUpdate,
    async ({ actor, step, assessment, comments }) => {
      reviewOf(actor.id)!.steps[step] = { assessment, comments, at: now() };
      await commit([ev(person(actor), 'evaluator', 'review.step_recorded', { cycle: review!.cycle, step, assessment, comments })]);
      return status();
    },
    ({ actor, step, assessment }) => {
      guards.recordReviewStep(actor, 'person');
      if (!(REVIEW_STEPS as readonly string[]).includes(step)) refuse(RefusalType.invalid, `Unknown review step ${step}`);
      if (!['adequate', 'needs_work', 'inadequate'].includes(assessment)) refuse(RefusalType.invalid, `Unknown assessment ${assessment}`);
    },
  );

  onUpdate(
    recordRatingUpdate,
    async ({ actor, criterion, rating, rationale }) => {
      reviewOf(actor.id)!.ratings[criterion] = { rating, rationale, at: now() };
      await commit([ev(person(actor), 'evaluator', 'review.rating_recorded', { cycle: review!.cycle, criterion, rating, rationale })]);
      return status();
    },
    ({ actor, criterion, rating }) => {
      guards.recordRating(actor, 'person');
      if (!(RATING_CRITERIA as readonly string[]).includes(criterion)) refuse(RefusalType.invalid, `Unknown rating criterion ${criterion}`);
      if (rating !== null && !(Number.isInteger(rating) && rating >= 0 && rating <= 5)) {
        refuse(RefusalType.invalid, 'A rating is a whole number from 0 to 5, or null for not applicable');
      }
    },
  );

  onUpdate(
    completeReviewUpdate,
    async ({ actor, recommendation, comments }) => {
      reviewOf(actor.id)!.completed = { recommendation, comments, at: now() };
      const events = [ev(person(actor), 'evaluator', 'review.completed', { cycle: review!.cycle, recommendation, comments })];
      events.push(...concludeReviewIfComplete());
      await commit(events);
      await afterReviewConcluded();
      return status();
    },
    ({ actor, recommendation, comments }) => {
      guards.completeReview(actor, 'person');
      if (recommendation !== 'ready' && recommendation !== 'not_supported') refuse(RefusalType.invalid, 'The recommendation is ready or not_supported');
      if (recommendation === 'not_supported' && !comments?.trim()) refuse(RefusalType.invalid, 'Recommending not supported needs a reason');
    },
  );

  /** Ratings more than the divergence apart, or rated by one and "not applicable" by another. */
  const divergences = (reviews: EvaluatorReview[]): string[] => {
    if (reviews.length < 2) return [];
    const out: string[] = [];
    for (const c of RATING_CRITERIA) {
      const values = reviews.map((r) => r.ratings[c]!.rating);
      const numbers = values.filter((v): v is number => v !== null);
      if (numbers.length > 0 && numbers.length < values.length) out.push(`${c}: rated by one evaluator, not applicable to another`);
      else if (numbers.length > 1 && Math.max(...numbers) - Math.min(...numbers) >= policy.moderationDivergence) {
        out.push(`${c}: ratings ${numbers.join(' and ')} differ by ${policy.moderationDivergence} or more`);
      }
    }
    return out;
  };

  const meanRatings = (reviews: EvaluatorReview[]): Ratings => {
    const out = {} as Ratings;
    for (const c of RATING_CRITERIA) {
      const numbers = reviews.map((r) => r.ratings[c]!.rating).filter((v): v is number => v !== null);
      out[c] = numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : null;
    }
    return out;
  };

  let concluded: 'ready' | 'not_supported' | 'revisions' | 'moderation' | undefined;

  /** Once every evaluator has completed: moderation, or the review's outcome. */
  const concludeReviewIfComplete = (): Pending[] => {
    const reviews = activeReviews();
    if (!review || reviews.length < review.requiredEvaluators || reviews.some((r) => !r.completed)) return [];
    const reasons = divergences(reviews);
    const recommendations = new Set(reviews.map((r) => r.completed!.recommendation));
    if (recommendations.size > 1) reasons.push('the evaluators recommend different outcomes');
    if (reasons.length) {
      review.phase = 'moderation';
      review.moderation = { reasons };
      concluded = 'moderation';
      return [ev(SYSTEM, 'system', 'review.moderation_required', { cycle: review.cycle, reasons, originals: originalRatings() })];
    }
    const outcome = [...recommendations][0]!;
    return applyReviewOutcome(outcome, meanRatings(reviews), reviews.map((r) => r.completed!.comments).filter(Boolean).join(' / '));
  };

  const originalRatings = () => Object.fromEntries(activeReviews().map((r) => [r.evaluator.id, Object.fromEntries(RATING_CRITERIA.map((c) => [c, r.ratings[c]?.rating ?? null]))]));

  const applyReviewOutcome = (outcome: 'ready' | 'not_supported', ratings: Ratings, comments: string): Pending[] => {
    review!.phase = 'done';
    review!.agreedRatings = ratings;
    concluded = outcome;
    if (outcome === 'ready') {
      moveTo('SCORING');
      return [ev(SYSTEM, 'system', 'review.concluded', { cycle: review!.cycle, outcome, agreedRatings: ratings }, 'SCORING', 'HUB_REVIEW')];
    }
    moveTo('CLOSED_NOT_SUPPORTED');
    return [ev(SYSTEM, 'system', 'review.concluded', { cycle: review!.cycle, outcome, reason: comments }, 'CLOSED_NOT_SUPPORTED', 'HUB_REVIEW')];
  };

  const afterReviewConcluded = async () => {
    const what = concluded;
    concluded = undefined;
    if (what === 'moderation') {
      await notify('review.moderation_required', { roles: ['hub_lead'] }, `Moderation needed: ${reference}`, `The evaluators of ${reference} diverge: ${review!.moderation!.reasons.join('; ')}.`);
    } else if (what === 'not_supported') {
      await notify('bid.not_supported', { roles: ['applicant'], organisation: bid.leadOrganisation }, `${reference} was not supported`, 'The evaluation hub did not support the bid.');
    }
  };

  const startRevision = async (by: PersonRef, role: string, comments: string, extra: Pending[] = []) => {
    review!.revisionCycles += 1;
    review!.revisionRequests.push({ by, comments, at: now(), cycle: review!.cycle });
    review!.phase = 'done';
    // The deadline is set before the state changes: the main loop waits on it at once.
    revisionDeadline = await acts.computeDeadline({ start: now(), spec: policy.deadlines.revision, reminderFraction: policy.reminderFraction });
    moveTo('AWAITING_REVISION');
    await commit([
      ...extra,
      ev(by, role, 'review.revisions_requested', { cycle: review!.cycle, comments, revisionCycle: review!.revisionCycles, deadline: revisionDeadline }, 'AWAITING_REVISION', 'HUB_REVIEW'),
    ]);
    await notify('bid.revisions_requested', { roles: ['applicant'], organisation: bid.leadOrganisation }, `Revisions requested: ${reference}`, comments);
  };

  onUpdate(
    requestRevisionsUpdate,
    async ({ actor, comments }) => {
      await startRevision(person(actor), hasRole(actor, 'hub_lead') ? 'hub_lead' : 'evaluator', comments);
      return status();
    },
    ({ actor, comments }) => {
      guards.requestRevisions(actor, 'person');
      if (!comments?.trim()) refuse(RefusalType.invalid, 'A revision request needs comments for the programme team');
    },
  );

  onUpdate(
    moderateUpdate,
    async ({ actor, ratings, decision, comments }) => {
      const moderation = { by: person(actor), ratings, decision, comments, at: now() };
      review!.moderation = { reasons: review!.moderation?.reasons ?? [], outcome: moderation };
      const moderated = ev(person(actor), 'hub_lead', 'review.moderated', {
        cycle: review!.cycle,
        originals: originalRatings(),
        moderated: ratings,
        decision,
        comments,
      });
      if (decision === 'revisions') {
        await startRevision(person(actor), 'hub_lead', comments, [moderated]);
      } else {
        await commit([moderated, ...applyReviewOutcome(decision, ratings, comments)]);
        await afterReviewConcluded();
      }
      return status();
    },
    ({ actor, ratings, decision, comments }) => {
      guards.moderate(actor, 'person');
      for (const c of RATING_CRITERIA) {
        const r = ratings?.[c];
        if (r === undefined || (r !== null && !(typeof r === 'number' && r >= 0 && r <= 5))) {
          refuse(RefusalType.invalid, `The moderated rating for ${c} must be 0 to 5, or null for not applicable`);
        }
      }
      if (!['ready', 'not_supported', 'revisions'].includes(decision)) refuse(RefusalType.invalid, 'The decision is ready, not_supported or revisions');
      if (decision === 'revisions' && review!.revisionCycles >= policy.maxRevisionCycles) {
        refuse(RefusalType.invalid, `Revisions have been requested ${review!.revisionCycles} times, the most allowed`);
      }
      if (!comments?.trim()) refuse(RefusalType.invalid, 'Moderation needs comments explaining the decision');
    },
  );

  onUpdate(
    declareInterestUpdate,
    async ({ actor, nature }) => {
      const interest: Interest = { person: person(actor), nature, at: now(), where: 'bid' };
      interests.push(interest);
      const events = [ev(person(actor), actor.roles[0] ?? 'staff', 'interest.declared', { nature, where: 'bid' })];
      events.push(...dropConflictedReviewer(actor.id));
      await commit(events);
      if (assembly.meetingId) await signalMeeting(assembly.meetingId, { person: person(actor), nature });
      return status();
    },
    ({ actor, nature }) => {
      guards.declareInterest(actor, 'person');
      if (!nature?.trim()) refuse(RefusalType.invalid, 'Say what the interest is');
    },
  );

  /** An evaluator who declares an interest mid-review is taken off it; the place reopens. */
  const dropConflictedReviewer = (id: string): Pending[] => {
    const r = reviewOf(id);
    if (!r || r.completed || state !== 'HUB_REVIEW' || review?.phase !== 'review') return [];
    review.reviews = review.reviews.filter((x) => x.evaluator.id !== id);
    return [ev(SYSTEM, 'system', 'review.unassigned', { cycle: review.cycle, evaluator: r.evaluator, reason: 'declared an interest' })];
  };

  // --- Assembly

  onUpdate(
    placeOnAgendaUpdate,
    async ({ meetingId, meetingTitle, purpose }) => {
      assembly.meetingId = meetingId;
      assembly.meetingTitle = meetingTitle;
      await commit([ev(SYSTEM, 'system', 'assembly.placed_on_agenda', { meetingId, meetingTitle, purpose })]);
      return {
        reference,
        title: bid.title,
        purpose,
        leadOrganisation: bid.leadOrganisation,
        partnerOrganisations: bid.partnerOrganisations,
        interests,
        band: score?.band ?? null,
        benefitScore: score?.benefitScore ?? null,
        totalPence: totalPence(),
        delegation: score?.delegation ?? null,
        deferrals: assembly.deferrals,
        safetyEscalation: score?.flags.safetyEscalation ?? false,
        mustFund: score?.flags.mustFund ?? false,
        chairsAction: assembly.chairsAction,
      };
    },
    ({ purpose }) => {
      if (assembly.meetingId) refuse(RefusalType.wrongState, `Already on the agenda of ${assembly.meetingTitle ?? assembly.meetingId}`);
      if (purpose === 'ratification') {
        if (assembly.ratification !== 'pending') refuse(RefusalType.wrongState, "No chair's action waits for ratification");
      } else {
        needState('be placed on an agenda', 'AWAITING_ASSEMBLY');
        if (assembly.chairsAction) refuse(RefusalType.wrongState, "Decided by chair's action; only its ratification goes to the Assembly");
      }
    },
  );

  setHandler(removedFromAgendaSignal, async ({ meetingId, reason }) => {
    if (assembly.meetingId !== meetingId) return;
    assembly.meetingId = undefined;
    assembly.meetingTitle = undefined;
    await commit([ev(SYSTEM, 'system', 'assembly.removed_from_agenda', { meetingId, reason })]);
  });

  setHandler(meetingInterestSignal, async ({ meetingId, person: who, nature }) => {
    if (interests.some((i) => i.person.id === who.id)) return;
    interests.push({ person: who, nature, at: now(), where: 'meeting' });
    await commit([ev(who, 'assembly_member', 'interest.declared', { nature, where: 'meeting', meetingId })]);
  });

  setHandler(assemblyDecisionSignal, async (decision: AssemblyDecision) => {
    if (assembly.meetingId !== decision.meetingId) {
      await commit([ev(SYSTEM, 'system', 'assembly.decision_not_applied', { decision, reason: `the bid is not on the agenda of ${decision.meetingId}` })]);
      return;
    }
    assembly.meetingId = undefined;
    assembly.meetingTitle = undefined;
    assembly.decisions.push(decision);
    const from = state;
    if (decision.purpose === 'ratification') {
      if (decision.outcome === 'deferred') {
        await commit([ev(SYSTEM, 'system', 'assembly.ratification_deferred', { meetingId: decision.meetingId, reason: decision.reason })]);
        return;
      }
      assembly.ratification = decision.outcome === 'ratified' ? 'ratified' : 'not_ratified';
      const reopen = decision.outcome === 'not_ratified' && (['ALLOCATION', 'AWAITING_BOARD', 'CLOSED_NOT_SUPPORTED'] as BidState[]).includes(state);
      if (reopen) {
        // The Assembly did not ratify the chair's action: it considers the bid in full instead.
        assembly.chairsAction = undefined;
        moveTo('AWAITING_ASSEMBLY');
      }
      await commit([ev(SYSTEM, 'system', `assembly.chairs_action_${assembly.ratification}`, { meetingId: decision.meetingId, reason: decision.reason }, state, from)]);
      return;
    }
    if (state !== 'AWAITING_ASSEMBLY') {
      await commit([ev(SYSTEM, 'system', 'assembly.decision_not_applied', { decision, reason: `the bid is ${state}` })]);
      return;
    }
    let next: BidState;
    if (decision.outcome === 'supported' || decision.outcome === 'supported_with_conditions') {
      next = score?.delegation === 'board' ? 'AWAITING_BOARD' : 'ALLOCATION';
    } else if (decision.outcome === 'deferred') {
      assembly.deferrals += 1;
      next = 'AWAITING_ASSEMBLY';
    } else {
      next = 'CLOSED_NOT_SUPPORTED';
    }
    moveTo(next);
    await commit([
      ev(SYSTEM, 'system', 'assembly.decision_applied', {
        meetingId: decision.meetingId,
        outcome: decision.outcome,
        conditions: decision.conditions,
        reason: decision.reason,
        deferrals: assembly.deferrals,
        routedTo: next,
        delegation: score?.delegation,
      }, next, from),
    ]);
    await notify('bid.assembly_decision', { roles: ['applicant'], organisation: bid.leadOrganisation }, `CCP Assembly decision on ${reference}: ${decision.outcome}`, decision.reason || decision.conditions.join('; '));
  });

  // --- Allocation within a funding round

  const inAllocation = () => state === 'ALLOCATION' || state === 'WAITLISTED';

  setHandler(allocationProposedSignal, async ({ roundId, roundTitle, financialYear, version, place }) => {
    if (!inAllocation()) return;
    const before = allocation?.roundId === roundId ? allocation.provisional : undefined;
    allocation = { roundId, roundTitle, financialYear, provisional: { ...place, version }, confirmed: allocation?.confirmed };
    const changed = !before || before.outcome !== place.outcome || before.rank !== place.rank || before.reason !== place.reason;
    await commit(changed ? [ev(SYSTEM, 'system', 'allocation.proposed', { roundId, version, ...place })] : []);
  });

  setHandler(allocationConfirmedSignal, async ({ roundId, roundTitle, financialYear, version, place, confirmedBy }) => {
    if (!inAllocation()) return;
    const from = state;
    const next: BidState = place.outcome === 'funded' ? 'FUNDED' : 'WAITLISTED';
    allocation = { roundId, roundTitle, financialYear, confirmed: { ...place, version, by: confirmedBy, at: now() } };
    moveTo(next);
    await commit([ev(confirmedBy, 'finance', 'allocation.confirmed', { roundId, version, ...place }, next, from)]);
    await notify('bid.allocation', { roles: ['applicant'], organisation: bid.leadOrganisation }, `${reference}: ${next === 'FUNDED' ? 'funded' : 'waitlisted'} in ${roundTitle}`, place.reason);
  });

  setHandler(allocationReleasedSignal, async ({ roundId, reason }) => {
    if (allocation?.roundId !== roundId || !allocation.provisional) return;
    allocation = allocation.confirmed ? { ...allocation, provisional: undefined } : undefined;
    await commit([ev(SYSTEM, 'system', 'allocation.released', { roundId, reason })]);
  });

  onUpdate(
    chairsActionUpdate,
    async ({ actor, outcome, conditions, reason }) => {
      const from = state;
      assembly.chairsAction = { by: person(actor), outcome, conditions, reason, at: now() };
      assembly.ratification = 'pending';
      const next: BidState = outcome === 'not_supported' ? 'CLOSED_NOT_SUPPORTED' : score?.delegation === 'board' ? 'AWAITING_BOARD' : 'ALLOCATION';
      moveTo(next);
      await commit([ev(person(actor), 'assembly_chair', 'safety.chairs_action', { outcome, conditions, reason, routedTo: next }, next, from)]);
      await notify('bid.chairs_action', { roles: ['assembly_member', 'assembly_chair'] }, `Chair's action on ${reference}`, `${actor.name} decided ${outcome}; the next meeting ratifies it.`);
      return status();
    },
    ({ actor, outcome, conditions, reason }) => {
      guards.chairsAction(actor, 'person');
      if (!['supported', 'supported_with_conditions', 'not_supported'].includes(outcome)) refuse(RefusalType.invalid, 'The outcome is supported, supported_with_conditions or not_supported');
      if (outcome === 'supported_with_conditions' && !conditions?.length) refuse(RefusalType.invalid, 'Name the conditions');
      if (!reason?.trim()) refuse(RefusalType.invalid, "Chair's action needs a reason on the record");
    },
  );

  onUpdate(
    recordBoardDecisionUpdate,
    async ({ actor, approved, minuteReference, reason }) => {
      const from = state;
      board = { approved, minuteReference, reason, by: person(actor), at: now() };
      const next: BidState = approved ? 'ALLOCATION' : 'CLOSED_NOT_SUPPORTED';
      moveTo(next);
      await commit([ev(person(actor), 'admin', 'board.decision_recorded', { approved, minuteReference, reason }, next, from)]);
      return status();
    },
    ({ actor, minuteReference }) => {
      guards.recordBoardDecision(actor, 'person');
      if (!minuteReference?.trim()) refuse(RefusalType.invalid, "Give the Board minute's reference");
    },
  );

  onUpdate(
    rescoreUpdate,
    async ({ actor, ruleSet, reason }) => {
      rescoreWith = { ruleSet };
      const before = scoresRecorded;
      moveTo('SCORING');
      await commit([ev(person(actor), 'admin', 'scoring.rescore_requested', { ruleSet: ruleSet ?? 'active', reason }, 'SCORING', 'AWAITING_ASSEMBLY')]);
      await condition(() => scoresRecorded > before);
      return status();
    },
    ({ actor, reason }) => {
      guards.rescore(actor, 'person');
      if (!reason?.trim()) refuse(RefusalType.invalid, 'A re-score needs a reason on the record');
    },
  );

  // ---------------------------------------------------------------------------------------
  // Phases: what the bid does by itself in each state.

  upsertSearchAttributes([
    { key: searchAttributes.primaryAmbition, value: bid.primaryAmbition },
    { key: searchAttributes.leadOrganisation, value: bid.leadOrganisation },
  ]);

  const runIntake = async (first: boolean) => {
    moveTo('INTAKE');
    missing = await acts.checkIntake(bid);
    const events: Pending[] = [];
    if (first) events.push(ev(person(input.submittedBy), 'applicant', 'bid.submitted', { contentHash }, 'INTAKE', 'SUBMITTED'));
    if (missing.length > 0) {
      returnedAt = now();
      lapseDeadline = await acts.computeDeadline({ start: returnedAt, spec: policy.deadlines.returnedLapse, reminderFraction: policy.reminderFraction });
      moveTo('RETURNED');
      events.push(ev(SYSTEM, 'system', 'intake.returned', { missing, lapseDeadline }, 'RETURNED', 'INTAKE'));
    } else {
      moveTo('HUB_REVIEW');
      events.push(ev(SYSTEM, 'system', 'intake.completed', {}, 'HUB_REVIEW', 'INTAKE'));
    }
    await commit(events, { storeSubmission: true });
    intakesRecorded += 1;
    if (state === 'RETURNED') {
      await notify('bid.returned', { roles: ['applicant'], organisation: bid.leadOrganisation }, `${reference} returned: information missing`, missing.map((m) => m.message).join('\n'));
    }
  };

  const returnedPhase = async () => {
    const deadline = lapseDeadline!;
    const answered = () => state !== 'RETURNED';
    if (await waitUntil(deadline.remindAt, answered)) return;
    await notify('bid.lapse_reminder', { roles: ['applicant'], organisation: bid.leadOrganisation }, `${reference} lapses on ${deadline.dueAt}`, 'Resubmit with what is missing, or the bid lapses.');
    await commit([ev(SYSTEM, 'system', 'returned.reminder_sent', { dueAt: deadline.dueAt })]);
    if (await waitUntil(deadline.dueAt, answered)) return;
    moveTo('LAPSED');
    await commit([ev(SYSTEM, 'system', 'bid.lapsed', { returnedAt, deadline }, 'LAPSED', 'RETURNED')]);
  };

  const revisionPhase = async () => {
    const deadline = revisionDeadline!;
    const answered = () => state !== 'AWAITING_REVISION';
    if (await waitUntil(deadline.remindAt, answered)) return;
    await notify('bid.revision_reminder', { roles: ['applicant'], organisation: bid.leadOrganisation }, `Revisions due for ${reference}`, `Please answer the revision request by ${deadline.dueAt}.`);
    await commit([ev(SYSTEM, 'system', 'revision.reminder_sent', { dueAt: deadline.dueAt })]);
    if (await waitUntil(deadline.dueAt, answered)) return;
    await notify('bid.revision_overdue', { roles: ['hub_lead'] }, `Revisions overdue: ${reference}`, `The programme team has not answered the revision request due ${deadline.dueAt}.`);
    await commit([ev(SYSTEM, 'system', 'revision.deadline_breached', { dueAt: deadline.dueAt })]);
    await condition(answered);
  };

  const reviewPhase = async () => {
    const previous = review;
    const keep = resubmittedFrom === 'AWAITING_REVISION' && previous ? previous.reviews.map((r) => r.evaluator) : [];
    resubmittedFrom = undefined;
    const cycle = (previous?.cycle ?? 0) + 1;
    const required = totalPence() >= policy.evaluators.largeFromPence ? policy.evaluators.large : policy.evaluators.standard;
    const deadline = await acts.computeDeadline({ start: now(), spec: policy.deadlines.hubReview, reminderFraction: policy.reminderFraction });
    let evaluators = keep.filter((e) => !conflictOf(e));
    let assignedBy = 'system';
    if (evaluators.length === 0) {
      evaluators = await acts.assignEvaluators({
        reference,
        cycle,
        count: required,
        excludeOrganisations: parties(),
        excludeUserIds: interests.map((i) => i.person.id),
      });
    } else {
      assignedBy = 'system (same evaluators after revision)';
    }
    review = {
      cycle,
      revisionCycles: previous?.revisionCycles ?? 0,
      requiredEvaluators: required,
      phase: 'review',
      reviews: evaluators.map((e) => newReview(e, assignedBy)),
      revisionRequests: previous?.revisionRequests ?? [],
      deadline: { ...deadline, reminded: false, breached: false },
    };
    await commit([
      ev(SYSTEM, 'system', 'review.started', {
        cycle,
        requiredEvaluators: required,
        assigned: evaluators,
        openPlaces: required - evaluators.length,
        deadline,
      }),
    ]);
    if (evaluators.length) {
      await notify('review.assigned', { userIds: evaluators.map((e) => e.id) }, `Review assigned: ${reference}`, `Please review ${reference}, ${bid.title}, by ${deadline.dueAt}.`);
    }
    if (evaluators.length < required) {
      await notify('review.unassigned', { roles: ['hub_lead'] }, `No evaluator free for ${reference}`, `${required - evaluators.length} review place(s) for ${reference} have no evaluator without a conflict.`);
    }

    // The deadline never blocks the review: it reminds at the reminder point and escalates when breached.
    const over = () => state !== 'HUB_REVIEW' || review?.cycle !== cycle || review.phase !== 'review';
    if (await waitUntil(deadline.remindAt, over)) {
      await condition(() => state !== 'HUB_REVIEW');
      return;
    }
    review.deadline!.reminded = true;
    const pendingIds = activeReviews().filter((r) => !r.completed).map((r) => r.evaluator.id);
    await notify('review.reminder', { userIds: pendingIds, roles: pendingIds.length ? [] : ['hub_lead'] }, `Review due soon: ${reference}`, `The review of ${reference} is due ${deadline.dueAt}.`);
    await commit([ev(SYSTEM, 'system', 'review.reminder_sent', { cycle, dueAt: deadline.dueAt, to: pendingIds })]);
    if (await waitUntil(deadline.dueAt, over)) {
      await condition(() => state !== 'HUB_REVIEW');
      return;
    }
    review.deadline!.breached = true;
    await notify('review.escalated', { roles: ['hub_lead'] }, `Review overdue: ${reference}`, `The review of ${reference} was due ${deadline.dueAt} and is not complete.`);
    await commit([ev(SYSTEM, 'system', 'review.deadline_breached', { cycle, dueAt: deadline.dueAt, escalatedTo: 'hub_lead', pending: pendingIds })]);
    await condition(() => state !== 'HUB_REVIEW');
  };

  const scoringPhase = async () => {
    const ruleSet = rescoreWith?.ruleSet ?? (rescoreWith ? undefined : score?.ruleSet);
    rescoreWith = undefined;
    const eventId = `${workflowId}#score${++eventCounter}`;
    const result = await acts.scoreBid({ eventId, reference, bid, ratings: review!.agreedRatings!, scoredAt: now(), ruleSet });
    score = result;
    upsertSearchAttributes([{ key: searchAttributes.band, value: result.band }]);
    moveTo('AWAITING_ASSEMBLY');
    const ruleSetVersion = `${result.ruleSet.id}@${result.ruleSet.version}#${result.ruleSet.hash.slice(0, 12)}`;
    const events: Pending[] = [
      {
        ...ev(SYSTEM, 'system', 'scoring.completed', {
          scoreEventId: result.eventId,
          benefitScore: result.benefitScore,
          band: result.band,
          flags: result.flags,
          delegation: result.delegation,
          ruleSet: result.ruleSet,
        }, 'AWAITING_ASSEMBLY', 'SCORING'),
        ruleSetVersion,
      },
    ];
    if (result.flags.mustFund) events.push({ ...ev(SYSTEM, 'system', 'hard_rule.must_fund', { mandate: bid.statutoryMandate }), ruleSetVersion });
    if (result.flags.safetyEscalation) {
      events.push({ ...ev(SYSTEM, 'system', 'hard_rule.safety_escalation', { risk: bid.riskOfNotFunding }), ruleSetVersion });
    }
    if (result.flags.valueJustificationRequired) events.push({ ...ev(SYSTEM, 'system', 'hard_rule.value_justification_required', { costPerQalyPence: bid.costPerQalyPence }), ruleSetVersion });
    await commit(events);
    scoresRecorded += 1;
  };

  const assemblyPhase = async () => {
    if (score?.flags.safetyEscalation && !assembly.chairsAction && !assembly.chairsActionDeadline) {
      const deadline = await acts.computeDeadline({ start: now(), spec: policy.deadlines.chairsAction, reminderFraction: policy.reminderFraction });
      assembly.chairsActionDeadline = { ...deadline, reminded: false, breached: false };
      await commit([ev(SYSTEM, 'system', 'safety.chairs_action_window_opened', { deadline })]);
      await notify('bid.safety_escalation', { roles: ['assembly_chair'] }, `Safety escalation: ${reference}`, `Risk of not funding is ${bid.riskOfNotFunding.likelihood * bid.riskOfNotFunding.impact}; the chair may act by ${deadline.dueAt}.`);
      const settled = () => state !== 'AWAITING_ASSEMBLY' || !!assembly.chairsAction || !!assembly.meetingId;
      if (!(await waitUntil(deadline.remindAt, settled))) {
        assembly.chairsActionDeadline.reminded = true;
        await notify('bid.chairs_action_reminder', { roles: ['assembly_chair'] }, `Chair's action window closing: ${reference}`, `The window closes ${deadline.dueAt}.`);
        if (!(await waitUntil(deadline.dueAt, settled))) {
          assembly.chairsActionDeadline.breached = true;
          await commit([ev(SYSTEM, 'system', 'safety.chairs_action_window_expired', { dueAt: deadline.dueAt, next: 'the next Assembly meeting decides' })]);
        }
      }
    }
    await condition(() => state !== 'AWAITING_ASSEMBLY');
  };

  // ---------------------------------------------------------------------------------------
  // The lifecycle

  policy = await setup.loadPolicy();
  acts = proxyActivities<Activities>({
    startToCloseTimeout: policy.activityTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  await runIntake(true);
  for (;;) {
    if (state === 'INTAKE') await runIntake(false);
    else if (state === 'RETURNED') await returnedPhase();
    else if (state === 'HUB_REVIEW') await reviewPhase();
    else if (state === 'AWAITING_REVISION') await revisionPhase();
    else if (state === 'SCORING') await scoringPhase();
    else if (state === 'AWAITING_ASSEMBLY') await assemblyPhase();
    else if (state === 'AWAITING_BOARD' || state === 'ALLOCATION' || state === 'WAITLISTED') {
      const here = state;
      await condition(() => state !== here);
    } else if (assembly.ratification === 'pending') {
      // Closed by chair's action: the Assembly may still refuse to ratify and reopen it.
      await condition(() => assembly.ratification !== 'pending' || !isTerminal());
    } else break;
  }
  await condition(allHandlersFinished);
  await writes;
  return state;
}

