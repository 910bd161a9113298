// Decision letters to a bid's programme team, made from the decision trail: the decision (the
// Assembly's, the Board's, or the confirmed allocation), its conditions and reasons, the score
// broken down in words, and how to ask for reconsideration. The PDF is made with pdfkit, dated
// by the decision, so the same trail always gives the same bytes and the same SHA-256.
import { createHash } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import PDFDocument from 'pdfkit';
import type { Db } from '../db/client.js';
import { bids, scores } from '../db/schema.js';
import { readStream } from '../activities/trail.js';
import type { StoredEvent } from '../domain/trail.js';
import type { ScoreResult } from '../rules/engine.js';
import { formatPence } from '../domain/allocation.js';
import { computeDeadline } from '../domain/calendar.js';
import type { DurationSpec } from '../domain/durations.js';
import { dayInWords } from '../model/bid.js';

export type LetterKind = 'assembly' | 'board' | 'allocation';

/** The notices that carry a letter, and the trail event each reports. */
export const LETTER_NOTICES: Record<string, { kind: LetterKind; action: string }> = {
  'bid.assembly_decision': { kind: 'assembly', action: 'assembly.decision_applied' },
  'bid.board_decision': { kind: 'board', action: 'board.decision_recorded' },
  'bid.allocation': { kind: 'allocation', action: 'allocation.confirmed' },
};

export interface LetterContent {
  reference: string;
  kind: LetterKind;
  eventId: string;
  date: string;
  to: string;
  bidTitle: string;
  heading: string;
  decision: string;
  conditions: string[];
  reasons: string;
  score: string[];
  reconsideration: string;
}

const OUTCOME_WORDS: Record<string, string> = {
  supported: 'supported your bid',
  supported_with_conditions: 'supported your bid, with the conditions below',
  deferred: 'deferred its decision on your bid to a later meeting',
  not_supported: 'did not support your bid',
};

const longDate = (iso: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(new Date(iso));

function scoreInWords(result: ScoreResult | undefined): string[] {
  if (!result) return ['The bid has no score on record.'];
  const lines = [`Overall, the bid scored ${result.benefitScore} out of 100, which places it in the "${result.band.label}" band: ${result.band.advice}`];
  for (const c of result.criteria) {
    if (!c.applicable) {
      lines.push(`${c.label}: not counted, because ${c.notApplicableBecause.map((n) => n.reason).join('; ') || 'it does not apply to this bid'}.`);
      continue;
    }
    const why = c.contributions.map((x) => x.reason).filter(Boolean);
    lines.push(`${c.label} (weight ${c.weight}): ${c.score} out of 5${why.length ? `, because ${why.join('; ')}` : ''}.`);
  }
  for (const f of result.flagReasons) lines.push(`Flag "${f.flag}": ${f.reason}.`);
  lines.push(`Scored with rule set ${result.ruleSet.id} version ${result.ruleSet.version}.`);
  return lines;
}

/** The window the letter gives: its end, and the allowance in words ("30 working days"). */
export interface LetterWindow {
  dueAt: string;
  spec: string;
}

const allowanceInWords = (spec: string): string => {
  const days = /^(\d+)wd$/.exec(spec);
  return days ? `${days[1]} working days` : spec;
};

/**
 * How to ask for reconsideration, within the configured window and by its last date: one
 * paragraph for every letter. A decision not to support the bid at an Assembly meeting is asked
 * about in the service, which holds its window open; any other decision in writing, to the
 * Assembly's secretariat, within the same window.
 */
export function reconsiderationParagraph(reference: string, window: LetterWindow, inService: boolean): string {
  const within = `Ask within ${allowanceInWords(window.spec)} of the date of this letter, by ${longDate(window.dueAt)}`;
  if (inService) {
    return (
      'If you have new information the Assembly did not have, or believe the decision rests on a factual error or that the process in the ' +
      `prioritisation policy was not followed, you may ask for the decision to be reconsidered. ${within}: on the bid's page (Ask for reconsideration), ` +
      `or through the API (POST /bids/${reference}/reconsideration), giving your grounds and the new information. The evaluation hub lead reviews the ` +
      'request; if it has merit, the bid goes back before the CCP Assembly at a later meeting with its history, and you will be told the outcome in ' +
      'writing. A request after that date is refused.'
    );
  }
  return (
    'If you believe this decision rests on a factual error, that information you gave was not considered, or that the process in the ' +
    `prioritisation policy was not followed, you may ask for it to be reconsidered. ${within}: write to the CCP Assembly secretariat, quoting ` +
    `the bid reference ${reference} and saying which of these grounds applies and why. A request after that date is not considered.`
  );
}

const RECONSIDERED =
  'The Assembly made this decision on reconsideration of its earlier decision, with the new information you gave. A decision is reconsidered once: this one is final.';

/** Where the letter's window comes from: the bid's own DEADLINE_RECONSIDERATION, else the configuration's. */
export interface LetterCalendar {
  reconsideration: DurationSpec;
  extraHolidays?: readonly string[];
}
const DEFAULT_CALENDAR: LetterCalendar = { reconsideration: { kind: 'workingDays', days: 30, text: '30wd' } };

const SUPPORTING = ['supported', 'supported_with_conditions'];

/** A condition as the letter lists it: its words, its due day, and whether it is met, as the trail stood at the letter's event. */
export function conditionsAsOf(events: readonly StoredEvent[], upTo: StoredEvent): string[] {
  const before = events.filter((e) => e.seq <= upTo.seq);
  const decision = [...before]
    .reverse()
    .find((e) => (e.action === 'assembly.decision_applied' || e.action === 'safety.chairs_action') && SUPPORTING.includes(String((e.payload as Record<string, unknown>).outcome)));
  const source = upTo.action === 'assembly.decision_applied' ? upTo : decision;
  if (!source) return [];
  const p = source.payload as { conditions?: string[]; conditionsDueBy?: (string | null)[] };
  const since = (action: string) =>
    new Map(before.filter((e) => e.seq > source.seq && e.action === action).map((e) => [String((e.payload as Record<string, unknown>).conditionId), e.occurredAt]));
  const met = since('condition.met');
  const waived = since('condition.waived');
  return (p.conditions ?? []).map((text, i) => {
    const day = p.conditionsDueBy?.[i];
    const metAt = met.get(`c${i + 1}`);
    const waivedAt = waived.get(`c${i + 1}`);
    const due = day ? `to be met by ${dayInWords(day)}` : '';
    const state = metAt
      ? `recorded as met on ${longDate(metAt)}`
      : waivedAt
        ? `waived by the chair of the CCP Assembly on ${longDate(waivedAt)}`
        : day && upTo.seq !== source.seq
          ? 'not yet recorded as met'
          : '';
    const note = [due, state].filter(Boolean).join('; ');
    return note ? `${text} (${note})` : text;
  });
}

/** The letter for the latest decision of this kind on the bid's trail (or the one named). */
export async function letterContent(db: Db, reference: string, kind: LetterKind, eventId?: string, calendar: LetterCalendar = DEFAULT_CALENDAR): Promise<LetterContent> {
  const events = await readStream(db, reference);
  const action = Object.values(LETTER_NOTICES).find((l) => l.kind === kind)!.action;
  const event: StoredEvent | undefined = eventId ? events.find((e) => e.eventId === eventId) : events.filter((e) => e.action === action).at(-1);
  if (!event) throw new Error(`bid ${reference} has no ${action} on its trail`);
  const [bid] = await db.select({ title: bids.title, lead: bids.leadOrganisation, model: bids.model }).from(bids).where(eq(bids.reference, reference));
  if (!bid) throw new Error(`bid ${reference} is not recorded`);
  const scoreEventId = (bid.model as { score?: { eventId?: string } } | null)?.score?.eventId;
  const [score] = scoreEventId
    ? await db.select({ result: scores.result }).from(scores).where(eq(scores.eventId, scoreEventId))
    : await db.select({ result: scores.result }).from(scores).where(eq(scores.reference, reference)).orderBy(desc(scores.scoredAt)).limit(1);
  const p = event.payload as Record<string, unknown>;

  // The window: the one the decision opened (on its event), else the bid's configured allowance from the letter's date.
  const policy = (bid.model as { policy?: { deadlines?: { reconsideration?: DurationSpec } } } | null)?.policy;
  const spec = policy?.deadlines?.reconsideration ?? calendar.reconsideration;
  const opened = kind === 'assembly' ? (p.reconsideration as LetterWindow | undefined) : undefined;
  const window: LetterWindow = opened ?? { dueAt: computeDeadline(new Date(event.occurredAt), spec, 0.8, calendar.extraHolidays).dueAt, spec: spec.text };
  const reconsideration = kind === 'assembly' && p.onReconsideration ? RECONSIDERED : reconsiderationParagraph(reference, window, !!opened);

  let heading: string;
  let decision: string;
  const conditions = conditionsAsOf(events, event);
  let reasons: string;
  if (kind === 'assembly') {
    heading = 'Decision of the CCP Assembly';
    const outcome = String(p.outcome);
    decision = `At its meeting ${String(p.meetingId)}, the Clinical and Care Professional Assembly ${OUTCOME_WORDS[outcome] ?? outcome}.`;
    if (p.routedTo === 'AWAITING_BOARD') decision += ' Because of its size, the bid now goes to the ICB Board for approval.';
    if (p.routedTo === 'ALLOCATION') decision += ' The bid now takes its place in the allocation of the funding round.';
    reasons = (typeof p.reason === 'string' ? p.reason : '') || 'The Assembly gave no further reasons.';
  } else if (kind === 'board') {
    heading = 'Decision of the ICB Board';
    decision = p.approved ? `The ICB Board approved your bid (minute ${String(p.minuteReference)}). The bid now takes its place in the allocation of the funding round.` : `The ICB Board did not approve your bid (minute ${String(p.minuteReference)}).`;
    reasons = (typeof p.reason === 'string' ? p.reason : '') || 'The Board gave no further reasons.';
  } else {
    heading = 'Funding allocation confirmed';
    const funded = p.outcome === 'funded';
    const amount = typeof p.allocatedPence === 'number' ? ` of ${formatPence(p.allocatedPence)}` : '';
    decision = funded
      ? `ICB finance has confirmed the allocation of funding round ${String(p.roundId)}: your bid is funded${amount}.`
      : `ICB finance has confirmed the allocation of funding round ${String(p.roundId)}: your bid is on the waiting list${typeof p.rank === 'number' ? ` at place ${p.rank}` : ''}, and is funded if money becomes available.`;
    reasons = (typeof p.reason === 'string' ? p.reason : '') || 'Finance gave no further reasons.';
  }
  return {
    reference,
    kind,
    eventId: event.eventId,
    date: event.occurredAt,
    to: `The programme team, ${bid.lead}`,
    bidTitle: bid.title,
    heading,
    decision,
    conditions,
    reasons,
    score: scoreInWords(score?.result as ScoreResult | undefined),
    reconsideration,
  };
}

/** The letter as a PDF: the same content always gives the same bytes. */
export function letterPdf(letter: LetterContent): Promise<Buffer> {
  const date = new Date(letter.date);
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    info: { Title: `${letter.heading}: ${letter.reference}`, Author: 'NHS Norfolk and Waveney ICB', Subject: letter.bidTitle, Producer: 'clinical-prioritisation', Creator: 'clinical-prioritisation', CreationDate: date, ModDate: date },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(11).text('NHS Norfolk and Waveney Integrated Care Board', { align: 'right' });
  doc.font('Helvetica').text('Clinical prioritisation', { align: 'right' }).moveDown(2);
  doc.text(letter.to).text(longDate(letter.date)).moveDown();
  doc.font('Helvetica-Bold').fontSize(16).text(`${letter.heading}: ${letter.reference}`).moveDown(0.3);
  doc.font('Helvetica').fontSize(12).text(letter.bidTitle).moveDown();
  const section = (title: string, body: () => void) => {
    doc.font('Helvetica-Bold').fontSize(13).text(title).moveDown(0.3);
    doc.font('Helvetica').fontSize(11);
    body();
    doc.moveDown();
  };
  section('The decision', () => doc.text(letter.decision));
  if (letter.conditions.length) section('Conditions', () => doc.list(letter.conditions));
  section('Reasons', () => doc.text(letter.reasons));
  section('How the bid was scored', () => doc.list(letter.score));
  section('Asking for reconsideration', () => doc.text(letter.reconsideration));
  doc.fontSize(9).fillColor('#4c6272').text(`Made from the decision trail, event ${letter.eventId}.`);
  doc.end();
  return done;
}

export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** The plain text of a letter, for the e-mail body beside the PDF. */
export function letterText(letter: LetterContent): string {
  return [
    `${letter.heading}: ${letter.reference}, ${letter.bidTitle}`,
    '',
    letter.decision,
    ...(letter.conditions.length ? ['', 'Conditions:', ...letter.conditions.map((c) => `- ${c}`)] : []),
    '',
    `Reasons: ${letter.reasons}`,
    '',
    'How the bid was scored:',
    ...letter.score.map((s) => `- ${s}`),
    '',
    `Asking for reconsideration: ${letter.reconsideration}`,
  ].join('\n');
}
