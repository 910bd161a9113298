// Assembly meetings for the API and the web pages: schedule one (its workflow), list and read
// them, and run the members' and the chair's actions through the meeting's workflow.
import { acting, toActor } from './auth.js';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { asc, eq } from 'drizzle-orm';
import { ApiError } from '../api/errors.js';
import { refusalToApiError } from '../api/refusals.js';
import type { Config } from '../config.js';
import { meetings } from '../db/schema.js';
import { agendaClosesAt, londonDay } from '../domain/calendar.js';
import {
  MEETING_ACTIONS,
  meetingAllowedActionsQuery,
  meetingStatusQuery,
  meetingWorkflowId,
  type Actor,
  type MeetingAction,
  type MeetingStatus,
  type MeetingWorkflowInput,
} from '../shared.js';
import type { ServiceDeps } from './bids.js';
import { firstRecord } from './records.js';

export type MeetingDeps = ServiceDeps & { config: Pick<Config, 'REFERENCE_PREFIX' | 'DEADLINE_AGENDA_CLOSE' | 'EXTRA_BANK_HOLIDAYS'> };

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
    version: 1,
    meetingId,
    title: input.title ?? `CCP Assembly, ${when.toLocaleDateString('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' })}`,
    scheduledFor: when.toISOString(),
    agendaClosesAt: new Date(Math.max(closes.getTime(), now.getTime())).toISOString(),
    createdBy: toActor(user),
  };
  try {
    await deps.temporal.client.workflow.start('meetingWorkflow', {
      workflowId: meetingWorkflowId(meetingId),
      taskQueue: deps.temporal.taskQueue,
      args: [args],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new ApiError(409, 'meeting_exists', `Meeting ${meetingId} exists already`);
    throw error;
  }
  // Answer once the workflow has recorded itself, so a list shows the meeting at once.
  const recorded = await firstRecord(async () => (await deps.db.select({ status: meetings.status }).from(meetings).where(eq(meetings.id, meetingId)).limit(1))[0]);
  return recorded ? (recorded.status as MeetingStatus) : deps.temporal.client.workflow.getHandle(meetingWorkflowId(meetingId)).query(meetingStatusQuery);
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
    items: ((m.status as Partial<MeetingStatus>).items ?? []).length,
  }));
}

export async function getMeeting(deps: MeetingDeps, user: Actor, meetingId: string): Promise<{ meeting: MeetingStatus; allowedActions: MeetingAction[]; itemActions: Record<string, MeetingAction[]> }> {
  needMeetingReader(user);
  const [row] = await deps.db.select().from(meetings).where(eq(meetings.id, meetingId)).limit(1);
  if (!row) throw new ApiError(404, 'not_found', `Meeting ${meetingId} was not found`);
  const meeting = row.status as MeetingStatus;
  const handle = deps.temporal.client.workflow.getHandle(meetingWorkflowId(meetingId));
  const ask = async (itemId?: string): Promise<MeetingAction[]> => {
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

export async function runMeetingAction<Args>(deps: MeetingDeps, meetingId: string, definition: UpdateDefinition<MeetingStatus, [Args]>, args: Args): Promise<MeetingStatus> {
  try {
    return await deps.temporal.client.workflow.getHandle(meetingWorkflowId(meetingId)).executeUpdate(definition, { args: [acting(args)] });
  } catch (error) {
    throw refusalToApiError(error, `Meeting ${meetingId}`);
  }
}
