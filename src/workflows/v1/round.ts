// FROZEN first version, kept so bids, meetings and rounds started on it run to the end and
// their histories replay (test/replay.test.ts). New work starts the model-based workflows.
// One workflow per funding round, id `round-<id>`: allocation within the round's envelope runs
// when finance asks or the round closes, each bid learns its provisional place, a withdrawal
// reruns it, and finance's confirmation turns the proposal into commitments (FUNDED/WAITLISTED).
import { allHandlersFinished, condition, getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { TrailEventInput } from '../../domain/trail.js';
import type { Role } from '../../domain/vocabulary.js';
import { SYSTEM, onUpdate, person, refuse } from './handlers.js';
import {
  ROUND_ACTIONS,
  RefusalType,
  allocationConfirmedSignal,
  allocationProposedSignal,
  allocationReleasedSignal,
  bidWorkflowId,
  cancelRoundUpdate,
  confirmAllocationUpdate,
  roundAllowedActionsQuery,
  roundBidWithdrawnSignal,
  roundStatusQuery,
  runAllocationUpdate,
  type Actor,
  type AllocationSummary,
  type PersonRef,
  type PolicySnapshot,
  type RoundAction,
  type RoundState,
  type RoundStatus,
  type RoundWorkflowInput,
} from './shared.js';

const setup = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { maximumInterval: '30 seconds' } });



export async function roundWorkflow(input: RoundWorkflowInput): Promise<RoundState> {
  const { roundId, title, financialYear } = input;
  const workflowId = workflowInfo().workflowId;
  // Handlers are registered before the first await; the activities they use are set before any runs.
  // eslint-disable-next-line prefer-const -- assigned once, after the handlers that use it are registered
  let acts!: ReturnType<typeof proxyActivities<Activities>>;

  let state = 'OPEN' as RoundState;
  let proposal: AllocationSummary | undefined;
  let confirmed: RoundStatus['confirmed'];
  let cancelled: RoundStatus['cancelled'];
  const history: RoundStatus['history'] = [];
  let eventCounter = 0;
  let projectionVersion = 0;
  /** Runs asked for (by a person, the closing date, or a withdrawal), served one at a time, in order. */
  const pending: { by: PersonRef; reason: string; ticket: number }[] = [];
  let tickets = 0;
  let served = 0;
  let running = false;
  const ask = (by: PersonRef, reason: string) => {
    pending.push({ by, reason, ticket: ++tickets });
    return tickets;
  };
  const withdrawn = new Set<string>();

  const now = () => new Date().toISOString();

  const status = (): RoundStatus => ({
    roundId,
    title,
    financialYear,
    envelopePence: input.envelopePence,
    subEnvelopes: input.subEnvelopes,
    opensAt: input.opensAt,
    closesAt: input.closesAt,
    state,
    proposal,
    confirmed,
    cancelled,
    history,
  });

  // Guards: role, then state.
  const needRole = (actor: Actor, action: string, ...roles: Role[]) => {
    if (!roles.some((r) => actor.roles.includes(r))) refuse(RefusalType.forbidden, `Only ${roles.join(' or ')} may ${action}`, 'role');
  };
  const needState = (action: string, ...states: RoundState[]) => {
    if (!states.includes(state)) refuse(RefusalType.wrongState, `The round is ${state}; it cannot ${action} (it must be ${states.join(' or ')})`, 'state');
  };
  const guards: Record<RoundAction, (actor: Actor) => void> = {
    runAllocation: (a) => {
      needRole(a, 'run the allocation', 'finance', 'admin');
      needState('run an allocation', 'OPEN', 'PROPOSED');
      if (Date.now() < Date.parse(input.opensAt)) refuse(RefusalType.wrongState, `The round opens on ${input.opensAt}`, 'state');
    },
    confirmAllocation: (a) => {
      needRole(a, 'confirm the allocation', 'finance');
      needState('be confirmed', 'PROPOSED');
      if (running || pending.length) refuse(RefusalType.wrongState, 'The allocation is being run again; review the new proposal first', 'state');
    },
    cancelRound: (a) => {
      needRole(a, 'cancel the round', 'admin');
      needState('be cancelled', 'OPEN', 'PROPOSED');
    },
  };

  // Writes go one at a time, in order.
  let writes: Promise<unknown> = Promise.resolve();
  const commit = (events: { by: PersonRef; role: string; action: string; payload?: Record<string, unknown> }[]): Promise<void> => {
    const trail: TrailEventInput[] = events.map((e) => ({
      eventId: `${workflowId}#${++eventCounter}`,
      occurredAt: now(),
      actorId: e.by.id,
      actorRole: e.role,
      action: e.action,
      fromState: null,
      toState: state,
      payload: { roundId, ...e.payload },
    }));
    const write = { roundId, events: trail, projection: { version: ++projectionVersion, state, status: status() as unknown as Record<string, unknown>, updatedAt: now(), input } };
    const done = writes.then(() => acts.recordRoundEvents(write));
    writes = done.catch(() => undefined);
    return done.then(() => undefined);
  };

  const tellBids = async (signal: 'proposed' | 'confirmed', summary: AllocationSummary, by: PersonRef) => {
    for (const place of summary.places) {
      const notice = { roundId, roundTitle: title, financialYear, version: summary.version, place };
      try {
        const handle = getExternalWorkflowHandle(bidWorkflowId(place.reference));
        if (signal === 'proposed') await handle.signal(allocationProposedSignal, notice);
        else await handle.signal(allocationConfirmedSignal, { ...notice, confirmedBy: by });
      } catch {
        // The bid's workflow has finished (withdrawn meanwhile); the next run leaves it out.
      }
    }
  };

  const release = async (references: string[], reason: string) => {
    for (const reference of references) {
      try {
        await getExternalWorkflowHandle(bidWorkflowId(reference)).signal(allocationReleasedSignal, { roundId, reason });
      } catch {
        // Finished already.
      }
    }
  };

  /** Runs the allocation on what the round holds now, and tells every bid its place. */
  const run = async (by: PersonRef, reason: string) => {
    const before = proposal;
    const result = await acts.proposeAllocation({
      roundId,
      version: (proposal?.version ?? 0) + 1,
      financialYear,
      envelopePence: input.envelopePence,
      subEnvelopes: input.subEnvelopes,
      exclude: [...withdrawn],
      runBy: by,
      reason,
      runAt: now(),
    });
    proposal = result;
    state = 'PROPOSED';
    history.push({ version: result.version, runAt: result.runAt, runBy: by.id, reason, funded: result.places.filter((p) => p.outcome === 'funded').length, waitlisted: result.places.filter((p) => p.outcome === 'waitlisted').length });
    const wasFunded = new Set(before?.places.filter((p) => p.outcome === 'funded').map((p) => p.reference) ?? []);
    const movedUp = result.places.filter((p) => p.outcome === 'funded' && before && !wasFunded.has(p.reference)).map((p) => p.reference);
    await commit([
      {
        by,
        role: by.id === 'system' ? 'system' : 'finance',
        action: before ? 'allocation.rerun' : 'allocation.proposed',
        payload: {
          version: result.version,
          reason,
          funded: result.places.filter((p) => p.outcome === 'funded').map((p) => p.reference),
          waitlisted: result.places.filter((p) => p.outcome === 'waitlisted').map((p) => p.reference),
          ...(before && { movedUp }),
          cutLine: result.cutLine,
          envelopes: result.envelopes,
          mustFundOverrun: result.mustFundOverrun,
        },
      },
    ]);
    await tellBids('proposed', result, by);
    const left = before?.places.map((p) => p.reference).filter((r) => !result.places.some((p) => p.reference === r)) ?? [];
    await release(left.filter((r) => !withdrawn.has(r)), `no longer held by ${title}`);
  };

  setHandler(roundStatusQuery, status);
  setHandler(roundAllowedActionsQuery, (actor: Actor) =>
    ROUND_ACTIONS.filter((action) => {
      try {
        guards[action](actor);
        return true;
      } catch {
        return false;
      }
    }),
  );

  onUpdate(
    runAllocationUpdate,
    async ({ actor, reason }) => {
      const ticket = ask(person(actor), reason);
      await condition(() => served >= ticket || state === 'CANCELLED');
      return status();
    },
    ({ actor, reason }) => {
      guards.runAllocation(actor);
      if (!reason?.trim()) refuse(RefusalType.invalid, 'Say why the allocation is being run');
    },
  );

  onUpdate(
    confirmAllocationUpdate,
    async ({ actor }) => {
      const summary = proposal!;
      state = 'CONFIRMED';
      confirmed = { version: summary.version, by: person(actor), at: now() };
      await acts.confirmRoundAllocation({ roundId, version: summary.version, confirmedBy: actor.id, confirmedAt: confirmed.at });
      await commit([
        {
          by: person(actor),
          role: 'finance',
          action: 'allocation.confirmed',
          payload: {
            version: summary.version,
            funded: summary.places.filter((p) => p.outcome === 'funded').map((p) => p.reference),
            waitlisted: summary.places.filter((p) => p.outcome === 'waitlisted').map((p) => p.reference),
            envelopes: summary.envelopes,
          },
        },
      ]);
      await tellBids('confirmed', summary, person(actor));
      return status();
    },
    ({ actor, version }) => {
      guards.confirmAllocation(actor);
      if (version !== proposal?.version) {
        refuse(RefusalType.invalid, `The allocation now stands at version ${proposal?.version ?? 0}, not ${version}: review it, then confirm that version`, 'version');
      }
    },
  );

  onUpdate(
    cancelRoundUpdate,
    async ({ actor, reason }) => {
      state = 'CANCELLED';
      cancelled = { by: person(actor), reason, at: now() };
      await commit([{ by: person(actor), role: 'admin', action: 'round.cancelled', payload: { reason } }]);
      await release(proposal?.places.map((p) => p.reference) ?? [], `round cancelled: ${reason}`);
      return status();
    },
    ({ actor, reason }) => {
      guards.cancelRound(actor);
      if (!reason?.trim()) refuse(RefusalType.invalid, 'A cancellation needs a reason');
    },
  );

  setHandler(roundBidWithdrawnSignal, ({ reference }) => {
    withdrawn.add(reference);
    if (state === 'PROPOSED' && proposal?.places.some((p) => p.reference === reference)) {
      ask(SYSTEM, `${reference} was withdrawn before confirmation`);
    }
  });

  // ---------------------------------------------------------------------------------------

  const policy: PolicySnapshot = await setup.loadPolicy();
  acts = proxyActivities<Activities>({ startToCloseTimeout: policy.activityTimeoutMs, retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });
  await commit([
    {
      by: person(input.createdBy),
      role: 'admin',
      action: 'round.opened',
      payload: { title, financialYear, envelopePence: input.envelopePence, subEnvelopes: input.subEnvelopes, opensAt: input.opensAt, closesAt: input.closesAt },
    },
  ]);

  // Until it is confirmed or cancelled, the round serves allocation runs; at its closing date it
  // runs one by itself if nobody has.
  const closesIn = Date.parse(input.closesAt) - Date.now();
  let closed = closesIn <= 0;
  const settled = () => state === 'CONFIRMED' || state === 'CANCELLED';
  while (!settled()) {
    const woke = await condition(() => settled() || pending.length > 0, closed ? undefined : Math.max(1, Date.parse(input.closesAt) - Date.now()));
    if (!woke && !closed) {
      closed = true;
      if (state === 'OPEN') ask(SYSTEM, 'the round closed');
    }
    while (pending.length > 0 && !settled()) {
      const next = pending.shift()!;
      running = true;
      await run(next.by, next.reason);
      running = false;
      served = next.ticket;
    }
  }
  await condition(allHandlersFinished);
  await writes;
  return state;
}
