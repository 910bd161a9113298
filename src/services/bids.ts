// Bid commands and reads shared by the API and the web pages: allocate a reference, start the
// bid's workflow (idempotently), read a bid back.
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { bidCosts, bids, referenceCounters } from '../db/schema.js';
import type { BidSubmission } from '../domain/bid.js';
import { canonicalJson, sha256 } from '../domain/trail.js';
import { ApiError } from '../api/errors.js';
import { refusalToApiError } from '../api/refusals.js';
import {
  bidWorkflowId,
  statusQuery,
  submissionReceiptUpdate,
  type Actor,
  type BidWorkflowInput,
  type SubmissionReceipt,
} from '../shared.js';

export interface ServiceDeps {
  db: Db;
  temporal: { client: Client; taskQueue: string };
  config: { REFERENCE_PREFIX: string };
}

/** How long a submit waits for intake before answering "accepted, still in intake". */
const INTAKE_WAIT_MS = 15_000;

export async function allocateReference(db: Db, prefix: string, year: number): Promise<string> {
  const [row] = await db
    .insert(referenceCounters)
    .values({ prefix, year, last: 1 })
    .onConflictDoUpdate({ target: [referenceCounters.prefix, referenceCounters.year], set: { last: sql`${referenceCounters.last} + 1` } })
    .returning({ last: referenceCounters.last });
  return `${prefix}-${year}-${String(row!.last).padStart(4, '0')}`;
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
  const input: BidWorkflowInput = { version: 1, bid: { ...submission, reference }, contentHash, submittedBy: actor };

  const startWorkflowOperation = new WithStartWorkflowOperation('bidWorkflow', {
    workflowId: bidWorkflowId(reference),
    taskQueue: deps.temporal.taskQueue,
    args: [input],
    // A retried submit reaches the running workflow; a finished bid's reference is never reused.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
  });
  try {
    const handle = await deps.temporal.client.workflow.startUpdateWithStart(submissionReceiptUpdate, {
      args: [{ contentHash }],
      waitForStage: 'ACCEPTED',
      startWorkflowOperation,
    });
    const receipt = await Promise.race([
      handle.result(),
      new Promise<SubmissionReceipt>((resolve) =>
        setTimeout(() => resolve({ reference, state: 'INTAKE', missing: [] }), INTAKE_WAIT_MS).unref(),
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

export type BidRow = typeof bids.$inferSelect;

export interface BidView {
  reference: string;
  title: string;
  state: string;
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
    status: row.status as Record<string, unknown>,
    submission: row.submission,
    submittedBy: row.submittedBy,
    submittedAt: row.submittedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getBid(deps: ServiceDeps, reference: string): Promise<BidView | null> {
  const [row] = await deps.db.select().from(bids).where(eq(bids.reference, reference)).limit(1);
  if (!row) return null;
  const costs = await deps.db
    .select({ financialYear: bidCosts.financialYear, recurrentPence: bidCosts.recurrentPence, nonRecurrentPence: bidCosts.nonRecurrentPence })
    .from(bidCosts)
    .where(eq(bidCosts.reference, reference))
    .orderBy(asc(bidCosts.financialYear));
  return toBidView(row, costs);
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
