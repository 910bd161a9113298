// Driving bids and meetings as the people in them would, on the real worker and server.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { lifecyclePolicy } from '../../src/config/policy.js';
import { eq } from 'drizzle-orm';
import { readStream } from '../../src/activities/trail.js';
import { bids } from '../../src/db/schema.js';
import type { BidSubmission } from '../../src/domain/bid.js';
import { DEMO_USERS } from '../../src/db/demo.js';
import { bidStatusOf } from '../../src/services/bids.js';
import { sendUpdate } from '../../src/services/updates.js';
import {
  bidWorkflowId,
  closeAgendaUpdate,
  completeReviewUpdate,
  meetingStatusQuery,
  meetingWorkflowId,
  recordRatingUpdate,
  recordReviewStepUpdate,
  statusQuery,
  WORKFLOW_TYPES,
  type Actor,
  type AgendaPlacement,
  type BidStatus,
  type Member,
  type MeetingStatus,
  type Rating,
  type RatingCriterion,
} from '../../src/shared.js';
import type { TestContext } from './context.js';
import { json, jsonOf, validBid } from './fixtures.js';

export function actor(id: string): Actor {
  const user = DEMO_USERS.find((u) => u.id === id);
  if (!user) throw new Error(`no demo user ${id}`);
  return { id: user.id, name: user.name, roles: user.roles, organisation: user.organisation, profession: user.profession };
}

/** £100,000 in one year: one evaluator, within the Assembly's delegation. */
export function smallBid(overrides: Partial<BidSubmission> = {}): BidSubmission {
  const { reference: _example, ...bid } = validBid({ costs: [{ financialYear: '2026/27', recurrentPence: 8_000_000, nonRecurrentPence: 2_000_000 }] });
  return { ...bid, ...overrides };
}

/**
 * Bids the same in everything but cost (pounds this year and next), so benefit per pound orders
 * them by whole-life cost, cheapest first.
 */
export function costing(thisYear: number, nextYear = 0): BidSubmission {
  return smallBid({
    costs: [
      { financialYear: '2026/27', recurrentPence: thisYear * 100, nonRecurrentPence: 0 },
      ...(nextYear ? [{ financialYear: '2027/28', recurrentPence: nextYear * 100, nonRecurrentPence: 0 }] : []),
    ],
  });
}

/** Seven voting members of the demo Assembly, none from NNUH, QEH or JPUH: the chair among them, five professions, quorate. */
export const QUORATE = ['sarah.collins', 'mark.osei', 'aisha.begum', 'peter.novak', 'laura.king', 'ben.carter', 'omar.farouk'];

/** The demo Assembly's voting members, as a meeting's membership holds them. */
export const ASSEMBLY_MEMBERS: Member[] = DEMO_USERS.filter((u) => u.roles.some((r) => r === 'assembly_member' || r === 'assembly_chair')).map((u) => ({
  id: u.id,
  name: u.name,
  organisation: u.organisation,
  profession: u.profession ?? null,
  roles: u.roles,
}));

/** One item for the Assembly's agenda: a medium-band decision led by NNUH unless told otherwise. */
export const placement = (reference: string, extra: Partial<AgendaPlacement> = {}): AgendaPlacement => ({
  reference,
  title: `Bid ${reference}`,
  purpose: 'decision',
  leadOrganisation: 'NNUH',
  partnerOrganisations: [],
  interests: [],
  band: 'medium',
  benefitScore: 70,
  totalPence: 10_000_000,
  delegation: 'assembly',
  deferrals: 0,
  safetyEscalation: false,
  mustFund: false,
  ...extra,
});

/** The example bid (£390,000 over two years: two evaluators), under a fresh reference. */
export function largeBid(overrides: Partial<BidSubmission> = {}): BidSubmission {
  const { reference: _example, ...bid } = validBid();
  return { ...bid, ...overrides };
}

/** The demo programme team member of each applicant organisation. */
export const APPLICANT_OF: Record<string, string> = { NNUH: 'amira.hassan', QEH: 'tom.fletcher', NSFT: 'grace.okafor' };

export async function submit(ctx: TestContext, bid: BidSubmission): Promise<string> {
  const reference = bid.reference ?? ctx.reference();
  const applicant = APPLICANT_OF[bid.leadOrganisation];
  if (!applicant) throw new Error(`no demo applicant for ${bid.leadOrganisation}`);
  const res = await ctx.api(applicant, '/bids', json({ ...bid, reference }));
  if (res.status >= 300) throw new Error(`submit failed: ${res.status} ${JSON.stringify(await jsonOf(res))}`);
  return reference;
}

export const bidHandle = (ctx: TestContext, reference: string) => ctx.client.workflow.getHandle(bidWorkflowId(reference));
export const meetingHandle = (ctx: TestContext, meetingId: string) => ctx.client.workflow.getHandle(meetingWorkflowId(meetingId));

export async function status(ctx: TestContext, reference: string): Promise<BidStatus> {
  return bidHandle(ctx, reference).query(statusQuery);
}

export async function meetingStatus(ctx: TestContext, meetingId: string): Promise<MeetingStatus> {
  return meetingHandle(ctx, meetingId).query(meetingStatusQuery);
}

/** The bid as its read model last recorded it: what users see, committed with its trail. */
export async function recorded(ctx: TestContext, reference: string): Promise<BidStatus | undefined> {
  const [row] = await ctx.db.select({ model: bids.model, status: bids.status }).from(bids).where(eq(bids.reference, reference));
  return row ? bidStatusOf(row) : undefined;
}

/** Waits until the recorded bid satisfies `ready`; for progress made by timers, signals and background work. */
export async function waitForBid(ctx: TestContext, reference: string, ready: (s: BidStatus) => boolean, what: string, timeoutMs = 30_000): Promise<BidStatus> {
  const until = Date.now() + timeoutMs;
  let last: BidStatus | undefined;
  while (Date.now() < until) {
    last = await recorded(ctx, reference);
    if (last && ready(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`bid ${reference} did not reach: ${what}; it is ${last?.state} waiting for ${last?.waitingFor}`);
}

export async function actions(ctx: TestContext, reference: string): Promise<string[]> {
  return (await readStream(ctx.db, reference)).map((e) => e.action);
}

export async function trail(ctx: TestContext, reference: string) {
  return readStream(ctx.db, reference);
}

export const RATINGS_GOOD: Record<RatingCriterion, Rating> = { evidence_quality: 4, deliverability: 4, quality_and_safety: 4 };

/** One evaluator records every step and rating and completes the review. */
export async function review(
  ctx: TestContext,
  reference: string,
  evaluatorId: string,
  ratings: Record<RatingCriterion, Rating> = RATINGS_GOOD,
  recommendation: 'ready' | 'not_supported' = 'ready',
): Promise<BidStatus> {
  const h = bidHandle(ctx, reference);
  const who = actor(evaluatorId);
  for (const step of ['evaluation_design', 'outcome_measures', 'data_availability'] as const) {
    await sendUpdate(h, recordReviewStepUpdate, { actor: who, step, assessment: 'adequate', comments: `${step} is sound` });
  }
  for (const criterion of Object.keys(ratings) as RatingCriterion[]) {
    await sendUpdate(h, recordRatingUpdate, { actor: who, criterion, rating: ratings[criterion], rationale: `rated ${String(ratings[criterion])}` });
  }
  await sendUpdate(h, completeReviewUpdate, { actor: who, recommendation, comments: recommendation === 'ready' ? 'Ready for scoring' : 'Does not meet the bar' });
  return status(ctx, reference);
}

/** Takes an action on a bid and answers with its status after: the update itself answers only what changed. */
export async function bidAct<Args>(ctx: TestContext, reference: string, definition: UpdateDefinition<unknown, [Args]>, args: Args): Promise<BidStatus> {
  await sendUpdate(bidHandle(ctx, reference), definition, args);
  return status(ctx, reference);
}

/** Takes an action at a meeting and answers with the meeting after it. */
export async function meetingAct<Args>(ctx: TestContext, meetingId: string, definition: UpdateDefinition<unknown, [Args]>, args: Args): Promise<MeetingStatus> {
  await sendUpdate(meetingHandle(ctx, meetingId), definition, args);
  return meetingStatus(ctx, meetingId);
}

/** Reviews by every evaluator the bid has, and waits for it to reach the Assembly. */
export async function reviewToAssembly(ctx: TestContext, reference: string): Promise<BidStatus> {
  const s = await waitForBid(ctx, reference, (b) => b.state === 'HUB_REVIEW' && !!b.review, 'hub review');
  for (const r of s.review!.reviews) await review(ctx, reference, r.evaluator.id);
  return waitForBid(ctx, reference, (b) => b.state === 'AWAITING_ASSEMBLY', 'the Assembly');
}

export async function scheduleMeeting(ctx: TestContext, meetingId: string, title = `CCP Assembly ${meetingId}`): Promise<void> {
  const scheduledFor = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const start = { meetingId, title, scheduledFor, agendaClosesAt: new Date(Date.now() + 3_600_000).toISOString(), createdBy: actor('ian.thompson'), policy: lifecyclePolicy(ctx.config) };
  await ctx.client.workflow.start(WORKFLOW_TYPES.meeting, { workflowId: meetingWorkflowId(meetingId), taskQueue: ctx.taskQueue, args: [{ version: 2, start }] });
}

/** Schedules a meeting and closes its agenda at once, as the chair may. */
export async function meetingWithAgenda(ctx: TestContext, meetingId: string): Promise<MeetingStatus> {
  await scheduleMeeting(ctx, meetingId);
  return meetingAct(ctx, meetingId, closeAgendaUpdate, { actor: actor('sarah.collins') });
}

/** The refusal an update met: its type and message. */
export async function refusal(promise: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      return { type: error.cause.type ?? undefined, message: error.cause.message };
    }
    throw error;
  }
  throw new Error('expected the action to be refused');
}
