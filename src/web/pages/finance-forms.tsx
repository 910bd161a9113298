// What finance's and the admin's forms share: collecting every problem at once, each on its field,
// and money typed in pounds read as integer pence.
import { fieldId, type FieldError } from '../components.js';
import { poundsToPence } from '../format.js';

/**
 * Every problem with a form, each on its field, for the error summary and the inline messages.
 * Hand-written checks rather than a zod schema where cross-field rules (closing after opening,
 * "amount to" above "amount from") must be reported together with a field's own mistakes.
 */
export class Problems {
  readonly byField: Record<string, string> = {};
  readonly list: FieldError[] = [];

  /** `focus` is the id the summary links to, when it is not the field's own (a date's day box). */
  add(name: string, message: string, focus = fieldId(name)): void {
    if (this.byField[name]) return;
    this.byField[name] = message;
    this.list.push({ field: focus, message });
  }

  get any(): boolean {
    return this.list.length > 0;
  }
}

/** Pounds as typed ("1,500,000" or "£2,500.50") to pence; a problem on the field if it is not money. */
export function poundsField(problems: Problems, name: string, text: string, what: string, required = true): number | null {
  if (!text) {
    if (required) problems.add(name, `Enter ${what} in pounds`);
    return null;
  }
  const pence = poundsToPence(text);
  if (pence === null) problems.add(name, `Enter ${what} as an amount of money, such as 250,000`);
  return pence;
}
