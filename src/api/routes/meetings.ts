// CCP Assembly meetings: scheduling (admin), the agenda, attendance, interests, votes and the
// chair's decisions, each through the meeting's workflow, whose validators decide.
import { createRoute, z } from '@hono/zod-openapi';
import { getMeeting, listMeetings, recordAttendance, runMeetingAction, scheduleMeeting } from '../../services/meetings.js';
import {
  cancelMeetingUpdate,
  castVoteUpdate,
  closeAgendaUpdate,
  closeMeetingUpdate,
  declareMeetingInterestUpdate,
  openMeetingUpdate,
  reorderAgendaUpdate,
  recordDecisionUpdate,
  type MeetingStatus,
} from '../../shared.js';
import { errorResponses } from '../openapi.js';
import { bearer, newRouter } from '../router.js';
import {
  agendaOrderBody,
  attendanceBody,
  cancelBody,
  decisionBody,
  splitConditions,
  interestBody,
  meetingCreateBody,
  meetingDetailSchema,
  meetingIdParam,
  meetingItemParams,
  meetingListSchema,
  meetingStatusSchema,
  voteBody,
} from '../schemas.js';
import { body, idempotencyHeader, json } from './helpers.js';

const TAG = 'Assembly';
const statusOf = (status: MeetingStatus) => ({ ...status });
const ACTION_ERRORS = errorResponses(400, 401, 403, 404, 409, 413, 422);

function meetingAction<S extends z.ZodType>(path: string, summary: string, description: string, schema: S) {
  return createRoute({
    method: 'post',
    path: `/meetings/{meetingId}/${path}`,
    tags: [TAG],
    summary,
    description,
    security: bearer,
    request: { params: meetingIdParam, headers: idempotencyHeader, ...body(schema) },
    responses: { 200: json(meetingStatusSchema, 'The meeting after the action'), ...ACTION_ERRORS },
  });
}

function itemAction<S extends z.ZodType>(path: string, summary: string, description: string, schema: S) {
  return createRoute({
    method: 'post',
    path: `/meetings/{meetingId}/items/{itemId}/${path}`,
    tags: [TAG],
    summary,
    description,
    security: bearer,
    request: { params: meetingItemParams, headers: idempotencyHeader, ...body(schema) },
    responses: { 200: json(meetingStatusSchema, 'The meeting after the action'), ...ACTION_ERRORS },
  });
}

const empty = z.object({}).strict();

export function meetingsRouter() {
  const router = newRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/meetings',
      tags: [TAG],
      summary: 'Schedule an Assembly meeting (admin)',
      description: 'Starts the meeting\'s workflow. Its agenda closes DEADLINE_AGENDA_CLOSE (default 5 working days) before the meeting, or earlier when the chair closes it.',
      security: bearer,
      request: body(meetingCreateBody),
      responses: { 201: json(meetingStatusSchema, 'Scheduled'), ...errorResponses(400, 401, 403, 409, 413) },
    }),
    async (c) => {
      const meeting = await scheduleMeeting(c.get('deps'), c.get('user'), c.req.valid('json'));
      c.header('Location', `/meetings/${meeting.meetingId}`);
      return c.json(statusOf(meeting), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/meetings',
      tags: [TAG],
      summary: 'Assembly meetings, in date order',
      security: bearer,
      responses: { 200: json(meetingListSchema, 'The meetings'), ...errorResponses(401, 403) },
    }),
    async (c) => c.json({ items: await listMeetings(c.get('deps'), c.get('user')) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/meetings/{meetingId}',
      tags: [TAG],
      summary: 'One meeting: agenda, attendance, quorum per item, votes, decisions, and what you may do',
      security: bearer,
      request: { params: meetingIdParam },
      responses: {
        200: json(meetingDetailSchema.extend({ itemActions: z.record(z.string(), z.array(z.string())) }), 'The meeting'),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { meeting, allowedActions, itemActions } = await getMeeting(c.get('deps'), c.get('user'), c.req.valid('param').meetingId);
      return c.json({ meeting: statusOf(meeting), allowedActions, itemActions }, 200);
    },
  );

  router.openapi(meetingAction('agenda/close', 'Close the agenda now (chair or admin)', 'Places every bid awaiting the Assembly on the agenda, highest band and score first.', empty), async (c) =>
    c.json(statusOf(await runMeetingAction(c.get('deps'), c.req.valid('param').meetingId, closeAgendaUpdate, { actor: c.get('user') })), 200),
  );
  router.openapi(meetingAction('open', 'Open the meeting (chair)', 'After the agenda has closed.', empty), async (c) =>
    c.json(statusOf(await runMeetingAction(c.get('deps'), c.req.valid('param').meetingId, openMeetingUpdate, { actor: c.get('user') })), 200),
  );
  router.openapi(meetingAction('attendance', 'Record who is present (chair)', 'The whole list of members present; send it again as people arrive or leave.', attendanceBody), async (c) =>
    c.json(statusOf(await recordAttendance(c.get('deps'), c.req.valid('param').meetingId, c.get('user'), c.req.valid('json').present)), 200),
  );
  router.openapi(meetingAction('close', 'Close the meeting (chair)', 'Items without a decision are deferred to the next meeting; inquorate ones say so.', empty), async (c) =>
    c.json(statusOf(await runMeetingAction(c.get('deps'), c.req.valid('param').meetingId, closeMeetingUpdate, { actor: c.get('user') })), 200),
  );
  router.openapi(
    meetingAction(
      'agenda/order',
      'Reorder the agenda (chair or admin)',
      "After the agenda has closed, before or during the meeting: every item once, in the new order (the quorum forecast's proposed order keeps each member's conflicted items together). Items keep their ids, votes and interests; they are numbered by their new place.",
      agendaOrderBody,
    ),
    async (c) => c.json(statusOf(await runMeetingAction(c.get('deps'), c.req.valid('param').meetingId, reorderAgendaUpdate, { actor: c.get('user'), ...c.req.valid('json') })), 200),
  );
  router.openapi(meetingAction('cancel', 'Cancel the meeting (chair or admin)', 'Before it opens; its bids go to the next meeting.', cancelBody), async (c) =>
    c.json(statusOf(await runMeetingAction(c.get('deps'), c.req.valid('param').meetingId, cancelMeetingUpdate, { actor: c.get('user'), ...c.req.valid('json') })), 200),
  );
  router.openapi(itemAction('interests', 'Declare an interest in an agenda item', 'A member declares an interest; they can then neither vote on the item nor count towards its quorum.', interestBody), async (c) => {
    const { meetingId, itemId } = c.req.valid('param');
    return c.json(statusOf(await runMeetingAction(c.get('deps'), meetingId, declareMeetingInterestUpdate, { actor: c.get('user'), itemId, ...c.req.valid('json') })), 200);
  });
  router.openapi(itemAction('votes', 'Vote on an agenda item', 'Support, not support or abstain; a member present and without a conflict. A later vote replaces an earlier one.', voteBody), async (c) => {
    const { meetingId, itemId } = c.req.valid('param');
    return c.json(statusOf(await runMeetingAction(c.get('deps'), meetingId, castVoteUpdate, { actor: c.get('user'), itemId, ...c.req.valid('json') })), 200);
  });
  router.openapi(
    itemAction(
      'decision',
      "Record the chair's decision on an item",
      'Supported (with conditions), deferred or not supported; for a ratification, ratified or not. Anything but a deferral needs quorum. ' +
        'A condition is its words, or `{ "text", "dueBy": "YYYY-MM-DD" }`: then the programme team and the hub are reminded DEADLINE_CONDITION_REMINDER before the day and told on it, and the Assembly chair DEADLINE_CONDITION_ESCALATION after it, until the hub lead records it met or the chair waives it.',
      decisionBody,
    ),
    async (c) => {
      const { meetingId, itemId } = c.req.valid('param');
      const { conditions, ...decision } = c.req.valid('json');
      return c.json(statusOf(await runMeetingAction(c.get('deps'), meetingId, recordDecisionUpdate, { actor: c.get('user'), itemId, ...decision, ...splitConditions(conditions) })), 200);
    },
  );

  return router;
}
