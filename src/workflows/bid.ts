// One durable workflow per bid, id `bid-<reference>`: the wiring only. What a bid is, who may do
// what, and what each action changes are in src/model/bid.ts; here each Update's validator reads
// the action table, each handler commits its step before the model takes it, and the main loop
// does the bid's automatic work (intake, review assignment, scoring) and keeps its deadlines.
import {
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import type { CommitExtras } from '../activities/recorder.js';
import { hasRole, type Refusal } from '../model/actions.js';
import { jsonEqual } from '../model/changes.js';
import * as model from '../model/bid.js';
import type { BidModel, BidTableAction, BidActionArgs } from '../model/bid.js';
import { person, type Step } from '../model/step.js';
import {
  allocationConfirmedSignal,
  allocationProposedSignal,
  allocationReleasedSignal,
  allowedActionsQuery,
  assemblyDecisionSignal,
  assignReviewUpdate,
  chairsActionUpdate,
  completeReviewUpdate,
  declareInterestUpdate,
  meetingInterestSignal,
  moderateUpdate,
  placeOnAgendaUpdate,
  recordBoardDecisionUpdate,
  recordConditionMetUpdate,
  waiveConditionUpdate,
  recordRatingUpdate,
  recordReviewStepUpdate,
  removedFromAgendaSignal,
  requestRevisionsUpdate,
  requestReconsiderationUpdate,
  rescoreUpdate,
  resubmitUpdate,
  reviewReconsiderationUpdate,
  searchAttributes,
  statusQuery,
  submissionReceiptUpdate,
  takeReviewUpdate,
  withdrawUpdate,
  type ActionOutcome,
  type Actor,
  type BidState,
  type BidWorkflowInput,
} from '../shared.js';
import { FRESH, machine, now, onUpdate, refuseIf } from './machine.js';

/** The patch behind which the Board's decision also tells the programme team (and sends its letter). */
const BOARD_NOTICE_PATCH = 'board-decision-notice';

/** The patch behind which the handler, too, refuses a hub lead moderating her own ratings. */
const FOUR_EYES_PATCH = 'four-eyes-moderation';

/**
 * The patch behind which an Assembly decision not to support the bid opens a window (a durable
 * timer) for the programme team to ask for reconsideration, and the workflow stays open for it.
 */
const RECONSIDERATION_PATCH = 'reconsideration';

/**
 * The patch behind which a decision's dated conditions are timed: the workflow asks when each
 * falls due and is reminded of, tells the programme team and the hub then, and a funded bid's
 * workflow stays open until each is recorded as met.
 */
const CONDITION_DUE_PATCH = 'condition-due';

export async function bidWorkflowV2(input: BidWorkflowInput): Promise<BidState> {
  const { workflowId } = workflowInfo();
  const resumed = 'resume' in input;
  const initial = resumed ? input.resume.model : model.newBid(input.start, now());
  const { reference, policy } = initial;
  const acts = proxyActivities<Activities>({
    startToCloseTimeout: policy.activityTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });

  const extras = (before: BidModel | null, after: BidModel): CommitExtras | undefined => {
    const out: CommitExtras = {};
    if (!before || before.contentHash !== after.contentHash) {
      out.bid = { bid: after.bid, contentHash: after.contentHash, submittedBy: after.submittedBy.id, submittedAt: after.submittedAt, workflowId };
    }
    const assignments = model.assignmentsOf(after);
    if (assignments && (!before || !jsonEqual(model.assignmentsOf(before), assignments))) out.assignments = assignments;
    return out.bid || out.assignments ? out : undefined;
  };

  const m = machine<BidModel>({
    streamType: 'bid',
    streamId: reference,
    model: initial,
    recorder: resumed ? input.resume.recorder : FRESH,
    commit: acts.commit,
    summary: model.bidSummary,
    stamp: model.ruleSetTag,
    extras,
    about: { reference, meetingId: null },
    historyLimit: policy.historyLimit,
  });
  const resume = (bid: BidModel, recorder: typeof FRESH): BidWorkflowInput => ({ version: 2, resume: { model: bid, recorder } });

  /** Records a step; the bid's search attributes follow its state and band. */
  const record = async (s: Step<BidModel>) => {
    const before = m.model;
    await m.record(s);
    const after = m.model;
    const changed = [];
    if (after.state !== before.state) changed.push({ key: searchAttributes.state, value: after.state });
    if (after.score?.band && after.score.band !== before.score?.band) changed.push({ key: searchAttributes.band, value: after.score.band });
    if (changed.length) upsertSearchAttributes(changed);
  };
  const outcome = (s: Step<BidModel>): ActionOutcome => ({ state: m.model.state, version: m.recorder.version, recorded: s.events.map((e) => e.action) });
  // Four eyes (a hub lead may not moderate ratings she gave) came after bids where she did: a
  // handler replaying such a moderation takes it as it was taken. Validators never replay.
  const fourEyesBehindPatch = (refused: Refusal | null): Refusal | null => (refused?.rule === 'four_eyes' && !patched(FOUR_EYES_PATCH) ? null : refused);
  const check = <A extends BidTableAction>(action: A, actor: Actor | null, args: BidActionArgs[A]) =>
    refuseIf(fourEyesBehindPatch(model.checkBidAction(m.model, action, actor, args)));
  const validate = <A extends BidTableAction>(action: A, actor: Actor | null, args: BidActionArgs[A]) =>
    refuseIf(m.admits((bid) => model.checkBidAction(bid, action, actor, args)));
  const deadline = (spec: Exclude<keyof typeof policy.deadlines, 'reconsideration' | 'conditionReminder' | 'conditionEscalation'>) => acts.computeDeadline({ start: now(), spec: policy.deadlines[spec], reminderFraction: policy.reminderFraction });

  /** A person's action: checked by the table when it arrives and again when its turn comes. */
  function human<A extends BidTableAction, Args extends { actor: Actor }>(
    definition: UpdateDefinition<ActionOutcome, [Args]>,
    action: A,
    transition: (bid: BidModel, actor: Actor, args: Args, at: string) => Step<BidModel> | Promise<Step<BidModel>>,
  ) {
    onUpdate(
      definition,
      (args) =>
        m.answer(() =>
          m.exclusive(async () => {
            check(action, args.actor, args as unknown as BidActionArgs[A]);
            const s = await transition(m.model, args.actor, args, now());
            await record(s);
            return outcome(s);
          }),
        ),
      (args) => validate(action, args.actor, args as unknown as BidActionArgs[A]),
    );
  }

  // ---------------------------------------------------------------------------------------
  // Queries: the model, as people see it. The API reads the read model instead.

  setHandler(statusQuery, () => model.bidStatusView(m.model));
  setHandler(allowedActionsQuery, (actor: Actor) => model.bidActionsFor(m.model, actor));

  // ---------------------------------------------------------------------------------------
  // People's actions

  onUpdate(
    submissionReceiptUpdate,
    async () => {
      await condition(() => m.model.intake.count > 0);
      return model.receiptOf(m.model);
    },
    (args) => validate('submissionReceipt', null, args),
  );

  onUpdate(
    resubmitUpdate,
    (args) => m.answer(async () => {
      const before = await m.exclusive(async () => {
        check('resubmit', args.actor, args);
        const count = m.model.intake.count;
        await record(model.resubmitted(m.model, args.actor, args));
        return count;
      });
      await condition(() => m.model.intake.count > before);
      return model.receiptOf(m.model);
    }),
    (args) => validate('resubmit', args.actor, args),
  );

  human(withdrawUpdate, 'withdraw', model.withdrawn);
  // The window's end is checked against the workflow clock too: a request after it is refused
  // even when it arrives before the timer's own step is recorded.
  onUpdate(
    requestReconsiderationUpdate,
    (args) =>
      m.answer(() =>
        m.exclusive(async () => {
          check('requestReconsideration', args.actor, args);
          refuseIf(model.reconsiderationTooLate(m.model, now()));
          const s = model.reconsiderationRequested(m.model, args.actor, args, now());
          await record(s);
          return outcome(s);
        }),
      ),
    (args) => {
      validate('requestReconsideration', args.actor, args);
      refuseIf(model.reconsiderationTooLate(m.model, now()));
    },
  );
  human(reviewReconsiderationUpdate, 'reviewReconsideration', model.reconsiderationReviewed);
  human(takeReviewUpdate, 'takeReview', (bid, actor, _args, at) => model.reviewTaken(bid, actor, at));
  human(assignReviewUpdate, 'assignReview', model.reviewAssigned);
  human(recordReviewStepUpdate, 'recordReviewStep', model.reviewStepRecorded);
  human(recordRatingUpdate, 'recordRating', model.ratingRecorded);
  human(completeReviewUpdate, 'completeReview', model.reviewCompleted);
  human(requestRevisionsUpdate, 'requestRevisions', async (bid, actor, { comments }, at) =>
    model.revisionsRequested(bid, person(actor), hasRole(actor, 'hub_lead') ? 'hub_lead' : 'evaluator', comments, await deadline('revision'), at),
  );
  human(moderateUpdate, 'moderate', async (bid, actor, args, at) => model.moderated(bid, actor, args, at, args.decision === 'revisions' ? await deadline('revision') : null));
  human(declareInterestUpdate, 'declareInterest', model.interestDeclared);
  /** When a decision's dated conditions fall due: asked only of a decision that has one, so earlier histories replay as they ran. */
  const conditionSchedule = async (dueBy: (string | null)[] | undefined, decidedAt: string): Promise<model.ConditionSchedule | null> =>
    model.anyDueBy(dueBy) && patched(CONDITION_DUE_PATCH) ? acts.conditionSchedule({ dueBy, spec: policy.deadlines.conditionReminder, escalation: policy.deadlines.conditionEscalation, decidedAt }) : null;

  human(chairsActionUpdate, 'chairsAction', async (bid, actor, args, at) =>
    model.chairsActionTaken(bid, actor, args, at, args.outcome === 'not_supported' ? null : await conditionSchedule(args.conditionsDueBy, at)),
  );
  human(recordConditionMetUpdate, 'recordConditionMet', model.conditionMet);
  human(waiveConditionUpdate, 'waiveCondition', model.conditionWaived);
  human(recordBoardDecisionUpdate, 'recordBoardDecision', (bid, actor, args, at) => {
    const s = model.boardDecided(bid, actor, args, at);
    if (!patched(BOARD_NOTICE_PATCH)) return s;
    const told = {
      kind: 'bid.board_decision',
      to: { roles: ['applicant' as const], organisation: bid.bid.leadOrganisation },
      subject: `ICB Board decision on ${reference}: ${args.approved ? 'approved' : 'not approved'}`,
      body: args.reason,
    };
    return { ...s, notices: [...s.notices, told] };
  });

  onUpdate(
    rescoreUpdate,
    (args) => m.answer(async () => {
      const { before, s } = await m.exclusive(async () => {
        check('rescore', args.actor, args);
        const count = m.model.scoring.count;
        const step = model.rescoreRequested(m.model, args.actor, args);
        await record(step);
        return { before: count, s: step };
      });
      await condition(() => m.model.scoring.count > before);
      return outcome(s);
    }),
    (args) => validate('rescore', args.actor, args),
  );

  // ---------------------------------------------------------------------------------------
  // Other workflows: a meeting places the bid on its agenda and sends its decision; a round
  // sends the bid its place.

  onUpdate(
    placeOnAgendaUpdate,
    (args) =>
      m.answer(() =>
        m.exclusive(async () => {
          check('placeOnAgenda', null, args);
          await record(model.placedOnAgenda(m.model, args));
          return model.agendaPlacement(m.model, args.purpose);
        }),
      ),
    (args) => validate('placeOnAgenda', null, args),
  );

  const onSignal = <T>(what: string, transition: (bid: BidModel, payload: T, at: string) => Step<BidModel>) => (payload: T) =>
    m.exclusive(async () => {
      try {
        await record(transition(m.model, payload, now()));
      } catch (error) {
        log.error(`Could not record ${what}`, { error: String(error) });
      }
    });
  setHandler(assemblyDecisionSignal, (decision) =>
    m.exclusive(async () => {
      try {
        // Bids started before reconsideration carry no window in their policy, and none opens.
        const spec = policy.deadlines.reconsideration;
        const window =
          spec && model.opensReconsideration(m.model, decision) && patched(RECONSIDERATION_PATCH)
            ? await acts.computeDeadline({ start: decision.decidedAt, spec, reminderFraction: policy.reminderFraction })
            : null;
        const supports = decision.outcome === 'supported' || decision.outcome === 'supported_with_conditions';
        const schedule = supports ? await conditionSchedule(decision.conditionsDueBy, decision.decidedAt) : null;
        await record(model.assemblyDecided(m.model, decision, window, schedule));
      } catch (error) {
        log.error('Could not record the Assembly decision', { error: String(error) });
      }
    }),
  );
  setHandler(removedFromAgendaSignal, onSignal('the removal from an agenda', model.removedFromAgenda));
  setHandler(meetingInterestSignal, onSignal('an interest declared at a meeting', model.meetingInterestDeclared));
  setHandler(allocationProposedSignal, onSignal('a proposed allocation', model.allocationProposed));
  setHandler(allocationConfirmedSignal, onSignal('a confirmed allocation', model.allocationConfirmed));
  setHandler(allocationReleasedSignal, onSignal('a released allocation', model.allocationReleased));

  // ---------------------------------------------------------------------------------------
  // What the bid does by itself

  const work = async (w: model.BidWork) => {
    const bid = m.model;
    switch (w.kind) {
      case 'intake': {
        const missing = await acts.checkIntake(bid.bid);
        const lapse = missing.length ? await deadline('returnedLapse') : null;
        return record(model.intakeChecked(m.model, missing, lapse, now()));
      }
      case 'startReview': {
        const plan = model.reviewPlan(bid);
        const due = await deadline('hubReview');
        const evaluators = plan.keep.length
          ? plan.keep
          : await acts.assignEvaluators({
              reference,
              cycle: plan.cycle,
              count: plan.required,
              excludeOrganisations: [bid.bid.leadOrganisation, ...bid.bid.partnerOrganisations],
              excludeUserIds: bid.interests.map((i) => i.person.id),
            });
        return record(model.reviewStarted(m.model, evaluators, plan.keep.length > 0, due, now()));
      }
      case 'score': {
        const result = await acts.scoreBid({
          eventId: `${workflowId}#score${bid.scoring.count + 1}`,
          reference,
          bid: bid.bid,
          ratings: bid.review!.agreedRatings!,
          scoredAt: now(),
          ruleSet: model.scoringRuleSet(bid),
        });
        return record(model.scored(m.model, result));
      }
      case 'openChairsWindow':
        return record(model.chairsWindowOpened(m.model, await deadline('chairsAction')));
    }
  };

  if (!resumed) {
    upsertSearchAttributes([
      { key: searchAttributes.state, value: initial.state },
      { key: searchAttributes.primaryAmbition, value: initial.bid.primaryAmbition },
      { key: searchAttributes.leadOrganisation, value: initial.bid.leadOrganisation },
    ]);
  }

  for (;;) {
    const seen = m.model;
    try {
      const next = model.bidWork(seen);
      if (next) {
        await m.exclusive(() => work(next));
        continue;
      }
      if (model.bidFinished(seen)) break;
      const timer = model.nextBidTimer(seen);
      const wait = timer ? Date.parse(timer.at) - Date.now() : undefined;
      if (wait === undefined || wait > 0) {
        if (await m.wait(() => m.model !== seen, wait, resume)) continue;
      }
      if (timer) {
        await m.exclusive(async () => {
          // An action may have settled the deadline while the timer ran out.
          if (model.nextBidTimer(m.model)?.timer === timer.timer) await record(model.bidTimerFired(m.model, timer.timer));
        });
      }
    } catch (error) {
      // Only a commit the database can never take gets here: the bid stays where it was.
      log.error('The bid could not record its automatic step; it waits for the next change', { error: String(error) });
      await m.wait(() => m.model !== seen, 3_600_000, resume);
    }
  }
  await condition(allHandlersFinished);
  return m.model.state;
}
