// Keyed seals over the decision trail. Each stream's head (type, id, sequence, hash) is sealed with
// HMAC-SHA-256 under a key kept outside the database, and one checkpoint seals the set of all heads
// (their count, the events they cover, and the sum of their seals modulo 2^256, which an append
// updates in constant time). Whoever can write the database but lacks the key cannot make a seal
// for a shortened, recomputed or missing stream, so verification sees each.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './trail.js';

export const EMPTY_DIGEST = '0'.repeat(64);
const MODULUS = 1n << 256n;

export interface StreamHead {
  streamType: string;
  streamId: string;
  seq: number;
  hash: string;
}

export interface CheckpointFields {
  version: number;
  streams: number;
  events: number;
  digest: string;
}

const mac = (key: string, value: unknown) => createHmac('sha256', key).update(canonicalJson(value), 'utf8').digest('hex');

export function sealHead(key: string, head: StreamHead): string {
  return mac(key, { kind: 'trail-head', streamType: head.streamType, streamId: head.streamId, seq: head.seq, hash: head.hash });
}

export function sealCheckpoint(key: string, fields: CheckpointFields): string {
  return mac(key, { kind: 'trail-checkpoint', version: fields.version, streams: fields.streams, events: fields.events, digest: fields.digest });
}

/** Constant-time comparison of two hex seals. */
export function sealsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

const toHex = (n: bigint) => (((n % MODULUS) + MODULUS) % MODULUS).toString(16).padStart(64, '0');

/** The checkpoint's digest with one head's seal replaced by its next (removed: null for a new stream). */
export function moveDigest(digest: string, removed: string | null, added: string): string {
  const value = BigInt(`0x${digest}`) - (removed ? BigInt(`0x${removed}`) : 0n) + BigInt(`0x${added}`);
  return toHex(value);
}

/** The digest of a set of head seals, as the checkpoint should hold it. */
export function digestOf(seals: Iterable<string>): string {
  let sum = 0n;
  for (const seal of seals) sum += BigInt(`0x${seal}`);
  return toHex(sum);
}
