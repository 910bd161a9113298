// Working days in England: weekends and England's bank holidays do not count. Deadlines are
// computed here (in an activity) so the workflow only ever sees the resulting instants.
import Holidays from 'date-holidays';
import type { DurationSpec } from './durations.js';

const TIME_ZONE = 'Europe/London';
const england = new Holidays('GB', 'ENG');
const holidayCache = new Map<number, Set<string>>();

function bankHolidays(year: number): Set<string> {
  let days = holidayCache.get(year);
  if (!days) {
    days = new Set(
      england
        .getHolidays(year)
        .filter((h) => h.type === 'public' || h.type === 'bank')
        .map((h) => h.date.slice(0, 10)),
    );
    holidayCache.set(year, days);
  }
  return days;
}

const londonDate = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in London of an instant, as YYYY-MM-DD. */
export function londonDay(at: Date): string {
  return londonDate.format(at);
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function isWorkingDay(day: string, extraHolidays: readonly string[] = []): boolean {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  if (extraHolidays.includes(day)) return false;
  return !bankHolidays(Number(day.slice(0, 4))).has(day);
}

/** The n-th working day after `day` (n >= 1); with n = 0, `day` itself. */
export function addWorkingDays(day: string, n: number, extraHolidays: readonly string[] = []): string {
  let current = day;
  let remaining = n;
  while (remaining > 0) {
    current = addDays(current, 1);
    if (isWorkingDay(current, extraHolidays)) remaining -= 1;
  }
  return current;
}

/** The last instant of a London calendar day (23:59:59.999 local time, BST or GMT). */
export function endOfLondonDay(day: string): Date {
  const next = addDays(day, 1);
  // Midnight London time is 00:00Z in winter and 23:00Z the day before in summer.
  for (const offsetHours of [0, 1]) {
    const candidate = new Date(Date.parse(`${next}T00:00:00Z`) - offsetHours * 3_600_000);
    if (londonDay(candidate) === next && londonDay(new Date(candidate.getTime() - 1)) === day) {
      return new Date(candidate.getTime() - 1);
    }
  }
  throw new Error(`cannot find the end of ${day} in London`);
}

export interface Deadline {
  startedAt: string;
  remindAt: string;
  dueAt: string;
  spec: string;
}

/**
 * When something started at `start` with the given allowance is due, and when to remind.
 * Working-day deadlines fall due at the end of the last working day; the reminder goes at the end
 * of the working day that is `reminderFraction` of the way through (or proportionally, if that is
 * the first day).
 */
export function computeDeadline(
  start: Date,
  spec: DurationSpec,
  reminderFraction: number,
  extraHolidays: readonly string[] = [],
): Deadline {
  let due: Date;
  let remind: Date;
  if (spec.kind === 'elapsed') {
    due = new Date(start.getTime() + spec.ms);
    remind = new Date(start.getTime() + Math.round(spec.ms * reminderFraction));
  } else {
    const startDay = londonDay(start);
    due = endOfLondonDay(addWorkingDays(startDay, spec.days, extraHolidays));
    const reminderDays = Math.floor(spec.days * reminderFraction);
    remind =
      reminderDays >= 1
        ? endOfLondonDay(addWorkingDays(startDay, reminderDays, extraHolidays))
        : new Date(start.getTime() + Math.round((due.getTime() - start.getTime()) * reminderFraction));
  }
  return { startedAt: start.toISOString(), remindAt: remind.toISOString(), dueAt: due.toISOString(), spec: spec.text };
}

/** The n-th working day before `day` (n >= 1). */
export function subtractWorkingDays(day: string, n: number, extraHolidays: readonly string[] = []): string {
  let current = day;
  let remaining = n;
  while (remaining > 0) {
    current = addDays(current, -1);
    if (isWorkingDay(current, extraHolidays)) remaining -= 1;
  }
  return current;
}

/** When a meeting's agenda closes: the end of the working day `spec` before the meeting day. */
export function agendaClosesAt(meeting: Date, spec: DurationSpec, extraHolidays: readonly string[] = []): Date {
  if (spec.kind === 'elapsed') return new Date(meeting.getTime() - spec.ms);
  return endOfLondonDay(subtractWorkingDays(londonDay(meeting), spec.days, extraHolidays));
}

/** The first instant of a London calendar day (00:00 local time, BST or GMT). */
export function startOfLondonDay(day: string): Date {
  return new Date(endOfLondonDay(addDays(day, -1)).getTime() + 1);
}

/**
 * When a condition due on `dueBy` (a London day) falls due, the start of that day, and when its
 * reminder goes: the start of the working day `spec` before it (or that long before, for elapsed
 * time). No reminder when the day has come by `decidedAt`: the notice on the day goes at once.
 * With `escalation`, when it is overdue if still open: the start of the working day that long
 * after its due day (or that long after it fell due, for elapsed time).
 */
export function conditionSchedule(
  dueBy: string,
  spec: DurationSpec,
  decidedAt: Date,
  extraHolidays: readonly string[] = [],
  escalation?: DurationSpec,
): { dueAt: string; remindAt?: string; escalateAt?: string } {
  const due = startOfLondonDay(dueBy);
  const escalateAt = escalation && (escalation.kind === 'elapsed' ? new Date(due.getTime() + escalation.ms) : startOfLondonDay(addWorkingDays(dueBy, escalation.days, extraHolidays))).toISOString();
  const late = escalateAt ? { escalateAt } : {};
  if (due.getTime() <= decidedAt.getTime()) return { dueAt: due.toISOString(), ...late };
  const remind = spec.kind === 'elapsed' ? new Date(due.getTime() - spec.ms) : startOfLondonDay(subtractWorkingDays(dueBy, spec.days, extraHolidays));
  return remind.getTime() < due.getTime() ? { dueAt: due.toISOString(), remindAt: remind.toISOString(), ...late } : { dueAt: due.toISOString(), ...late };
}
