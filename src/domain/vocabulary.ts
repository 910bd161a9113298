// The fixed vocabularies of the domain: the Joint Forward Plan's eight ambitions, places,
// levels, kinds of bid, evidence, mandates, roles and professions; and the trail's words.
import type { BidState } from '../shared.js';

export const AMBITIONS = [
  'population_health_and_prevention',
  'primary_care',
  'babies_children_young_people_and_maternity',
  'mental_health',
  'later_life',
  'urgent_and_emergency_care',
  'elective_recovery',
  'productivity_and_efficiency',
] as const;
export type Ambition = (typeof AMBITIONS)[number];

export const AMBITION_LABELS: Record<Ambition, string> = {
  population_health_and_prevention: 'Population health, reducing inequalities and prevention',
  primary_care: 'Primary care resilience and transformation',
  babies_children_young_people_and_maternity: 'Babies, children, young people and maternity',
  mental_health: 'Transforming mental health services',
  later_life: 'Transforming care in later life',
  urgent_and_emergency_care: 'Improving urgent and emergency care',
  elective_recovery: 'Elective recovery and improvement',
  productivity_and_efficiency: 'Improving productivity and efficiency',
};

export const PLACES = ['norwich', 'north_norfolk', 'south_norfolk', 'west_norfolk', 'great_yarmouth_and_waveney'] as const;
export type Place = (typeof PLACES)[number];
export const PLACE_LABELS: Record<Place, string> = {
  norwich: 'Norwich',
  north_norfolk: 'North Norfolk',
  south_norfolk: 'South Norfolk',
  west_norfolk: 'West Norfolk',
  great_yarmouth_and_waveney: 'Great Yarmouth and Waveney',
};

export const LEVELS = ['neighbourhood', 'place', 'system'] as const;
export const BID_KINDS = ['new_service', 'expansion', 'pilot', 'disinvestment'] as const;
export const EVIDENCE_LEVELS = ['nice_guidance', 'systematic_review', 'rct', 'observational', 'expert_opinion', 'none'] as const;
export const STATUTORY_MANDATES = ['none', 'nice_technology_appraisal', 'legal_duty', 'national_mandate'] as const;

/** Core20PLUS5's five clinical areas for adults and five for children and young people. */
export const CORE20PLUS5_AREAS = [
  'maternity',
  'severe_mental_illness',
  'chronic_respiratory_disease',
  'early_cancer_diagnosis',
  'hypertension_case_finding',
  'cyp_asthma',
  'cyp_diabetes',
  'cyp_epilepsy',
  'cyp_oral_health',
  'cyp_mental_health',
] as const;

export const ROLES = ['applicant', 'evaluator', 'hub_lead', 'assembly_member', 'assembly_chair', 'finance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PROFESSIONS = ['medical', 'nursing', 'ahp', 'pharmacy', 'social_care', 'public_health', 'other'] as const;
export type Profession = (typeof PROFESSIONS)[number];

/** The kinds of standing interest the register of interests holds. */
export const INTEREST_KINDS = ['employment', 'directorship', 'shareholding', 'family', 'other'] as const;
export type InterestKind = (typeof INTEREST_KINDS)[number];
export const INTEREST_KIND_LABELS: Record<InterestKind, string> = {
  employment: 'employment',
  directorship: 'director',
  shareholding: 'shareholder',
  family: 'family member',
  other: 'other interest',
};

// ---------------------------------------------------------------------------------------------
// The decision trail's words: one place for the labels the web pages, the API's word filter and
// the finance CSV all use, so what a person reads, filters on and downloads is the same word.

/** The bid's states as people read them. */
export const BID_STATE_LABELS: Record<BidState, string> = {
  SUBMITTED: 'Submitted',
  INTAKE: 'Intake checks',
  RETURNED: 'Returned: information missing',
  LAPSED: 'Lapsed',
  HUB_REVIEW: 'Evaluation hub review',
  AWAITING_REVISION: 'Revisions requested',
  CLOSED_NOT_SUPPORTED: 'Not supported',
  SCORING: 'Scoring',
  AWAITING_ASSEMBLY: 'Waiting for the CCP Assembly',
  AWAITING_BOARD: 'Waiting for the ICB Board',
  ALLOCATION: 'Supported: waiting for allocation',
  FUNDED: 'Funded',
  WAITLISTED: 'Waitlisted',
  WITHDRAWN: 'Withdrawn',
};

export const ROLE_LABELS: Record<string, string> = {
  applicant: 'Programme team',
  evaluator: 'Evaluator',
  hub_lead: 'Evaluation hub lead',
  assembly_member: 'CCP Assembly member',
  assembly_chair: 'CCP Assembly chair',
  finance: 'ICB finance',
  admin: 'Administrator',
};

/** The CCP Assembly's decisions and the chair's actions, as the bid and Assembly pages say them. */
export const OUTCOME_LABELS: Record<string, string> = {
  supported: 'Supported',
  supported_with_conditions: 'Supported with conditions',
  deferred: 'Deferred',
  not_supported: 'Not supported',
  ratified: "Chair's action ratified",
  not_ratified: "Chair's action not ratified",
};

/** Every outcome a trail event's payload names (review, Assembly, Board, allocation), in words. */
export const TRAIL_OUTCOME_LABELS: Record<string, string> = {
  ...OUTCOME_LABELS,
  ready: 'Ready for scoring',
  revisions: 'Revisions needed',
  funded: 'Funded',
  waitlisted: 'Waitlisted',
  fund: 'Fund',
  waitlist: 'Waitlist',
  approved: 'Approved',
  not_approved: 'Not approved',
};

/** Who may decide, by the scheme of delegation. */
export const DELEGATION_LABELS: Record<string, string> = {
  assembly: 'CCP Assembly',
  finance: 'CCP Assembly, with finance confirmation',
  board: 'ICB Board',
};

/**
 * The trail's actions in words: short, so they read as a list to choose from and to filter on
 * ("Assembly decision", "Allocation confirmed"). An action not listed reads from its own code.
 */
export const TRAIL_ACTION_LABELS: Record<string, string> = {
  'bid.submitted': 'Bid submitted',
  'bid.resubmitted': 'Bid resubmitted',
  'bid.withdrawn': 'Bid withdrawn',
  'bid.lapsed': 'Bid lapsed: no answer in time',
  'intake.completed': 'Intake checks passed',
  'intake.returned': 'Returned: information missing',
  'returned.reminder_sent': 'Reminder sent: the bid lapses soon',
  'review.started': 'Review started',
  'review.assigned': 'Evaluator assigned',
  'review.taken': 'Review taken on',
  'review.reassigned': 'Review reassigned',
  'review.unassigned': 'Evaluator taken off the review',
  'review.step_recorded': 'Review step recorded',
  'review.rating_recorded': 'Rating recorded',
  'review.completed': 'Review completed',
  'review.moderation_required': 'Moderation needed: the ratings differ',
  'review.moderated': 'Ratings moderated',
  'review.concluded': 'Evaluation hub review concluded',
  'review.revisions_requested': 'Revisions requested',
  'review.reminder_sent': 'Reminder sent: the review is due',
  'review.deadline_breached': 'Review deadline passed',
  'revision.reminder_sent': 'Reminder sent: revisions are due',
  'revision.deadline_breached': 'Revision deadline passed',
  'scoring.completed': 'Scored',
  'scoring.rescore_requested': 'Re-score requested',
  'hard_rule.must_fund': 'Must-fund: a statutory mandate',
  'hard_rule.safety_escalation': 'Safety escalation raised',
  'hard_rule.value_justification_required': 'Value justification needed',
  'interest.declared': 'Interest declared',
  'register.interest_declared': 'Interest entered in the register',
  'register.interest_withdrawn': 'Interest withdrawn from the register',
  'meeting.attendance_replied': 'Reply to a meeting: attending or apologies',
  'meeting.agenda_reordered': 'Agenda reordered',
  'safety.chairs_action_window_opened': "Chair's action window opened",
  'safety.chairs_action_window_expired': "Chair's action window closed",
  'safety.chairs_action': "Chair's action",
  'assembly.placed_on_agenda': 'Placed on a CCP Assembly agenda',
  'assembly.removed_from_agenda': 'Taken off a CCP Assembly agenda',
  'assembly.vote_cast': 'Assembly vote cast',
  'assembly.decision_recorded': 'Assembly decision recorded by the chair',
  'assembly.decision_applied': 'Assembly decision',
  'assembly.decision_not_applied': 'Assembly decision not applied',
  'assembly.ratification_deferred': "Ratification of chair's action deferred",
  'assembly.chairs_action_ratified': "Chair's action ratified",
  'assembly.chairs_action_not_ratified': "Chair's action not ratified",
  'board.decision_recorded': 'Board decision',
  'allocation.proposed': 'Allocation proposed',
  'allocation.overridden': 'Allocation overridden',
  'allocation.confirmed': 'Allocation confirmed',
  'allocation.released': 'Released from a funding round',
  'letter.issued': 'Decision letter issued',
  'reconsideration.requested': 'Reconsideration asked for',
  'reconsideration.reviewed': 'Reconsideration reviewed',
  'reconsideration.window_closed': 'Time to ask for reconsideration ended',
  'condition.reminder_sent': 'Reminder sent: a condition falls due',
  'condition.fell_due': 'A condition fell due',
  'condition.overdue': 'A condition overdue: the Assembly chair told',
  'condition.met': 'Condition recorded as met',
  'condition.waived': 'Condition waived',
};

/**
 * The decisions finance accounts for, one row each in the finance CSV: the Assembly's (as applied
 * to the bid), the chair's action and its ratification, the ICB Board's, and the allocation's
 * overrides (on the round's trail, named to the bid) and confirmation.
 */
export const DECISION_ACTIONS = [
  'assembly.decision_applied',
  'safety.chairs_action',
  'assembly.chairs_action_ratified',
  'assembly.chairs_action_not_ratified',
  'board.decision_recorded',
  'allocation.overridden',
  'allocation.confirmed',
] as const;

export function actionLabel(action: string): string {
  const known = TRAIL_ACTION_LABELS[action];
  if (known) return known;
  const [area = '', what = ''] = action.split('.');
  const words = (s: string) => s.replace(/_/g, ' ');
  const sentence = what ? `${words(area)}: ${words(what)}` : words(area);
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}`;
}

const wordsOf = (text: string) => text.toLowerCase().replace(/[’‘]/g, "'").split(/[^a-z0-9']+/).filter(Boolean);

/**
 * The actions whose label holds every word typed (case aside, each word the start of one of the
 * label's words: "alloc confirm" finds "Allocation confirmed"). Words that match no label match
 * no action: an empty list, not every action.
 */
export function actionsMatchingWords(text: string): string[] {
  const wanted = wordsOf(text);
  if (wanted.length === 0) return Object.keys(TRAIL_ACTION_LABELS);
  return Object.entries(TRAIL_ACTION_LABELS)
    .filter(([, label]) => {
      const have = wordsOf(label);
      return wanted.every((w) => have.some((h) => h.startsWith(w)));
    })
    .map(([action]) => action);
}
