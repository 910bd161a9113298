// A bid's decision trail in plain words: what happened, who did it in what role, and when,
// oldest first, so a programme team can follow their bid without reading event codes.
import { inArray } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import { BAND_LABELS, ROLE_LABELS, date, dateTime, stateLabel } from '../format.js';
import { sentenceCase } from './bids-shared.js';
import { dayInWords } from '../../model/bid.js';

interface TrailEvent {
  occurredAt: string;
  actorId: string;
  actorRole: string;
  action: string;
  toState: string | null;
  payload: unknown;
}

type Payload = Record<string, unknown>;
type Described = { what: string; detail?: string };

/** A payload value as text. */
const textOf = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value));
const nameOf = (person: unknown): string => textOf((person as { name?: unknown } | undefined)?.name);
const dueOf = (deadline: unknown): string => date(textOf((deadline as { dueAt?: unknown } | undefined)?.dueAt));
const joined = (items: unknown, word: (x: unknown) => string = textOf): string => (Array.isArray(items) ? items.map(word).filter(Boolean).join('; ') : '');
const words = (code: unknown): string => textOf(code).replace(/_/g, ' ');

const OUTCOMES: Record<string, string> = {
  ready: 'ready for scoring',
  not_supported: 'not supported',
  ratified: "chair's action ratified",
  not_ratified: "chair's action not ratified",
  revisions: 'revisions needed',
  supported: 'supported',
  supported_with_conditions: 'supported with conditions',
  deferred: 'deferred',
  funded: 'funded',
  waitlisted: 'waitlisted',
};
const VOTES: Record<string, string> = { support: 'support', not_support: 'do not support', abstain: 'abstain' };
const outcome = (code: unknown): string => OUTCOMES[textOf(code)] ?? words(code);

const REVIEW_STEPS: Record<string, string> = { evaluation_design: 'evaluation design', outcome_measures: 'outcome measures', data_availability: 'data availability' };
const CRITERIA: Record<string, string> = { evidence_quality: 'evidence quality', deliverability: 'deliverability', quality_and_safety: 'quality and safety' };
const ASSESSMENTS: Record<string, string> = { adequate: 'adequate', needs_work: 'needs work', inadequate: 'inadequate' };

/** What each kind of event means, in a sentence and its particulars. */
const DESCRIBE: Record<string, (p: Payload) => Described> = {
  'bid.submitted': () => ({ what: 'Bid submitted' }),
  'bid.resubmitted': () => ({ what: 'Bid resubmitted' }),
  'intake.completed': () => ({ what: 'Intake checks passed: sent to the evaluation hub' }),
  'intake.returned': (p) => ({ what: `Returned: information missing; lapses ${dueOf(p.lapseDeadline)} without an answer`, detail: joined(p.missing, (m) => textOf((m as Payload).message)) }),
  'returned.reminder_sent': (p) => ({ what: `Reminder sent: the bid lapses on ${date(textOf(p.dueAt))}` }),
  'bid.lapsed': () => ({ what: 'Lapsed: it was not resubmitted in time' }),
  'bid.withdrawn': (p) => ({ what: 'Withdrawn', detail: textOf(p.reason) }),
  'review.started': (p) => {
    const assigned = joined(p.assigned, nameOf);
    const open = Number(p.openPlaces ?? 0);
    const who = [assigned && `assigned to ${assigned.replace(/; /g, ' and ')}`, open > 0 && `${open} place${open > 1 ? 's' : ''} open`].filter(Boolean).join(', ');
    return { what: `Review started: ${who ? `${who}; ` : ''}due ${dueOf(p.deadline)}` };
  },
  'review.taken': () => ({ what: 'Review taken' }),
  'review.assigned': (p) => ({ what: `Review assigned to ${nameOf(p.evaluator)}` }),
  'review.reassigned': (p) => ({ what: `Review reassigned from ${nameOf(p.replaced)} to ${nameOf(p.evaluator)}` }),
  'review.unassigned': (p) => ({ what: `${nameOf(p.evaluator)} taken off the review`, detail: textOf(p.reason) }),
  'review.step_recorded': (p) => ({ what: `Review of ${REVIEW_STEPS[textOf(p.step)] ?? words(p.step)}: ${ASSESSMENTS[textOf(p.assessment)] ?? words(p.assessment)}`, detail: textOf(p.comments) }),
  'review.rating_recorded': (p) => ({
    what: `Rating of ${CRITERIA[textOf(p.criterion)] ?? words(p.criterion)}: ${p.rating === null ? 'not applicable' : `${textOf(p.rating)} out of 5`}`,
    detail: textOf(p.rationale),
  }),
  'review.completed': (p) => ({ what: `Review completed: recommends ${outcome(p.recommendation)}`, detail: textOf(p.comments) }),
  'review.moderation_required': (p) => ({ what: 'The evaluators differ: the hub lead must moderate', detail: joined(p.reasons) }),
  'review.moderated': (p) => ({ what: `Ratings moderated: ${outcome(p.decision)}`, detail: textOf(p.comments) }),
  'review.concluded': (p) => ({ what: `Review concluded: ${outcome(p.outcome)}`, detail: textOf(p.reason) }),
  'review.revisions_requested': (p) => ({ what: `Revisions requested; answer by ${dueOf(p.deadline)}`, detail: textOf(p.comments) }),
  'review.reminder_sent': (p) => ({ what: `Reminder sent to the evaluators: the review is due ${date(textOf(p.dueAt))}` }),
  'review.deadline_breached': () => ({ what: 'Review deadline passed: the hub lead has been told' }),
  'revision.reminder_sent': (p) => ({ what: `Reminder sent: revisions are due ${date(textOf(p.dueAt))}` }),
  'revision.deadline_breached': () => ({ what: 'Revision deadline passed: the hub lead has been told' }),
  'scoring.completed': (p) => ({ what: `Scored ${Number(p.benefitScore).toFixed(2)} out of 100: ${BAND_LABELS[textOf(p.band)] ?? textOf(p.band)}` }),
  'scoring.rescore_requested': (p) => ({ what: 'Re-scoring asked for', detail: textOf(p.reason) }),
  'hard_rule.must_fund': () => ({ what: 'Must-fund: a statutory mandate requires it' }),
  'hard_rule.safety_escalation': () => ({ what: 'Safety escalation: the risk of not funding it is 15 or more' }),
  'hard_rule.value_justification_required': () => ({ what: 'Cost per QALY over £30,000: a written value justification is needed' }),
  'safety.chairs_action_window_opened': (p) => ({ what: `The Assembly chair may act on it until ${dueOf(p.deadline)}` }),
  'safety.chairs_action_window_expired': () => ({ what: "The chair's action window closed: the next Assembly meeting decides" }),
  'safety.chairs_action': (p) => ({ what: `Chair's action: ${outcome(p.outcome)}`, detail: [textOf(p.reason), conditionsOf(p)].filter(Boolean).join('. Conditions: ') }),
  'assembly.placed_on_agenda': (p) => ({ what: `Placed on the agenda of ${textOf(p.meetingTitle)}` }),
  'assembly.removed_from_agenda': (p) => ({ what: 'Taken off the agenda', detail: textOf(p.reason) }),
  'assembly.vote_cast': (p) => ({ what: `Vote cast at the CCP Assembly: ${VOTES[textOf(p.vote)] ?? words(p.vote)}` }),
  'assembly.decision_recorded': (p) => {
    const v = (p.votes ?? {}) as Payload;
    const tally = `${textOf(v.support ?? 0)} support, ${textOf(v.notSupport ?? 0)} do not support, ${textOf(v.abstain ?? 0)} abstain`;
    return { what: `Decision recorded at the CCP Assembly: ${outcome(p.outcome)} (votes: ${tally})`, detail: textOf(p.reason) };
  },
  'assembly.decision_applied': (p) => ({ what: `CCP Assembly decision: ${outcome(p.outcome)}`, detail: [textOf(p.reason), conditionsOf(p)].filter(Boolean).join('. Conditions: ') }),
  'assembly.decision_not_applied': (p) => ({ what: 'An Assembly decision could not be applied', detail: textOf(p.reason) }),
  'assembly.ratification_deferred': (p) => ({ what: "Ratification of the chair's action deferred", detail: textOf(p.reason) }),
  'assembly.chairs_action_ratified': () => ({ what: "The Assembly ratified the chair's action" }),
  'assembly.chairs_action_not_ratified': (p) => ({ what: "The Assembly did not ratify the chair's action", detail: textOf(p.reason) }),
  'interest.declared': (p) => ({ what: 'Interest declared', detail: textOf(p.nature) }),
  'reconsideration.requested': (p) => ({ what: 'Reconsideration of the CCP Assembly decision asked for', detail: [textOf(p.reason), textOf(p.newInformation)].filter(Boolean).join('. New information: ') }),
  'reconsideration.reviewed': (p) => ({
    what: p.outcome === 'return_to_assembly' ? 'Reconsideration reviewed: the bid returns to the CCP Assembly' : 'Reconsideration reviewed: the decision stands',
    detail: textOf(p.reason),
  }),
  'reconsideration.window_closed': (p) => ({ what: `The time to ask for reconsideration ended ${date(textOf(p.dueAt))}` }),
  'condition.reminder_sent': (p) => ({ what: `Reminder sent to the programme team and the hub: condition ${textOf(p.conditionId)} is due by ${longDay(p.dueBy)}`, detail: textOf(p.text) }),
  'condition.fell_due': (p) => ({ what: `Condition ${textOf(p.conditionId)} fell due today, ${longDay(p.dueBy)}, not yet met: the programme team and the hub were told`, detail: textOf(p.text) }),
  'condition.overdue': (p) => ({ what: `Condition ${textOf(p.conditionId)}, due by ${longDay(p.dueBy)}, still not met: the Assembly chair, the hub and the programme team were told`, detail: textOf(p.text) }),
  'condition.met': (p) => ({ what: `Condition ${textOf(p.conditionId)} recorded as met`, detail: [textOf(p.text), textOf(p.evidence)].filter(Boolean).join('. Evidence: ') }),
  'condition.waived': (p) => ({ what: `Condition ${textOf(p.conditionId)} waived by the Assembly chair`, detail: [textOf(p.text), textOf(p.reason)].filter(Boolean).join('. Reason: ') }),
  'board.decision_recorded': (p) => ({ what: `ICB Board decision: ${p.approved ? 'approved' : 'not approved'} (minute ${textOf(p.minuteReference)})`, detail: textOf(p.reason) }),
  'allocation.proposed': (p) => ({ what: `Allocation proposed: ${outcome(p.outcome)}, ranked ${textOf(p.rank)}`, detail: textOf(p.reason) }),
  'allocation.confirmed': (p) => ({ what: `Allocation confirmed: ${outcome(p.outcome)}`, detail: textOf(p.reason) }),
  'allocation.released': (p) => ({ what: 'No longer held by the funding round', detail: textOf(p.reason) }),
};

/** A decision's conditions, each with its due day when it has one. */
function conditionsOf(p: Payload): string {
  const texts = Array.isArray(p.conditions) ? p.conditions.map(textOf) : [];
  const days = Array.isArray(p.conditionsDueBy) ? (p.conditionsDueBy as unknown[]) : [];
  return texts.map((t, i) => (typeof days[i] === 'string' ? `${t} (by ${longDay(days[i])})` : t)).join('; ');
}

const longDay = (day: unknown): string => (typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day) ? dayInWords(day) : textOf(day));

export function describeEvent(event: Pick<TrailEvent, 'action' | 'payload' | 'toState'>): Described {
  const known = DESCRIBE[event.action];
  if (known) return known((event.payload ?? {}) as Payload);
  // An event this page does not know yet still says what it was and where it left the bid.
  const what = sentenceCase(words(event.action.replace('.', ': ')));
  return { what: `${what}${event.toState ? ` (now ${stateLabel(event.toState).toLowerCase()})` : ''}` };
}

/** The names of the people who acted, by id. */
export async function actorNames(db: Db, events: readonly TrailEvent[]): Promise<Record<string, string>> {
  const ids = [...new Set(events.map((e) => e.actorId).filter((id) => id !== 'system'))];
  if (!ids.length) return {};
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}

const By: FC<{ event: TrailEvent; names: Record<string, string> }> = ({ event, names }) =>
  event.actorId === 'system' ? (
    <>The service, automatically, {dateTime(event.occurredAt)}</>
  ) : (
    <>
      {names[event.actorId] ?? event.actorId}, {ROLE_LABELS[event.actorRole] ?? event.actorRole}, {dateTime(event.occurredAt)}
    </>
  );

export const Timeline: FC<{ events: readonly TrailEvent[]; names: Record<string, string> }> = ({ events, names }) => (
  <ol class="cp-timeline">
    {events.map((event) => {
      const { what, detail } = describeEvent(event);
      return (
        <li>
          <p class="nhsuk-u-margin-bottom-1">
            <strong>{what}</strong>
          </p>
          {detail ? <p class="nhsuk-u-margin-bottom-1">{sentenceCase(detail)}</p> : null}
          <p class="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-0">
            <By event={event} names={names} />
          </p>
        </li>
      );
    })}
  </ol>
);

