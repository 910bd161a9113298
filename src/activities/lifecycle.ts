// Activities the lifecycle needs around the bid: its policy, deadlines in working days,
// evaluator assignment by load and conflict, and notifications (an outbox e-mail can drain).
import { and, count, eq, notInArray, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import { lifecyclePolicy } from '../config/policy.js';
import type { Db } from '../db/client.js';
import { notifications, reviewAssignments, users } from '../db/schema.js';
import { computeDeadline, conditionSchedule, londonDay } from '../domain/calendar.js';
import { hasRegisteredInterestIn } from '../services/interests.js';
import type { DurationSpec } from '../domain/durations.js';
import type { Deadline, PersonRef, PolicySnapshot } from '../shared.js';

export interface NotificationInput {
  /** Idempotency key: the same notification written twice is stored once. */
  id: string;
  kind: string;
  recipientIds: string[];
  recipientRoles: string[];
  recipientOrganisation: string | null;
  subject: string;
  body: string;
  reference: string | null;
  meetingId: string | null;
  createdAt: string;
}

/** Where notifications go once stored: logged, or e-mailed (src/activities/notifications.ts). */
export interface Notifier {
  send(notification: NotificationInput): Promise<void>;
  /**
   * Safe to call again for a notice it has had: then it is told of every notice a commit
   * carries, not only those that commit stored first, so a commit retried after a crash
   * between storing and telling still tells.
   */
  idempotent?: boolean;
}

export interface AssignEvaluatorsInput {
  reference: string;
  cycle: number;
  count: number;
  excludeOrganisations: string[];
  excludeUserIds: string[];
}

export function createLifecycleActivities({ db, config, notifier }: { db: Db; config: Config; notifier?: Notifier }) {
  return {
    loadPolicy(): Promise<PolicySnapshot> {
      return Promise.resolve(lifecyclePolicy(config));
    },

    computeDeadline({ start, spec, reminderFraction }: { start: string; spec: DurationSpec; reminderFraction: number }): Promise<Deadline> {
      return Promise.resolve(computeDeadline(new Date(start), spec, reminderFraction, config.EXTRA_BANK_HOLIDAYS));
    },

    /**
     * When each dated condition of a decision falls due and is reminded of, in the order given
     * (null for one without a due day). `spec` is the bid's DEADLINE_CONDITION_REMINDER; a bid
     * that started before it takes the configuration's.
     */
    conditionSchedule({ dueBy, spec, escalation, decidedAt }: { dueBy: (string | null)[]; spec?: DurationSpec; escalation?: DurationSpec; decidedAt: string }): Promise<({ dueAt: string; remindAt?: string; escalateAt?: string } | null)[]> {
      const reminder = spec ?? config.DEADLINE_CONDITION_REMINDER;
      const late = escalation ?? config.DEADLINE_CONDITION_ESCALATION;
      return Promise.resolve(dueBy.map((day) => (day ? conditionSchedule(day, reminder, new Date(decidedAt), config.EXTRA_BANK_HOLIDAYS, late) : null)));
    },

    /**
     * The least loaded active evaluators with no conflict: not of the bid's lead or partner
     * organisations, no interest in them current in the register today, and no declared interest; hub leads only when no one else is free (a hub
     * lead who rates may not moderate). Ties go to the lower id, so the choice is repeatable. A retry returns what the first attempt chose.
     */
    async assignEvaluators(input: AssignEvaluatorsInput): Promise<PersonRef[]> {
      return db.transaction(async (tx) => {
        // One assignment decision at a time across all bids, so load counts are current.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('evaluator-assignment', 0))`);
        const already = await tx
          .select({ id: users.id, name: users.name, organisation: users.organisation })
          .from(reviewAssignments)
          .innerJoin(users, eq(users.id, reviewAssignments.evaluatorId))
          .where(and(eq(reviewAssignments.reference, input.reference), eq(reviewAssignments.cycle, input.cycle)))
          .orderBy(users.id);
        if (already.length > 0) return already;

        const load = tx
          .select({ evaluatorId: reviewAssignments.evaluatorId, open: count().as('open') })
          .from(reviewAssignments)
          .where(eq(reviewAssignments.active, true))
          .groupBy(reviewAssignments.evaluatorId)
          .as('load');
        const candidates = await tx
          .select({ id: users.id, name: users.name, organisation: users.organisation, open: sql<number>`coalesce(${load.open}, 0)`.mapWith(Number) })
          .from(users)
          .leftJoin(load, eq(load.evaluatorId, users.id))
          .where(
            and(
              eq(users.active, true),
              sql`'evaluator' = any(${users.roles})`,
              input.excludeOrganisations.length ? notInArray(users.organisation, input.excludeOrganisations) : undefined,
              input.excludeUserIds.length ? notInArray(users.id, input.excludeUserIds) : undefined,
              // A standing interest in the bid's lead or a partner organisation, from the register.
              input.excludeOrganisations.length ? sql`not ${hasRegisteredInterestIn(users.id, input.excludeOrganisations, londonDay(new Date()))}` : undefined,
            ),
          )
          // Hub leads last: a hub lead who rates a bid may not moderate it (four eyes).
          .orderBy(sql`'hub_lead' = any(${users.roles})`, sql`coalesce(${load.open}, 0)`, users.id)
          .limit(input.count);
        if (candidates.length === 0) return [];
        const assignedAt = new Date();
        await tx
          .insert(reviewAssignments)
          .values(candidates.map((c) => ({ reference: input.reference, cycle: input.cycle, evaluatorId: c.id, active: true, assignedBy: 'system', assignedAt })))
          .onConflictDoNothing();
        return candidates.map(({ id, name, organisation }) => ({ id, name, organisation }));
      });
    },

    async notify(notification: NotificationInput): Promise<void> {
      const stored = await db
        .insert(notifications)
        .values({ ...notification, createdAt: new Date(notification.createdAt) })
        .onConflictDoNothing()
        .returning({ id: notifications.id });
      if (notifier && (stored.length > 0 || notifier.idempotent)) await notifier.send(notification);
    },
  };
}
