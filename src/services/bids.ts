// Bid commands and reads shared by the API and the web pages: allocate a reference, start the
// bid's workflow (idempotently), read a bid back.
import { actionUpdateId, sendUpdate, workflowTaskRetrying } from './updates.js';
import { acting, toActor } from './auth.js';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { and, asc, desc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { elapsedMs, type Config } from '../config.js';
import { lifecyclePolicy } from '../config/policy.js';
import type { Db } from '../db/client.js';
import { bidCosts, bids, idempotencyKeys, organisations, referenceCounters } from '../db/schema.js';
import type { BidSubmission } from '../domain/bid.js';
import { canonicalJson, sha256 } from '../domain/trail.js';
import { bidActions, bidActionsFor, bidStatusView, checkBidAction, type BidActionArgs, type BidModel, type BidTableAction } from '../model/bid.js';
import { hasRole, type ActionRule } from '../model/actions.js';
import { ApiError } from '../api/errors.js';
import { refusalError, refusalToApiError } from '../api/refusals.js';
import {
  allowedActionsQuery,
  bidWorkflowId,
  statusQuery,
  submissionReceiptUpdate,
  WORKFLOW_TYPES,
  type Actor,
  type BidAction,
  type BidState,
  type BidStatus,
  type BidWorkflowInput,
  type SubmissionReceipt,
} from '../shared.js';
import { canSee, visibleBids } from './visibility.js';

export interface ServiceDeps {
  db: Db;
  temporal: { client: Client; taskQueue: string };
  config: Config;
}

/** How long a submit waits for intake before answering "accepted, still in intake". */

/** The next reference of the service's own, skipping any number already in use. */
export async function allocateReference(db: Db, prefix: string, year: number): Promise<string> {
  for (;;) {
    const [row] = await db
      .insert(referenceCounters)
      .values({ prefix, year, last: 1 })
      .onConflictDoUpdate({ target: [referenceCounters.prefix, referenceCounters.year], set: { last: sql`${referenceCounters.last} + 1` } })
      .returning({ last: referenceCounters.last });
    const reference = `${prefix}-${year}-${String(row!.last).padStart(4, '0')}`;
    const [taken] = await db.select({ r: bids.reference }).from(bids).where(eq(bids.reference, reference)).limit(1);
    const [claimed] = taken ? [taken] : await db.select({ r: idempotencyKeys.reference }).from(idempotencyKeys).where(eq(idempotencyKeys.reference, reference)).limit(1);
    if (!taken && !claimed) return reference;
  }
}

/** A reference a client chose may not be one of the service's own, or the next bid would find its number taken. */
function checkClientReference(submission: BidSubmission, prefix: string): void {
  if (submission.reference?.startsWith(`${prefix}-`)) {
    throw new ApiError(400, 'validation_failed', 'The request is not valid: reference', [
      { field: 'reference', rule: 'reserved_prefix', message: `references starting ${prefix}- are the service's to give: leave the reference out, or use a prefix of your own` },
    ]);
  }
}

/** The hash of a submission's content, without its reference: the same bid twice hashes the same. */
export function contentHashOf(submission: BidSubmission): string {
  const { reference: _reference, ...content } = submission;
  return sha256(canonicalJson(content));
}

export interface SubmitResult {
  receipt: SubmissionReceipt;
  /** False when this reference was already submitted with the same content. */
  created: boolean;
}

export async function submitBid(deps: ServiceDeps, actor: Actor, submission: BidSubmission, now = new Date()): Promise<SubmitResult> {
  const reference = submission.reference ?? (await allocateReference(deps.db, deps.config.REFERENCE_PREFIX, now.getUTCFullYear()));
  const contentHash = contentHashOf(submission);
  const existed = (await deps.db.select({ r: bids.reference }).from(bids).where(eq(bids.reference, reference)).limit(1)).length > 0;
  const input: BidWorkflowInput = {
    version: 2,
    start: { bid: { ...submission, reference }, contentHash, submittedBy: toActor(actor), policy: lifecyclePolicy(deps.config) },
  };

  const startOptions = {
    workflowId: bidWorkflowId(reference),
    taskQueue: deps.temporal.taskQueue,
    args: [input],
    // A retried submit reaches the running workflow; a finished bid's reference is never reused.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  } as const;
  try {
    // Bounded: a Temporal that does not answer is a 503 (and a retry with the same key is safe).
    const handle = await startWithRetry(deps, () =>
      deps.temporal.client.workflow.startUpdateWithStart(submissionReceiptUpdate, {
        args: [{ contentHash }],
        waitForStage: 'ACCEPTED',
        // Each attempt needs its own operation; the workflow id and conflict policy make it one bid.
        startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPES.bid, startOptions),
      }),
    );
    const receipt = await Promise.race([
      handle.result(),
      new Promise<SubmissionReceipt>((resolve) =>
        setTimeout(() => resolve({ reference, state: 'INTAKE', missing: [] }), elapsedMs(deps.config.INTAKE_WAIT)).unref(),
      ),
    ]);
    return { receipt, created: !existed };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new ApiError(409, 'reference_in_use', `Reference ${reference} belongs to a bid that is closed; submit under a new reference`);
    }
    throw refusalToApiError(error, `Bid ${reference}`);
  }
}

/**
 * Starts the submission within ACTION_TIMEOUT, sending it again while Temporal says the new
 * workflow's first task is being retried (a slow or restarted worker): the same workflow id, so
 * still one bid.
 */
async function startWithRetry<T>(deps: ServiceDeps, start: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + elapsedMs(deps.config.ACTION_TIMEOUT);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await deps.temporal.client.connection.withDeadline(deadline, start);
    } catch (error) {
      if (!workflowTaskRetrying(error) || Date.now() > deadline - 500) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1_000)));
    }
  }
}

export type BidRow = typeof bids.$inferSelect;

/** The bid's status as people see it: from its workflow's model, or as a first-version workflow reported it. */
export function bidStatusOf(row: Pick<BidRow, 'model' | 'status'>): BidStatus {
  return row.model ? bidStatusView(row.model as BidModel) : (row.status as BidStatus);
}

export interface BidView {
  reference: string;
  title: string;
  state: BidState;
  leadOrganisation: string;
  partnerOrganisations: string[];
  primaryAmbition: string;
  secondaryAmbitions: string[];
  level: string;
  places: string[];
  kind: string;
  totals: { totalPence: number; recurrentPence: number; nonRecurrentPence: number };
  costs: { financialYear: string; recurrentPence: number; nonRecurrentPence: number }[];
  band: string | null;
  benefitScore: number | null;
  mustFund: boolean;
  safetyEscalation: boolean;
  status: Record<string, unknown>;
  submission: unknown;
  submittedBy: string;
  submittedAt: string;
  updatedAt: string;
}

export function toBidView(row: BidRow, costs: BidView['costs']): BidView {
  return {
    reference: row.reference,
    title: row.title,
    state: row.state,
    leadOrganisation: row.leadOrganisation,
    partnerOrganisations: row.partnerOrganisations,
    primaryAmbition: row.primaryAmbition,
    secondaryAmbitions: row.secondaryAmbitions,
    level: row.level,
    places: row.places,
    kind: row.kind,
    totals: { totalPence: row.totalPence, recurrentPence: row.recurrentPence, nonRecurrentPence: row.nonRecurrentPence },
    costs,
    band: row.band,
    benefitScore: row.benefitScore,
    mustFund: row.mustFund,
    safetyEscalation: row.safetyEscalation,
    status: bidStatusOf(row) as unknown as Record<string, unknown>,
    submission: row.submission,
    submittedBy: row.submittedBy,
    submittedAt: row.submittedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The bid's row and its yearly costs in one round trip, as a named prepared statement (parsed and
 * planned once per connection): `GET /bids/{reference}` is the page everyone keeps open.
 */
function bidWithCosts(db: Db) {
  // A model-based bid's status is computed from its model, so its stored status is not read.
  const { status, ...columns } = getTableColumns(bids);
  return db
    .select({
      row: columns,
      status: sql<unknown>`case when ${bids.model} is null then ${status} end`,
      costs: sql<BidView['costs']>`coalesce((select json_agg(json_build_object('financialYear', c.financial_year, 'recurrentPence', c.recurrent_pence, 'nonRecurrentPence', c.non_recurrent_pence) order by c.financial_year) from ${bidCosts} c where c.reference = "bids"."reference"), '[]'::json)`,
    })
    .from(bids)
    .where(eq(bids.reference, sql.placeholder('reference')))
    .limit(1)
    .prepare('read_bid_with_costs');
}
const preparedReads = new WeakMap<Db, ReturnType<typeof bidWithCosts>>();

/** A bid's read model: its view and, for a model-based workflow, the model its actions are checked on. */
export async function readBid(deps: ServiceDeps, reference: string): Promise<{ view: BidView; model: BidModel | null } | null> {
  let statement = preparedReads.get(deps.db);
  if (!statement) preparedReads.set(deps.db, (statement = bidWithCosts(deps.db)));
  const [found] = await statement.execute({ reference });
  if (!found) return null;
  const row: BidRow = { ...found.row, status: found.status ?? {} };
  return { view: toBidView(row, found.costs), model: (row.model as BidModel | null) ?? null };
}

export async function getBid(deps: ServiceDeps, reference: string): Promise<BidView | null> {
  return (await readBid(deps, reference))?.view ?? null;
}

/** A bid still in intake has no read model yet; its workflow can say where it is. */
export async function getBidStatusFromWorkflow(deps: ServiceDeps, reference: string) {
  try {
    return await deps.temporal.client.workflow.getHandle(bidWorkflowId(reference)).query(statusQuery);
  } catch (error) {
    const mapped = refusalToApiError(error, `Bid ${reference}`);
    if (mapped.status === 404) return null;
    throw mapped;
  }
}

/** A bid in a list: enough to find it and see where it is. */
export interface BidSummary {
  reference: string;
  title: string;
  state: BidState;
  leadOrganisation: string;
  partnerOrganisations: string[];
  primaryAmbition: string;
  places: string[];
  level: string;
  kind: string;
  totals: { totalPence: number; recurrentPence: number; nonRecurrentPence: number };
  band: string | null;
  benefitScore: number | null;
  mustFund: boolean;
  safetyEscalation: boolean;
  waitingFor: string | null;
  submittedAt: string;
  updatedAt: string;
}

export function toSummary(row: BidRow): BidSummary {
  return {
    reference: row.reference,
    title: row.title,
    state: row.state,
    leadOrganisation: row.leadOrganisation,
    partnerOrganisations: row.partnerOrganisations,
    primaryAmbition: row.primaryAmbition,
    places: row.places,
    level: row.level,
    kind: row.kind,
    totals: { totalPence: row.totalPence, recurrentPence: row.recurrentPence, nonRecurrentPence: row.nonRecurrentPence },
    band: row.band,
    benefitScore: row.benefitScore,
    mustFund: row.mustFund,
    safetyEscalation: row.safetyEscalation,
    waitingFor: row.waitingFor ?? (row.status as Partial<BidStatus>).waitingFor ?? null,
    submittedAt: row.submittedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export interface BidFilters {
  state?: string[];
  ambition?: string;
  place?: string;
  organisation?: string;
  band?: string;
  q?: string;
  page: number;
  pageSize: number;
}

export function bidFilterConditions(filters: Omit<BidFilters, 'page' | 'pageSize'>): SQL[] {
  const conditions: SQL[] = [];
  if (filters.state?.length) conditions.push(sql`${bids.state} in (${sql.join(filters.state.map((s) => sql`${s}`), sql`, `)})`);
  if (filters.ambition) conditions.push(sql`(${bids.primaryAmbition} = ${filters.ambition} or ${filters.ambition} = any(${bids.secondaryAmbitions}))`);
  if (filters.place) conditions.push(sql`${filters.place} = any(${bids.places})`);
  if (filters.organisation) conditions.push(sql`(${bids.leadOrganisation} = ${filters.organisation} or ${filters.organisation} = any(${bids.partnerOrganisations}))`);
  if (filters.band) conditions.push(eq(bids.band, filters.band));
  if (filters.q) conditions.push(sql`(${bids.title} ilike ${`%${filters.q}%`} or ${bids.reference} ilike ${`%${filters.q}%`})`);
  return conditions;
}

export async function listBids(deps: ServiceDeps, user: Actor, filters: BidFilters) {
  const where = and(visibleBids(user), ...bidFilterConditions(filters));
  const [{ total } = { total: 0 }] = await deps.db.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(bids).where(where);
  const rows = await deps.db
    .select()
    .from(bids)
    .where(where)
    .orderBy(desc(bids.updatedAt), asc(bids.reference))
    .limit(filters.pageSize)
    .offset((filters.page - 1) * filters.pageSize);
  return { items: rows.map(toSummary), page: filters.page, pageSize: filters.pageSize, total };
}

/** One bid for this person, with its model: 404 if it does not exist, 403 if it is not theirs to see. */
export async function readVisibleBid(deps: ServiceDeps, user: Actor, reference: string): Promise<{ view: BidView; model: BidModel | null }> {
  const found = await readBid(deps, reference);
  if (!found) throw new ApiError(404, 'not_found', `Bid ${reference} was not found`);
  if (!canSee(user, found.view)) {
    throw new ApiError(403, 'forbidden', `You may not see bid ${reference}: it is not your organisation's and not part of your work`, { rule: 'visibility' });
  }
  return found;
}

export async function getVisibleBid(deps: ServiceDeps, user: Actor, reference: string): Promise<BidView> {
  return (await readVisibleBid(deps, user, reference)).view;
}

/**
 * What this person may do next on the bid: the action table on the read model's copy of the
 * workflow's model, no Temporal call. A first-version workflow is asked itself.
 */
export async function allowedBidActions(deps: ServiceDeps, user: Actor, reference: string, model?: BidModel | null): Promise<BidAction[]> {
  const found = model === undefined ? (await readBid(deps, reference))?.model : model;
  if (found) return bidActionsFor(found, user);
  try {
    return await deps.temporal.client.workflow.getHandle(bidWorkflowId(reference)).query(allowedActionsQuery, user);
  } catch {
    return []; // A closed bid whose history has gone past retention takes no actions.
  }
}

const RECONSIDERATION_ACTIONS = ['requestReconsideration', 'reviewReconsideration'];

/**
 * Runs a person's action on a bid: only on a bid they may see (the workflow is not asked about
 * one they may not), once per Idempotency-Key, and the workflow's validator accepts it or says
 * why not.
 */
export async function runBidAction<Ret, Args>(deps: ServiceDeps, reference: string, definition: UpdateDefinition<Ret, [Args]>, args: Args): Promise<Ret> {
  const actor = (args as { actor?: Actor }).actor;
  if (actor) {
    // The role first, as the workflow would: whether this person may ever take the action says
    // nothing about the bid. Then whether they may see it, before the workflow is asked.
    const rule = (bidActions.rules as Record<string, ActionRule<BidModel, BidState, never> | undefined>)[definition.name];
    if (rule && !rule.system && !hasRole(actor, ...rule.roles)) {
      throw new ApiError(403, 'forbidden', `Only ${rule.roles.join(' or ')} may ${rule.does}`, { rule: 'role' });
    }
    await readVisibleBid(deps, actor, reference);
  }
  const updateId = actor ? await actionUpdateId(deps.db, actor.id, `bid:${reference}`, definition.name, args) : undefined;
  try {
    return await sendUpdate(deps.temporal.client.workflow.getHandle(bidWorkflowId(reference)), definition, acting(args), { updateId, timeoutMs: elapsedMs(deps.config.ACTION_TIMEOUT) });
  } catch (error) {
    const answer = refusalToApiError(error, `Bid ${reference}`);
    // A finished workflow takes no action; the action table on its last model says why (a
    // reconsideration asked for after its window closed is refused by that rule, not as "closed").
    if (answer.code === 'closed' && actor && RECONSIDERATION_ACTIONS.includes(definition.name)) {
      const model = (await readBid(deps, reference))?.model;
      const refused = model ? checkBidAction(model, definition.name as BidTableAction, actor, args as unknown as BidActionArgs[BidTableAction]) : null;
      if (refused) throw refusalError(refused);
    }
    throw answer;
  }
}

/** Runs an action and answers with the bid's status as recorded: the update itself answers only what changed. */
export async function bidActionStatus<Ret, Args>(deps: ServiceDeps, reference: string, definition: UpdateDefinition<Ret, [Args]>, args: Args): Promise<BidStatus> {
  await runBidAction(deps, reference, definition, args);
  const [row] = await deps.db.select({ model: bids.model, status: bids.status }).from(bids).where(eq(bids.reference, reference)).limit(1);
  return bidStatusOf(row!);
}

export interface QueueItem extends BidSummary {
  why: 'assigned' | 'open_place' | 'moderation';
  dueAt: string | null;
  overdue: boolean;
  cycle: number | null;
}

/**
 * An evaluator's work: bids assigned to them, bids with an open review place they have no
 * conflict with, and (for the hub lead) bids waiting for moderation. Overdue first.
 */
export async function reviewQueue(deps: ServiceDeps, user: Actor, now = new Date()): Promise<QueueItem[]> {
  const rows = await deps.db.select().from(bids).where(eq(bids.state, 'HUB_REVIEW'));
  const items: QueueItem[] = [];
  const isLead = user.roles.includes('hub_lead');
  for (const row of rows) {
    const status = bidStatusOf(row);
    const review = status.review;
    if (!review) continue;
    const conflicted =
      row.leadOrganisation === user.organisation ||
      row.partnerOrganisations.includes(user.organisation) ||
      (status.interests ?? []).some((i) => i.person.id === user.id);
    const mine = review.reviews.find((r) => r.evaluator.id === user.id && !r.completed);
    let why: QueueItem['why'] | undefined;
    if (review.phase === 'review' && mine) why = 'assigned';
    else if (review.phase === 'review' && review.reviews.length < review.requiredEvaluators && !conflicted && !review.reviews.some((r) => r.evaluator.id === user.id)) why = 'open_place';
    else if (review.phase === 'moderation' && isLead && !conflicted) why = 'moderation';
    if (!why) continue;
    const dueAt = review.deadline?.dueAt ?? null;
    items.push({ ...toSummary(row), why, dueAt, overdue: dueAt !== null && Date.parse(dueAt) < now.getTime(), cycle: review.cycle });
  }
  return items.sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9') || a.reference.localeCompare(b.reference));
}

export interface SubmitAnswer {
  status: 200 | 201 | 202;
  receipt: SubmissionReceipt;
  replayed: boolean;
}

const submitStatus = ({ receipt, created }: SubmitResult): 200 | 201 | 202 => (receipt.state === 'INTAKE' ? 202 : created ? 201 : 200);

/** Only a programme team member may submit, and only for their own organisation. */
async function checkSubmitter(deps: ServiceDeps, actor: Actor, submission: BidSubmission): Promise<void> {
  if (!actor.roles.includes('applicant')) {
    throw new ApiError(403, 'forbidden', 'Only a programme team member (applicant) may submit a bid', { rule: 'role' });
  }
  if (submission.leadOrganisation !== actor.organisation) {
    throw new ApiError(403, 'forbidden', `You may submit bids led by your own organisation (${actor.organisation}), not ${submission.leadOrganisation}`, {
      rule: 'own_organisation',
    });
  }
  const codes = [submission.leadOrganisation, ...submission.partnerOrganisations];
  const known = new Set((await deps.db.select({ code: organisations.code }).from(organisations)).map((o) => o.code));
  const problems = codes
    .map((code, i) => ({ code, field: i === 0 ? 'leadOrganisation' : `partnerOrganisations[${i - 1}]` }))
    .filter(({ code }) => !known.has(code))
    .map(({ code, field }) => ({ field, rule: 'unknown_organisation', message: `${code} is not a known organisation` }));
  if (problems.length) throw new ApiError(400, 'validation_failed', `The request is not valid: ${problems.map((p) => p.field).join(', ')}`, problems);
}

/**
 * Submits a bid, at most once per Idempotency-Key: a retry with the same key and body gets the
 * first answer; the same key with another body is refused.
 */
export async function submitBidOnce(deps: ServiceDeps, actor: Actor, submission: BidSubmission, idempotencyKey?: string): Promise<SubmitAnswer> {
  checkClientReference(submission, deps.config.REFERENCE_PREFIX);
  await checkSubmitter(deps, actor, submission);
  if (!idempotencyKey) {
    const result = await submitBid(deps, actor, submission);
    return { status: submitStatus(result), receipt: result.receipt, replayed: false };
  }
  const requestHash = sha256(canonicalJson(submission));
  const where = and(eq(idempotencyKeys.userId, actor.id), eq(idempotencyKeys.key, idempotencyKey));
  let [claim] = await deps.db.select().from(idempotencyKeys).where(where).limit(1);
  if (!claim) {
    const reference = submission.reference ?? (await allocateReference(deps.db, deps.config.REFERENCE_PREFIX, new Date().getUTCFullYear()));
    await deps.db.insert(idempotencyKeys).values({ userId: actor.id, key: idempotencyKey, requestHash, reference }).onConflictDoNothing();
    [claim] = await deps.db.select().from(idempotencyKeys).where(where).limit(1);
  }
  if (!claim) throw new Error('idempotency key vanished');
  if (claim.requestHash !== requestHash) {
    throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request; use a new key for a new bid');
  }
  if (claim.response && claim.statusCode) {
    return { status: claim.statusCode as SubmitAnswer['status'], receipt: claim.response as SubmissionReceipt, replayed: true };
  }
  // First attempt, or one that stopped half way: the same reference makes the rest idempotent.
  const result = await submitBid(deps, actor, { ...submission, reference: claim.reference });
  const status = submitStatus(result);
  if (status !== 202) await deps.db.update(idempotencyKeys).set({ statusCode: status, response: result.receipt }).where(where);
  return { status, receipt: result.receipt, replayed: false };
}
