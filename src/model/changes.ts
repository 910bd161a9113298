// What changed between two versions of a workflow's model, as a list of path changes small
// enough to send with every commit: the read model applies them (PostgreSQL's
// cp_apply_changes, or applyChanges here), so a commit never carries the whole model.
// Pure, deterministic and import-free: workflow code uses it.

/** A JSON value as models hold it; `undefined` in an object means the key is absent. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

/**
 * Set the value at a path (creating its last key, or appending to an array at its length), or
 * remove the key at a path when `v` is absent. Array indices are decimal strings.
 */
export interface Change {
  p: string[];
  v?: Json;
}

const isObject = (x: unknown): x is Record<string, Json | undefined> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Equality of JSON values, treating keys with undefined values as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => b[k] !== undefined && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The changes that turn `before` into `after`. Objects are compared key by key and arrays that
 * only grew element by element, so one vote among two hundred items is one short change; an
 * array that shrank is replaced whole. Both must be JSON objects at the root.
 */
export function diff(before: Json, after: Json): Change[] {
  const out: Change[] = [];
  walk(before, after, [], out);
  return out;
}

function walk(a: Json | undefined, b: Json | undefined, path: string[], out: Change[]): void {
  if (a === b) return;
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(b)) {
      const next = b[key];
      if (next === undefined) continue;
      if (a[key] === undefined) out.push({ p: [...path, key], v: clean(next) });
      else walk(a[key], next, [...path, key], out);
    }
    for (const key of Object.keys(a)) {
      if (a[key] !== undefined && b[key] === undefined) out.push({ p: [...path, key] });
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && b.length >= a.length && path.length > 0) {
    for (let i = 0; i < a.length; i += 1) walk(a[i], b[i], [...path, String(i)], out);
    for (let i = a.length; i < b.length; i += 1) out.push({ p: [...path, String(i)], v: clean(b[i]!) });
    return;
  }
  if (jsonEqual(a, b)) return;
  if (path.length === 0) throw new TypeError('a model must be a JSON object at its root');
  out.push(b === undefined ? { p: path } : { p: path, v: clean(b) });
}

/** A copy without undefined values, as JSON would carry it. */
function clean(value: Json): Json {
  if (Array.isArray(value)) return value.map((x) => clean(x));
  if (isObject(value)) {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
    return out;
  }
  return value;
}

/** Applies changes to a copy of `target`, exactly as cp_apply_changes does in PostgreSQL. */
export function applyChanges<T extends Json>(target: T, changes: readonly Change[]): T {
  const root = clean(target) as T;
  for (const change of changes) {
    if (change.p.length === 0) continue;
    let parent: Json | undefined = root;
    for (const key of change.p.slice(0, -1)) {
      parent = Array.isArray(parent) ? parent[Number(key)] : isObject(parent) ? parent[key] : undefined;
      if (parent === undefined) break;
    }
    const last = change.p.at(-1)!;
    if (Array.isArray(parent)) {
      const index = Number(last);
      if (change.v === undefined) parent.splice(index, 1);
      else if (index >= parent.length) parent.push(change.v);
      else parent[index] = change.v;
    } else if (isObject(parent)) {
      if (change.v === undefined) delete parent[last];
      else parent[last] = change.v;
    }
  }
  return root;
}
