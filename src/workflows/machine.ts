// The wiring every workflow shares: the model it holds, one action at a time, and the recorder
// that commits each step (trail events, read-model changes, notices) before the model changes,
// then sends the step's messages to other workflows. A commit carries only what changed.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  allHandlersFinished,
  currentUpdateInfo,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { CommitInput, CommitResult } from '../activities/recorder.js';
import type { NotificationInput } from '../activities/lifecycle.js';
import type { TrailEventInput } from '../domain/trail.js';
import type { Refusal } from '../model/actions.js';
import { diff, jsonEqual, type Json } from '../model/changes.js';
import type { Effect, PendingEvent, Step } from '../model/step.js';

/** What a workflow carries over continue-as-new besides its model. */
export interface RecorderState {
  /** Commits the read model holds; the next commit's version is one more. */
  version: number;
  /** Trail events and notices numbered so far: their ids are the idempotency keys. */
  events: number;
  notices: number;
  /**
   * The answers to the last Updates, by Update id (the caller's Idempotency-Key): Temporal
   * answers a repeated id itself within a run, and this answers it after continue-as-new.
   */
  answered?: [string, unknown][];
}

/** How many answers are kept across continue-as-new: far more than any client's retry window. */
const ANSWERS_KEPT = 200;

export const FRESH: RecorderState = { version: 0, events: 0, notices: 0 };

/**
 * Temporal takes at most 2,000 distinct Updates in one run; well before that, and before the
 * history grows long, the workflow continues as new.
 */
const UPDATES_PER_RUN = 1_500;

/** The refusal an Update meets while the workflow drains to continue as new; the services send it again. */
export const CONTINUING_AS_NEW = 'ContinuingAsNew';

/** A refusal as the failure an Update validator or handler throws: the API maps its type to HTTP. */
export function refuse(r: Refusal): never {
  throw ApplicationFailure.create({ type: r.type, message: r.message, nonRetryable: true, details: [{ rule: r.rule }] });
}

export const refuseIf = (r: Refusal | null): void => {
  if (r) refuse(r);
};

export const now = (): string => new Date().toISOString();

/** Registers an update with its validator, both typed from the update's definition. */
export function onUpdate<Ret, Args extends unknown[]>(
  definition: UpdateDefinition<Ret, Args>,
  handler: (...args: NoInfer<Args>) => Promise<NoInfer<Ret>>,
  validator: (...args: NoInfer<Args>) => void,
): void {
  setHandler(definition, handler, { validator });
}

export interface MachineOptions<M> {
  streamType: 'bid' | 'meeting' | 'round';
  streamId: string;
  model: M;
  recorder: RecorderState;
  commit: (input: CommitInput) => Promise<CommitResult>;
  /** The read model's columns, from the model. */
  summary: (model: M) => Record<string, unknown>;
  /** The rule set version stamped on events that do not name their own. */
  stamp?: (model: M) => string | null;
  /** Side projections a step needs besides the model (review assignments, a bid's content); `before` is null for a whole model. */
  extras?: (before: M | null, after: M) => CommitInput['extras'];
  /** The reference and meeting a notice concerns. */
  about: { reference: string | null; meetingId: string | null };
  /** Continue-as-new once the history has this many events, or when Temporal suggests it. */
  historyLimit: number;
}

export interface Machine<M> {
  readonly model: M;
  readonly recorder: RecorderState;
  /**
   * An Update validator's check: the model, or the step being committed now (which the read
   * model may already show a person), passes. The handler checks again when its turn comes.
   */
  admits(check: (model: M) => Refusal | null): Refusal | null;
  /** Runs `fn` when no other action is running, so each step starts from the last one's model. */
  exclusive<T>(fn: () => T | Promise<T>): Promise<T>;
  /** An Update's handler: an Update id answered before (even in an earlier run) gets its first answer again. */
  answer<T>(fn: () => Promise<T>): Promise<T>;
  /** Commits a step and only then takes its model; then sends its messages. */
  record(step: Step<M>): Promise<void>;
  /** Changes the model without a trail event (bookkeeping the next commit carries). */
  keep(model: M): void;
  /** Waits until `ready()` or `ms` pass (true if ready), or continues as new when the history is long. */
  wait(ready: () => boolean, ms: number | undefined, resume: (model: M, recorder: RecorderState) => Parameters<typeof continueAsNew>[0]): Promise<boolean>;
}

export function machine<M extends object>(options: MachineOptions<M>): Machine<M> {
  const { workflowId } = workflowInfo();
  let model = options.model;
  let state: RecorderState = { ...options.recorder };
  const answered = new Map<string, unknown>(options.recorder.answered ?? []);
  /** The model as the read model last stored it; null until this run's first commit is acknowledged. */
  let stored: M | null = state.version > 0 ? model : null;
  let queue: Promise<unknown> = Promise.resolve();
  /** Updates this run has taken; and whether it is letting the last finish to continue as new. */
  let updates = 0;
  let draining = false;
  /** The model of the step whose commit is in flight. */
  let committing: M | null = null;
  /** The read model's columns as last committed: a commit sends only those that changed. */
  let summarised: Record<string, unknown> | null = stored ? options.summary(stored) : null;
  const changedSummary = (m: M): Record<string, unknown> => {
    const current = options.summary(m);
    const last = summarised;
    return last ? Object.fromEntries(Object.entries(current).filter(([k, v]) => !jsonEqual(v, last[k]))) : current;
  };

  const trailEvent = (e: PendingEvent, n: number, at: string, m: M): TrailEventInput => ({
    eventId: `${workflowId}#${n}`,
    occurredAt: at,
    actorId: e.by.id,
    actorRole: e.role,
    action: e.action,
    fromState: e.fromState,
    toState: e.toState,
    payload: e.payload,
    ruleSetVersion: e.ruleSetVersion ?? options.stamp?.(m) ?? null,
  });

  const commitStep = async (s: Step<M>): Promise<void> => {
    const at = now();
    const events: TrailEventInput[] = [];
    const alsoOn: CommitInput['alsoOn'] = [];
    s.events.forEach((e, i) => {
      events.push(trailEvent(e, state.events + i + 1, at, s.model));
      if (e.alsoOn) alsoOn.push({ ...e.alsoOn, of: i });
    });
    const notices: NotificationInput[] = s.notices.map((n, i) => ({
      id: `${workflowId}#n${state.notices + i + 1}`,
      kind: n.kind,
      recipientRoles: n.to.roles ?? [],
      recipientIds: n.to.userIds ?? [],
      recipientOrganisation: n.to.organisation ?? null,
      subject: n.subject,
      body: n.body,
      reference: options.about.reference,
      meetingId: options.about.meetingId,
      createdAt: at,
    }));
    const version = state.version + 1;
    const base = {
      streamType: options.streamType,
      streamId: options.streamId,
      version,
      summary: changedSummary(s.model),
      events,
      alsoOn,
      notices,
      extras: options.extras?.(stored, s.model),
      updatedAt: at,
    };
    const full = { ...base, model: s.model as unknown as Json, summary: options.summary(s.model), extras: options.extras?.(null, s.model) };
    committing = s.model;
    try {
      const result = await options.commit(stored ? { ...base, changes: diff(stored as unknown as Json, s.model as unknown as Json) } : full);
      // The read model was not where this run left it (restored, or written by hand): send it whole.
      if (result.resync) await options.commit({ ...full, events: [], alsoOn: [], notices: [] });
    } finally {
      committing = null;
    }
    state = { version, events: state.events + events.length, notices: state.notices + notices.length };
    summarised = options.summary(s.model);
    stored = s.model;
    model = s.model;
  };

  const deliver = async (effects: Effect[]) => {
    for (const effect of effects) {
      try {
        await getExternalWorkflowHandle(effect.workflowId).signal(effect.signal, effect.payload);
      } catch {
        // The other workflow has finished: what it no longer needs is dropped, or recorded where it matters.
        if (effect.ifUndelivered?.length) await commitStep({ model, events: effect.ifUndelivered, notices: [], effects: [] });
      }
    }
  };

  return {
    get model() {
      return model;
    },
    get recorder() {
      return state;
    },
    admits(check) {
      if (draining) {
        return { type: CONTINUING_AS_NEW as Refusal['type'], message: 'The workflow is continuing as new; send the action again', rule: 'continuing_as_new' };
      }
      const refused = check(model);
      return refused && committing && check(committing) === null ? null : refused;
    },
    async answer<T>(fn: () => Promise<T>): Promise<T> {
      const id = currentUpdateInfo()?.id;
      if (id && answered.has(id)) return answered.get(id) as T;
      const result = await fn();
      if (id) {
        answered.set(id, result);
        if (answered.size > ANSWERS_KEPT) answered.delete(answered.keys().next().value!);
      }
      return result;
    },
    exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
      if (currentUpdateInfo()) updates += 1;
      const run = queue.then(fn);
      queue = run.catch(() => undefined);
      return run;
    },
    async record(s: Step<M>): Promise<void> {
      if (s.events.length === 0 && s.notices.length === 0 && s.model === model) return;
      try {
        await commitStep(s);
      } catch (error) {
        // A commit the database can never take (text it cannot store) leaves the model as it was.
        if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable) {
          refuse({ type: (error.cause.type ?? 'Unstorable') as Refusal['type'], message: error.cause.message, rule: 'storable' });
        }
        throw error;
      }
      await deliver(s.effects);
    },
    keep(next: M) {
      model = next;
    },
    async wait(ready, ms, resume) {
      const long = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= options.historyLimit || updates >= UPDATES_PER_RUN;
      const woke = await condition(() => ready() || long(), ms);
      if (!ready() && long()) {
        // New Updates are turned away (the services send them again) until those running finish.
        draining = true;
        await condition(allHandlersFinished);
        log.info('Continuing as new', { historyLength: workflowInfo().historyLength, historySize: workflowInfo().historySize });
        await continueAsNew(resume(model, { ...state, answered: [...answered] }));
      }
      return woke && ready();
    },
  };
}
