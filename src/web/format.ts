// How the web pages write money, dates and the domain's words for people to read.
import { AMBITION_LABELS, PLACE_LABELS, type Ambition, type Place } from '../domain/vocabulary.js';
import type { BidState } from '../shared.js';

export { formatPence as money } from '../domain/allocation.js';

const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

export const date = (iso: string | Date | null | undefined) => (iso ? dateFormat.format(new Date(iso)) : '');
export const dateTime = (iso: string | Date | null | undefined) => (iso ? dateTimeFormat.format(new Date(iso)) : '');

/**
 * The workflows write times as ISO instants inside their sentences ("lapses 2026-12-01T…Z");
 * people read dates.
 */
export const plainDates = (text: string): string => text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, (iso) => date(iso));

export const ambition = (id: string) => AMBITION_LABELS[id as Ambition] ?? id;
export const place = (id: string) => PLACE_LABELS[id as Place] ?? id;

export const STATE_LABELS: Record<BidState, string> = {
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

/** NHS tag colour for each state: what needs someone's attention stands out. */
export const STATE_COLOURS: Record<BidState, string> = {
  SUBMITTED: 'grey',
  INTAKE: 'grey',
  RETURNED: 'orange',
  LAPSED: 'grey',
  HUB_REVIEW: 'blue',
  AWAITING_REVISION: 'orange',
  CLOSED_NOT_SUPPORTED: 'red',
  SCORING: 'blue',
  AWAITING_ASSEMBLY: 'purple',
  AWAITING_BOARD: 'purple',
  ALLOCATION: 'aqua-green',
  FUNDED: 'green',
  WAITLISTED: 'yellow',
  WITHDRAWN: 'grey',
};

export const stateLabel = (state: string) => STATE_LABELS[state as BidState] ?? state;

export const ROLE_LABELS: Record<string, string> = {
  applicant: 'Programme team',
  evaluator: 'Evaluator',
  hub_lead: 'Evaluation hub lead',
  assembly_member: 'CCP Assembly member',
  assembly_chair: 'CCP Assembly chair',
  finance: 'ICB finance',
  admin: 'Administrator',
};

export const BAND_LABELS: Record<string, string> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low: advise defer or resubmit',
  not_support: 'Advise not support',
};

/**
 * Pounds as typed in a form ("12,500.50", "£12500") to integer pence; null if it is not money.
 * Commas only group thousands: "1,50" or "12,5" is a typing slip, not £150 or £125.
 */
export function poundsToPence(text: string): number | null {
  const typed = text.replace(/[£\s]/g, '');
  if (typed.includes(',') && !/^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(typed)) return null;
  const cleaned = typed.replace(/,/g, '');
  if (!/^\d{1,13}(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, fraction = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Integer pence back to the pounds a form shows: 1250050 to "12500.50". */
export function penceToPounds(pence: number): string {
  return pence % 100 === 0 ? String(pence / 100) : (pence / 100).toFixed(2);
}

/** The CCP Assembly's decisions and the chair's actions, as the bid and Assembly pages say them. */
export const OUTCOME_LABELS: Record<string, string> = {
  supported: 'Supported',
  supported_with_conditions: 'Supported with conditions',
  deferred: 'Deferred',
  not_supported: 'Not supported',
  ratified: "Chair's action ratified",
  not_ratified: "Chair's action not ratified",
};
