// Assembly meetings for the API and the web pages: schedule one (its workflow), list and read
// them, and run the members' and the chair's actions through the meeting's workflow.
import { elapsedMs } from '../config.js';
import { actionUpdateId, sendUpdate } from './updates.js';
import { acting, toActor } from './auth.js';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { asc, eq } from 'drizzle-orm';
import { ApiError } from '../api/errors.js';
import { refusalToApiError } from '../api/refusals.js';
import type { Config } from '../config.js';
import { meetings } from '../db/schema.js';
import { lifecyclePolicy } from '../config/policy.js';
import { agendaClosesAt, londonDay } from '../domain/calendar.js';
import { meetingActionsFor, meetingStatusView, type MeetingModel } from '../model/meeting.js';
import { unheldInterests } from '../model/register.js';
import {
  MEETING_ACTIONS,
  meetingAllowedActionsQuery,
  meetingStatusQuery,
  meetingWorkflowId,
  recordAttendanceUpdate,
  WORKFLOW_TYPES,
  type Actor,
  type MeetingAction,
  type MeetingStatus,
  type MeetingWorkflowInput,
} from '../shared.js';
import type { ServiceDeps } from './bids.js';
import { currentInterests } from './interests.js';
import { firstRecord } from './records.js';

export type MeetingDeps = ServiceDeps & { config: Config };

const MEETING_READERS = ['assembly_member', 'assembly_chair', 'admin', 'finance'];

export function canSeeMeetings(user: Actor): boolean {
  return user.roles.some((r) => MEETING_READERS.includes(r));
}

function needMeetingReader(user: Actor): void {
  if (!canSeeMeetings(user)) throw new ApiError(403, 'forbidden', 'Only the Assembly, finance and the admin see Assembly meetings', { rule: 'role' });
}

export async function scheduleMeeting(
  deps: MeetingDeps,
  user: Actor,
  input: { meetingId?: string; title?: string; scheduledFor: string },
  now = new Date(),
): Promise<MeetingStatus> {
  if (!user.roles.includes('admin')) throw new ApiError(403, 'forbidden', 'Only the admin schedules Assembly meetings', { rule: 'role' });
  const when = new Date(input.scheduledFor);
  if (when.getTime() <= now.getTime()) {
    throw new ApiError(400, 'validation_failed', 'The request is not valid: scheduledFor', [{ field: 'scheduledFor', rule: 'future', message: 'must be in the future' }]);
  }
  const day = londonDay(when);
  const meetingId = input.meetingId ?? `ccpa-${day}`;
  const closes = agendaClosesAt(when, deps.config.DEADLINE_AGENDA_CLOSE, deps.config.EXTRA_BANK_HOLIDAYS);
  const args: MeetingWorkflowInput = {
    version: 2,
    start: {
      meetingId,
      title: input.title ?? `CCP Assembly, ${when.toLocaleDateString('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' })}`,
      scheduledFor: when.toISOString(),
      agendaClosesAt: new Date(Math.max(closes.getTime(), now.getTime())).toISOString(),
      createdBy: toActor(user),
      policy: lifecyclePolicy(deps.config),
    },
  };
  try {
    await deps.temporal.client.connection.withDeadline(Date.now() + elapsedMs(deps.config.DEPENDENCY_TIMEOUT), () => deps.temporal.client.workflow.start(WORKFLOW_TYPES.meeting, {
      workflowId: meetingWorkflowId(meetingId),
      taskQueue: deps.temporal.taskQueue,
      args: [args],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    }));
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new ApiError(409, 'meeting_exists', `Meeting ${meetingId} exists already`);
    throw error;
  }
  // Answer once the workflow has recorded itself, so a list shows the meeting at once.
  const recorded = await firstRecord(async () => (await deps.db.select({ model: meetings.model, status: meetings.status }).from(meetings).where(eq(meetings.id, meetingId)).limit(1))[0]);
  return recorded ? meetingStatusOf(recorded) : deps.temporal.client.workflow.getHandle(meetingWorkflowId(meetingId)).query(meetingStatusQuery);
}

/** The meeting as people see it: from its workflow's model, or as a first-version workflow reported it. */
export function meetingStatusOf(row: { model: unknown; status: unknown }): MeetingStatus {
  return row.model ? meetingStatusView(row.model as MeetingModel) : (row.status as MeetingStatus);
}

export async function listMeetings(deps: MeetingDeps, user: Actor) {
  needMeetingReader(user);
  const rows = await deps.db.select().from(meetings).orderBy(asc(meetings.scheduledFor));
  return rows.map((m) => ({
    meetingId: m.id,
    title: m.title,
    state: m.state,
    scheduledFor: m.scheduledFor.toISOString(),
    agendaClosesAt: m.agendaClosesAt.toISOString(),
    items: m.model ? m.items : ((m.status as Partial<MeetingStatus>).items ?? []).length,
  }));
}

export async function getMeeting(deps: MeetingDeps, user: Actor, meetingId: string): Promise<{ meeting: MeetingStatus; allowedActions: MeetingAction[]; itemActions: Record<string, MeetingAction[]> }> {
  needMeetingReader(user);
  const [row] = await deps.db.select().from(meetings).where(eq(meetings.id, meetingId)).limit(1);
  if (!row) throw new ApiError(404, 'not_found', `Meeting ${meetingId} was not found`);
  if (row.model) {
    // One read: the meeting and what this person may do on each item, from the same model.
    const model = row.model as MeetingModel;
    return { meeting: meetingStatusView(model), ...meetingActionsFor(model, user) };
  }
  // A first-version meeting: a closed or cancelled one takes no actions; an open one is asked.
  const meeting = row.status as MeetingStatus;
  const finished = meeting.state === 'CLOSED' || meeting.state === 'CANCELLED';
  const handle = deps.temporal.client.workflow.getHandle(meetingWorkflowId(meetingId));
  const ask = async (itemId?: string): Promise<MeetingAction[]> => {
    if (finished) return [];
    try {
      return await handle.query(meetingAllowedActionsQuery, user, itemId);
    } catch {
      return [];
    }
  };
  const itemActions: Record<string, MeetingAction[]> = {};
  for (const item of meeting.items ?? []) itemActions[item.itemId] = await ask(item.itemId);
  const allowedActions = (await ask()).filter((a) => MEETING_ACTIONS.includes(a) && !['castVote', 'recordDecision', 'declareMeetingInterest'].includes(a));
  return { meeting, allowedActions, itemActions };
}

/** Runs an action through the meeting's workflow, and answers with the meeting as recorded. */
export async function runMeetingAction<Ret, Args>(
  deps: MeetingDeps,
  meetingId: string,
  definition: UpdateDefinition<Ret, [Args]>,
  args: Args,
  /** What the service adds to the person's request (read from the database): not part of what a retry must repeat. */
  attached: Partial<Args> = {},
): Promise<MeetingStatus> {
  try {
    const actor = (args as { actor?: Actor }).actor;
    const updateId = actor ? await actionUpdateId(deps.db, actor.id, `meeting:${meetingId}`, definition.name, args) : undefined;
    await sendUpdate(deps.temporal.client.workflow.getHandle(meetingWorkflowId(meetingId)), definition, acting({ ...args, ...attached }), { updateId, timeoutMs: elapsedMs(deps.config.ACTION_TIMEOUT) });
  } catch (error) {
    throw refusalToApiError(error, `Meeting ${meetingId}`);
  }
  const [row] = await deps.db.select({ model: meetings.model, status: meetings.status }).from(meetings).where(eq(meetings.id, meetingId)).limit(1);
  return meetingStatusOf(row!);
}

/**
 * The chair records who is present, with the register's interests current on the meeting's day
 * that the meeting does not hold yet (read here: the workflow does no I/O for a human action), so
 * quorum counts an interest registered since the agenda closed. Only those members' interests go
 * with it, and they are not part of the request a retry repeats.
 */
export async function recordAttendance(deps: MeetingDeps, meetingId: string, actor: Actor, present: string[]): Promise<MeetingStatus> {
  const [row] = await deps.db.select({ scheduledFor: meetings.scheduledFor, model: meetings.model }).from(meetings).where(eq(meetings.id, meetingId)).limit(1);
  const members = (row?.model as MeetingModel | null)?.members ?? [];
  const current = await currentInterests(deps.db, members.map((m) => m.id), londonDay(row?.scheduledFor ?? new Date()));
  const registered = Object.fromEntries(
    members.flatMap((m) => {
      const theirs = current.get(m.id) ?? [];
      return unheldInterests(m.interests, theirs).length ? [[m.id, theirs]] : [];
    }),
  );
  return runMeetingAction(deps, meetingId, recordAttendanceUpdate, { actor, present }, Object.keys(registered).length ? { registered } : {});
}
