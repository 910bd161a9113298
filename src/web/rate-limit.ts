// Failed attempts counted per client in a sliding window: sign-in refuses a client that has
// failed too often, so a token cannot be guessed at speed. In memory, per API process.
import type { Context } from 'hono';

export class FailedAttempts {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Seconds until this client may try again, or 0 if it may now. */
  retryAfter(key: string, now = Date.now()): number {
    const recent = this.recent(key, now);
    return recent.length < this.max ? 0 : Math.ceil((recent[0]! + this.windowMs - now) / 1000);
  }

  failed(key: string, now = Date.now()): void {
    if (this.failures.size > 100_000) this.failures.clear();
    this.failures.set(key, [...this.recent(key, now), now]);
  }

  succeeded(key: string): void {
    this.failures.delete(key);
  }
}

/** The client's address: the connection's, or behind a trusted proxy the first X-Forwarded-For. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}
