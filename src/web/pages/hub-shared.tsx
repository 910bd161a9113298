// What the evaluation hub's and the CCP Assembly's pages share: the words for their vocabularies,
// a bid in brief, deadlines in words, and handling a posted form (validate, then act).
import { and, asc, eq, sql } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import type { AppDeps } from '../../api/app.js';
import { ApiError } from '../../api/errors.js';
import { dueDay } from '../../api/schemas.js';
import type { Db } from '../../db/client.js';
import { bids, meetings, organisations, users, bidDocument } from '../../db/schema.js';
import { findUnstorable, STORABLE_MESSAGE } from '../../domain/text.js';
import type { Profession } from '../../domain/vocabulary.js';
import type { BidView } from '../../services/bids.js';
import { canSeeMeetings, meetingStatusOf } from '../../services/meetings.js';
import type { Actor, BidAction, BidStatus, MeetingState, MeetingStatus, RatingCriterion, ReviewStep, StepAssessment } from '../../shared.js';
import { act, formErrors, formOf, one, type FormBody, type WebContext } from '../app.js';
import { fieldId, InsetText, StateTag, SummaryList, Tag, type FieldError } from '../components.js';
import { date, money, plainDates } from '../format.js';
import type { Flash } from '../session.js';

export const STEP_LABELS: Record<ReviewStep, string> = {
  evaluation_design: 'Evaluation design',
  outcome_measures: 'Outcome measures',
  data_availability: 'Data availability',
};

export const RATING_LABELS: Record<RatingCriterion, string> = {
  evidence_quality: 'Evidence quality',
  deliverability: 'Deliverability',
  quality_and_safety: 'Quality and safety',
};

export const ASSESSMENT_LABELS: Record<StepAssessment, string> = {
  adequate: 'Adequate',
  needs_work: 'Needs work',
  inadequate: 'Inadequate',
};

export const PROFESSION_LABELS: Record<Profession, string> = {
  medical: 'Medical',
  nursing: 'Nursing',
  ahp: 'Allied health professional',
  pharmacy: 'Pharmacy',
  social_care: 'Social care',
  public_health: 'Public health',
  other: 'Other',
};

export const professionLabel = (profession: string | null) => PROFESSION_LABELS[(profession ?? 'other') as Profession] ?? profession;

export const MEETING_STATES: Record<MeetingState, { label: string; colour: string }> = {
  SCHEDULED: { label: 'Scheduled: agenda open', colour: 'blue' },
  AGENDA_CLOSED: { label: 'Agenda closed', colour: 'purple' },
  OPEN: { label: 'In session', colour: 'green' },
  CLOSED: { label: 'Closed', colour: 'grey' },
  CANCELLED: { label: 'Cancelled', colour: 'red' },
};

export const MeetingStateTag: FC<{ state: MeetingState }> = ({ state }) => <Tag colour={MEETING_STATES[state].colour}>{MEETING_STATES[state].label}</Tag>;

/** A rating as people read it: "not applicable" is a choice, not a missing value. */
export const ratingText = (rating: number | null | undefined): string =>
  rating === null ? 'Not applicable' : rating === undefined ? 'Not recorded' : Number.isInteger(rating) ? String(rating) : rating.toFixed(2);

/** Lower case inside a sentence: "Comments on evaluation design". */
export const lower = (label: string) => label.charAt(0).toLowerCase() + label.slice(1);

export const bidHref = (reference: string) => `/app/bids/${encodeURIComponent(reference)}`;
export const reviewHref = (reference: string) => `${bidHref(reference)}/review`;
export const moderateHref = (reference: string) => `${bidHref(reference)}/moderate`;
export const chairsActionHref = (reference: string) => `${bidHref(reference)}/chairs-action`;
export const meetingHref = (meetingId: string) => `/app/meetings/${encodeURIComponent(meetingId)}`;
export const itemHref = (meetingId: string, itemId: string) => `${meetingHref(meetingId)}/items/${encodeURIComponent(itemId)}`;


export const hasRole = (user: Actor, ...roles: string[]) => roles.some((r) => user.roles.includes(r as never));

/**
 * Whether one of the person's roles may take this action in the bid's state, as the workflow
 * last reported. Pages offer an action on this; the workflow still decides for the person (a
 * conflict of interest, say) and its refusal is shown in its own words.
 */
export const roleMay = (user: Actor, status: BidStatus, action: BidAction) => user.roles.some((r) => status.nextActions?.[r]?.includes(action));

/** A reference title over the page's heading, as the NHS design system sets one. */
export const Heading: FC<{ caption: string; title: string }> = ({ caption, title }) => (
  <h1>
    <span class="nhsuk-caption-l">
      {caption}
      <span class="nhsuk-u-visually-hidden"> - </span>
    </span>
    {title}
  </h1>
);

/** A deadline in words, never colour alone: "Due 5 December 2026" or "Overdue since 5 December 2026". */
export const DeadlineText: FC<{ dueAt: string | null | undefined }> = ({ dueAt }) => {
  if (!dueAt) return <>No deadline</>;
  return Date.parse(dueAt) < Date.now() ? (
    <>
      <Tag colour="red">Overdue</Tag> since {date(dueAt)}
    </>
  ) : (
    <>Due {date(dueAt)}</>
  );
};

export type OrganisationNames = Map<string, string>;

export async function organisationNames(db: Db): Promise<OrganisationNames> {
  const rows = await db.select({ code: organisations.code, name: organisations.name }).from(organisations);
  return new Map(rows.map((r) => [r.code, r.name]));
}

export const orgName = (names: OrganisationNames, code: string) => names.get(code) ?? code;

/** The bid in a few lines, with the way to its full page. */
export const BidInBrief: FC<{ bid: Pick<BidView, 'reference' | 'title' | 'state' | 'leadOrganisation' | 'partnerOrganisations' | 'totals'>; names: OrganisationNames }> = ({ bid, names }) => (
  <SummaryList
    rows={[
      { key: 'Reference', value: <a href={bidHref(bid.reference)}>{bid.reference}<span class="nhsuk-u-visually-hidden">: the full bid</span></a> },
      { key: 'State', value: <StateTag state={bid.state} /> },
      { key: 'Lead organisation', value: orgName(names, bid.leadOrganisation) },
      { key: 'Partner organisations', value: bid.partnerOrganisations.length ? bid.partnerOrganisations.map((o) => orgName(names, o)).join(', ') : 'None' },
      { key: 'Total cost', value: money(bid.totals.totalPence) },
    ]}
  />
);

/** Why a page has nothing to do on this bid now: where the bid is, and what it waits for. */
export const NotNow: FC<{ why: string; bid: Pick<BidView, 'state'>; status: Pick<BidStatus, 'waitingFor'> }> = ({ why, bid, status }) => (
  <InsetText>
    <p>{why}</p>
    <p>
      Where it is now: <StateTag state={bid.state} />. It is waiting for {plainDates(status.waitingFor)}.
    </p>
  </InsetText>
);

// ---------------------------------------------------------------------------------------------
// Reads the services do not offer yet; they belong in src/services, beside the ones they resemble.

/** Active people who may review: the hub lead's choice when assigning. */
export async function activeEvaluators(db: Db) {
  return db
    .select({ id: users.id, name: users.name, organisation: users.organisation })
    .from(users)
    .where(and(eq(users.active, true), sql`${users.roles} && array['evaluator','hub_lead']::text[]`))
    .orderBy(asc(users.name));
}

/** Bids whose safety escalation waits for the chair: not yet acted on, not on an agenda. */
export async function awaitingChairsAction(db: Db) {
  return db
    .select({ reference: bids.reference, title: bids.title, status: bidDocument })
    .from(bids)
    .where(
      and(
        eq(bids.state, 'AWAITING_ASSEMBLY'),
        eq(bids.safetyEscalation, true),
        sql`(${bidDocument} -> 'assembly' -> 'chairsAction') is null`,
        sql`(${bidDocument} -> 'assembly' ->> 'meetingId') is null`,
      ),
    )
    .orderBy(asc(bids.reference));
}

/**
 * The meeting as last recorded, without asking its workflow what each person may do: the item
 * page and its live quorum read it every few seconds, so it must be cheap.
 */
export async function recordedMeeting(deps: AppDeps, user: Actor, meetingId: string): Promise<MeetingStatus> {
  if (!canSeeMeetings(user)) throw new ApiError(403, 'forbidden', 'Only the Assembly, finance and the admin see Assembly meetings', { rule: 'role' });
  const [row] = await deps.db.select({ model: meetings.model, status: meetings.status }).from(meetings).where(eq(meetings.id, meetingId)).limit(1);
  if (!row) throw new ApiError(404, 'not_found', `Meeting ${meetingId} was not found`);
  return meetingStatusOf(row);
}

// ---------------------------------------------------------------------------------------------
// Forms

/** A form that failed validation: which one, what was typed, and the errors by field name. */
export interface Failed {
  form: string;
  values: FormBody;
  list: FieldError[];
  byField: Record<string, string>;
}

/** What a field shows: what was just typed into this form after an error, else what is recorded. */
export function shown(failed: Failed | undefined, form: string, name: string, recorded: string | null | undefined): string {
  if (failed?.form !== form) return recorded ?? '';
  const v = failed.values[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** Several forms on one page name their fields `<form>-<field>`, so every id on the page is unique. */
export const prefixed = (form: string, fields: string[]) => ({
  read: (body: FormBody) => Object.fromEntries(fields.map((f) => [f, one(body, `${form}-${f}`)])),
  fieldFor: (path: string) => `${form}-${path}`,
});

export const errorOf = (failed: Failed | undefined, form: string, name: string) => (failed?.form === form ? failed.byField[name] : undefined);

/**
 * A posted form, the one way: read its fields, validate them (a failure re-renders the page
 * with the error summary and the inline errors, status 400), then run the action through the
 * workflow with act(), which shows its refusal in the API's words.
 */
export async function submitForm<S extends z.ZodType>(
  c: WebContext,
  options: {
    form: string;
    schema: S;
    read: (form: FormBody) => unknown;
    /** The form's field name for a path of the schema; the same name by default. */
    fieldFor?: (path: string) => string;
    invalid: (failed: Failed) => Promise<Response>;
    then: string;
    success: Flash;
    run: (data: z.output<S>) => Promise<unknown>;
  },
): Promise<Response> {
  const values = formOf(c);
  const read = options.read(values);
  const parsed = options.schema.safeParse(read);
  if (!parsed.success) return options.invalid({ form: options.form, values, ...formErrors(parsed.error, options.fieldFor) });
  // Text the database cannot store is refused on its field, whatever the form's schema allowed.
  const bad = findUnstorable(read);
  if (bad) {
    const name = (options.fieldFor ?? ((x: string) => x))(bad.join('.'));
    const message = `The text ${STORABLE_MESSAGE}`;
    return options.invalid({ form: options.form, values, byField: { [name]: message }, list: [{ field: fieldId(name), message }] });
  }
  return act(c, options.then, options.success, () => options.run(parsed.data));
}

/** Text a person must give: what to do when it is missing, and what is too long, in words they can act on. */
export const given = (what: string, whenMissing: string, max = 5000) =>
  z.string().max(max, `${what} must be ${max.toLocaleString('en-GB')} characters or fewer`).trim().min(1, whenMissing);

/** Non-empty lines of a text box: conditions are typed one on each line. */
export const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

const DUE_AT_END = /^(.*\S)\s+by\s+(\d{4}-\d{2}-\d{2})$/i;

/** The form's hint on conditions: one on each line, and how to give one its due day. */
export const CONDITIONS_HINT = "Needed when supported with conditions: one on each line. To give one the day it is due, end its line with 'by' and the date, for example: Baseline data to the hub by 2027-03-31.";

/**
 * Conditions typed one on each line, a line ending "by YYYY-MM-DD" giving the day it is due: the
 * words and due days as the workflows take them, or what is wrong with a date, in the API's words.
 */
export function conditionLines(text: string): { conditions: string[]; conditionsDueBy?: (string | null)[]; problem?: string } {
  const parsed = lines(text).map((line) => {
    const dated = DUE_AT_END.exec(line);
    return dated ? { text: dated[1]!, dueBy: dated[2]! } : { text: line, dueBy: null };
  });
  for (const [i, c] of parsed.entries()) {
    const check = c.dueBy ? dueDay.safeParse(c.dueBy) : null;
    if (check && !check.success) return { conditions: [], problem: `The date of condition ${i + 1} (${c.dueBy}) ${check.error.issues[0]!.message}` };
  }
  const conditions = parsed.map((c) => c.text);
  return parsed.some((c) => c.dueBy) ? { conditions, conditionsDueBy: parsed.map((c) => c.dueBy) } : { conditions };
}
