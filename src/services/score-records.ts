// A bid's stored scores for ICB finance: each explained from its record (scoreRecord), and each
// re-derived and checked (verifyStoredScore) against everything else that recorded it: the
// engine's bytes, the stored result, the score's columns, the bid's own facts and ratings, and
// the hash-chained trail event that announced it. Nothing here changes anything.
import { asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { bids, scores } from '../db/schema.js';
import { ApiError } from '../api/errors.js';
import { readStream } from '../activities/trail.js';
import { canonicalJson, verifyChain, type StoredEvent } from '../domain/trail.js';
import type { BidModel } from '../model/bid.js';
import type { ScoreResult } from '../rules/engine.js';
import { deriveFacts } from '../rules/facts.js';
import { firstDifference, scoreRecord, ScoreRecordError, verifyScore, type Json, type ScoreRecord, type ScoreVerification } from '../rules/record.js';
import { RuleSetError } from '../rules/ruleset.js';
import { bidWorkflowId, type Actor, type BidStatus } from '../shared.js';
import { readVisibleBid, type ServiceDeps } from './bids.js';

type ScoreRow = typeof scores.$inferSelect;

/** A score's id within its bid: what follows `bid-<reference>#` in its event id, such as `score1`. */
export function scoreIdOf(reference: string, eventId: string): string {
  const prefix = `${bidWorkflowId(reference)}#`;
  return eventId.startsWith(prefix) ? eventId.slice(prefix.length) : eventId;
}

/** Every score the bid has had, newest first. */
async function scoreRows(db: Db, reference: string): Promise<ScoreRow[]> {
  return db.select().from(scores).where(eq(scores.reference, reference)).orderBy(desc(scores.scoredAt), desc(scores.eventId));
}

export interface ScoreListing {
  scoreId: string;
  scoredAt: string;
  ruleSet: { id: string; version: string; hash: string };
  benefitScore: number;
  band: string;
  current: boolean;
}

export type BidScore = ScoreRecord & {
  reference: string;
  scoreId: string;
  eventId: string;
  scoredAt: string;
  current: boolean;
  scores: ScoreListing[];
};

const currentScoreId = (status: unknown): string | undefined => (status as Partial<BidStatus> | null)?.score?.eventId;

function pick(rows: ScoreRow[], reference: string, scoreId: string | undefined): ScoreRow {
  if (!rows.length) throw new ApiError(404, 'not_found', `Bid ${reference} has not been scored yet`);
  const row = scoreId === undefined ? rows[0] : rows.find((r) => scoreIdOf(reference, r.eventId) === scoreId);
  if (!row) throw new ApiError(404, 'not_found', `Bid ${reference} has no score ${scoreId}`);
  return row;
}

/**
 * One of the bid's stored scores (the latest, or `scoreId`), explained from its record, for
 * whoever may see the bid. A record whose parts disagree is not explained but refused (409):
 * finance verifies it.
 */
export async function bidScore(deps: ServiceDeps, user: Actor, reference: string, scoreId?: string): Promise<BidScore> {
  const { view } = await readVisibleBid(deps, user, reference);
  const rows = await scoreRows(deps.db, reference);
  const row = pick(rows, reference, scoreId);
  const current = currentScoreId(view.status) ?? rows[0]!.eventId;
  let record: ScoreRecord;
  try {
    record = scoreRecord({ facts: row.facts, result: row.result as ScoreResult, ruleSet: { id: row.ruleSetId, version: row.ruleSetVersion, hash: row.ruleSetHash } });
  } catch (error) {
    if (!(error instanceof ScoreRecordError) && !(error instanceof RuleSetError)) throw error;
    throw new ApiError(
      409,
      'score_inconsistent',
      `The stored score ${scoreIdOf(reference, row.eventId)} of ${reference} does not hold together (${error.message}); finance can verify it with POST /bids/${reference}/score/verify`,
      { rule: 'score_record' },
    );
  }
  return {
    reference,
    scoreId: scoreIdOf(reference, row.eventId),
    eventId: row.eventId,
    scoredAt: row.scoredAt.toISOString(),
    current: row.eventId === current,
    ...record,
    scores: rows.map((r) => ({
      scoreId: scoreIdOf(reference, r.eventId),
      scoredAt: r.scoredAt.toISOString(),
      ruleSet: { id: r.ruleSetId, version: r.ruleSetVersion, hash: r.ruleSetHash },
      benefitScore: r.benefitScore,
      band: r.band,
      current: r.eventId === current,
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Verification

export const SCORE_CHECKS = ['rederivation', 'stored_result', 'columns', 'facts_from_bid', 'trail'] as const;
export type ScoreCheck = (typeof SCORE_CHECKS)[number];

export interface ScoreDifference {
  check: ScoreCheck;
  /** Where the two differ: a path into the score (facts.core20Percent), a column, or a trail field. */
  path: string;
  recorded?: unknown;
  recomputed?: unknown;
  message: string;
}

export interface ScoreVerdict {
  reference: string;
  scoreId: string;
  eventId: string;
  scoredAt: string;
  ruleSet: { id: string; version: string; hash: string };
  match: boolean;
  /** The recorded rule set version run again on the recorded facts, compared byte for byte. */
  rederivation: ScoreVerification;
  /** Every check that failed, in the order of SCORE_CHECKS; empty when the score holds. */
  differences: ScoreDifference[];
  /** The bid's hash chain, and the event in it that announced this score. */
  trail: { valid: boolean; scoringEventSeq: number | null; brokenAt: { seq: number; reason: string } | null };
}

const asJson = (value: unknown): Json => JSON.parse(JSON.stringify(value ?? null)) as Json;

const ratingsOf = (m: BidModel) => {
  const r = m.review?.agreedRatings;
  return r ? { evidenceQuality: r.evidence_quality, deliverability: r.deliverability, qualityAndSafety: r.quality_and_safety } : null;
};

/** A stored score as the scores table holds it. */
export type StoredScoreRow = Pick<ScoreRow, 'eventId' | 'reference' | 'ruleSetId' | 'ruleSetVersion' | 'ruleSetHash' | 'facts' | 'result' | 'canonical' | 'benefitScore' | 'band' | 'scoredAt'>;

/** Checks one stored score against everything else that recorded it: the bid's model and its trail. */
export async function checkScore(row: StoredScoreRow, model: BidModel | null, events: StoredEvent[]): Promise<ScoreVerdict> {
  const { reference } = row;
  const differences: ScoreDifference[] = [];
  const add = (check: ScoreCheck, d: { path: string; recorded?: unknown; recomputed?: unknown } | null, message: string) => {
    if (d) differences.push({ check, path: d.path, ...('recorded' in d ? { recorded: d.recorded } : {}), ...('recomputed' in d ? { recomputed: d.recomputed } : {}), message });
  };

  // 1. The recorded rule set version on the recorded facts: the engine's bytes again?
  const rederivation = await verifyScore(row.facts, row.canonical, row.ruleSetId, row.ruleSetVersion);
  if (!rederivation.match) {
    add('rederivation', rederivation.firstDifference ?? { path: '' }, rederivation.error ?? `Re-running ${row.ruleSetId}@${row.ruleSetVersion} on the recorded facts does not give the recorded score (recorded: the stored score; recomputed: the re-run)`);
  }

  let canonical: Record<string, Json> | null = null;
  try {
    canonical = JSON.parse(row.canonical) as Record<string, Json>;
  } catch {
    // Named by the re-derivation already.
  }
  if (canonical) {
    // 2. The stored result (what the pages and GET /score show) is the engine's bytes.
    if (canonicalJson(row.result) !== row.canonical) {
      add('stored_result', firstDifference(asJson(row.result), canonical, '', true) ?? { path: '' }, 'The stored result is not the canonical score the engine produced');
    }
    // 3. The columns lists and the allocation read.
    const ruleSet = canonical.ruleSet as Record<string, Json> | undefined;
    const band = canonical.band as Record<string, Json> | undefined;
    const columns: [string, unknown, Json | undefined][] = [
      ['rule_set_id', row.ruleSetId, ruleSet?.id],
      ['rule_set_version', row.ruleSetVersion, ruleSet?.version],
      ['rule_set_hash', row.ruleSetHash, ruleSet?.hash],
      ['benefit_score', row.benefitScore, canonical.benefitScore],
      ['band', row.band, band?.id],
    ];
    for (const [column, stored, expected] of columns) {
      if (stored !== expected) add('columns', { path: column, recorded: stored, recomputed: expected }, `The score's ${column} column is not what its canonical score says`);
    }
  }

  // 4. The recorded facts are what the bid and the hub's agreed ratings give on the recorded day.
  const facts = row.facts as Record<string, Json> | null;
  const ratings = model ? ratingsOf(model) : null;
  if (model && ratings && facts && typeof facts.scoredOn === 'string') {
    let derived: Record<string, Json> | null = null;
    try {
      derived = asJson(deriveFacts(model.bid, ratings, facts.scoredOn)) as Record<string, Json>;
    } catch (error) {
      add('facts_from_bid', { path: 'facts' }, `The bid's facts cannot be derived again: ${(error as Error).message}`);
    }
    if (derived) {
      // Only the facts the score recorded: a later release may derive more.
      const same = Object.fromEntries(Object.keys(facts).map((k) => [k, derived[k] ?? null]));
      add('facts_from_bid', firstDifference(facts, same, 'facts'), "The recorded facts are not what the bid's content and the hub's agreed ratings give on the day it was scored");
    }
  }

  // 5. The hash-chained trail announced this score, with these figures.
  const chain = verifyChain(events);
  const announced = events.find((e) => e.action === 'scoring.completed' && (e.payload as { scoreEventId?: string }).scoreEventId === row.eventId);
  if (!announced) {
    add('trail', { path: 'scoring.completed' }, `No scoring.completed event on ${reference}'s trail announces this score`);
  } else if (canonical) {
    const p = announced.payload as Record<string, Json>;
    const expected = {
      benefitScore: canonical.benefitScore,
      band: (canonical.band as Record<string, Json> | undefined)?.id ?? null,
      flags: canonical.flags,
      delegation: canonical.delegation,
      ruleSet: canonical.ruleSet,
    } as Record<string, Json>;
    const got = Object.fromEntries(Object.keys(expected).map((k) => [k, p[k] ?? null])) as Record<string, Json>;
    add('trail', firstDifference(got, expected, `trail[${announced.seq}].payload`), `The trail event that announced this score (seq ${announced.seq}) records other figures`);
  }
  if (!chain.valid) {
    add('trail', { path: `trail[${chain.brokenAt.seq}]` }, `${reference}'s hash chain is broken at seq ${chain.brokenAt.seq}: ${chain.brokenAt.reason}`);
  }

  return {
    reference,
    scoreId: scoreIdOf(reference, row.eventId),
    eventId: row.eventId,
    scoredAt: row.scoredAt.toISOString(),
    ruleSet: { id: row.ruleSetId, version: row.ruleSetVersion, hash: row.ruleSetHash },
    match: differences.length === 0,
    rederivation,
    differences,
    trail: { valid: chain.valid, scoringEventSeq: announced?.seq ?? null, brokenAt: chain.valid ? null : { seq: chain.brokenAt.seq, reason: chain.brokenAt.reason } },
  };
}

/** Checks one stored score, reading the bid's trail. Reads, never writes. */
export async function verifyScoreRow(db: Db, row: ScoreRow, model: BidModel | null): Promise<ScoreVerdict> {
  return checkScore(row, model, await readStream(db, row.reference));
}

async function modelOf(db: Db, reference: string): Promise<BidModel | null> {
  const [row] = await db.select({ model: bids.model }).from(bids).where(eq(bids.reference, reference));
  return (row?.model as BidModel | null | undefined) ?? null;
}

/** POST /bids/{reference}/score/verify: finance and the admin re-derive a stored score. */
export async function verifyBidScore(deps: ServiceDeps, user: Actor, reference: string, scoreId?: string): Promise<ScoreVerdict> {
  if (!user.roles.includes('finance') && !user.roles.includes('admin')) {
    throw new ApiError(403, 'forbidden', 'Only ICB finance and the admin verify scores', { rule: 'role' });
  }
  const { model } = await readVisibleBid(deps, user, reference);
  const row = pick(await scoreRows(deps.db, reference), reference, scoreId);
  return verifyScoreRow(deps.db, row, model);
}

/** Each scored bid's latest score, verified: for `npm run verify`, one bid at a time. */
export async function* verifyLatestScores(db: Db, options: { financialYear?: string } = {}): AsyncGenerator<ScoreVerdict> {
  const year = options.financialYear;
  const references = await db
    .selectDistinct({ reference: scores.reference })
    .from(scores)
    .where(
      year
        ? sql`exists (select 1 from ${bids} where ${bids.reference} = ${scores.reference}
                and exists (select 1 from jsonb_array_elements(${bids.submission}->'costs') c where c->>'financialYear' = ${year}))`
        : undefined,
    )
    .orderBy(asc(scores.reference));
  for (const { reference } of references) {
    const [row] = await scoreRows(db, reference);
    if (row) yield verifyScoreRow(db, row, await modelOf(db, reference));
  }
}
