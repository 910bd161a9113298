// The decision trail's hash chain. Each event's hash covers its own fields and the previous
// event's hash, serialised canonically (RFC 8785), so any edit or deletion breaks the chain.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

export type StreamType = 'bid' | 'meeting' | 'round';

export interface TrailEventInput {
  /** Idempotency key: the same id written twice is stored once. */
  eventId: string;
  occurredAt: string;
  actorId: string;
  actorRole: string;
  action: string;
  fromState?: string | null;
  toState?: string | null;
  payload?: Record<string, unknown>;
  ruleSetVersion?: string | null;
}

export interface ChainedFields {
  eventId: string;
  streamType: string;
  streamId: string;
  seq: number;
  occurredAt: string;
  actorId: string;
  actorRole: string;
  action: string;
  fromState: string | null;
  toState: string | null;
  payload: unknown;
  ruleSetVersion: string | null;
  prevHash: string;
}

export function canonicalJson(value: unknown): string {
  const out = canonicalize(value);
  if (out === undefined) throw new Error('value has no canonical JSON form');
  return out;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The payload exactly as PostgreSQL's jsonb will give it back (no undefined, no functions). */
export function normalisePayload(payload: Record<string, unknown> | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(payload ?? {})) as Record<string, unknown>;
}

export function eventHash(fields: ChainedFields): string {
  return sha256(canonicalJson(fields));
}

export interface StoredEvent extends ChainedFields {
  hash: string;
}

/** How a chain is broken: an event's contents changed, an event gone from the middle, a link rewritten. */
export type ChainBreak = 'event_changed' | 'event_deleted' | 'link_broken';

export type ChainVerdict =
  | { valid: true; events: number; lastHash: string }
  | { valid: false; events: number; brokenAt: { seq: number; eventId: string | null; kind: ChainBreak; reason: string } };

/** Checks a stream's events, in sequence order, and names the first broken link. */
export function verifyChain(events: Iterable<StoredEvent>): ChainVerdict {
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (const event of events) {
    count += 1;
    if (event.seq !== expectedSeq) {
      return {
        valid: false,
        events: count,
        brokenAt: { seq: expectedSeq, eventId: null, kind: 'event_deleted', reason: `event ${expectedSeq} is missing (found ${event.seq} next)` },
      };
    }
    if (event.prevHash !== expectedPrev) {
      return {
        valid: false,
        events: count,
        brokenAt: { seq: event.seq, eventId: event.eventId, kind: 'link_broken', reason: 'previous hash does not match the event before it' },
      };
    }
    const { hash, ...fields } = event;
    if (eventHash(fields) !== hash) {
      return {
        valid: false,
        events: count,
        brokenAt: { seq: event.seq, eventId: event.eventId, kind: 'event_changed', reason: 'contents do not match the recorded hash (its payload or fields were changed)' },
      };
    }
    expectedPrev = hash;
    expectedSeq += 1;
  }
  return { valid: true, events: count, lastHash: expectedPrev };
}
