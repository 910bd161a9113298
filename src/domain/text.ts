// Text the database, the trail's hash chain and a CSV can all hold: no NUL or other control
// characters (tab and line breaks excepted) and no unpaired UTF-16 surrogates. PostgreSQL's
// jsonb refuses both, so such text is refused where it arrives, naming its field.
import { z } from 'zod';

const UNSTORABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const STORABLE_MESSAGE = 'must not contain control characters (other than tab and line breaks) or unpaired surrogates';

export const isStorable = (s: string): boolean => !UNSTORABLE.test(s);

/** The first string in a value that cannot be stored, with its path, or null. */
export function findUnstorable(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return isStorable(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnstorable(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (!isStorable(key)) return [...path, key];
      const found = findUnstorable(v, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Free text: at most `max` characters as sent (spaces count, so 5,000 spaces do not pass a
 * 300-character limit), storable, then trimmed and at least `min` characters.
 */
export function freeText(min: number, max: number, required = `must be at least ${min} characters`) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine(isStorable, STORABLE_MESSAGE)
    .trim()
    .min(min, required);
}
