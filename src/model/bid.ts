// The bid as one serialisable model, its table of actions, and its transitions: intake, hub
// review, scoring, the Assembly, the Board, allocation and withdrawal, each a pure function
// from the model and what happened to the new model, its trail events, notices and messages.
// The bid's workflow only wires these to Temporal; the read model and the API read the same
// functions, so what they show and what the workflow accepts cannot drift apart.
import type { Bid, BidSubmission } from '../domain/bid.js';
import type { Role } from '../domain/vocabulary.js';
import { registeredConflict } from './register.js';
import {
  OPEN_BID_STATES,
  RATING_CRITERIA,
  REVIEW_STEPS,
  TERMINAL_BID_STATES,
  meetingWorkflowId,
  roundWorkflowId,
  type Actor,
  type AgendaPlacement,
  type AllocationNotice,
  type AssemblyDecision,
  type AssemblyStatus,
  type BidAction,
  type BidState,
  type BidStatus,
  type ChairsAction,
  type ConditionsInForce,
  type ConditionStatus,
  type Deadline,
  type EvaluatorReview,
  type Interest,
  type MissingItem,
  type PersonRef,
  type PolicySnapshot,
  type Rating,
  RECONSIDERATION_OUTCOMES,
  type ReconsiderationOutcome,
  type ReconsiderationStatus,
  type RatingCriterion,
  type RegisteredInterest,
  type Ratings,
  type ReviewStatus,
  type ReviewStep,
  type ScoreSummary,
  type StepAssessment,
  type SubmissionReceipt,
} from '../shared.js';
import {
  Refusals,
  allowedActions,
  check,
  forbidden,
  hasRole,
  invalid,
  refusal,
  roleActions,
  wrongState,
  SYSTEM_ASKER,
  type ActionRule,
  type ActionTable,
  type Asker,
  type Refusal,
} from './actions.js';
import { SYSTEM, person, step, type Effect, type Notice, type PendingEvent, type Step } from './step.js';

export interface BidModel {
  reference: string;
  bid: Bid;
  contentHash: string;
  submittedBy: Actor;
  submittedAt: string;
  state: BidState;
  /** What intake found missing, when the bid was returned. */
  missing: MissingItem[];
  /** Intake runs when pending; `count` completed intakes, so a (re)submission waits for its own. */
  intake: { pending: boolean; count: number; resubmittedFrom?: BidState };
  returnedAt?: string;
  lapseDeadline?: Deadline & { reminded?: boolean };
  revisionDeadline?: Deadline & { reminded?: boolean; breached?: boolean };
  review?: ReviewStatus;
  /** `count` recorded scores; `next` is an explicit re-score's rule set (absent: the active one). */
  scoring: { count: number; rescore?: { ruleSet?: { id: string; version: string } } };
  score?: ScoreSummary;
  assembly: AssemblyStatus;
  board?: { approved: boolean; minuteReference: string; reason: string; by: PersonRef; at: string };
  allocation?: BidStatus['allocation'];
  interests: Interest[];
  withdrawn?: { by: PersonRef; reason: string; at: string };
  /** Open once the Assembly decides not to support the bid (under the reconsideration patch). */
  reconsideration?: ReconsiderationStatus;
  /** The conditions of the decision in force, tracked to their due days until the hub records them met. */
  conditions?: ConditionsInForce;
  policy: PolicySnapshot;
}

export interface BidStart {
  bid: Bid;
  contentHash: string;
  submittedBy: Actor;
  policy: PolicySnapshot;
}

export function newBid({ bid, contentHash, submittedBy, policy }: BidStart, now: string): BidModel {
  return {
    reference: bid.reference,
    bid,
    contentHash,
    submittedBy,
    submittedAt: now,
    state: 'SUBMITTED',
    missing: [],
    intake: { pending: true, count: 0 },
    scoring: { count: 0 },
    assembly: { deferrals: 0, decisions: [] },
    interests: [],
    policy,
  };
}

// ---------------------------------------------------------------------------------------------
// Facts about a bid the rules and the views share

export const totalPence = (m: BidModel): number => m.bid.costs.reduce((sum, c) => sum + c.recurrentPence + c.nonRecurrentPence, 0);
export const isTerminal = (m: BidModel): boolean => (TERMINAL_BID_STATES as readonly BidState[]).includes(m.state);
const reviewOf = (m: BidModel, id: string): EvaluatorReview | undefined => m.review?.reviews.find((r) => r.evaluator.id === id);

/** Why this person may not review or decide the bid, or null. */
export function conflictOf(m: BidModel, who: { id: string; organisation: string; interests?: RegisteredInterest[] }): string | null {
  if (who.organisation === m.bid.leadOrganisation) return `belongs to ${who.organisation}, the bid's lead organisation`;
  if (m.bid.partnerOrganisations.includes(who.organisation)) return `belongs to ${who.organisation}, a partner organisation of the bid`;
  const registered = registeredConflict(who.interests, m.bid.leadOrganisation, m.bid.partnerOrganisations);
  if (registered) return registered;
  if (m.interests.some((i) => i.person.id === who.id)) return 'has declared an interest in the bid';
  return null;
}

/** The rule set a trail event is recorded under: the bid's current score's, once it has one. */
export function ruleSetTag(m: BidModel): string | null {
  return m.score ? `${m.score.ruleSet.id}@${m.score.ruleSet.version}#${m.score.ruleSet.hash.slice(0, 12)}` : null;
}

// ---------------------------------------------------------------------------------------------
// The table of actions

export const STAFF_ROLES: Role[] = ['evaluator', 'hub_lead', 'assembly_member', 'assembly_chair', 'finance', 'admin'];
const ALL_ROLES: Role[] = ['applicant', 'evaluator', 'hub_lead', 'assembly_member', 'assembly_chair', 'finance', 'admin'];
const ALL_STATES: BidState[] = [...OPEN_BID_STATES, ...TERMINAL_BID_STATES];
/** The states in which the conditions of a decision to support the bid apply: supported, or funded. */
export const CONDITION_STATES: BidState[] = ['AWAITING_BOARD', 'ALLOCATION', 'WAITLISTED', 'FUNDED'];

export interface BidActionArgs {
  resubmit: { bid: BidSubmission; contentHash: string };
  withdraw: { reason: string };
  takeReview: Record<string, never>;
  assignReview: { evaluator: Actor; replaces?: string };
  recordReviewStep: { step: ReviewStep; assessment: StepAssessment; comments: string };
  recordRating: { criterion: RatingCriterion; rating: Rating; rationale: string };
  completeReview: { recommendation: 'ready' | 'not_supported'; comments: string };
  requestRevisions: { comments: string };
  moderate: { ratings: Ratings; decision: 'ready' | 'not_supported' | 'revisions'; comments: string };
  declareInterest: { nature: string };
  chairsAction: Omit<ChairsAction, 'by' | 'at'>;
  recordBoardDecision: { approved: boolean; minuteReference: string; reason: string };
  rescore: { ruleSet?: { id: string; version: string }; reason: string };
  placeOnAgenda: { meetingId: string; meetingTitle: string; purpose: 'decision' | 'ratification' };
  submissionReceipt: { contentHash: string };
  requestReconsideration: { reason: string; newInformation: string };
  reviewReconsideration: { outcome: ReconsiderationOutcome; reason: string };
  recordConditionMet: { conditionId: string; evidence: string };
  waiveCondition: { conditionId: string; reason: string };
}
export type BidTableAction = keyof BidActionArgs;

type Rule<A extends BidTableAction> = ActionRule<BidModel, BidState, BidActionArgs[A]>;

const blank = (s: string | undefined | null) => !s?.trim();

const ownOrganisation = (what: string) => (m: BidModel, who: Asker): Refusal | null =>
  who.kind === 'person' && who.actor.organisation !== m.bid.leadOrganisation
    ? forbidden(`Only the lead organisation's programme team (${m.bid.leadOrganisation}) may ${what}`, 'own_organisation')
    : null;

const reviewPhase = (m: BidModel, phase: ReviewStatus['phase'], what: string): Refusal | null =>
  m.review?.phase !== phase ? wrongState(`The review is in ${m.review?.phase ?? 'no'} phase; it cannot ${what} now`) : null;

const assigned = (m: BidModel, who: Asker, what: string): Refusal | null => {
  if (who.kind !== 'person') return null;
  const r = reviewOf(m, who.actor.id);
  if (!r) return forbidden(`${who.actor.name} is not assigned to review this bid, so may not ${what}`, 'assigned_evaluator');
  if (r.completed) return wrongState(`${who.actor.name} has completed this review already`);
  return null;
};

const first = (...checks: (() => Refusal | null)[]): Refusal | null => {
  for (const c of checks) {
    const r = c();
    if (r) return r;
  }
  return null;
};

const reviewConflict = { as: 'review this bid', of: conflictOf };

const reviewing = (m: BidModel, who: Asker) => first(() => reviewPhase(m, 'review', 'record a review step'), () => assigned(m, who, 'record a review step'));

const rules: { [A in BidTableAction]: Rule<A> } = {
  resubmit: {
    does: 'resubmit a bid',
    roles: ['applicant'],
    states: ['RETURNED', 'AWAITING_REVISION'],
    inState: 'be resubmitted',
    guard: (m, who, args) =>
      first(
        () => ownOrganisation('resubmit it')(m, who),
        () => (args?.bid.reference !== undefined && args.bid.reference !== m.reference ? invalid(`A resubmission must keep the reference ${m.reference}`) : null),
        () => (args && args.bid.leadOrganisation !== m.bid.leadOrganisation ? invalid('A resubmission cannot change the lead organisation') : null),
      ),
  },
  withdraw: {
    does: 'withdraw a bid',
    roles: ['applicant'],
    states: OPEN_BID_STATES,
    inState: 'be withdrawn',
    guard: (m, who, args) => first(() => ownOrganisation('withdraw it')(m, who), () => (args && blank(args.reason) ? invalid('A withdrawal needs a reason') : null)),
  },
  takeReview: {
    does: 'take a review',
    roles: ['evaluator', 'hub_lead'],
    conflict: reviewConflict,
    states: ['HUB_REVIEW'],
    inState: 'be taken for review',
    guard: (m, who) =>
      first(
        () => reviewPhase(m, 'review', 'take a review'),
        () => (who.kind === 'person' && reviewOf(m, who.actor.id) ? invalid(`${who.actor.name} is already reviewing this bid`) : null),
        () =>
          m.review!.reviews.length >= m.review!.requiredEvaluators
            ? invalid(`This bid already has its ${m.review!.requiredEvaluators} evaluator(s); the hub lead may reassign`)
            : null,
      ),
  },
  assignReview: {
    does: 'assign or reassign a review',
    roles: ['hub_lead'],
    conflict: { as: 'assign reviews of this bid', of: conflictOf },
    states: ['HUB_REVIEW'],
    inState: 'have its review assigned',
    guard: (m, _who, args) =>
      first(
        () => reviewPhase(m, 'review', 'assign a review'),
        () => (args ? assignmentProblem(m, args) : null),
      ),
  },
  recordReviewStep: {
    does: 'record a review step',
    roles: ['evaluator', 'hub_lead'],
    conflict: reviewConflict,
    states: ['HUB_REVIEW'],
    inState: 'be reviewed',
    guard: (m, who, args) =>
      first(
        () => reviewing(m, who),
        () => (args && !(REVIEW_STEPS as readonly string[]).includes(args.step) ? invalid(`Unknown review step ${args.step}`) : null),
        () => (args && !['adequate', 'needs_work', 'inadequate'].includes(args.assessment) ? invalid(`Unknown assessment ${args.assessment}`) : null),
      ),
  },
  recordRating: {
    does: 'record a review step',
    roles: ['evaluator', 'hub_lead'],
    conflict: reviewConflict,
    states: ['HUB_REVIEW'],
    inState: 'be reviewed',
    guard: (m, who, args) =>
      first(
        () => reviewing(m, who),
        () => (args && !(RATING_CRITERIA as readonly string[]).includes(args.criterion) ? invalid(`Unknown rating criterion ${args.criterion}`) : null),
        () =>
          args && args.rating !== null && !(Number.isInteger(args.rating) && args.rating >= 0 && args.rating <= 5)
            ? invalid('A rating is a whole number from 0 to 5, or null for not applicable')
            : null,
      ),
  },
  completeReview: {
    does: 'record a review step',
    roles: ['evaluator', 'hub_lead'],
    conflict: reviewConflict,
    states: ['HUB_REVIEW'],
    inState: 'be reviewed',
    guard: (m, who, args) =>
      first(
        () => reviewing(m, who),
        () => {
          if (who.kind !== 'person') return null;
          const r = reviewOf(m, who.actor.id)!;
          const still = [...REVIEW_STEPS.filter((s) => !r.steps[s]), ...RATING_CRITERIA.filter((c) => !r.ratings[c])];
          return still.length ? invalid(`The review is not complete: still to record ${still.join(', ')}`) : null;
        },
        () => (args && args.recommendation !== 'ready' && args.recommendation !== 'not_supported' ? invalid('The recommendation is ready or not_supported') : null),
        () => (args?.recommendation === 'not_supported' && blank(args.comments) ? invalid('Recommending not supported needs a reason') : null),
      ),
  },
  requestRevisions: {
    does: 'request revisions',
    roles: ['evaluator', 'hub_lead'],
    conflict: reviewConflict,
    states: ['HUB_REVIEW'],
    inState: 'have revisions requested',
    guard: (m, who, args) =>
      first(
        () => (!m.review ? wrongState('The review has not started yet') : null),
        () => (who.kind === 'person' && !hasRole(who.actor, 'hub_lead') ? assigned(m, who, 'request revisions') : null),
        () =>
          m.review!.revisionCycles >= m.policy.maxRevisionCycles
            ? invalid(`Revisions have been requested ${m.review!.revisionCycles} times, the most allowed; decide ready or not supported`)
            : null,
        () => (args && blank(args.comments) ? invalid('A revision request needs comments for the programme team') : null),
      ),
  },
  moderate: {
    does: 'moderate divergent ratings',
    roles: ['hub_lead'],
    conflict: { as: 'moderate this bid', of: conflictOf },
    states: ['HUB_REVIEW'],
    inState: 'be moderated',
    guard: (m, who, args) =>
      first(
        () => reviewPhase(m, 'moderation', 'be moderated'),
        () => fourEyes(m, who),
        () => (args ? moderationProblem(m, args) : null),
      ),
  },
  declareInterest: {
    does: 'declare an interest',
    roles: STAFF_ROLES,
    states: ALL_STATES,
    inState: 'take a declaration of interest',
    guard: (m, who, args) =>
      first(
        () => (isTerminal(m) ? wrongState(`A bid in ${m.state} is closed`) : null),
        () => (who.kind === 'person' && m.interests.some((i) => i.person.id === who.actor.id) ? invalid(`${who.actor.name} has already declared an interest`) : null),
        () => (args && blank(args.nature) ? invalid('Say what the interest is') : null),
      ),
  },
  chairsAction: {
    does: "take chair's action",
    roles: ['assembly_chair'],
    conflict: { as: "take chair's action on this bid", of: conflictOf },
    states: ['AWAITING_ASSEMBLY'],
    inState: "have chair's action taken",
    guard: (m, _who, args) =>
      first(
        () => (!m.score?.flags.safetyEscalation ? invalid("Chair's action is only for a bid with a safety escalation") : null),
        () => (m.assembly.chairsAction ? invalid("Chair's action has been taken already") : null),
        () => (m.assembly.meetingId ? wrongState(`The bid is on the agenda of ${m.assembly.meetingTitle ?? m.assembly.meetingId}; the meeting decides`) : null),
        () =>
          args && !['supported', 'supported_with_conditions', 'not_supported'].includes(args.outcome)
            ? invalid('The outcome is supported, supported_with_conditions or not_supported')
            : null,
        () => (args?.outcome === 'supported_with_conditions' && !args.conditions?.length ? invalid('Name the conditions') : null),
        () => (args?.conditionsDueBy && args.conditionsDueBy.length !== args.conditions.length ? invalid('Give a due day (or none) for each condition, in their order') : null),
        () => (args && blank(args.reason) ? invalid("Chair's action needs a reason on the record") : null),
      ),
  },
  recordBoardDecision: {
    does: "record the ICB Board's decision",
    roles: ['admin'],
    states: ['AWAITING_BOARD'],
    inState: "have the Board's decision recorded",
    guard: (_m, _who, args) => (args && blank(args.minuteReference) ? invalid("Give the Board minute's reference") : null),
  },
  rescore: {
    does: 're-score a bid',
    roles: ['admin'],
    states: ['AWAITING_ASSEMBLY'],
    inState: 'be re-scored',
    guard: (m, _who, args) =>
      first(
        () => (m.assembly.meetingId ? wrongState('The bid is on an agenda; it cannot be re-scored until the meeting has decided') : null),
        () => (args && blank(args.reason) ? invalid('A re-score needs a reason on the record') : null),
      ),
  },
  placeOnAgenda: {
    does: 'place the bid on an agenda',
    roles: [],
    system: true,
    states: ALL_STATES,
    inState: 'be placed on an agenda',
    guard: (m, _who, args) => {
      // The same meeting placing it again (its agenda activity retried) gets the same answer.
      if (args && m.assembly.meetingId === args.meetingId) return null;
      if (m.assembly.meetingId) return wrongState(`Already on the agenda of ${m.assembly.meetingTitle ?? m.assembly.meetingId}`);
      if (args?.purpose === 'ratification') {
        return m.assembly.ratification !== 'pending' ? wrongState("No chair's action waits for ratification") : null;
      }
      if (m.state !== 'AWAITING_ASSEMBLY') return wrongState(`A bid in ${m.state} cannot be placed on an agenda; it must be AWAITING_ASSEMBLY`);
      return m.assembly.chairsAction ? wrongState("Decided by chair's action; only its ratification goes to the Assembly") : null;
    },
  },
  requestReconsideration: {
    does: "ask for reconsideration of the Assembly's decision",
    roles: ['applicant'],
    states: ['CLOSED_NOT_SUPPORTED'],
    inState: 'be reconsidered',
    guard: (m, who, args) =>
      first(
        () => ownOrganisation('ask for reconsideration')(m, who),
        () => (m.reconsideration ? null : refusal(Refusals.wrongState, "Only a CCP Assembly decision not to support the bid may be reconsidered, and this bid has none open to reconsideration", 'reconsideration')),
        () => (m.reconsideration!.request ? refusal(Refusals.wrongState, `Reconsideration was asked for on ${m.reconsideration!.request.at}; a decision is reconsidered once`, 'reconsideration_once') : null),
        () => (m.reconsideration!.lapsed ? reconsiderationLapsed(m) : null),
        () => (args && blank(args.reason) ? invalid('A reconsideration request needs its grounds (reason)') : null),
        () => (args && blank(args.newInformation) ? invalid('A reconsideration request needs the new information the Assembly did not have') : null),
      ),
  },
  reviewReconsideration: {
    does: 'review a reconsideration request',
    roles: ['hub_lead'],
    conflict: { as: 'review the reconsideration of this bid', of: conflictOf },
    states: ['CLOSED_NOT_SUPPORTED'],
    inState: 'have a reconsideration reviewed',
    guard: (m, _who, args) =>
      first(
        () => (m.reconsideration?.request ? null : refusal(Refusals.wrongState, 'No request for reconsideration waits for review on this bid', 'reconsideration')),
        () => (m.reconsideration!.review ? refusal(Refusals.wrongState, `The request was reviewed on ${m.reconsideration!.review.at}`, 'reconsideration_once') : null),
        () => (args && !(RECONSIDERATION_OUTCOMES as readonly string[]).includes(args.outcome) ? invalid(`The outcome is ${RECONSIDERATION_OUTCOMES.join(' or ')}`) : null),
        () => (args && blank(args.reason) ? invalid('A review of a reconsideration request needs a reason on the record') : null),
      ),
  },
  recordConditionMet: {
    does: 'record a condition of the decision as met',
    roles: ['hub_lead'],
    conflict: { as: 'record the conditions of this bid as met', of: conflictOf },
    states: CONDITION_STATES,
    inState: 'have a condition recorded as met',
    guard: (m, _who, args) =>
      first(
        () => openConditionProblem(m, args?.conditionId),
        () => (args && blank(args.evidence) ? invalid('Say what shows the condition is met (evidence)') : null),
      ),
  },
  waiveCondition: {
    does: 'waive a condition of the decision',
    roles: ['assembly_chair'],
    conflict: { as: 'waive the conditions of this bid', of: conflictOf },
    states: CONDITION_STATES,
    inState: 'have a condition waived',
    guard: (m, _who, args) =>
      first(
        () => openConditionProblem(m, args?.conditionId),
        () => (args && blank(args.reason) ? invalid('Say why the condition is waived (reason)') : null),
      ),
  },
  submissionReceipt: {
    does: 'answer a submission',
    roles: [],
    system: true,
    states: ALL_STATES,
    inState: 'answer a submission',
    guard: (m, _who, args) =>
      args && args.contentHash !== m.contentHash ? refusal(Refusals.referenceInUse, `Reference ${m.reference} is already used by a different bid`) : null,
  },
};

/** The refusal once the window for asking has ended: it names the rule and the date. */
export function reconsiderationLapsed(m: BidModel): Refusal {
  const w = m.reconsideration!.window;
  return refusal(
    Refusals.wrongState,
    `The time to ask for reconsideration has passed: a request must be made within ${w.spec} of the decision letter (${w.startedAt}), by ${w.dueAt}`,
    'reconsideration_window',
  );
}

/** A request at this time: refused once the window's end has come, even before its timer is recorded. */
export function reconsiderationTooLate(m: BidModel, at: string): Refusal | null {
  const r = m.reconsideration;
  return r && !r.request && Date.parse(at) >= Date.parse(r.window.dueAt) ? reconsiderationLapsed(m) : null;
}

function assignmentProblem(m: BidModel, { evaluator, replaces }: BidActionArgs['assignReview']): Refusal | null {
  if (!hasRole(evaluator, 'evaluator', 'hub_lead')) return invalid(`${evaluator.name} is not an evaluator`);
  const conflict = conflictOf(m, evaluator);
  if (conflict) return refusal(Refusals.conflictOfInterest, `${evaluator.name} may not review this bid: ${conflict}`);
  if (reviewOf(m, evaluator.id)) return invalid(`${evaluator.name} is already reviewing this bid`);
  if (replaces) {
    const current = reviewOf(m, replaces);
    if (!current) return invalid(`${replaces} is not reviewing this bid`);
    if (current.completed) return invalid(`${current.evaluator.name} has completed the review; it cannot be reassigned`);
  } else if (m.review!.reviews.length >= m.review!.requiredEvaluators) {
    return invalid(`This bid has its ${m.review!.requiredEvaluators} evaluator(s); name the one to replace`);
  }
  return null;
}

/**
 * Four eyes: nobody moderates ratings they gave. A hub lead who rated the bid in this review
 * cycle is one of the two views being reconciled, so another hub lead moderates.
 */
export function fourEyes(m: BidModel, who: Asker): Refusal | null {
  if (who.kind !== 'person') return null;
  const own = reviewOf(m, who.actor.id);
  const rated = own ? RATING_CRITERIA.filter((c) => own.ratings[c] !== undefined) : [];
  if (!rated.length) return null;
  return forbidden(
    `${who.actor.name} rated this bid (${rated.join(', ')}), so may not moderate its ratings: another hub lead moderates (four eyes)`,
    'four_eyes',
  );
}

function moderationProblem(m: BidModel, { ratings, decision, comments }: BidActionArgs['moderate']): Refusal | null {
  for (const c of RATING_CRITERIA) {
    const r = ratings?.[c];
    if (r === undefined || (r !== null && !(typeof r === 'number' && r >= 0 && r <= 5))) {
      return invalid(`The moderated rating for ${c} must be 0 to 5, or null for not applicable`);
    }
  }
  if (!['ready', 'not_supported', 'revisions'].includes(decision)) return invalid('The decision is ready, not_supported or revisions');
  if (decision === 'revisions' && m.review!.revisionCycles >= m.policy.maxRevisionCycles) {
    return invalid(`Revisions have been requested ${m.review!.revisionCycles} times, the most allowed`);
  }
  if (blank(comments)) return invalid('Moderation needs comments explaining the decision');
  return null;
}

export const bidActions: ActionTable<BidModel, BidState, BidTableAction> = {
  rules: rules,
  stateOf: (m) => m.state,
  wrongState: (state, inState, allowed) => `A bid in ${state} cannot ${inState}; it must be ${allowed.join(' or ')}`,
};

/** Checks one action for a person (or, for system actions, for the service). */
export function checkBidAction<A extends BidTableAction>(m: BidModel, action: A, actor: Actor | null, args: BidActionArgs[A]): Refusal | null {
  return check(bidActions, action, m, actor ? { kind: 'person', actor } : SYSTEM_ASKER, args);
}

/** What this person may do on the bid now. */
export function bidActionsFor(m: BidModel, actor: Actor): BidAction[] {
  return allowedActions(bidActions, m, actor) as BidAction[];
}

/** What each role may do next, given the state (a person may still be refused for a conflict). */
export function bidRoleActions(m: BidModel): BidStatus['nextActions'] {
  return roleActions(bidActions, m, ALL_ROLES, ['declareInterest']);
}

// ---------------------------------------------------------------------------------------------
// Transitions. `now` is the workflow's clock, as an ISO instant.

const ev = (
  m: BidModel,
  by: PersonRef,
  role: string,
  action: string,
  payload: Record<string, unknown> = {},
  to: BidState = m.state,
  from: BidState = m.state,
): PendingEvent => ({ by, role, action, fromState: from, toState: to, payload });

const toApplicants = (m: BidModel): Notice['to'] => ({ roles: ['applicant'], organisation: m.bid.leadOrganisation });
const notice = (kind: string, to: Notice['to'], subject: string, body: string): Notice => ({ kind, to, subject, body });

// --- Intake

/** Intake has run: returned with what is missing (with its lapse deadline), or on to hub review. */
export function intakeChecked(m: BidModel, missing: MissingItem[], lapseDeadline: Deadline | null, now: string): Step<BidModel> {
  const events: PendingEvent[] = [];
  if (m.intake.count === 0) events.push(ev(m, person(m.submittedBy), 'applicant', 'bid.submitted', { contentHash: m.contentHash }, 'INTAKE', 'SUBMITTED'));
  const intake = { pending: false, count: m.intake.count + 1, ...(m.intake.resubmittedFrom && { resubmittedFrom: m.intake.resubmittedFrom }) };
  if (missing.length > 0) {
    const next: BidModel = { ...m, state: 'RETURNED', missing, intake, returnedAt: now, lapseDeadline: lapseDeadline ?? undefined };
    events.push(ev(next, SYSTEM, 'system', 'intake.returned', { missing, lapseDeadline }, 'RETURNED', 'INTAKE'));
    return step(next, events, [notice('bid.returned', toApplicants(m), `${m.reference} returned: information missing`, missing.map((x) => x.message).join('\n'))]);
  }
  const next: BidModel = { ...m, state: 'HUB_REVIEW', missing, intake };
  events.push(ev(next, SYSTEM, 'system', 'intake.completed', {}, 'HUB_REVIEW', 'INTAKE'));
  return step(next, events);
}

export function resubmitted(m: BidModel, actor: Actor, args: BidActionArgs['resubmit']): Step<BidModel> {
  const next: BidModel = {
    ...m,
    bid: { ...args.bid, reference: m.reference },
    contentHash: args.contentHash,
    state: 'INTAKE',
    intake: { pending: true, count: m.intake.count, resubmittedFrom: m.state },
  };
  return step(next, [ev(m, person(actor), 'applicant', 'bid.resubmitted', { contentHash: args.contentHash }, 'INTAKE')]);
}

export const receiptOf = (m: BidModel): SubmissionReceipt => ({ reference: m.reference, state: m.state, missing: m.missing });

// --- Withdrawal

export function withdrawn(m: BidModel, actor: Actor, { reason }: BidActionArgs['withdraw'], now: string): Step<BidModel> {
  const next: BidModel = { ...m, state: 'WITHDRAWN', withdrawn: { by: person(actor), reason, at: now } };
  const effects: Effect[] = [];
  if (m.assembly.meetingId) effects.push({ workflowId: meetingWorkflowId(m.assembly.meetingId), signal: 'itemWithdrawn', payload: { reference: m.reference } });
  // The round reruns its allocation without this bid; the next that fits moves up.
  if (m.allocation?.provisional) effects.push({ workflowId: roundWorkflowId(m.allocation.roundId), signal: 'roundBidWithdrawn', payload: { reference: m.reference } });
  return step(next, [ev(m, person(actor), 'applicant', 'bid.withdrawn', { reason }, 'WITHDRAWN')], [], effects);
}

// --- Evaluation hub review

const newReview = (evaluator: PersonRef, assignedBy: string, now: string): EvaluatorReview => ({ evaluator, assignedAt: now, assignedBy, steps: {}, ratings: {} });

/** How many evaluators the bid needs, and whom a new cycle keeps from the last one. */
export function reviewPlan(m: BidModel): { cycle: number; required: number; keep: PersonRef[] } {
  const required = totalPence(m) >= m.policy.evaluators.largeFromPence ? m.policy.evaluators.large : m.policy.evaluators.standard;
  const keep = m.intake.resubmittedFrom === 'AWAITING_REVISION' && m.review ? m.review.reviews.map((r) => r.evaluator).filter((e) => !conflictOf(m, e)) : [];
  return { cycle: (m.review?.cycle ?? 0) + 1, required, keep };
}

/** A new review cycle: the evaluators kept from the last cycle, or those assignment chose. */
export function reviewStarted(m: BidModel, evaluators: PersonRef[], kept: boolean, deadline: Deadline, now: string): Step<BidModel> {
  const { cycle, required } = reviewPlan(m);
  const assignedBy = kept ? 'system (same evaluators after revision)' : 'system';
  const previous = m.review;
  const review: ReviewStatus = {
    cycle,
    revisionCycles: previous?.revisionCycles ?? 0,
    requiredEvaluators: required,
    phase: 'review',
    reviews: evaluators.map((e) => newReview(e, assignedBy, now)),
    revisionRequests: previous?.revisionRequests ?? [],
    deadline: { ...deadline, reminded: false, breached: false },
  };
  const { resubmittedFrom: _done, ...intake } = m.intake;
  const next: BidModel = { ...m, review, intake };
  const notices: Notice[] = [];
  if (evaluators.length) {
    notices.push(notice('review.assigned', { userIds: evaluators.map((e) => e.id) }, `Review assigned: ${m.reference}`, `Please review ${m.reference}, ${m.bid.title}, by ${deadline.dueAt}.`));
  }
  if (evaluators.length < required) {
    notices.push(
      notice('review.unassigned', { roles: ['hub_lead'] }, `No evaluator free for ${m.reference}`, `${required - evaluators.length} review place(s) for ${m.reference} have no evaluator without a conflict.`),
    );
  }
  const event = ev(next, SYSTEM, 'system', 'review.started', { cycle, requiredEvaluators: required, assigned: evaluators, openPlaces: required - evaluators.length, deadline });
  return step(next, [event], notices);
}

const withReview = (m: BidModel, change: (r: ReviewStatus) => ReviewStatus): BidModel => ({ ...m, review: change(m.review!) });
const withReviewer = (m: BidModel, id: string, change: (r: EvaluatorReview) => EvaluatorReview): BidModel =>
  withReview(m, (r) => ({ ...r, reviews: r.reviews.map((x) => (x.evaluator.id === id ? change(x) : x)) }));

export function reviewTaken(m: BidModel, actor: Actor, now: string): Step<BidModel> {
  const next = withReview(m, (r) => ({ ...r, reviews: [...r.reviews, newReview(person(actor), actor.id, now)] }));
  return step(next, [ev(m, person(actor), hasRole(actor, 'evaluator') ? 'evaluator' : 'hub_lead', 'review.taken', { cycle: m.review!.cycle })]);
}

export function reviewAssigned(m: BidModel, actor: Actor, { evaluator, replaces }: BidActionArgs['assignReview'], now: string): Step<BidModel> {
  const replaced = replaces ? reviewOf(m, replaces)?.evaluator : undefined;
  const next = withReview(m, (r) => ({ ...r, reviews: [...r.reviews.filter((x) => x.evaluator.id !== replaces), newReview(person(evaluator), actor.id, now)] }));
  const event = ev(m, person(actor), 'hub_lead', replaced ? 'review.reassigned' : 'review.assigned', { cycle: m.review!.cycle, evaluator: person(evaluator), ...(replaced && { replaced }) });
  return step(next, [event], [notice('review.assigned', { userIds: [evaluator.id] }, `Review assigned: ${m.reference}`, `${actor.name} assigned you to review ${m.reference}, ${m.bid.title}.`)]);
}

export function reviewStepRecorded(m: BidModel, actor: Actor, { step: which, assessment, comments }: BidActionArgs['recordReviewStep'], now: string): Step<BidModel> {
  const next = withReviewer(m, actor.id, (r) => ({ ...r, steps: { ...r.steps, [which]: { assessment, comments, at: now } } }));
  return step(next, [ev(m, person(actor), 'evaluator', 'review.step_recorded', { cycle: m.review!.cycle, step: which, assessment, comments })]);
}

export function ratingRecorded(m: BidModel, actor: Actor, { criterion, rating, rationale }: BidActionArgs['recordRating'], now: string): Step<BidModel> {
  const next = withReviewer(m, actor.id, (r) => ({ ...r, ratings: { ...r.ratings, [criterion]: { rating, rationale, at: now } } }));
  return step(next, [ev(m, person(actor), 'evaluator', 'review.rating_recorded', { cycle: m.review!.cycle, criterion, rating, rationale })]);
}

/** Ratings the divergence or more apart, or rated by one and "not applicable" by another. */
export function divergences(reviews: EvaluatorReview[], divergence: number): string[] {
  if (reviews.length < 2) return [];
  const out: string[] = [];
  for (const c of RATING_CRITERIA) {
    const values = reviews.map((r) => r.ratings[c]!.rating);
    const numbers = values.filter((v): v is number => v !== null);
    if (numbers.length > 0 && numbers.length < values.length) out.push(`${c}: rated by one evaluator, not applicable to another`);
    else if (numbers.length > 1 && Math.max(...numbers) - Math.min(...numbers) >= divergence) {
      out.push(`${c}: ratings ${numbers.join(' and ')} differ by ${divergence} or more`);
    }
  }
  return out;
}

export function meanRatings(reviews: EvaluatorReview[]): Ratings {
  const out = {} as Ratings;
  for (const c of RATING_CRITERIA) {
    const numbers = reviews.map((r) => r.ratings[c]!.rating).filter((v): v is number => v !== null);
    out[c] = numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : null;
  }
  return out;
}

const originalRatings = (m: BidModel) =>
  Object.fromEntries(m.review!.reviews.map((r) => [r.evaluator.id, Object.fromEntries(RATING_CRITERIA.map((c) => [c, r.ratings[c]?.rating ?? null]))]));

/** The review's outcome: on to scoring with the agreed ratings, or closed as not supported. */
function concluded(m: BidModel, outcome: 'ready' | 'not_supported', ratings: Ratings, comments: string): Step<BidModel> {
  const review = { ...m.review!, phase: 'done' as const, agreedRatings: ratings };
  if (outcome === 'ready') {
    const next: BidModel = { ...m, review, state: 'SCORING' };
    return step(next, [ev(m, SYSTEM, 'system', 'review.concluded', { cycle: review.cycle, outcome, agreedRatings: ratings }, 'SCORING')]);
  }
  const next: BidModel = { ...m, review, state: 'CLOSED_NOT_SUPPORTED' };
  return step(
    next,
    [ev(m, SYSTEM, 'system', 'review.concluded', { cycle: review.cycle, outcome, reason: comments }, 'CLOSED_NOT_SUPPORTED')],
    [notice('bid.not_supported', toApplicants(m), `${m.reference} was not supported`, 'The evaluation hub did not support the bid.')],
  );
}

const join = <M>(a: Step<M>, b: Step<M>): Step<M> => ({ model: b.model, events: [...a.events, ...b.events], notices: [...a.notices, ...b.notices], effects: [...a.effects, ...b.effects] });

export function reviewCompleted(m: BidModel, actor: Actor, { recommendation, comments }: BidActionArgs['completeReview'], now: string): Step<BidModel> {
  const next = withReviewer(m, actor.id, (r) => ({ ...r, completed: { recommendation, comments, at: now } }));
  const done = step(next, [ev(m, person(actor), 'evaluator', 'review.completed', { cycle: m.review!.cycle, recommendation, comments })]);
  const reviews = next.review!.reviews;
  if (reviews.length < next.review!.requiredEvaluators || reviews.some((r) => !r.completed)) return done;
  const reasons = divergences(reviews, m.policy.moderationDivergence);
  const recommendations = new Set(reviews.map((r) => r.completed!.recommendation));
  if (recommendations.size > 1) reasons.push('the evaluators recommend different outcomes');
  if (reasons.length) {
    const moderating: BidModel = { ...next, review: { ...next.review!, phase: 'moderation', moderation: { reasons } } };
    return join(
      done,
      step(
        moderating,
        [ev(next, SYSTEM, 'system', 'review.moderation_required', { cycle: next.review!.cycle, reasons, originals: originalRatings(next) })],
        [notice('review.moderation_required', { roles: ['hub_lead'] }, `Moderation needed: ${m.reference}`, `The evaluators of ${m.reference} diverge: ${reasons.join('; ')}.`)],
      ),
    );
  }
  const outcome = [...recommendations][0]!;
  return join(done, concluded(next, outcome, meanRatings(reviews), reviews.map((r) => r.completed!.comments).filter(Boolean).join(' / ')));
}

/** Revisions requested (by an evaluator, the hub lead, or moderation): the programme team has until the deadline. */
export function revisionsRequested(m: BidModel, by: PersonRef, role: string, comments: string, deadline: Deadline, now: string): Step<BidModel> {
  const review = m.review!;
  const revisionCycles = review.revisionCycles + 1;
  const next: BidModel = {
    ...m,
    state: 'AWAITING_REVISION',
    revisionDeadline: deadline,
    review: { ...review, revisionCycles, phase: 'done', revisionRequests: [...review.revisionRequests, { by, comments, at: now, cycle: review.cycle }] },
  };
  return step(
    next,
    [ev(m, by, role, 'review.revisions_requested', { cycle: review.cycle, comments, revisionCycle: revisionCycles, deadline }, 'AWAITING_REVISION')],
    [notice('bid.revisions_requested', toApplicants(m), `Revisions requested: ${m.reference}`, comments)],
  );
}

/** The hub lead's moderation: both originals and the moderated values on the trail, then the outcome. */
export function moderated(m: BidModel, actor: Actor, { ratings, decision, comments }: BidActionArgs['moderate'], now: string, revisionDeadline: Deadline | null): Step<BidModel> {
  const outcome = { by: person(actor), ratings, decision, comments, at: now };
  const next: BidModel = { ...m, review: { ...m.review!, moderation: { reasons: m.review!.moderation?.reasons ?? [], outcome } } };
  const record = step(next, [ev(m, person(actor), 'hub_lead', 'review.moderated', { cycle: m.review!.cycle, originals: originalRatings(m), moderated: ratings, decision, comments })]);
  if (decision === 'revisions') return join(record, revisionsRequested(next, person(actor), 'hub_lead', comments, revisionDeadline!, now));
  return join(record, concluded(next, decision, ratings, comments));
}

export function interestDeclared(m: BidModel, actor: Actor, { nature }: BidActionArgs['declareInterest'], now: string): Step<BidModel> {
  const interests = [...m.interests, { person: person(actor), nature, at: now, where: 'bid' as const }];
  let next: BidModel = { ...m, interests };
  const events = [ev(m, person(actor), actor.roles[0] ?? 'staff', 'interest.declared', { nature, where: 'bid' })];
  // An evaluator who declares an interest mid-review is taken off it; the place reopens.
  const r = reviewOf(m, actor.id);
  if (r && !r.completed && m.state === 'HUB_REVIEW' && m.review?.phase === 'review') {
    next = withReview(next, (x) => ({ ...x, reviews: x.reviews.filter((y) => y.evaluator.id !== actor.id) }));
    events.push(ev(m, SYSTEM, 'system', 'review.unassigned', { cycle: m.review.cycle, evaluator: r.evaluator, reason: 'declared an interest' }));
  }
  const effects: Effect[] = m.assembly.meetingId
    ? [{ workflowId: meetingWorkflowId(m.assembly.meetingId), signal: 'bidInterest', payload: { reference: m.reference, person: person(actor), nature } }]
    : [];
  return step(next, events, [], effects);
}

// --- Scoring

/** The rule set the next score uses: an explicit re-score's, else the bid's own (else the active one). */
export function scoringRuleSet(m: BidModel): { id: string; version: string } | undefined {
  if (m.scoring.rescore) return m.scoring.rescore.ruleSet;
  return m.score ? { id: m.score.ruleSet.id, version: m.score.ruleSet.version } : undefined;
}

export function scored(m: BidModel, result: ScoreSummary): Step<BidModel> {
  const next: BidModel = { ...m, score: result, state: 'AWAITING_ASSEMBLY', scoring: { count: m.scoring.count + 1 } };
  const ruleSetVersion = `${result.ruleSet.id}@${result.ruleSet.version}#${result.ruleSet.hash.slice(0, 12)}`;
  const hard = (action: string, payload: Record<string, unknown>): PendingEvent => ({ ...ev(next, SYSTEM, 'system', action, payload), ruleSetVersion });
  const events: PendingEvent[] = [
    {
      ...ev(m, SYSTEM, 'system', 'scoring.completed', {
        scoreEventId: result.eventId,
        benefitScore: result.benefitScore,
        band: result.band,
        flags: result.flags,
        delegation: result.delegation,
        ruleSet: result.ruleSet,
      }, 'AWAITING_ASSEMBLY'),
      ruleSetVersion,
    },
  ];
  if (result.flags.mustFund) events.push(hard('hard_rule.must_fund', { mandate: m.bid.statutoryMandate }));
  if (result.flags.safetyEscalation) events.push(hard('hard_rule.safety_escalation', { risk: m.bid.riskOfNotFunding }));
  if (result.flags.valueJustificationRequired) events.push(hard('hard_rule.value_justification_required', { costPerQalyPence: m.bid.costPerQalyPence }));
  return step(next, events);
}

export function rescoreRequested(m: BidModel, actor: Actor, { ruleSet, reason }: BidActionArgs['rescore']): Step<BidModel> {
  const next: BidModel = { ...m, state: 'SCORING', scoring: { ...m.scoring, rescore: ruleSet ? { ruleSet } : {} } };
  return step(next, [ev(m, person(actor), 'admin', 'scoring.rescore_requested', { ruleSet: ruleSet ?? 'active', reason }, 'SCORING')]);
}

// --- The Assembly

export const needsChairsWindow = (m: BidModel): boolean =>
  m.state === 'AWAITING_ASSEMBLY' && !!m.score?.flags.safetyEscalation && !m.assembly.chairsAction && !m.assembly.chairsActionDeadline;

export function chairsWindowOpened(m: BidModel, deadline: Deadline): Step<BidModel> {
  const next: BidModel = { ...m, assembly: { ...m.assembly, chairsActionDeadline: { ...deadline, reminded: false, breached: false } } };
  const risk = m.bid.riskOfNotFunding.likelihood * m.bid.riskOfNotFunding.impact;
  return step(
    next,
    [ev(m, SYSTEM, 'system', 'safety.chairs_action_window_opened', { deadline })],
    [notice('bid.safety_escalation', { roles: ['assembly_chair'] }, `Safety escalation: ${m.reference}`, `Risk of not funding is ${risk}; the chair may act by ${deadline.dueAt}.`)],
  );
}

export function chairsActionTaken(
  m: BidModel,
  actor: Actor,
  { outcome, conditions, conditionsDueBy, reason }: BidActionArgs['chairsAction'],
  now: string,
  schedule: ConditionSchedule | null = null,
): Step<BidModel> {
  const to: BidState = outcome === 'not_supported' ? 'CLOSED_NOT_SUPPORTED' : m.score?.delegation === 'board' ? 'AWAITING_BOARD' : 'ALLOCATION';
  const taken: ChairsAction = { by: person(actor), outcome, conditions, ...(conditionsDueBy && { conditionsDueBy }), reason, at: now };
  let next: BidModel = { ...m, state: to, assembly: { ...m.assembly, chairsAction: taken, ratification: 'pending' } };
  if (to !== 'CLOSED_NOT_SUPPORTED') next = withConditions(next, trackedConditions("The chair's action", now, conditions, conditionsDueBy, schedule));
  return step(
    next,
    [ev(m, person(actor), 'assembly_chair', 'safety.chairs_action', { outcome, conditions, ...(conditionsDueBy && { conditionsDueBy }), reason, routedTo: to }, to)],
    [notice('bid.chairs_action', { roles: ['assembly_member', 'assembly_chair'] }, `Chair's action on ${m.reference}`, `${actor.name} decided ${outcome}; the next meeting ratifies it.`)],
  );
}

export function placedOnAgenda(m: BidModel, { meetingId, meetingTitle, purpose }: BidActionArgs['placeOnAgenda']): Step<BidModel> {
  if (m.assembly.meetingId === meetingId) return step(m);
  const next: BidModel = { ...m, assembly: { ...m.assembly, meetingId, meetingTitle } };
  return step(next, [ev(m, SYSTEM, 'system', 'assembly.placed_on_agenda', { meetingId, meetingTitle, purpose })]);
}

/** What the bid tells a meeting that puts it on its agenda. */
export function agendaPlacement(m: BidModel, purpose: 'decision' | 'ratification'): AgendaPlacement {
  return {
    reference: m.reference,
    title: m.bid.title,
    purpose,
    leadOrganisation: m.bid.leadOrganisation,
    partnerOrganisations: m.bid.partnerOrganisations,
    interests: m.interests,
    band: m.score?.band ?? null,
    benefitScore: m.score?.benefitScore ?? null,
    totalPence: totalPence(m),
    delegation: m.score?.delegation ?? null,
    deferrals: m.assembly.deferrals,
    safetyEscalation: m.score?.flags.safetyEscalation ?? false,
    mustFund: m.score?.flags.mustFund ?? false,
    chairsAction: m.assembly.chairsAction,
    ...(m.reconsideration?.review?.outcome === 'return_to_assembly' && { reconsideration: m.reconsideration }),
  };
}

const offAgenda = (a: AssemblyStatus): AssemblyStatus => {
  const { meetingId: _id, meetingTitle: _title, ...rest } = a;
  return rest;
};

export function removedFromAgenda(m: BidModel, { meetingId, reason }: { meetingId: string; reason: string }): Step<BidModel> {
  if (m.assembly.meetingId !== meetingId) return step(m);
  return step({ ...m, assembly: offAgenda(m.assembly) }, [ev(m, SYSTEM, 'system', 'assembly.removed_from_agenda', { meetingId, reason })]);
}

export function meetingInterestDeclared(m: BidModel, { meetingId, person: who, nature }: { meetingId: string; person: PersonRef; nature: string }, now: string): Step<BidModel> {
  if (m.interests.some((i) => i.person.id === who.id)) return step(m);
  const next: BidModel = { ...m, interests: [...m.interests, { person: who, nature, at: now, where: 'meeting' }] };
  return step(next, [ev(m, who, 'assembly_member', 'interest.declared', { nature, where: 'meeting', meetingId })]);
}

/** Whether this decision, reaching the bid, opens a window to ask for reconsideration: a first decision not to support it. */
export const opensReconsideration = (m: BidModel, decision: AssemblyDecision): boolean =>
  decision.purpose === 'decision' && decision.outcome === 'not_supported' && m.state === 'AWAITING_ASSEMBLY' && m.assembly.meetingId === decision.meetingId && !m.reconsideration;

/**
 * The Assembly's decision reaches the bid: it routes on, is deferred, or closes; or ratifies
 * chair's action. A decision not to support it opens `reconsiderationWindow` when given.
 */
export function assemblyDecided(m: BidModel, decision: AssemblyDecision, reconsiderationWindow?: Deadline | null, schedule: ConditionSchedule | null = null): Step<BidModel> {
  if (m.assembly.meetingId !== decision.meetingId) {
    return step(m, [ev(m, SYSTEM, 'system', 'assembly.decision_not_applied', { decision, reason: `the bid is not on the agenda of ${decision.meetingId}` })]);
  }
  const assembly: AssemblyStatus = { ...offAgenda(m.assembly), decisions: [...m.assembly.decisions, decision] };
  if (decision.purpose === 'ratification') {
    if (decision.outcome === 'deferred') {
      return step({ ...m, assembly }, [ev(m, SYSTEM, 'system', 'assembly.ratification_deferred', { meetingId: decision.meetingId, reason: decision.reason })]);
    }
    const ratification = decision.outcome === 'ratified' ? 'ratified' : 'not_ratified';
    // Not ratified: the Assembly considers the bid in full instead.
    const reopen = ratification === 'not_ratified' && (['ALLOCATION', 'AWAITING_BOARD', 'CLOSED_NOT_SUPPORTED'] as BidState[]).includes(m.state);
    const { chairsAction: _undone, ...kept } = assembly;
    const next: BidModel = reopen ? { ...m, state: 'AWAITING_ASSEMBLY', assembly: { ...kept, ratification } } : { ...m, assembly: { ...assembly, ratification } };
    return step(next, [ev(m, SYSTEM, 'system', `assembly.chairs_action_${ratification}`, { meetingId: decision.meetingId, reason: decision.reason }, next.state)]);
  }
  if (m.state !== 'AWAITING_ASSEMBLY') {
    return step({ ...m, assembly }, [ev(m, SYSTEM, 'system', 'assembly.decision_not_applied', { decision, reason: `the bid is ${m.state}` })]);
  }
  let to: BidState;
  if (decision.outcome === 'supported' || decision.outcome === 'supported_with_conditions') to = m.score?.delegation === 'board' ? 'AWAITING_BOARD' : 'ALLOCATION';
  else if (decision.outcome === 'deferred') {
    assembly.deferrals += 1;
    to = 'AWAITING_ASSEMBLY';
  } else to = 'CLOSED_NOT_SUPPORTED';
  const window = to === 'CLOSED_NOT_SUPPORTED' && reconsiderationWindow && !m.reconsideration ? reconsiderationWindow : null;
  let next: BidModel = {
    ...m,
    state: to,
    assembly,
    ...(window && {
      reconsideration: { window, decision: { meetingId: decision.meetingId, meetingTitle: decision.meetingTitle, decidedAt: decision.decidedAt, reason: decision.reason } },
    }),
  };
  // A decision to support the bid sets the conditions in force (none: it clears earlier ones).
  if (to === 'ALLOCATION' || to === 'AWAITING_BOARD') {
    next = withConditions(next, trackedConditions(decision.meetingTitle, decision.decidedAt, decision.conditions, decision.conditionsDueBy, schedule));
  }
  const event = ev(m, SYSTEM, 'system', 'assembly.decision_applied', {
    meetingId: decision.meetingId,
    outcome: decision.outcome,
    conditions: decision.conditions,
    ...(decision.conditionsDueBy && { conditionsDueBy: decision.conditionsDueBy }),
    reason: decision.reason,
    deferrals: assembly.deferrals,
    routedTo: to,
    delegation: m.score?.delegation,
    ...(window && { reconsideration: { dueAt: window.dueAt, spec: window.spec, startedAt: window.startedAt } }),
    ...(m.reconsideration?.review?.outcome === 'return_to_assembly' && { onReconsideration: true }),
  }, to);
  return step(next, [event], [
    notice('bid.assembly_decision', toApplicants(m), `CCP Assembly decision on ${m.reference}: ${decision.outcome}`, decision.reason || decision.conditions.join('; ')),
  ]);
}

// --- Conditions of the decision

/** When each dated condition falls due and is reminded of (the conditionSchedule activity), in the decision's order; null for an undated one. */
export type ConditionSchedule = ({ dueAt: string; remindAt?: string; escalateAt?: string } | null)[];

/** Whether any condition has a due day: then the workflow asks when each falls due (under its patch). */
export const anyDueBy = (dueBy: (string | null)[] | undefined): dueBy is (string | null)[] => !!dueBy?.some(Boolean);

/** The conditions a decision sets, numbered c1, c2, ... in its order; a dated one is timed once it has its schedule. */
export function trackedConditions(setBy: string, at: string, texts: string[], dueBy: (string | null)[] | undefined, schedule: ConditionSchedule | null): ConditionsInForce | undefined {
  if (!texts.length) return undefined;
  const items = texts.map((text, i): ConditionStatus => {
    const day = dueBy?.[i] ?? null;
    const when = day ? schedule?.[i] : null;
    return {
      id: `c${i + 1}`,
      text,
      ...(day && { dueBy: day }),
      ...(when && { dueAt: when.dueAt, ...(when.remindAt && { remindAt: when.remindAt }), ...(when.escalateAt && { escalateAt: when.escalateAt }) }),
    };
  });
  return { setBy, at, items };
}

const withConditions = (m: BidModel, conditions: ConditionsInForce | undefined): BidModel => {
  const { conditions: _earlier, ...rest } = m;
  return conditions ? { ...rest, conditions } : rest;
};

/** Conditions whose notices may still go, or that the hub may record as met: the bid supported or funded. */
const conditionsLive = (m: BidModel): boolean => !!m.conditions && CONDITION_STATES.includes(m.state);

/** Met, or waived by the Assembly chair: nothing more is asked of it. */
export const conditionSettled = (c: ConditionStatus): boolean => !!(c.met || c.waived);

/** The bid has conditions still to meet, and the one named (when named) is one of them. */
function openConditionProblem(m: BidModel, conditionId: string | undefined): Refusal | null {
  const items = m.conditions?.items ?? [];
  const item = conditionId === undefined ? undefined : items.find((c) => c.id === conditionId);
  if (!items.length) return wrongState('The decision in force on this bid set no conditions');
  if (items.every(conditionSettled)) return wrongState('Every condition of the decision is recorded as met or waived');
  if (conditionId !== undefined && !item) return invalid(`The bid has no condition ${conditionId}: its conditions are ${items.map((c) => c.id).join(', ')}`);
  if (item?.met) return wrongState(`Condition ${item.id} was recorded as met on ${item.met.at}`);
  if (item?.waived) return wrongState(`Condition ${item.id} was waived on ${item.waived.at}`);
  return null;
}

/** A funded bid's workflow stays open while a dated condition is neither recorded as met nor waived. */
export const conditionsOpen = (m: BidModel): boolean => conditionsLive(m) && m.conditions!.items.some((c) => c.dueAt && !conditionSettled(c));

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** 2027-03-31 as 31 March 2027 (no Intl: the same words on every worker). */
export const dayInWords = (day: string): string => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;

type ConditionTimer = `conditionReminder:${string}` | `conditionDue:${string}` | `conditionOverdue:${string}`;

function nextConditionTimer(m: BidModel): { timer: ConditionTimer; at: string } | null {
  if (!conditionsLive(m)) return null;
  let soonest: { timer: ConditionTimer; at: string } | null = null;
  for (const c of m.conditions!.items) {
    if (conditionSettled(c) || !c.dueAt) continue;
    const t: { timer: ConditionTimer; at: string } | null =
      c.remindAt && !c.reminded
        ? { timer: `conditionReminder:${c.id}`, at: c.remindAt }
        : !c.dueNotified
          ? { timer: `conditionDue:${c.id}`, at: c.dueAt }
          : c.escalateAt && !c.escalated
            ? { timer: `conditionOverdue:${c.id}`, at: c.escalateAt }
            : null;
    if (t && (!soonest || Date.parse(t.at) < Date.parse(soonest.at))) soonest = t;
  }
  return soonest;
}

const withCondition = (m: BidModel, id: string, change: (c: ConditionStatus) => ConditionStatus): BidModel => ({
  ...m,
  conditions: { ...m.conditions!, items: m.conditions!.items.map((c) => (c.id === id ? change(c) : c)) },
});

/** A condition's reminder, or its day: the programme team and the hub are told, on the trail. */
function conditionTimerFired(m: BidModel, timer: ConditionTimer): Step<BidModel> {
  const [which, id] = timer.split(':') as ['conditionReminder' | 'conditionDue' | 'conditionOverdue', string];
  const c = m.conditions!.items.find((x) => x.id === id)!;
  const due = dayInWords(c.dueBy!);
  const payload = { conditionId: c.id, text: c.text, dueBy: c.dueBy, dueAt: c.dueAt };
  const what = `Condition ${c.id} of the decision to support ${m.reference} (${m.bid.title}): ${c.text}`;
  const toTeam = 'Send the evaluation hub what shows it is met; the hub lead records it on the bid\'s page.';
  const toHub = 'Once the programme team shows it is met, record it as met on the bid\'s page.';
  if (which === 'conditionReminder') {
    const subject = `Condition due by ${due}: ${m.reference}`;
    return step(
      withCondition(m, c.id, (x) => ({ ...x, reminded: true })),
      [ev(m, SYSTEM, 'system', 'condition.reminder_sent', payload)],
      [
        notice('bid.condition_due', toApplicants(m), subject, `${what}\nIt is due by ${due}. ${toTeam}`),
        notice('bid.condition_due', { roles: ['hub_lead'] }, subject, `${what}\nIt is due by ${due}. ${toHub}`),
      ],
    );
  }
  if (which === 'conditionOverdue') {
    // Still open well after its day: the chair is told, who may waive it, and the hub and the team again.
    const subject = `Condition overdue since ${due}: ${m.reference}`;
    const late = `${what}\nIt was due by ${due} and is still not recorded as met.`;
    return step(
      withCondition(m, c.id, (x) => ({ ...x, escalated: true })),
      [ev(m, SYSTEM, 'system', 'condition.overdue', { ...payload, escalateAt: c.escalateAt })],
      [
        notice('bid.condition_overdue', { roles: ['assembly_chair'] }, subject, `${late} The programme team and the hub have been told. If the Assembly no longer asks it, the chair (without a conflict of interest in the bid) may waive it on the bid's page, with the reason.`),
        notice('bid.condition_overdue', { roles: ['hub_lead'] }, subject, `${late} ${toHub} The Assembly chair has been told.`),
        notice('bid.condition_overdue', toApplicants(m), subject, `${late} ${toTeam} The Assembly chair has been told.`),
      ],
    );
  }
  const subject = `Condition due today, ${due}: ${m.reference}`;
  return step(
    withCondition(m, c.id, (x) => ({ ...x, dueNotified: true })),
    [ev(m, SYSTEM, 'system', 'condition.fell_due', payload)],
    [
      notice('bid.condition_due', toApplicants(m), subject, `${what}\nIt is due today, ${due}, and is not yet recorded as met. ${toTeam}`),
      notice('bid.condition_due', { roles: ['hub_lead'] }, subject, `${what}\nIt is due today, ${due}, and is not yet recorded as met. ${toHub}`),
    ],
  );
}

/** The hub lead records a condition met, with its evidence: its notices stop. */
export function conditionMet(m: BidModel, actor: Actor, { conditionId, evidence }: BidActionArgs['recordConditionMet'], now: string): Step<BidModel> {
  const c = m.conditions!.items.find((x) => x.id === conditionId)!;
  const next = withCondition(m, c.id, (x) => ({ ...x, met: { by: person(actor), evidence, at: now } }));
  return step(
    next,
    [ev(m, person(actor), 'hub_lead', 'condition.met', { conditionId: c.id, text: c.text, ...(c.dueBy && { dueBy: c.dueBy }), evidence })],
    [notice('bid.condition_met', toApplicants(m), `Condition met: ${m.reference}`, `${actor.name} recorded condition ${c.id} as met: ${c.text}\nEvidence: ${evidence}`)],
  );
}

/**
 * The Assembly chair waives a condition, with the reason (the Assembly no longer asks it, or
 * accepts it cannot be met as set): its notices stop, and the programme team and the hub are told.
 */
export function conditionWaived(m: BidModel, actor: Actor, { conditionId, reason }: BidActionArgs['waiveCondition'], now: string): Step<BidModel> {
  const c = m.conditions!.items.find((x) => x.id === conditionId)!;
  const next = withCondition(m, c.id, (x) => ({ ...x, waived: { by: person(actor), reason, at: now } }));
  const body = `${actor.name}, chair of the CCP Assembly, waived condition ${c.id} of the decision to support ${m.reference} (${m.bid.title}): ${c.text}\nReason: ${reason}`;
  return step(
    next,
    [ev(m, person(actor), 'assembly_chair', 'condition.waived', { conditionId: c.id, text: c.text, ...(c.dueBy && { dueBy: c.dueBy }), reason })],
    [
      notice('bid.condition_waived', toApplicants(m), `Condition waived: ${m.reference}`, `${body}\nIt no longer needs to be met.`),
      notice('bid.condition_waived', { roles: ['hub_lead'] }, `Condition waived: ${m.reference}`, `${body}\nThere is nothing to record for it.`),
    ],
  );
}

// --- Reconsideration

export function reconsiderationRequested(m: BidModel, actor: Actor, { reason, newInformation }: BidActionArgs['requestReconsideration'], now: string): Step<BidModel> {
  const r = m.reconsideration!;
  const next: BidModel = { ...m, reconsideration: { ...r, request: { by: person(actor), reason, newInformation, at: now } } };
  return step(
    next,
    [ev(m, person(actor), 'applicant', 'reconsideration.requested', { reason, newInformation, decision: r.decision, dueAt: r.window.dueAt })],
    [notice('bid.reconsideration_requested', { roles: ['hub_lead'] }, `Reconsideration asked for: ${m.reference}`, `${actor.name} asks the Assembly to reconsider its decision not to support ${m.reference}: ${reason}`)],
  );
}

/** The hub lead's review: back to the Assembly with its history, or the decision stands. */
export function reconsiderationReviewed(m: BidModel, actor: Actor, { outcome, reason }: BidActionArgs['reviewReconsideration'], now: string): Step<BidModel> {
  const r = m.reconsideration!;
  const to: BidState = outcome === 'return_to_assembly' ? 'AWAITING_ASSEMBLY' : m.state;
  const next: BidModel = { ...m, state: to, reconsideration: { ...r, review: { by: person(actor), outcome, reason, at: now } } };
  const event = ev(m, person(actor), 'hub_lead', 'reconsideration.reviewed', { outcome, reason, request: r.request, decision: r.decision }, to);
  const told =
    outcome === 'return_to_assembly'
      ? [
          notice('bid.reconsideration_reviewed', toApplicants(m), `${m.reference} goes back to the CCP Assembly`, `Your request for reconsideration was reviewed: ${reason}`),
          notice('bid.reconsideration_returned', { roles: ['assembly_chair'] }, `Reconsideration: ${m.reference} returns to the Assembly`, `The next agenda takes ${m.reference} again with its history: ${reason}`),
        ]
      : [notice('bid.reconsideration_reviewed', toApplicants(m), `${m.reference}: the Assembly's decision stands`, `Your request for reconsideration was reviewed: ${reason}`)];
  return step(next, [event], told);
}

export function boardDecided(m: BidModel, actor: Actor, { approved, minuteReference, reason }: BidActionArgs['recordBoardDecision'], now: string): Step<BidModel> {
  const to: BidState = approved ? 'ALLOCATION' : 'CLOSED_NOT_SUPPORTED';
  const next: BidModel = { ...m, state: to, board: { approved, minuteReference, reason, by: person(actor), at: now } };
  return step(next, [ev(m, person(actor), 'admin', 'board.decision_recorded', { approved, minuteReference, reason }, to)]);
}

// --- Allocation within a funding round

const inAllocation = (m: BidModel) => m.state === 'ALLOCATION' || m.state === 'WAITLISTED';

export function allocationProposed(m: BidModel, { roundId, roundTitle, financialYear, version, place }: AllocationNotice): Step<BidModel> {
  if (!inAllocation(m)) return step(m);
  const before = m.allocation?.roundId === roundId ? m.allocation.provisional : undefined;
  const next: BidModel = { ...m, allocation: { roundId, roundTitle, financialYear, provisional: { ...place, version }, confirmed: m.allocation?.confirmed } };
  const changed = !before || before.outcome !== place.outcome || before.rank !== place.rank || before.reason !== place.reason;
  return step(next, changed ? [ev(m, SYSTEM, 'system', 'allocation.proposed', { roundId, version, ...place })] : []);
}

export function allocationConfirmed(m: BidModel, n: AllocationNotice & { confirmedBy: PersonRef }, now: string): Step<BidModel> {
  if (!inAllocation(m)) return step(m);
  const to: BidState = n.place.outcome === 'funded' ? 'FUNDED' : 'WAITLISTED';
  const next: BidModel = {
    ...m,
    state: to,
    allocation: { roundId: n.roundId, roundTitle: n.roundTitle, financialYear: n.financialYear, confirmed: { ...n.place, version: n.version, by: n.confirmedBy, at: now } },
  };
  return step(
    next,
    [ev(m, n.confirmedBy, 'finance', 'allocation.confirmed', { roundId: n.roundId, version: n.version, ...n.place }, to)],
    [notice('bid.allocation', toApplicants(m), `${m.reference}: ${to === 'FUNDED' ? 'funded' : 'waitlisted'} in ${n.roundTitle}`, n.place.reason)],
  );
}

export function allocationReleased(m: BidModel, { roundId, reason }: { roundId: string; reason: string }): Step<BidModel> {
  if (m.allocation?.roundId !== roundId || !m.allocation.provisional) return step(m);
  const { provisional: _gone, ...rest } = m.allocation;
  const next: BidModel = { ...m, allocation: m.allocation.confirmed ? rest : undefined };
  return step(next, [ev(m, SYSTEM, 'system', 'allocation.released', { roundId, reason })]);
}

// ---------------------------------------------------------------------------------------------
// What the bid does by itself: automatic work, and the next deadline it waits for.

export type BidWork =
  | { kind: 'intake' }
  | { kind: 'startReview' }
  | { kind: 'score' }
  | { kind: 'openChairsWindow' };

export function bidWork(m: BidModel): BidWork | null {
  if ((m.state === 'SUBMITTED' || m.state === 'INTAKE') && m.intake.pending) return { kind: 'intake' };
  if (m.state === 'HUB_REVIEW' && (!m.review || m.review.phase === 'done')) return { kind: 'startReview' };
  if (m.state === 'SCORING') return { kind: 'score' };
  if (needsChairsWindow(m)) return { kind: 'openChairsWindow' };
  return null;
}

export type BidTimer =
  | 'reconsiderationLapse'
  | 'lapseReminder'
  | 'lapse'
  | 'revisionReminder'
  | 'revisionOverdue'
  | 'reviewReminder'
  | 'reviewEscalation'
  | 'chairsReminder'
  | 'chairsExpired'
  | ConditionTimer;

/** The earliest deadline still to act on, in the bid's state. */
export function nextBidTimer(m: BidModel): { timer: BidTimer; at: string } | null {
  if (m.state === 'RETURNED' && m.lapseDeadline) {
    return m.lapseDeadline.reminded ? { timer: 'lapse', at: m.lapseDeadline.dueAt } : { timer: 'lapseReminder', at: m.lapseDeadline.remindAt };
  }
  if (m.state === 'AWAITING_REVISION' && m.revisionDeadline && !m.revisionDeadline.breached) {
    return m.revisionDeadline.reminded ? { timer: 'revisionOverdue', at: m.revisionDeadline.dueAt } : { timer: 'revisionReminder', at: m.revisionDeadline.remindAt };
  }
  const d = m.review?.deadline;
  if (m.state === 'HUB_REVIEW' && m.review?.phase === 'review' && d && !d.breached) {
    return d.reminded ? { timer: 'reviewEscalation', at: d.dueAt } : { timer: 'reviewReminder', at: d.remindAt };
  }
  const r = m.reconsideration;
  if (m.state === 'CLOSED_NOT_SUPPORTED' && r && !r.request && !r.lapsed) return { timer: 'reconsiderationLapse', at: r.window.dueAt };
  const c = m.assembly.chairsActionDeadline;
  if (m.state === 'AWAITING_ASSEMBLY' && c && !c.breached && !m.assembly.chairsAction && !m.assembly.meetingId) {
    return c.reminded ? { timer: 'chairsExpired', at: c.dueAt } : { timer: 'chairsReminder', at: c.remindAt };
  }
  return nextConditionTimer(m);
}

const pendingEvaluators = (m: BidModel) => (m.review?.reviews ?? []).filter((r) => !r.completed).map((r) => r.evaluator.id);

/** A deadline has come: a reminder, an escalation, or a lapse. */
export function bidTimerFired(m: BidModel, timer: BidTimer): Step<BidModel> {
  const ref = m.reference;
  switch (timer) {
    case 'reconsiderationLapse': {
      const r = m.reconsideration!;
      return step({ ...m, reconsideration: { ...r, lapsed: true } }, [ev(m, SYSTEM, 'system', 'reconsideration.window_closed', { dueAt: r.window.dueAt, spec: r.window.spec, requested: false })]);
    }
    case 'lapseReminder': {
      const d = m.lapseDeadline!;
      return step(
        { ...m, lapseDeadline: { ...d, reminded: true } },
        [ev(m, SYSTEM, 'system', 'returned.reminder_sent', { dueAt: d.dueAt })],
        [notice('bid.lapse_reminder', toApplicants(m), `${ref} lapses on ${d.dueAt}`, 'Resubmit with what is missing, or the bid lapses.')],
      );
    }
    case 'lapse': {
      const { reminded: _r, ...deadline } = m.lapseDeadline!;
      return step({ ...m, state: 'LAPSED' }, [ev(m, SYSTEM, 'system', 'bid.lapsed', { returnedAt: m.returnedAt, deadline }, 'LAPSED')]);
    }
    case 'revisionReminder': {
      const d = m.revisionDeadline!;
      return step(
        { ...m, revisionDeadline: { ...d, reminded: true } },
        [ev(m, SYSTEM, 'system', 'revision.reminder_sent', { dueAt: d.dueAt })],
        [notice('bid.revision_reminder', toApplicants(m), `Revisions due for ${ref}`, `Please answer the revision request by ${d.dueAt}.`)],
      );
    }
    case 'revisionOverdue': {
      const d = m.revisionDeadline!;
      return step(
        { ...m, revisionDeadline: { ...d, breached: true } },
        [ev(m, SYSTEM, 'system', 'revision.deadline_breached', { dueAt: d.dueAt })],
        [notice('bid.revision_overdue', { roles: ['hub_lead'] }, `Revisions overdue: ${ref}`, `The programme team has not answered the revision request due ${d.dueAt}.`)],
      );
    }
    case 'reviewReminder': {
      const review = m.review!;
      const to = pendingEvaluators(m);
      return step(
        { ...m, review: { ...review, deadline: { ...review.deadline!, reminded: true } } },
        [ev(m, SYSTEM, 'system', 'review.reminder_sent', { cycle: review.cycle, dueAt: review.deadline!.dueAt, to })],
        [notice('review.reminder', { userIds: to, roles: to.length ? [] : ['hub_lead'] }, `Review due soon: ${ref}`, `The review of ${ref} is due ${review.deadline!.dueAt}.`)],
      );
    }
    case 'reviewEscalation': {
      const review = m.review!;
      const pending = pendingEvaluators(m);
      return step(
        { ...m, review: { ...review, deadline: { ...review.deadline!, reminded: true, breached: true } } },
        [ev(m, SYSTEM, 'system', 'review.deadline_breached', { cycle: review.cycle, dueAt: review.deadline!.dueAt, escalatedTo: 'hub_lead', pending })],
        [notice('review.escalated', { roles: ['hub_lead'] }, `Review overdue: ${ref}`, `The review of ${ref} was due ${review.deadline!.dueAt} and is not complete.`)],
      );
    }
    case 'chairsReminder': {
      const d = m.assembly.chairsActionDeadline!;
      return step(
        { ...m, assembly: { ...m.assembly, chairsActionDeadline: { ...d, reminded: true } } },
        [],
        [notice('bid.chairs_action_reminder', { roles: ['assembly_chair'] }, `Chair's action window closing: ${ref}`, `The window closes ${d.dueAt}.`)],
      );
    }
    case 'chairsExpired': {
      const d = m.assembly.chairsActionDeadline!;
      return step(
        { ...m, assembly: { ...m.assembly, chairsActionDeadline: { ...d, reminded: true, breached: true } } },
        [ev(m, SYSTEM, 'system', 'safety.chairs_action_window_expired', { dueAt: d.dueAt, next: 'the next Assembly meeting decides' })],
      );
    }
    default:
      return conditionTimerFired(m, timer);
  }
}

/** Whether the bid may yet be (or is being) reconsidered: its window open, or a request waiting for review. */
export const reconsiderationOpen = (m: BidModel): boolean => {
  const r = m.reconsideration;
  return !!r && m.state === 'CLOSED_NOT_SUPPORTED' && !r.review && (!!r.request || !r.lapsed);
};

/** The workflow ends once the bid is closed, no chair's action waits for ratification and no reconsideration can come. */
export const bidFinished = (m: BidModel): boolean => isTerminal(m) && m.assembly.ratification !== 'pending' && !reconsiderationOpen(m) && !conditionsOpen(m);

// ---------------------------------------------------------------------------------------------
// Views: what people see of the model.

export function waitingFor(m: BidModel): string {
  switch (m.state) {
    case 'SUBMITTED':
    case 'INTAKE':
      return 'intake checks';
    case 'RETURNED':
      return `the programme team to resubmit with what is missing (lapses ${m.lapseDeadline?.dueAt ?? ''})`;
    case 'HUB_REVIEW': {
      const review = m.review;
      if (!review || review.phase === 'done') return 'the evaluation hub to assign evaluators';
      if (review.phase === 'moderation') return 'the hub lead to moderate divergent ratings';
      const open = review.requiredEvaluators - review.reviews.length;
      if (open > 0) return `an evaluator to take the review (${open} place(s) open)`;
      return `evaluation hub review by ${review.reviews.filter((r) => !r.completed).map((r) => r.evaluator.name).join(' and ')}`;
    }
    case 'AWAITING_REVISION':
      return 'the programme team to answer the revision request';
    case 'SCORING':
      return 'clinical scoring';
    case 'AWAITING_ASSEMBLY':
      return m.assembly.meetingId ? `the CCP Assembly meeting ${m.assembly.meetingTitle ?? m.assembly.meetingId}` : 'a place on the next CCP Assembly agenda';
    case 'AWAITING_BOARD':
      return "the ICB Board's decision (above the Assembly's delegation limit)";
    case 'ALLOCATION':
      return 'allocation within a funding round';
    case 'WAITLISTED':
      return 'money to become available in a funding round';
    default:
      if (reconsiderationOpen(m)) {
        return m.reconsideration!.request
          ? 'the evaluation hub lead to review the request for reconsideration'
          : `nothing unless the programme team asks for reconsideration by ${m.reconsideration!.window.dueAt}`;
      }
      if (m.assembly.ratification === 'pending') return "ratification of the chair's action at the next meeting";
      if (conditionsOpen(m)) {
        const open = m.conditions!.items.filter((c) => c.dueAt && !conditionSettled(c));
        return `the evaluation hub to record its conditions as met (${open.map((c) => `${c.id} due ${c.dueBy}`).join(', ')})`;
      }
      return 'nothing: the bid is closed';
  }
}

/** The bid's status as the API has always shown it. */
export function bidStatusView(m: BidModel): BidStatus {
  return {
    reference: m.reference,
    state: m.state,
    title: m.bid.title,
    leadOrganisation: m.bid.leadOrganisation,
    partnerOrganisations: m.bid.partnerOrganisations,
    waitingFor: waitingFor(m),
    missing: m.missing,
    returnedAt: m.returnedAt,
    lapseDeadline: m.lapseDeadline,
    revisionDeadline: m.revisionDeadline,
    review: m.review,
    score: m.score,
    assembly: m.assembly,
    board: m.board,
    allocation: m.allocation,
    interests: m.interests,
    withdrawn: m.withdrawn,
    ...(m.reconsideration && { reconsideration: m.reconsideration }),
    ...(m.conditions && { conditions: m.conditions }),
    nextActions: bidRoleActions(m),
    policy: { id: m.policy.id, version: m.policy.version },
    ruleSetVersion: m.score ? `${m.score.ruleSet.id}@${m.score.ruleSet.version}` : undefined,
  };
}

/** The current review cycle's evaluators, as queues and load counts read them. */
export function assignmentsOf(m: BidModel) {
  const review = m.review;
  if (!review) return undefined;
  return {
    cycle: review.cycle,
    open: m.state === 'HUB_REVIEW' && review.phase === 'review',
    dueAt: review.deadline?.dueAt ?? null,
    reviews: review.reviews.map((r) => ({ evaluatorId: r.evaluator.id, assignedBy: r.assignedBy, assignedAt: r.assignedAt, completedAt: r.completed?.at ?? null })),
  };
}

/** The read model's columns: what lists, queues and filters read without opening the model. */
export function bidSummary(m: BidModel) {
  return {
    state: m.state,
    waitingFor: waitingFor(m),
    band: m.score?.band ?? null,
    benefitScore: m.score?.benefitScore ?? null,
    mustFund: m.score?.flags.mustFund ?? false,
    safetyEscalation: m.score?.flags.safetyEscalation ?? false,
  };
}
