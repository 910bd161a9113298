// Streams written before the trail was sealed (migration 0013) have no sealed head, and verification
// names each one `stream_unsealed`. Adopting them seals each such stream's head as it stands, once
// its chain has been checked from the genesis hash: a stream whose chain is already broken is left
// unsealed and reported, so a seal never vouches for a chain that did not hold. What the seal cannot
// say is that nobody changed an old stream, chain and all, before it was adopted: the report and the
// README say so, and the adoption is dated in each head's sealed_at.
import { sql } from 'drizzle-orm';
import { moveCheckpoint, readStream, TRAIL_LOCK } from '../activities/trail.js';
import { rowsOf, type Db } from '../db/client.js';
import { trailHeads } from '../db/schema.js';
import { sealHead } from '../domain/seal.js';
import { verifyChain } from '../domain/trail.js';

export interface AdoptedStream {
  streamId: string;
  streamType: string;
  seq: number;
}

export interface RefusedStream extends AdoptedStream {
  /** Why the chain does not hold, as verification says it. */
  reason: string;
}

export interface AdoptionReport {
  adopted: AdoptedStream[];
  /** Streams whose chain is broken: left unsealed, for someone to look into. */
  refused: RefusedStream[];
  /** Events in the streams adopted. */
  events: number;
}

/** Streams with events and no sealed head. */
async function unsealedStreams(db: Db): Promise<{ streamId: string; streamType: string }[]> {
  const rows = rowsOf<{ stream_id: string; stream_type: string }>(
    await db.execute(sql`
      select distinct e.stream_id, e.stream_type from decision_events e
      where not exists (select 1 from trail_heads h where h.stream_id = e.stream_id)
      order by e.stream_type, e.stream_id`),
  );
  return rows.map((r) => ({ streamId: r.stream_id, streamType: r.stream_type }));
}

/**
 * Seals the head of every stream that has none and whose chain holds, and moves the checkpoint on
 * by them, in one transaction holding the trail lock (so no append interleaves). Running it again
 * finds nothing more to do.
 */
export async function adoptUnsealedStreams(db: Db, key: string): Promise<AdoptionReport> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${TRAIL_LOCK})`);
    const report: AdoptionReport = { adopted: [], refused: [], events: 0 };
    const moved: { removed: null; added: string }[] = [];
    for (const { streamId, streamType } of await unsealedStreams(tx)) {
      const events = await readStream(tx, streamId);
      const last = events[events.length - 1]!;
      const verdict = verifyChain(events);
      if (!verdict.valid) {
        report.refused.push({ streamId, streamType, seq: last.seq, reason: verdict.brokenAt.reason });
        continue;
      }
      const head = { streamType, streamId, seq: last.seq, hash: last.hash };
      const seal = sealHead(key, head);
      await tx.insert(trailHeads).values({ ...head, seal, sealedAt: new Date() });
      moved.push({ removed: null, added: seal });
      report.adopted.push({ streamId, streamType, seq: last.seq });
      report.events += events.length;
    }
    if (moved.length) await moveCheckpoint(tx, key, moved, report.events);
    return report;
  });
}

export function formatAdoption(report: AdoptionReport): string {
  const lines = [`Adopted ${report.adopted.length} unsealed stream(s) (${report.events} events): each chain checked from its first event, its head sealed.`];
  for (const s of report.adopted) lines.push(`  sealed   ${s.streamType} ${s.streamId} at event ${s.seq}`);
  if (report.refused.length) {
    lines.push(`Refused ${report.refused.length} stream(s) whose chain does not hold; they stay unsealed and verification keeps naming them:`);
    for (const s of report.refused) lines.push(`  broken   ${s.streamType} ${s.streamId}: ${s.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
