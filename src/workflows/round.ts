// One workflow per funding round, id `round-<id>`: the wiring only; the round's model, actions
// and transitions are in src/model/round.ts. Allocation runs are served one at a time, in the
// order they were asked for (by finance, the closing date, or a withdrawal); finance confirms.
import { allHandlersFinished, condition, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import * as model from '../model/round.js';
import type { RoundActionArgs, RoundModel } from '../model/round.js';
import { person, type Step } from '../model/step.js';
import {
  cancelRoundUpdate,
  confirmAllocationUpdate,
  overrideAllocationUpdate,
  roundAllowedActionsQuery,
  roundBidWithdrawnSignal,
  roundStatusQuery,
  runAllocationUpdate,
  type ActionOutcome,
  type Actor,
  type RoundAction,
  type RoundState,
  type RoundWorkflowInput,
} from '../shared.js';
import { FRESH, machine, now, onUpdate, refuse, refuseIf } from './machine.js';

export async function roundWorkflowV2(input: RoundWorkflowInput): Promise<RoundState> {
  const resumed = 'resume' in input;
  const initial = resumed ? input.resume.model : model.newRound(input.start);
  const { roundId, policy } = initial;
  const acts = proxyActivities<Activities>({
    startToCloseTimeout: policy.activityTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const m = machine<RoundModel>({
    streamType: 'round',
    streamId: roundId,
    model: initial,
    recorder: resumed ? input.resume.recorder : FRESH,
    commit: acts.commit,
    summary: model.roundSummary,
    extras: (before, after) =>
      after.confirmed && !before?.confirmed ? { confirmAllocation: { version: after.confirmed.version, by: after.confirmed.by.id, at: after.confirmed.at } } : undefined,
    about: { reference: null, meetingId: null },
    historyLimit: policy.historyLimit,
  });
  const resume = (round: RoundModel, recorder: typeof FRESH): RoundWorkflowInput => ({ version: 2, resume: { model: round, recorder } });
  const outcome = (s: Step<RoundModel> | null): ActionOutcome => ({ state: m.model.state, version: m.recorder.version, recorded: s?.events.map((e) => e.action) ?? [] });
  /** The last run whose bids have all been told their places. */
  let told = initial.served;
  const check = <A extends RoundAction>(action: A, actor: Actor, args: RoundActionArgs[A]) => refuseIf(model.checkRoundAction(m.model, action, actor, args));
  const validate = <A extends RoundAction>(action: A, actor: Actor, args: RoundActionArgs[A]) => refuseIf(m.admits((x) => model.checkRoundAction(x, action, actor, args)));

  setHandler(roundStatusQuery, () => model.roundStatusView(m.model));
  setHandler(roundAllowedActionsQuery, (actor: Actor) => model.roundActionsFor(m.model, actor));

  onUpdate(
    runAllocationUpdate,
    (args) => m.answer(async () => {
      const ticket = await m.exclusive(() => {
        check('runAllocation', args.actor, args);
        const asked = model.runAsked(m.model, person(args.actor), args.reason);
        m.keep(asked.model);
        return asked.ticket;
      });
      // Answered once the run is recorded and every bid has been told its place.
      await condition(() => told >= ticket || m.model.state === 'CANCELLED');
      return outcome(null);
    }),
    (args) => validate('runAllocation', args.actor, args),
  );

  onUpdate(
    confirmAllocationUpdate,
    (args) =>
      m.answer(() =>
        m.exclusive(async () => {
          check('confirmAllocation', args.actor, args);
          const s = model.confirmed(m.model, args.actor, now());
          await m.record(s);
          return outcome(s);
        }),
      ),
    (args) => validate('confirmAllocation', args.actor, args),
  );

  onUpdate(
    cancelRoundUpdate,
    (args) =>
      m.answer(() =>
        m.exclusive(async () => {
          check('cancelRound', args.actor, args);
          const s = model.cancelled(m.model, args.actor, args, now());
          await m.record(s);
          return outcome(s);
        }),
      ),
    (args) => validate('cancelRound', args.actor, args),
  );

  // Overrides came after the first recorded rounds; a round replaying one of those never receives
  // this Update, so its history is unchanged. The envelope check reads the stored result (an activity).
  onUpdate(
    overrideAllocationUpdate,
    (args) =>
      m.answer(() =>
        m.exclusive(async () => {
          check('overrideAllocation', args.actor, args);
          // Taken together with the overrides already made to this version, as one set.
          const earlier = (m.model.overrides ?? []).filter((o) => o.version === args.version).map((o) => ({ reference: o.reference, direction: o.direction, reason: o.reason, by: o.by.name }));
          const found = await acts.checkOverrides({
            roundId,
            version: args.version,
            overrides: [...earlier, { reference: args.reference, direction: args.direction, reason: args.reason, by: args.actor.name }],
          });
          if (!found.ok) refuse({ type: 'InvalidAction', message: found.message, rule: found.rule });
          const s = model.overridden(m.model, args.actor, args, found, now());
          await m.record(s);
          return outcome(s);
        }),
      ),
    (args) => validate('overrideAllocation', args.actor, args),
  );

  setHandler(roundBidWithdrawnSignal, ({ reference }) => m.exclusive(() => m.keep(model.bidWithdrawn(m.model, reference))));

  // ---------------------------------------------------------------------------------------

  if (!resumed) await m.exclusive(() => m.record(model.opened(m.model)));

  // Until it is confirmed or cancelled, the round serves allocation runs; at its closing date it
  // runs one by itself if nobody has.
  while (!model.roundFinished(m.model)) {
    const ms = m.model.closedRunAsked ? undefined : Math.max(1, Date.parse(m.model.closesAt) - Date.now());
    const woke = await m.wait(() => model.roundFinished(m.model) || m.model.queue.length > 0, ms, resume);
    if (!woke && !m.model.closedRunAsked) await m.exclusive(() => m.keep(model.closingDatePassed(m.model)));
    while (m.model.queue.length > 0 && !model.roundFinished(m.model)) {
      await m.exclusive(async () => {
        const round = m.model;
        const head = round.queue[0];
        if (!head || model.roundFinished(round)) return;
        try {
          const result = await acts.proposeAllocation({
            roundId,
            version: (round.proposal?.version ?? 0) + 1,
            financialYear: round.financialYear,
            envelopePence: round.envelopePence,
            subEnvelopes: round.subEnvelopes,
            exclude: round.withdrawn,
            runBy: head.by,
            reason: head.reason,
            runAt: now(),
          });
          await m.record(model.allocationRun(m.model, result));
          told = head.ticket;
        } catch (error) {
          // Only a run the database can never store gets here: whoever asked is answered, and the round stays as it was.
          log.error('The allocation run could not be recorded', { error: String(error) });
          m.keep({ ...m.model, queue: m.model.queue.slice(1), served: head.ticket });
          told = head.ticket;
        }
      });
    }
  }
  await condition(allHandlersFinished);
  return m.model.state;
}
