// A trail event in words, for the trail page and the finance CSV alike: money in pounds and
// pence, codes as their labels (vocabulary.ts), dates as dates, people by name.
import {
  AMBITION_LABELS,
  BID_STATE_LABELS,
  DELEGATION_LABELS,
  PLACE_LABELS,
  ROLE_LABELS,
  TRAIL_OUTCOME_LABELS,
  type Ambition,
  type Place,
} from './vocabulary.js';
import type { BidState } from '../shared.js';

const groupThousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Integer pence as pounds with the pence always shown, as finance writes them: 20500000 to "£205,000.00". */
export function poundsAndPence(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const magnitude = Math.abs(Math.trunc(pence));
  return `${sign}£${groupThousands(String(Math.floor(magnitude / 100)))}.${String(magnitude % 100).padStart(2, '0')}`;
}

/** Integer pence as a plain decimal a spreadsheet adds up: 20500000 to "205000.00". */
export function poundsDecimal(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const magnitude = Math.abs(Math.trunc(pence));
  return `${sign}${Math.floor(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}

export const stateInWords = (state: string | null | undefined): string => (state ? (BID_STATE_LABELS[state as BidState] ?? state) : '');
export const roleInWords = (role: string): string => (role === 'system' ? 'The service, automatically' : (ROLE_LABELS[role] ?? role));
export const outcomeInWords = (outcome: string): string => TRAIL_OUTCOME_LABELS[outcome] ?? outcome.replace(/_/g, ' ');

/** The fields people look for first; the raw CSV carries the whole payload. */
const FIRST = ['outcome', 'approved', 'direction', 'allocated', 'rank', 'reason', 'conditions', 'minuteReference', 'recommendation', 'comments', 'roundId', 'meetingId', 'version', 'benefitScore', 'band'];
/** Fields that say nothing to a reader: the bid's own reference, counters, hashes, lists of other bids. */
const SKIP = new Set(['reference', 'itemId', 'scoreEventId', 'funded', 'waitlisted', 'movedUp', 'envelopes', 'facts', 'hash', 'contentHash']);
const STATE_FIELDS = new Set(['routedTo', 'from', 'to', 'state']);
const OUTCOME_FIELDS = new Set(['outcome', 'recommendation', 'decision', 'direction', 'allocated']);
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });

const KEY_WORDS: Record<string, string> = {
  roundId: 'Funding round',
  meetingId: 'CCP Assembly meeting',
  minuteReference: 'Board minute',
  routedTo: 'Now',
  benefitScore: 'Benefit score',
  allocated: 'The allocation had',
  direction: 'Overridden to',
  approved: 'Approved by the ICB Board',
  deferrals: 'Times deferred',
};

function keyInWords(key: string): string {
  if (KEY_WORDS[key]) return KEY_WORDS[key];
  const words = key.replace(/Pence$/, '').replace(/([A-Z])/g, ' $1').toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

function codeInWords(key: string, value: string): string {
  if (STATE_FIELDS.has(key)) return stateInWords(value);
  if (OUTCOME_FIELDS.has(key)) return outcomeInWords(value);
  if (key === 'delegation') return DELEGATION_LABELS[value] ?? value;
  if (key.toLowerCase().includes('ambition')) return AMBITION_LABELS[value as Ambition] ?? value;
  if (key.toLowerCase().includes('place')) return PLACE_LABELS[value as Place] ?? value;
  if (key.toLowerCase().endsWith('role')) return roleInWords(value);
  if (ISO_INSTANT.test(value)) return dateFormat.format(new Date(value));
  return value;
}

function valueInWords(key: string, value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return key.endsWith('Pence') ? poundsAndPence(value) : String(value);
  if (typeof value === 'string') return codeInWords(key, value);
  if (Array.isArray(value)) {
    return value
      .map((v) => (typeof v === 'string' ? codeInWords(key, v) : typeof v === 'number' ? String(v) : nameOf(v)))
      .filter(Boolean)
      .join(', ');
  }
  return nameOf(value);
}

/** A person as the trail keeps them ({ id, name }): their name. */
const nameOf = (value: unknown): string => {
  const name = value && typeof value === 'object' ? (value as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : '';
};

/**
 * An event's payload as a line of words: its simple fields, most telling first, each named in
 * words with its value as a label, pounds or a date. Cut at `max` characters when given.
 */
export function payloadInWords(payload: unknown, max?: number): string {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return '';
  const fields = payload as Record<string, unknown>;
  const rank = (k: string) => (FIRST.includes(k) ? FIRST.indexOf(k) : FIRST.length);
  const keys = Object.keys(fields)
    .filter((k) => !SKIP.has(k))
    .sort((a, b) => rank(a) - rank(b));
  const parts: string[] = [];
  for (const key of keys) {
    const text = valueInWords(key, fields[key]);
    if (text) parts.push(`${keyInWords(key)}: ${text}`);
  }
  const line = parts.join('; ');
  return max && line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * A decision's conditions with their due days, as the CSVs and the published pack give them: each
 * condition's words, then "(due by …)" where it has a day (ISO by default; a page passes its own
 * wording). Conditions recorded before due days existed give their words alone.
 */
export function conditionsWithDueDays(conditions: unknown, dueBy: unknown, day: (isoDay: string) => string = (d) => d): string[] {
  const texts: unknown[] = Array.isArray(conditions) ? conditions : [];
  const days: unknown[] = Array.isArray(dueBy) ? dueBy : [];
  return texts.flatMap((text, i) => {
    if (typeof text !== 'string' || text === '') return [];
    const due = days[i];
    return [typeof due === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(due) ? `${text} (due by ${day(due)})` : text];
  });
}
