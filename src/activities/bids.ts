// Bid activities: intake's completeness check, and the first-version bid workflow's write path
// for its trail events and read model (model-based workflows commit through ./recorder.ts).
import { and, eq, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { bidCosts, bids, reviewAssignments } from '../db/schema.js';
import { costTotals, type Bid } from '../domain/bid.js';
import { findMissing } from '../domain/intake.js';
import type { TrailEventInput } from '../domain/trail.js';
import type { BidState, MissingItem } from '../shared.js';
import type { AssignmentsProjection } from './recorder.js';
import { appendEvents } from './trail.js';

export interface BidProjection {
  /** Monotonic per bid: a projection older than the stored one is ignored. */
  version: number;
  state: BidState;
  updatedAt: string;
  band?: string | null;
  benefitScore?: number | null;
  mustFund?: boolean;
  safetyEscalation?: boolean;
  status?: Record<string, unknown>;
}

export interface SubmissionRecord {
  bid: Bid;
  contentHash: string;
  submittedBy: string;
  submittedAt: string;
  workflowId: string;
}

export interface RecordBidEventsInput {
  reference: string;
  events: TrailEventInput[];
  projection: BidProjection;
  /** Present when the bid's content is (re)stored: at submission and resubmission. */
  submission?: SubmissionRecord;
  assignments?: AssignmentsProjection;
}

export function createBidActivities({ db, config }: { db: Db; config: Pick<Config, 'TRAIL_SEAL_KEY'> }) {
  return {
    checkIntake(bid: Bid): Promise<MissingItem[]> {
      return Promise.resolve(findMissing(bid));
    },

    async recordBidEvents(input: RecordBidEventsInput): Promise<{ stored: number }> {
      return db.transaction(async (tx) => {
        const result = await appendEvents(tx, 'bid', input.reference, input.events, config.TRAIL_SEAL_KEY);
        const applied = await projectBid(tx, input);
        if (applied && input.assignments) await projectAssignments(tx, input.reference, input.assignments);
        return { stored: result.stored };
      });
    },
  };
}

/** Writes the bid's read model unless a newer projection is already there; says whether it wrote. */
async function projectBid(tx: Db, input: RecordBidEventsInput): Promise<boolean> {
  const { projection, submission } = input;
  const state = {
    state: projection.state,
    updatedAt: new Date(projection.updatedAt),
    projectionVersion: projection.version,
    ...(projection.band !== undefined && { band: projection.band }),
    ...(projection.benefitScore !== undefined && { benefitScore: projection.benefitScore }),
    ...(projection.mustFund !== undefined && { mustFund: projection.mustFund }),
    ...(projection.safetyEscalation !== undefined && { safetyEscalation: projection.safetyEscalation }),
    ...(projection.status !== undefined && { status: projection.status }),
  };

  if (!submission) {
    const updated = await tx
      .update(bids)
      .set(state)
      .where(sql`${bids.reference} = ${input.reference} and ${bids.projectionVersion} < ${projection.version}`)
      .returning({ reference: bids.reference });
    return updated.length > 0;
  }

  const { bid } = submission;
  const totals = costTotals(bid);
  const details = {
    title: bid.title,
    leadOrganisation: bid.leadOrganisation,
    partnerOrganisations: bid.partnerOrganisations,
    primaryAmbition: bid.primaryAmbition,
    secondaryAmbitions: bid.secondaryAmbitions,
    level: bid.level,
    places: bid.places,
    kind: bid.kind,
    ...totals,
    submission: bid,
    contentHash: submission.contentHash,
  };
  const applied = await tx
    .insert(bids)
    .values({
      reference: input.reference,
      workflowId: submission.workflowId,
      submittedBy: submission.submittedBy,
      submittedAt: new Date(submission.submittedAt),
      ...details,
      ...state,
    })
    .onConflictDoUpdate({
      target: bids.reference,
      set: { ...details, ...state },
      setWhere: sql`${bids.projectionVersion} < excluded.projection_version`,
    })
    .returning({ reference: bids.reference });
  if (applied.length === 0) return false;

  await tx.delete(bidCosts).where(eq(bidCosts.reference, input.reference));
  if (bid.costs.length > 0) {
    await tx.insert(bidCosts).values(bid.costs.map((line) => ({ reference: input.reference, ...line })));
  }
  return true;
}

async function projectAssignments(tx: Db, reference: string, a: AssignmentsProjection): Promise<void> {
  // Earlier cycles, and evaluators taken off this one, no longer count towards anyone's load.
  const current = a.reviews.map((r) => r.evaluatorId);
  await tx
    .update(reviewAssignments)
    .set({ active: false })
    .where(
      and(
        eq(reviewAssignments.reference, reference),
        or(ne(reviewAssignments.cycle, a.cycle), current.length ? notInArray(reviewAssignments.evaluatorId, current) : undefined),
      ),
    );
  for (const r of a.reviews) {
    const row = {
      active: a.open && r.completedAt === null,
      assignedBy: r.assignedBy,
      assignedAt: new Date(r.assignedAt),
      completedAt: r.completedAt ? new Date(r.completedAt) : null,
      dueAt: a.dueAt ? new Date(a.dueAt) : null,
    };
    await tx
      .insert(reviewAssignments)
      .values({ reference, cycle: a.cycle, evaluatorId: r.evaluatorId, ...row })
      .onConflictDoUpdate({ target: [reviewAssignments.reference, reviewAssignments.cycle, reviewAssignments.evaluatorId], set: row });
  }
}
