// The hub lead's view of the evaluation hub: every review in progress, who has it, its deadline and
// where it stands, overdue first; and each evaluator's load, so work can be given to who has room.
import { and, asc, eq, sql } from 'drizzle-orm';
import { ApiError } from '../api/errors.js';
import { bids, users } from '../db/schema.js';
import type { Actor, ReviewStatus } from '../shared.js';
import { bidStatusOf, type ServiceDeps } from './bids.js';

export interface ReviewInProgress {
  reference: string;
  title: string;
  leadOrganisation: string;
  partnerOrganisations: string[];
  phase: ReviewStatus['phase'];
  cycle: number;
  evaluators: { id: string; name: string; organisation: string; completedAt: string | null }[];
  openPlaces: number;
  dueAt: string | null;
  overdue: boolean;
}

export interface EvaluatorLoad {
  id: string;
  name: string;
  organisation: string;
  roles: string[];
  /** Reviews assigned to them and not yet completed. */
  open: number;
  /** Of those, past their deadline. */
  overdue: number;
}

export interface HubOverview {
  reviews: ReviewInProgress[];
  evaluators: EvaluatorLoad[];
}

export async function hubOverview(deps: Pick<ServiceDeps, 'db'>, user: Actor, now = new Date()): Promise<HubOverview> {
  if (!user.roles.includes('hub_lead')) throw new ApiError(403, 'forbidden', 'Only hub_lead may see the reviews in progress', { rule: 'role' });
  const [rows, people] = await Promise.all([
    deps.db.select().from(bids).where(eq(bids.state, 'HUB_REVIEW')),
    deps.db
      .select({ id: users.id, name: users.name, organisation: users.organisation, roles: users.roles })
      .from(users)
      .where(and(eq(users.active, true), sql`${users.roles} && array['evaluator','hub_lead']::text[]`))
      .orderBy(asc(users.name)),
  ]);
  const reviews: ReviewInProgress[] = [];
  const load = new Map(people.map((p) => [p.id, { ...p, roles: p.roles, open: 0, overdue: 0 }]));
  for (const row of rows) {
    const review = bidStatusOf(row).review;
    if (!review || review.phase === 'done') continue;
    const dueAt = review.deadline?.dueAt ?? null;
    const overdue = dueAt !== null && Date.parse(dueAt) < now.getTime();
    for (const r of review.reviews) {
      const person = load.get(r.evaluator.id);
      if (!person || r.completed || review.phase !== 'review') continue;
      person.open += 1;
      if (overdue) person.overdue += 1;
    }
    reviews.push({
      reference: row.reference,
      title: row.title,
      leadOrganisation: row.leadOrganisation,
      partnerOrganisations: row.partnerOrganisations,
      phase: review.phase,
      cycle: review.cycle,
      evaluators: review.reviews.map((r) => ({ id: r.evaluator.id, name: r.evaluator.name, organisation: r.evaluator.organisation, completedAt: r.completed?.at ?? null })),
      openPlaces: Math.max(0, review.requiredEvaluators - review.reviews.length),
      dueAt,
      overdue,
    });
  }
  reviews.sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.dueAt ?? '9').localeCompare(b.dueAt ?? '9') || a.reference.localeCompare(b.reference));
  const evaluators = [...load.values()].sort((a, b) => b.open - a.open || a.name.localeCompare(b.name));
  return { reviews, evaluators };
}
