// `npm run verify`: every scored bid's latest score re-derived and checked (score-records.ts),
// every stored allocation re-run from its recorded input (allocation-verify.ts), and every chain
// of the decision trail verified against its seals, as one report. Reads, never writes.
import type { Db } from '../db/client.js';
import { verifyAllocations, type AllocationVerdict } from './allocation-verify.js';
import { verifyLatestScores, type ScoreVerdict } from './score-records.js';
import { verifyTrail, type TrailVerification } from './trail.js';

export interface VerifyReport {
  financialYear: string | null;
  scores: { verified: number; matched: number; mismatched: number };
  mismatches: ScoreVerdict[];
  allocations: { verified: number; matched: number; mismatched: number };
  allocationMismatches: AllocationVerdict[];
  trail: TrailVerification;
  ok: boolean;
}

const show = (value: unknown): string => (value === undefined ? '(nothing)' : JSON.stringify(value));

export async function verifyEverything(db: Db, options: { financialYear?: string; sealKey?: string } = {}): Promise<VerifyReport> {
  const mismatches: ScoreVerdict[] = [];
  let verified = 0;
  for await (const verdict of verifyLatestScores(db, options)) {
    verified += 1;
    if (!verdict.match) mismatches.push(verdict);
  }
  const allocationMismatches: AllocationVerdict[] = [];
  let allocations = 0;
  for await (const verdict of verifyAllocations(db, options)) {
    allocations += 1;
    if (!verdict.match) allocationMismatches.push(verdict);
  }
  const trail = await verifyTrail(db, options.sealKey);
  return {
    financialYear: options.financialYear ?? null,
    scores: { verified, matched: verified - mismatches.length, mismatched: mismatches.length },
    mismatches,
    allocations: { verified: allocations, matched: allocations - allocationMismatches.length, mismatched: allocationMismatches.length },
    allocationMismatches,
    trail,
    ok: mismatches.length === 0 && allocationMismatches.length === 0 && trail.valid,
  };
}

/** The report in lines a person reads: counts, then each mismatch with its first differing field per check. */
export function formatReport(report: VerifyReport): string {
  const lines = [
    `Scores${report.financialYear ? ` of bids with costs in ${report.financialYear}` : ''}: ${report.scores.verified} latest scores re-derived, ` +
      `${report.scores.matched} match, ${report.scores.mismatched} do not`,
  ];
  for (const v of report.mismatches) {
    lines.push(`  MISMATCH ${v.reference} ${v.scoreId} (${v.ruleSet.id}@${v.ruleSet.version}, scored ${v.scoredAt})`);
    for (const d of v.differences) {
      lines.push(`    ${d.check}: ${d.path || '(bytes)'}: recorded ${show(d.recorded)}, recomputed ${show(d.recomputed)}. ${d.message}`);
    }
  }
  lines.push(
    `Allocations${report.financialYear ? ` of rounds for ${report.financialYear}` : ''}: ${report.allocations.verified} re-run from their recorded input, ` +
      `${report.allocations.matched} match, ${report.allocations.mismatched} do not`,
  );
  for (const v of report.allocationMismatches) {
    lines.push(`  MISMATCH round ${v.roundId} allocation ${v.version} (${v.financialYear}, run ${v.runAt} by ${v.runBy})`);
    for (const d of v.differences) {
      lines.push(`    ${d.check}: ${d.path || '(bytes)'}: recorded ${show(d.recorded)}, recomputed ${show(d.recomputed)}. ${d.message}`);
    }
  }
  const cp = report.trail.checkpoint;
  lines.push(
    `Trail: ${report.trail.streams} chains, ${report.trail.events} events, ${report.trail.broken.length} broken; ` +
      (report.trail.sealsChecked ? `seals checked${cp ? ` (checkpoint ${cp.version}: ${cp.streams} streams, ${cp.events} events, sealed ${cp.sealedAt})` : ''}` : 'seals NOT checked'),
  );
  for (const b of report.trail.broken) {
    const where = b.streamId ? `${b.streamType} ${b.streamId}${b.seq !== null ? ` at seq ${b.seq}` : ''}${b.eventId ? ` (${b.eventId})` : ''}` : 'the whole trail';
    lines.push(`  BROKEN ${b.kind}: ${where}: ${b.reason}`);
  }
  lines.push(report.ok ? 'Verified: every score, every allocation, every chain and every seal holds.' : 'NOT VERIFIED: see above.');
  return `${lines.join('\n')}\n`;
}
