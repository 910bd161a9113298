// How the web pages write money, dates and the domain's words for people to read.
// The labels live in the domain's vocabulary, so the pages, the API and the CSVs use the same words.
import { AMBITION_LABELS, BID_STATE_LABELS, OUTCOME_LABELS, PLACE_LABELS, ROLE_LABELS, type Ambition, type Place } from '../domain/vocabulary.js';
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

export const STATE_LABELS = BID_STATE_LABELS;

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

export { ROLE_LABELS };

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

export { OUTCOME_LABELS };
