// The clinical scoring activity: the active (or named) rule set on the bid's facts and the
// hub's agreed ratings. The score is stored with its exact facts, byte-exact result and rule set.
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { ruleSetActivations, scores } from '../db/schema.js';
import type { Bid } from '../domain/bid.js';
import { londonDay } from '../domain/calendar.js';
import { canonicalScore, defaultRuleSet, deriveFacts, loadRuleSet, scoreFacts, type ScoreResult } from '../rules/engine.js';
import type { Ratings, ScoreSummary } from '../shared.js';

export interface ScoreBidInput {
  /** Idempotency key: a retried attempt returns the stored score. */
  eventId: string;
  reference: string;
  bid: Bid;
  ratings: Ratings;
  scoredAt: string;
  /** A named version (a re-score, or keeping the bid's version); otherwise the active one. */
  ruleSet?: { id: string; version: string };
}

export function summarise(eventId: string, result: ScoreResult, scoredAt: string): ScoreSummary {
  return {
    eventId,
    benefitScore: result.benefitScore,
    band: result.band.id,
    bandLabel: result.band.label,
    bandAdvice: result.band.advice,
    flags: result.flags,
    delegation: result.delegation,
    ruleSet: result.ruleSet,
    scoredAt,
  };
}

/** The rule set an admin last activated, or the newest one shipped. */
export async function activeRuleSet(db: Db): Promise<{ id: string; version: string }> {
  const [latest] = await db.select().from(ruleSetActivations).orderBy(desc(ruleSetActivations.id)).limit(1);
  return latest ? { id: latest.ruleSetId, version: latest.version } : defaultRuleSet();
}

export function createScoringActivities({ db }: { db: Db }) {
  return {
    async scoreBid(input: ScoreBidInput): Promise<ScoreSummary> {
      const [stored] = await db.select().from(scores).where(eq(scores.eventId, input.eventId)).limit(1);
      if (stored) return summarise(input.eventId, stored.result as ScoreResult, stored.scoredAt.toISOString());

      const which = input.ruleSet ?? (await activeRuleSet(db));
      const ruleSet = loadRuleSet(which.id, which.version);
      const facts = deriveFacts(
        input.bid,
        {
          evidenceQuality: input.ratings.evidence_quality,
          deliverability: input.ratings.deliverability,
          qualityAndSafety: input.ratings.quality_and_safety,
        },
        londonDay(new Date(input.scoredAt)),
      );
      const result = await scoreFacts(ruleSet, facts);
      await db
        .insert(scores)
        .values({
          eventId: input.eventId,
          reference: input.reference,
          ruleSetId: result.ruleSet.id,
          ruleSetVersion: result.ruleSet.version,
          ruleSetHash: result.ruleSet.hash,
          facts: result.facts,
          result,
          canonical: canonicalScore(result),
          benefitScore: result.benefitScore,
          band: result.band.id,
          scoredAt: new Date(input.scoredAt),
        })
        .onConflictDoNothing();
      return summarise(input.eventId, result, input.scoredAt);
    },
  };
}
