// The register of interests as the workflows and the forecast apply it: which of a person's
// standing interests are current on a day, and the conflict one of them makes with a bid's
// organisations, in words that say which interest and since when. Pure: workflows call it.
import { INTEREST_KIND_LABELS } from '../domain/vocabulary.js';
import type { RegisteredInterest } from '../shared.js';

/** Current on a day (YYYY-MM-DD): begun on or before it and not ended before it. */
export const currentOn = (i: Pick<RegisteredInterest, 'from' | 'to'>, day: string): boolean => i.from <= day && (i.to === null || i.to >= day);

/** The interest in words: "director, since 2024-04-01" or "employment, 2023-01-01 to 2025-03-31". */
/** Of `current`, the interests not among those `held` (by id): what the register adds to them. */
export const unheldInterests = (held: readonly RegisteredInterest[] | undefined, current: readonly RegisteredInterest[]): RegisteredInterest[] =>
  current.filter((i) => !(held ?? []).some((h) => h.id === i.id));

export function interestInWords(i: Pick<RegisteredInterest, 'kind' | 'from' | 'to'>): string {
  return `${INTEREST_KIND_LABELS[i.kind] ?? i.kind}, ${i.to ? `${i.from} to ${i.to}` : `since ${i.from}`}`;
}

/**
 * Why a registered interest conflicts the person out of a bid led by `lead` with `partners`, or
 * null. The interests are those current on the day (the caller filters by date), so a person
 * without any, as in every history from before the register, is never conflicted here.
 */
export function registeredConflict(interests: readonly RegisteredInterest[] | undefined, lead: string, partners: readonly string[]): string | null {
  for (const i of interests ?? []) {
    if (i.organisation === null) continue;
    if (i.organisation === lead) return `has a registered interest in ${i.body}, the bid's lead organisation (${interestInWords(i)})`;
    if (partners.includes(i.organisation)) return `has a registered interest in ${i.body}, a partner organisation of the bid (${interestInWords(i)})`;
  }
  return null;
}
