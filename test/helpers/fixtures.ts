// Bids for tests: a complete, realistic one (the README's example), changed where a test needs.
import { readFileSync } from 'node:fs';
import type { BidSubmission } from '../../src/domain/bid.js';

const example = JSON.parse(readFileSync(new URL('../../examples/bid.json', import.meta.url), 'utf8')) as BidSubmission;

export function validBid(overrides: Partial<BidSubmission> = {}): BidSubmission {
  return structuredClone({ ...example, ...overrides });
}

export function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** A response body for assertions to inspect; its shape is what the test checks. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function jsonOf(res: Response): Promise<any> {
  return res.json();
}
