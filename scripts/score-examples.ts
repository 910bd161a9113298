// The OpenAPI document's examples of a score and its verification (src/api/examples/), made
// from the example bid (examples/bid.json) by the real engine and checks, so they are true.
// `tsx scripts/score-examples.ts` writes them; test/scores.examples.test.ts fails if they drift.
import '@hono/zod-openapi'; // extends zod before the rule schemas are made
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bid } from '../src/domain/bid.js';
import { canonicalJson, eventHash, GENESIS_HASH, type ChainedFields, type StoredEvent } from '../src/domain/trail.js';
import type { BidModel } from '../src/model/bid.js';
import { canonicalScore, deriveFacts, loadRuleSet, scoreFacts } from '../src/rules/engine.js';
import { scoreRecord } from '../src/rules/record.js';
import { checkScore, type StoredScoreRow } from '../src/services/score-records.js';

const REFERENCE = 'NW-2026-0042';
const EVENT_ID = `bid-${REFERENCE}#score1`;
const SCORED_AT = '2026-11-03T10:15:00.000Z';
const RATINGS = { evidence_quality: 4, deliverability: 4, quality_and_safety: 4 } as const;

export async function buildScoreExamples() {
  const bid = { ...(JSON.parse(readFileSync(new URL('../examples/bid.json', import.meta.url), 'utf8')) as Bid), reference: REFERENCE };
  const ruleSet = loadRuleSet('nw-clinical-prioritisation', '1.2.0');
  const facts = deriveFacts(bid, { evidenceQuality: 4, deliverability: 4, qualityAndSafety: 4 }, SCORED_AT.slice(0, 10));
  const result = JSON.parse(canonicalScore(await scoreFacts(ruleSet, facts))) as Awaited<ReturnType<typeof scoreFacts>>;
  const row: StoredScoreRow = {
    eventId: EVENT_ID,
    reference: REFERENCE,
    ruleSetId: result.ruleSet.id,
    ruleSetVersion: result.ruleSet.version,
    ruleSetHash: result.ruleSet.hash,
    facts: result.facts,
    result,
    canonical: canonicalJson(result),
    benefitScore: result.benefitScore,
    band: result.band.id,
    scoredAt: new Date(SCORED_AT),
  };
  const model = { reference: REFERENCE, bid, review: { agreedRatings: RATINGS } } as unknown as BidModel;
  const fields: ChainedFields = {
    eventId: `bid-${REFERENCE}#7`,
    streamType: 'bid',
    streamId: REFERENCE,
    seq: 1,
    occurredAt: SCORED_AT,
    actorId: 'system',
    actorRole: 'system',
    action: 'scoring.completed',
    fromState: 'SCORING',
    toState: 'AWAITING_ASSEMBLY',
    payload: { scoreEventId: EVENT_ID, benefitScore: result.benefitScore, band: result.band.id, flags: result.flags, delegation: result.delegation, ruleSet: result.ruleSet },
    ruleSetVersion: `${result.ruleSet.id}@${result.ruleSet.version}#${result.ruleSet.hash.slice(0, 12)}`,
    prevHash: GENESIS_HASH,
  };
  const events: StoredEvent[] = [{ ...fields, hash: eventHash(fields) }];

  const score = {
    reference: REFERENCE,
    scoreId: 'score1',
    eventId: EVENT_ID,
    scoredAt: SCORED_AT,
    current: true,
    ...scoreRecord({ facts: row.facts, result, ruleSet: result.ruleSet }),
    scores: [{ scoreId: 'score1', scoredAt: SCORED_AT, ruleSet: result.ruleSet, benefitScore: result.benefitScore, band: result.band.id, current: true }],
  };
  const verified = await checkScore(row, model, events);
  const tampered = await checkScore({ ...row, facts: { ...result.facts, core20Percent: 83 } }, model, events);
  return { score, verified, tampered };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { score, verified, tampered } = await buildScoreExamples();
  const write = (name: string, value: unknown) => writeFileSync(new URL(`../src/api/examples/${name}`, import.meta.url), `${JSON.stringify(value, null, 2)}\n`);
  write('score.json', score);
  write('score-verify.json', verified);
  write('score-verify-tampered.json', tampered);
}
