// What the API, the workflows and the activities share: workflow ids, message definitions,
// search attribute keys and payload types. Imports only the Temporal SDK and types, because
// workflow code imports it.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Bid, BidSubmission } from './domain/bid.js';
import type { DurationSpec } from './domain/durations.js';
import type { InterestKind, Profession, Role } from './domain/vocabulary.js';
import type { BidModel } from './model/bid.js';
import type { MeetingModel } from './model/meeting.js';
import type { RoundModel } from './model/round.js';
import type { RecorderState } from './workflows/machine.js';

export const DEFAULT_TASK_QUEUE = 'clinical-prioritisation';

/**
 * The workflow types new work starts. The first versions (bidWorkflow, meetingWorkflow,
 * roundWorkflow, in src/workflows/v1) stay registered for what they already run.
 */
export const WORKFLOW_TYPES = { bid: 'bidWorkflowV2', meeting: 'meetingWorkflowV2', round: 'roundWorkflowV2' } as const;

export const bidWorkflowId = (reference: string): string => `bid-${reference}`;
export const meetingWorkflowId = (meetingId: string): string => `meeting-${meetingId}`;

export const BID_STATES = [
  'SUBMITTED',
  'INTAKE',
  'RETURNED',
  'LAPSED',
  'HUB_REVIEW',
  'AWAITING_REVISION',
  'CLOSED_NOT_SUPPORTED',
  'SCORING',
  'AWAITING_ASSEMBLY',
  'AWAITING_BOARD',
  'ALLOCATION',
  'FUNDED',
  'WAITLISTED',
  'WITHDRAWN',
] as const;
export type BidState = (typeof BID_STATES)[number];

// Search attributes, so bids can be found in the Temporal UI and listed through visibility.
export const searchAttributes = {
  state: defineSearchAttributeKey('BidState', SearchAttributeType.KEYWORD),
  primaryAmbition: defineSearchAttributeKey('BidPrimaryAmbition', SearchAttributeType.KEYWORD),
  band: defineSearchAttributeKey('BidBand', SearchAttributeType.KEYWORD),
  leadOrganisation: defineSearchAttributeKey('BidLeadOrganisation', SearchAttributeType.KEYWORD),
};
export const ALL_SEARCH_ATTRIBUTES = Object.values(searchAttributes);

/** Who is acting, as the API authenticated them. Workflows check roles and conflicts on it. */
export interface Actor {
  id: string;
  name: string;
  roles: Role[];
  organisation: string;
  profession?: Profession | null;
  /** Their standing interests from the register current today; absent when none (and in histories from before the register). */
  interests?: RegisteredInterest[];
}

/** A standing interest from the register of interests, as workflows are given it. */
export interface RegisteredInterest {
  id: string;
  /** The organisation's code when it is one the service knows: then its bids conflict. */
  organisation: string | null;
  /** The body's name: the organisation's, or free text. */
  body: string;
  kind: InterestKind;
  description: string;
  /** First and last day (YYYY-MM-DD) it is current; no last day while it goes on. */
  from: string;
  to: string | null;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'Clinical prioritisation service', roles: [], organisation: 'ICB' };


export const OPEN_BID_STATES = [
  'SUBMITTED',
  'INTAKE',
  'RETURNED',
  'HUB_REVIEW',
  'AWAITING_REVISION',
  'SCORING',
  'AWAITING_ASSEMBLY',
  'AWAITING_BOARD',
  'ALLOCATION',
  'WAITLISTED',
] as const satisfies readonly BidState[];
export const TERMINAL_BID_STATES = ['LAPSED', 'CLOSED_NOT_SUPPORTED', 'FUNDED', 'WITHDRAWN'] as const satisfies readonly BidState[];

/** A person as the workflows record them. */
export interface PersonRef {
  id: string;
  name: string;
  organisation: string;
}

/** The lifecycle policy a workflow snapshots when it starts (src/config/policy.ts). */
export interface PolicySnapshot {
  id: string;
  version: string;
  evaluators: { standard: number; large: number; largeFromPence: number };
  moderationDivergence: number;
  maxRevisionCycles: number;
  maxDeferrals: number;
  quorum: { minFractionPresent: number; requireChair: boolean; minProfessions: number };
  deadlines: {
    hubReview: DurationSpec;
    returnedLapse: DurationSpec;
    revision: DurationSpec;
    chairsAction: DurationSpec;
    agendaClose: DurationSpec;
    /** DEADLINE_RECONSIDERATION: how long after a decision letter the programme team may ask for reconsideration. Absent in bids started before it: none. */
    reconsideration?: DurationSpec;
    /** DEADLINE_CONDITION_REMINDER: how long before a condition's due date its reminder goes. Absent in bids started before it: the configuration's when the decision arrives. */
    conditionReminder?: DurationSpec;
    /** DEADLINE_CONDITION_ESCALATION: how long after a condition's due day, still not met, the Assembly chair is told. Absent in bids started before it: the configuration's when the decision arrives. */
    conditionEscalation?: DurationSpec;
  };
  reminderFraction: number;
  /** Start-to-close timeout of one activity attempt. */
  activityTimeoutMs: number;
  /** A workflow continues as new once its history has this many events (or Temporal suggests it). */
  historyLimit: number;
  /** Who may override a round's allocation; absent in rounds opened before overrides: finance. */
  overrideRoles?: Role[];
  /** ALLOCATION_SECOND_CONFIRMER when the round opened: whoever ran an allocation version may not confirm it. Absent: off. */
  allocationSecondConfirmer?: true;
}

export interface Deadline {
  startedAt: string;
  remindAt: string;
  dueAt: string;
  spec: string;
}

/** One thing intake found missing, named by the field it concerns. */
export interface MissingItem {
  field: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// The bid workflow

/** What the bid workflow starts from: a submission, or (after continue-as-new) its model. */
export type BidWorkflowInput =
  | { version: 2; start: { bid: Bid; contentHash: string; submittedBy: Actor; policy: PolicySnapshot } }
  | { version: 2; resume: { model: BidModel; recorder: RecorderState } };

/** What an accepted action answers: small, whatever the size of the bid or meeting. */
export interface ActionOutcome {
  state: string;
  /** The read model's version once the action is recorded. */
  version: number;
  /** The trail actions it recorded. */
  recorded: string[];
}

export interface SubmissionReceipt {
  reference: string;
  state: BidState;
  /** What intake found missing, when the bid was returned. */
  missing: MissingItem[];
}

export const REVIEW_STEPS = ['evaluation_design', 'outcome_measures', 'data_availability'] as const;
export type ReviewStep = (typeof REVIEW_STEPS)[number];
export const RATING_CRITERIA = ['evidence_quality', 'deliverability', 'quality_and_safety'] as const;
export type RatingCriterion = (typeof RATING_CRITERIA)[number];
export const STEP_ASSESSMENTS = ['adequate', 'needs_work', 'inadequate'] as const;
export type StepAssessment = (typeof STEP_ASSESSMENTS)[number];
/** A rating 0-5, or null for "not applicable". */
export type Rating = number | null;
export type Ratings = Record<RatingCriterion, Rating>;

export interface EvaluatorReview {
  evaluator: PersonRef;
  assignedAt: string;
  assignedBy: string;
  steps: Partial<Record<ReviewStep, { assessment: StepAssessment; comments: string; at: string }>>;
  ratings: Partial<Record<RatingCriterion, { rating: Rating; rationale: string; at: string }>>;
  completed?: { recommendation: 'ready' | 'not_supported'; comments: string; at: string };
}

export interface ReviewStatus {
  cycle: number;
  revisionCycles: number;
  requiredEvaluators: number;
  phase: 'review' | 'moderation' | 'done';
  reviews: EvaluatorReview[];
  moderation?: {
    reasons: string[];
    outcome?: { by: PersonRef; ratings: Ratings; decision: 'ready' | 'not_supported' | 'revisions'; comments: string; at: string };
  };
  revisionRequests: { by: PersonRef; comments: string; at: string; cycle: number }[];
  /** The ratings scoring used: one evaluator's, the mean of two, or the moderated values. */
  agreedRatings?: Ratings;
  deadline?: Deadline & { reminded: boolean; breached: boolean };
}

export interface ScoreSummary {
  eventId: string;
  benefitScore: number;
  band: string;
  bandLabel: string;
  bandAdvice: string;
  flags: { mustFund: boolean; safetyEscalation: boolean; valueJustificationRequired: boolean; valueNoted: boolean };
  delegation: 'assembly' | 'finance_confirmation' | 'board';
  ruleSet: { id: string; version: string; hash: string };
  scoredAt: string;
}

export type AssemblyOutcome = 'supported' | 'supported_with_conditions' | 'deferred' | 'not_supported';
export type RatificationOutcome = 'ratified' | 'not_ratified' | 'deferred';

export interface VoteTally {
  support: number;
  notSupport: number;
  abstain: number;
}

export interface QuorumReport {
  quorate: boolean;
  votingMembership: number;
  required: number;
  eligiblePresent: number;
  chairPresent: boolean;
  professions: string[];
  /** Why it is not quorate, in plain words. */
  shortfalls: string[];
  /** The voting members conflicted out of the item and why (by organisation, registered or declared); absent in reports from before the register. */
  conflicted?: { id: string; name: string; reason: string }[];
}

export interface AssemblyDecision {
  meetingId: string;
  meetingTitle: string;
  itemId: string;
  purpose: 'decision' | 'ratification';
  outcome: AssemblyOutcome | RatificationOutcome;
  conditions: string[];
  /** Each condition's due day (YYYY-MM-DD, in England) or null, in the order of `conditions`; absent when none has one. */
  conditionsDueBy?: (string | null)[];
  reason: string;
  decidedBy: PersonRef;
  decidedAt: string;
  votes: VoteTally;
  quorum: QuorumReport;
}

export interface ChairsAction {
  by: PersonRef;
  outcome: 'supported' | 'supported_with_conditions' | 'not_supported';
  conditions: string[];
  /** As on an Assembly decision: each condition's due day or null; absent when none has one. */
  conditionsDueBy?: (string | null)[];
  reason: string;
  at: string;
}

export interface AssemblyStatus {
  meetingId?: string;
  meetingTitle?: string;
  deferrals: number;
  decisions: AssemblyDecision[];
  chairsAction?: ChairsAction;
  ratification?: 'pending' | 'ratified' | 'not_ratified';
  chairsActionDeadline?: Deadline & { reminded: boolean; breached: boolean };
}

/**
 * A programme team's request that the Assembly reconsider its decision not to support the bid,
 * with new information, within the window from the decision letter; reviewed by the hub lead,
 * who returns it to the Assembly or upholds the decision. One per bid.
 */
export interface ReconsiderationStatus {
  /** The window, from the date of the decision (the letter's date). */
  window: Deadline;
  /** The decision it concerns. */
  decision: { meetingId: string; meetingTitle: string; decidedAt: string; reason: string };
  request?: { by: PersonRef; reason: string; newInformation: string; at: string };
  review?: { by: PersonRef; outcome: ReconsiderationOutcome; reason: string; at: string };
  /** The window ended with no request. */
  lapsed?: boolean;
}
export const RECONSIDERATION_OUTCOMES = ['return_to_assembly', 'uphold'] as const;
export type ReconsiderationOutcome = (typeof RECONSIDERATION_OUTCOMES)[number];

/**
 * One condition of the decision in force (the latest decision to support the bid, or chair's
 * action), as the bid tracks it: its words, its due day if it has one, the notices it has had,
 * and whether the hub recorded it met. Its id is its place in the decision: c1, c2, ...
 */
export interface ConditionStatus {
  id: string;
  text: string;
  /** YYYY-MM-DD: the day in England by which it is to be met. */
  dueBy?: string;
  /** The instant it falls due: the start of its due day in London. */
  dueAt?: string;
  /** When the programme team and the hub are reminded; absent when the due day had come by the decision. */
  remindAt?: string;
  reminded?: boolean;
  /** The notice on the day has gone. */
  dueNotified?: boolean;
  /** When the Assembly chair and the hub are told it is overdue, if it is still open; absent in decisions from before it. */
  escalateAt?: string;
  escalated?: boolean;
  met?: { by: PersonRef; evidence: string; at: string };
  /** The Assembly chair waived it, with the reason: it is no longer to be met, and its notices stop. */
  waived?: { by: PersonRef; reason: string; at: string };
}

export interface ConditionsInForce {
  /** Who set them: a meeting's title, or the chair's action. */
  setBy: string;
  at: string;
  items: ConditionStatus[];
}

export interface Interest {
  person: PersonRef;
  nature: string;
  at: string;
  where: 'bid' | 'meeting';
}

export const BID_ACTIONS = [
  'resubmit',
  'withdraw',
  'takeReview',
  'assignReview',
  'recordReviewStep',
  'recordRating',
  'completeReview',
  'requestRevisions',
  'moderate',
  'declareInterest',
  'chairsAction',
  'recordBoardDecision',
  'rescore',
  'requestReconsideration',
  'reviewReconsideration',
  'recordConditionMet',
  'waiveCondition',
] as const;
export type BidAction = (typeof BID_ACTIONS)[number];

export interface BidStatus {
  reference: string;
  state: BidState;
  title: string;
  leadOrganisation: string;
  partnerOrganisations: string[];
  /** What the bid waits for, in plain words. */
  waitingFor: string;
  missing: MissingItem[];
  returnedAt?: string;
  lapseDeadline?: Deadline;
  revisionDeadline?: Deadline;
  review?: ReviewStatus;
  score?: ScoreSummary;
  assembly: AssemblyStatus;
  board?: { approved: boolean; minuteReference: string; reason: string; by: PersonRef; at: string };
  /** The funding round holding the bid, its provisional place, and what finance confirmed. */
  allocation?: {
    roundId: string;
    roundTitle: string;
    financialYear: string;
    provisional?: AllocationPlace & { version: number };
    confirmed?: AllocationPlace & { version: number; by: PersonRef; at: string };
  };
  interests: Interest[];
  withdrawn?: { by: PersonRef; reason: string; at: string };
  reconsideration?: ReconsiderationStatus;
  /** The conditions of the decision in force, with their due days and state. */
  conditions?: ConditionsInForce;
  /** What each role may do next, given the state (a person may still be refused for a conflict). */
  nextActions: Partial<Record<Role, BidAction[]>>;
  policy: { id: string; version: string };
  ruleSetVersion?: string;
}

interface Acting {
  actor: Actor;
}

export const resubmitUpdate = defineUpdate<SubmissionReceipt, [Acting & { bid: BidSubmission; contentHash: string }]>('resubmit');
export const withdrawUpdate = defineUpdate<ActionOutcome, [Acting & { reason: string }]>('withdraw');
export const takeReviewUpdate = defineUpdate<ActionOutcome, [Acting]>('takeReview');
export const assignReviewUpdate = defineUpdate<ActionOutcome, [Acting & { evaluator: Actor; replaces?: string }]>('assignReview');
export const recordReviewStepUpdate = defineUpdate<ActionOutcome, [Acting & { step: ReviewStep; assessment: StepAssessment; comments: string }]>(
  'recordReviewStep',
);
export const recordRatingUpdate = defineUpdate<ActionOutcome, [Acting & { criterion: RatingCriterion; rating: Rating; rationale: string }]>(
  'recordRating',
);
export const completeReviewUpdate = defineUpdate<ActionOutcome, [Acting & { recommendation: 'ready' | 'not_supported'; comments: string }]>(
  'completeReview',
);
export const requestRevisionsUpdate = defineUpdate<ActionOutcome, [Acting & { comments: string }]>('requestRevisions');
export const moderateUpdate = defineUpdate<
  ActionOutcome,
  [Acting & { ratings: Ratings; decision: 'ready' | 'not_supported' | 'revisions'; comments: string }]
>('moderate');
export const declareInterestUpdate = defineUpdate<ActionOutcome, [Acting & { nature: string }]>('declareInterest');
export const chairsActionUpdate = defineUpdate<ActionOutcome, [Acting & Omit<ChairsAction, 'by' | 'at'>]>('chairsAction');
export const recordBoardDecisionUpdate = defineUpdate<ActionOutcome, [Acting & { approved: boolean; minuteReference: string; reason: string }]>(
  'recordBoardDecision',
);
export const requestReconsiderationUpdate = defineUpdate<ActionOutcome, [Acting & { reason: string; newInformation: string }]>('requestReconsideration');
export const reviewReconsiderationUpdate = defineUpdate<ActionOutcome, [Acting & { outcome: ReconsiderationOutcome; reason: string }]>('reviewReconsideration');
/** The hub lead records a condition of the decision as met, with what shows it; its notices stop. */
export const recordConditionMetUpdate = defineUpdate<ActionOutcome, [Acting & { conditionId: string; evidence: string }]>('recordConditionMet');
export const waiveConditionUpdate = defineUpdate<ActionOutcome, [Acting & { conditionId: string; reason: string }]>('waiveCondition');
export const rescoreUpdate = defineUpdate<ActionOutcome, [Acting & { ruleSet?: { id: string; version: string }; reason: string }]>('rescore');

/** What a bid tells a meeting that puts it on its agenda. */
export interface AgendaPlacement {
  reference: string;
  title: string;
  purpose: 'decision' | 'ratification';
  leadOrganisation: string;
  partnerOrganisations: string[];
  interests: Interest[];
  band: string | null;
  benefitScore: number | null;
  totalPence: number;
  delegation: string | null;
  deferrals: number;
  safetyEscalation: boolean;
  mustFund: boolean;
  chairsAction?: ChairsAction;
  /** Back before the Assembly on reconsideration: the decision it made, the request and the review. */
  reconsideration?: ReconsiderationStatus;
}
export const placeOnAgendaUpdate = defineUpdate<AgendaPlacement, [{ meetingId: string; meetingTitle: string; purpose: 'decision' | 'ratification' }]>(
  'placeOnAgenda',
);
export const assemblyDecisionSignal = defineSignal<[AssemblyDecision]>('assemblyDecision');
export const removedFromAgendaSignal = defineSignal<[{ meetingId: string; reason: string }]>('removedFromAgenda');
export const meetingInterestSignal = defineSignal<[{ meetingId: string; person: PersonRef; nature: string }]>('meetingInterest');

export const statusQuery = defineQuery<BidStatus>('status');
/** What this person may do next on this bid: the validators' own answer. */
export const allowedActionsQuery = defineQuery<BidAction[], [Actor]>('allowedActions');
/** Internal: used by the API to answer a duplicate submission. */
export const submissionReceiptUpdate = defineUpdate<SubmissionReceipt, [{ contentHash: string }]>('submissionReceipt');

// ---------------------------------------------------------------------------------------------
// The Assembly meeting workflow

export type MeetingWorkflowInput =
  | { version: 2; start: { meetingId: string; title: string; scheduledFor: string; agendaClosesAt: string; createdBy: Actor; policy: PolicySnapshot } }
  | { version: 2; resume: { model: MeetingModel; recorder: RecorderState } };

export const MEETING_STATES = ['SCHEDULED', 'AGENDA_CLOSED', 'OPEN', 'CLOSED', 'CANCELLED'] as const;
export type MeetingState = (typeof MEETING_STATES)[number];

export interface Member {
  id: string;
  name: string;
  organisation: string;
  profession: Profession | null;
  roles: Role[];
  /** Standing interests from the register current on the meeting's day; absent when none (and in meetings from before the register). */
  interests?: RegisteredInterest[];
}

export type Vote = 'support' | 'not_support' | 'abstain';

export interface AgendaItem extends AgendaPlacement {
  itemId: string;
  position: number;
  votes: Record<string, Vote>;
  meetingInterests: Interest[];
  decision?: AssemblyDecision;
  withdrawn?: boolean;
}

export interface MeetingStatus {
  meetingId: string;
  title: string;
  state: MeetingState;
  scheduledFor: string;
  agendaClosesAt: string;
  members: Member[];
  present: string[];
  items: (AgendaItem & { quorum: QuorumReport; conflicted: string[]; tally: VoteTally })[];
  openedAt?: string;
  closedAt?: string;
  cancelled?: { by: PersonRef; reason: string; at: string };
  policy: { id: string; version: string };
}

export const MEETING_ACTIONS = [
  'closeAgenda',
  'openMeeting',
  'recordAttendance',
  'declareMeetingInterest',
  'castVote',
  'recordDecision',
  'closeMeeting',
  'cancelMeeting',
  'reorderAgenda',
] as const;
export type MeetingAction = (typeof MEETING_ACTIONS)[number];

export const closeAgendaUpdate = defineUpdate<ActionOutcome, [Acting]>('closeAgenda');
export const openMeetingUpdate = defineUpdate<ActionOutcome, [Acting]>('openMeeting');
/** `registered`: the register's interests current on the meeting's day for each member, attached by the service (services/meetings.ts recordAttendance). */
export const recordAttendanceUpdate = defineUpdate<ActionOutcome, [Acting & { present: string[]; registered?: Record<string, RegisteredInterest[]> }]>('recordAttendance');
export const declareMeetingInterestUpdate = defineUpdate<ActionOutcome, [Acting & { itemId: string; nature: string }]>('declareMeetingInterest');
export const castVoteUpdate = defineUpdate<ActionOutcome, [Acting & { itemId: string; vote: Vote }]>('castVote');
export const recordDecisionUpdate = defineUpdate<
  ActionOutcome,
  [Acting & { itemId: string; outcome: AssemblyOutcome | RatificationOutcome; conditions: string[]; conditionsDueBy?: (string | null)[]; reason: string }]
>('recordDecision');
export const closeMeetingUpdate = defineUpdate<ActionOutcome, [Acting]>('closeMeeting');
export const cancelMeetingUpdate = defineUpdate<ActionOutcome, [Acting & { reason: string }]>('cancelMeeting');
export const reorderAgendaUpdate = defineUpdate<ActionOutcome, [Acting & { order: string[] }]>('reorderAgenda');
export const itemWithdrawnSignal = defineSignal<[{ reference: string }]>('itemWithdrawn');
export const bidInterestSignal = defineSignal<[{ reference: string; person: PersonRef; nature: string }]>('bidInterest');
export const meetingStatusQuery = defineQuery<MeetingStatus>('meetingStatus');
export const meetingAllowedActionsQuery = defineQuery<MeetingAction[], [Actor, string | undefined]>('meetingAllowedActions');

// ---------------------------------------------------------------------------------------------
// Funding rounds

export const roundWorkflowId = (roundId: string): string => `round-${roundId}`;

export interface SubEnvelopeInput {
  id: string;
  dimension: 'ambition' | 'place';
  key: string;
  label: string;
  envelopePence: number;
}

/** What the admin gives to open a round. */
export interface RoundDefinition {
  roundId: string;
  title: string;
  financialYear: string;
  envelopePence: number;
  subEnvelopes: SubEnvelopeInput[];
  opensAt: string;
  closesAt: string;
  createdBy: Actor;
}

export type RoundWorkflowInput =
  | { version: 2; start: RoundDefinition & { policy: PolicySnapshot } }
  | { version: 2; resume: { model: RoundModel; recorder: RecorderState } };

export const ROUND_STATES = ['OPEN', 'PROPOSED', 'CONFIRMED', 'CANCELLED'] as const;
export type RoundState = (typeof ROUND_STATES)[number];

/** One bid's place in a proposed or confirmed allocation. */
export interface AllocationPlace {
  reference: string;
  outcome: 'funded' | 'waitlisted';
  rank: number;
  reason: string;
}

/** What a round's workflow keeps of an allocation; the full result is in round_allocations. */
export interface AllocationSummary {
  version: number;
  runAt: string;
  runBy: PersonRef;
  reason: string;
  places: AllocationPlace[];
  cutLine: { rank: number; reference: string; envelopeId: string; leftPence: number } | null;
  envelopes: { id: string; label: string; envelopePence: number; committedBeforePence: number; allocatedPence: number; leftPence: number }[];
  mustFundOverrun: { overallPence: number; bySubEnvelope: Record<string, number> } | null;
}

/** A bid moved across the line by an authorised person, with the reason, on the round's trail. */
export interface RoundOverride {
  version: number;
  reference: string;
  direction: 'fund' | 'waitlist';
  /** What the allocation had decided. */
  allocated: 'funded' | 'waitlisted';
  reason: string;
  by: PersonRef;
  role: string;
  at: string;
}

/** What the round's override check finds for the standing proposal with its overrides. */
export type OverrideCheck =
  | { ok: true; places: AllocationPlace[]; envelopes: AllocationSummary['envelopes'] }
  | { ok: false; message: string; rule: string };

export interface RoundStatus {
  roundId: string;
  title: string;
  financialYear: string;
  envelopePence: number;
  subEnvelopes: SubEnvelopeInput[];
  opensAt: string;
  closesAt: string;
  state: RoundState;
  proposal?: AllocationSummary;
  /** Overrides of the standing proposal, in the order made; a new run starts without them. */
  overrides?: RoundOverride[];
  confirmed?: { version: number; by: PersonRef; at: string };
  cancelled?: { by: PersonRef; reason: string; at: string };
  /** Allocations run so far, newest last: version, when, why. */
  history: { version: number; runAt: string; runBy: string; reason: string; funded: number; waitlisted: number }[];
}

export const ROUND_ACTIONS = ['runAllocation', 'confirmAllocation', 'cancelRound', 'overrideAllocation'] as const;
export type RoundAction = (typeof ROUND_ACTIONS)[number];

export const runAllocationUpdate = defineUpdate<ActionOutcome, [Acting & { reason: string }]>('runAllocation');
/** `version` is the proposal finance reviewed: a newer one (after a withdrawal) must be reviewed first. */
export const confirmAllocationUpdate = defineUpdate<ActionOutcome, [Acting & { version: number }]>('confirmAllocation');
export const cancelRoundUpdate = defineUpdate<ActionOutcome, [Acting & { reason: string }]>('cancelRound');
/** Moves a bid of the standing proposal across the line, with the reason; the envelope is never exceeded. */
export const overrideAllocationUpdate = defineUpdate<ActionOutcome, [Acting & { version: number; reference: string; direction: 'fund' | 'waitlist'; reason: string }]>('overrideAllocation');
export const roundStatusQuery = defineQuery<RoundStatus>('roundStatus');
export const roundAllowedActionsQuery = defineQuery<RoundAction[], [Actor]>('roundAllowedActions');
/** From a bid withdrawn while a proposal holds it: the round reruns its allocation. */
export const roundBidWithdrawnSignal = defineSignal<[{ reference: string }]>('roundBidWithdrawn');

/** From a round to a bid: where the proposal puts it, and then what finance confirmed. */
export interface AllocationNotice {
  roundId: string;
  roundTitle: string;
  financialYear: string;
  version: number;
  place: AllocationPlace;
}
export const allocationProposedSignal = defineSignal<[AllocationNotice]>('allocationProposed');
export const allocationConfirmedSignal = defineSignal<[AllocationNotice & { confirmedBy: PersonRef }]>('allocationConfirmed');
/** From a round that was cancelled, or reran without this bid: it is no longer held by it. */
export const allocationReleasedSignal = defineSignal<[{ roundId: string; reason: string }]>('allocationReleased');

/** Failure types that workflow validators and activities use; the API maps them to HTTP. */
export { Refusals as RefusalType } from './model/actions.js';
export type { RefusalType as RefusalTypeName } from './model/actions.js';
