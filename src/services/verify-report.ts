// `npm run verify`: every scored bid's latest score re-derived and checked (score-records.ts),
// and every chain of the decision trail verified, as one report. Reads, never writes.
import type { Db } from '../db/client.js';
import { verifyLatestScores, type ScoreVerdict } from './score-records.js';
import { verifyTrail, type TrailVerification } from './trail.js';

export interface VerifyReport {
  financialYear: string | null;
  scores: { verified: number; matched: number; mismatched: number };
  mismatches: ScoreVerdict[];
  trail: TrailVerification;
  ok: boolean;
}

const show = (value: unknown): string => (value === undefined ? '(nothing)' : JSON.stringify(value));

export async function verifyEverything(db: Db, options: { financialYear?: string } = {}): Promise<VerifyReport> {
  const mismatches: ScoreVerdict[] = [];
  let verified = 0;
  for await (const verdict of verifyLatestScores(db, options)) {
    verified += 1;
    if (!verdict.match) mismatches.push(verdict);
  }
  const trail = await verifyTrail(db);
  return {
    financialYear: options.financialYear ?? null,
    scores: { verified, matched: verified - mismatches.length, mismatched: mismatches.length },
    mismatches,
    trail,
    ok: mismatches.length === 0 && trail.valid,
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
  lines.push(`Trail: ${report.trail.streams} chains, ${report.trail.events} events, ${report.trail.broken.length} broken`);
  for (const b of report.trail.broken) lines.push(`  BROKEN ${b.streamType} ${b.streamId} at seq ${b.seq}${b.eventId ? ` (${b.eventId})` : ''}: ${b.reason}`);
  lines.push(report.ok ? 'Verified: every score and every chain holds.' : 'NOT VERIFIED: see above.');
  return `${lines.join('\n')}\n`;
}
