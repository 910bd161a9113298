// One workflow per CCP Assembly meeting, id `meeting-<id>`: the wiring only. The meeting's
// model, its action table and quorum are in src/model/meeting.ts. The agenda closes at its time
// (or when the chair asks); each action is committed before the model takes it, with only what
// changed, so a meeting of hundreds of items keeps a small history per vote.
import { allHandlersFinished, condition, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import * as model from '../model/meeting.js';
import type { MeetingActionArgs, MeetingModel } from '../model/meeting.js';
import type { Step } from '../model/step.js';
import {
  bidInterestSignal,
  cancelMeetingUpdate,
  reorderAgendaUpdate,
  castVoteUpdate,
  closeAgendaUpdate,
  closeMeetingUpdate,
  declareMeetingInterestUpdate,
  itemWithdrawnSignal,
  meetingAllowedActionsQuery,
  meetingStatusQuery,
  openMeetingUpdate,
  recordAttendanceUpdate,
  recordDecisionUpdate,
  type ActionOutcome,
  type Actor,
  type MeetingAction,
  type MeetingState,
  type MeetingWorkflowInput,
} from '../shared.js';
import { FRESH, machine, now, onUpdate, refuseIf } from './machine.js';

export async function meetingWorkflowV2(input: MeetingWorkflowInput): Promise<MeetingState> {
  const resumed = 'resume' in input;
  const initial = resumed ? input.resume.model : model.newMeeting(input.start);
  const { meetingId, policy } = initial;
  const acts = proxyActivities<Activities>({
    startToCloseTimeout: policy.activityTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const m = machine<MeetingModel>({
    streamType: 'meeting',
    streamId: meetingId,
    model: initial,
    recorder: resumed ? input.resume.recorder : FRESH,
    commit: acts.commit,
    summary: model.meetingSummary,
    about: { reference: null, meetingId },
    historyLimit: policy.historyLimit,
  });
  const resume = (meeting: MeetingModel, recorder: typeof FRESH): MeetingWorkflowInput => ({ version: 2, resume: { model: meeting, recorder } });
  const outcome = (s: Step<MeetingModel>): ActionOutcome => ({ state: m.model.state, version: m.recorder.version, recorded: s.events.map((e) => e.action) });
  const check = <A extends MeetingAction>(action: A, actor: Actor, args: MeetingActionArgs[A]) => refuseIf(model.checkMeetingAction(m.model, action, actor, args));
  const validate = <A extends MeetingAction>(action: A, actor: Actor, args: MeetingActionArgs[A]) => refuseIf(m.admits((x) => model.checkMeetingAction(x, action, actor, args)));

  function human<A extends MeetingAction, Args extends { actor: Actor }>(
    definition: UpdateDefinition<ActionOutcome, [Args]>,
    action: A,
    transition: (meeting: MeetingModel, actor: Actor, args: Args, at: string) => Step<MeetingModel>,
  ) {
    onUpdate(
      definition,
      (args) =>
        m.answer(() =>
          m.exclusive(async () => {
            check(action, args.actor, args as unknown as MeetingActionArgs[A]);
            const s = transition(m.model, args.actor, args, now());
            await m.record(s);
            return outcome(s);
          }),
        ),
      (args) => validate(action, args.actor, args as unknown as MeetingActionArgs[A]),
    );
  }

  setHandler(meetingStatusQuery, () => model.meetingStatusView(m.model));
  setHandler(meetingAllowedActionsQuery, (actor: Actor, itemId: string | undefined) => {
    const { allowedActions, itemActions } = model.meetingActionsFor(m.model, actor);
    return itemId ? (itemActions[itemId] ?? []) : allowedActions;
  });

  onUpdate(
    closeAgendaUpdate,
    (args) => m.answer(async () => {
      await m.exclusive(() => {
        check('closeAgenda', args.actor, {});
        m.keep(model.agendaRequested(m.model));
      });
      await condition(() => m.model.state !== 'SCHEDULED');
      return { state: m.model.state, version: m.recorder.version, recorded: ['meeting.agenda_closed'] };
    }),
    (args) => validate('closeAgenda', args.actor, {}),
  );
  human(openMeetingUpdate, 'openMeeting', (meeting, actor, _args, at) => model.opened(meeting, actor, at));
  human(recordAttendanceUpdate, 'recordAttendance', model.attendanceRecorded);
  human(declareMeetingInterestUpdate, 'declareMeetingInterest', model.meetingInterestDeclared);
  human(castVoteUpdate, 'castVote', model.voteCast);
  human(recordDecisionUpdate, 'recordDecision', model.decisionRecorded);
  human(closeMeetingUpdate, 'closeMeeting', (meeting, actor, _args, at) => model.closed(meeting, actor, at));
  human(cancelMeetingUpdate, 'cancelMeeting', model.cancelled);
  human(reorderAgendaUpdate, 'reorderAgenda', (meeting, actor, args) => model.agendaReordered(meeting, actor, args));

  const onSignal = <T>(what: string, transition: (meeting: MeetingModel, payload: T, at: string) => Step<MeetingModel>) => (payload: T) =>
    m.exclusive(async () => {
      try {
        await m.record(transition(m.model, payload, now()));
      } catch (error) {
        log.error(`Could not record ${what}`, { error: String(error) });
      }
    });
  setHandler(itemWithdrawnSignal, onSignal<{ reference: string }>('a withdrawn item', (meeting, { reference }) => model.itemWithdrawn(meeting, reference)));
  setHandler(bidInterestSignal, onSignal('an interest declared on a bid', model.bidInterestDeclared));

  // ---------------------------------------------------------------------------------------

  if (!resumed) await m.exclusive(() => m.record(model.scheduled(m.model)));

  // The agenda closes at its time, or when the chair or admin asks.
  while (m.model.state === 'SCHEDULED') {
    const wait = Date.parse(m.model.agendaClosesAt) - Date.now();
    if (!m.model.agendaRequested && wait > 0 && !(await m.wait(() => m.model.agendaRequested || m.model.state !== 'SCHEDULED', wait, resume))) continue;
    if (m.model.state !== 'SCHEDULED') break;
    await m.exclusive(async () => {
      if (m.model.state !== 'SCHEDULED') return;
      // The register's interests current on the meeting's day come with each member.
      const members = await acts.loadMembership({ on: m.model.scheduledFor });
      const placements = await acts.prepareAgenda({ meetingId, meetingTitle: m.model.title });
      await m.record(model.agendaClosed(m.model, members, placements));
    });
  }
  while (!model.meetingFinished(m.model)) await m.wait(() => model.meetingFinished(m.model), undefined, resume);
  await condition(allHandlersFinished);
  return m.model.state;
}
