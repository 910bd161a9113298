// The lifecycle policy: the process's numbers (evaluators, moderation, cycles, quorum) from
// versioned JSON, and its deadlines from the environment. A workflow takes a snapshot when it
// starts, so a bid in flight keeps the rules it started under.
import { z } from 'zod';
import type { Config } from '../config.js';
import type { PolicySnapshot } from '../shared.js';
import policyJson from './lifecycle-policy.json' with { type: 'json' };

const policyFileSchema = z.object({
  id: z.string(),
  version: z.string(),
  description: z.string(),
  evaluators: z.object({
    standard: z.number().int().min(1).max(5),
    large: z.number().int().min(1).max(5),
    largeFromPence: z.number().int().positive(),
  }),
  moderationDivergence: z.number().positive().max(5),
  maxRevisionCycles: z.number().int().min(0),
  maxDeferrals: z.number().int().min(0),
  quorum: z.object({
    minFractionPresent: z.number().gt(0).max(1),
    requireChair: z.boolean(),
    minProfessions: z.number().int().min(0),
  }),
});

export type LifecyclePolicyFile = z.infer<typeof policyFileSchema>;

/** The snapshot a workflow takes: the file's numbers, the environment's deadlines. */
export type LifecyclePolicy = PolicySnapshot;

const file = policyFileSchema.parse(policyJson);

export function lifecyclePolicy(config: Config): LifecyclePolicy {
  const { description: _description, ...rest } = file;
  return {
    ...rest,
    deadlines: {
      hubReview: config.DEADLINE_HUB_REVIEW,
      returnedLapse: config.DEADLINE_RETURNED_LAPSE,
      revision: config.DEADLINE_REVISION,
      chairsAction: config.DEADLINE_CHAIRS_ACTION,
      agendaClose: config.DEADLINE_AGENDA_CLOSE,
      reconsideration: config.DEADLINE_RECONSIDERATION,
      conditionReminder: config.DEADLINE_CONDITION_REMINDER,
      conditionEscalation: config.DEADLINE_CONDITION_ESCALATION,
    },
    reminderFraction: config.REMINDER_FRACTION,
    activityTimeoutMs: config.ACTIVITY_TIMEOUT.kind === 'elapsed' ? config.ACTIVITY_TIMEOUT.ms : 60_000,
    historyLimit: config.WORKFLOW_HISTORY_LIMIT,
    overrideRoles: config.OVERRIDE_ROLES,
    ...(config.ALLOCATION_SECOND_CONFIRMER && { allocationSecondConfirmer: true }),
  };
}
