// Before a meeting: members reply attending, apologies or maybe (each reply on the trail), and
// the hub sees a forecast of quorum per item with a proposed order that groups each member's
// conflicted items (src/model/agenda-forecast.ts). Until the agenda closes the items are the bids
// that would be placed now, with the membership as the agenda would load it.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { agendaCandidates, membership } from '../activities/meetings.js';
import { appendEvents } from '../activities/trail.js';
import { ApiError } from '../api/errors.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { bidDocument, bids, meetingAttendanceReplies, meetings } from '../db/schema.js';
import { londonDay } from '../domain/calendar.js';
import { freeText } from '../domain/text.js';
import { lifecyclePolicy } from '../config/policy.js';
import { ATTENDANCE_REPLIES, forecastAgenda, type AgendaForecast, type AttendanceReply, type ForecastInputItem } from '../model/agenda-forecast.js';
import { itemsOf, VOTING_ROLES, type MeetingModel } from '../model/meeting.js';
import type { Actor, Interest, MeetingState } from '../shared.js';

type Deps = { db: Db; config: Config };

export const attendanceReplySchema = z
  .object({
    reply: z.enum(ATTENDANCE_REPLIES, { error: `must be one of ${ATTENDANCE_REPLIES.join(', ')}` }),
    note: freeText(0, 500).optional(),
  })
  .strict();

/** Replies are taken until the meeting opens: after that the chair records who is present. */
const REPLYING_STATES: MeetingState[] = ['SCHEDULED', 'AGENDA_CLOSED'];
const FORECAST_READERS = ['assembly_chair', 'hub_lead', 'admin'];

async function meetingRow(db: Db, meetingId: string) {
  const [row] = await db.select().from(meetings).where(eq(meetings.id, meetingId)).limit(1);
  if (!row) throw new ApiError(404, 'not_found', `Meeting ${meetingId} was not found`);
  return row;
}

export interface AttendanceAnswer {
  meetingId: string;
  personId: string;
  reply: AttendanceReply;
  note: string | null;
  repliedAt: string;
}

/** A member of the Assembly replies for themself; a later reply replaces an earlier one. */
export async function replyAttendance(deps: Deps, user: Actor, meetingId: string, input: z.infer<typeof attendanceReplySchema>, now = new Date()): Promise<AttendanceAnswer> {
  if (!user.roles.some((r) => VOTING_ROLES.includes(r))) throw new ApiError(403, 'forbidden', 'Only members of the CCP Assembly reply to a meeting', { rule: 'role' });
  const row = await meetingRow(deps.db, meetingId);
  if (!REPLYING_STATES.includes(row.state)) {
    throw new ApiError(409, 'wrong_state', `The meeting is ${row.state}; replies are taken until it opens (it must be ${REPLYING_STATES.join(' or ')})`, { rule: 'state' });
  }
  const reply = { meetingId, personId: user.id, reply: input.reply, note: input.note?.trim() || null, repliedAt: now };
  await deps.db.transaction(async (tx) => {
    await appendEvents(tx, 'attendance', `attendance-${meetingId}`, [
      {
        eventId: `attendance:${meetingId}:${user.id}:${now.toISOString()}:${input.reply}`,
        occurredAt: now.toISOString(),
        actorId: user.id,
        actorRole: user.roles.includes('assembly_chair') ? 'assembly_chair' : 'assembly_member',
        action: 'meeting.attendance_replied',
        payload: { meetingId, reply: input.reply, ...(reply.note && { note: reply.note }) },
      },
    ], deps.config.TRAIL_SEAL_KEY);
    await tx
      .insert(meetingAttendanceReplies)
      .values(reply)
      .onConflictDoUpdate({ target: [meetingAttendanceReplies.meetingId, meetingAttendanceReplies.personId], set: { reply: reply.reply, note: reply.note, repliedAt: reply.repliedAt } });
  });
  return { ...reply, repliedAt: now.toISOString() };
}

export async function attendanceReplies(db: Db, meetingId: string): Promise<Record<string, AttendanceReply>> {
  const rows = await db.select().from(meetingAttendanceReplies).where(eq(meetingAttendanceReplies.meetingId, meetingId));
  return Object.fromEntries(rows.map((r) => [r.personId, r.reply]));
}

export type MeetingForecast = AgendaForecast & { meetingId: string; state: MeetingState; basis: 'agenda' | 'bids_awaiting_the_assembly'; on: string };

/**
 * The forecast for a meeting that has not opened: from its agenda once closed, else from the bids
 * that would be placed now. The chair, the hub lead and the admin read it.
 */
export async function meetingForecast(deps: Deps, user: Actor, meetingId: string): Promise<MeetingForecast> {
  if (!user.roles.some((r) => FORECAST_READERS.includes(r))) throw new ApiError(403, 'forbidden', 'Only the chair, the hub lead and the admin see the quorum forecast', { rule: 'role' });
  const row = await meetingRow(deps.db, meetingId);
  const model = row.model as MeetingModel | null;
  const on = londonDay(row.scheduledFor);
  const replies = await attendanceReplies(deps.db, meetingId);
  const rule = model?.policy.quorum ?? lifecyclePolicy(deps.config).quorum;
  if (model && model.state !== 'SCHEDULED') {
    const items = itemsOf(model).filter((i) => !i.decision && !i.withdrawn);
    return { meetingId, state: row.state, basis: 'agenda', on, ...forecastAgenda({ members: model.members, replies, rule, items }) };
  }
  const candidates = await agendaCandidates(deps.db, meetingId);
  const refs = candidates.map((c) => c.reference);
  const found = refs.length
    ? await deps.db
        .select({ reference: bids.reference, title: bids.title, leadOrganisation: bids.leadOrganisation, partnerOrganisations: bids.partnerOrganisations, interests: sql<Interest[] | null>`${bidDocument} -> 'interests'` })
        .from(bids)
        .where(and(inArray(bids.reference, refs)))
    : [];
  const byRef = new Map(found.map((b) => [b.reference, b]));
  const items: ForecastInputItem[] = refs.flatMap((r) => {
    const b = byRef.get(r);
    return b ? [{ reference: b.reference, title: b.title, leadOrganisation: b.leadOrganisation, partnerOrganisations: b.partnerOrganisations, interests: b.interests ?? [] }] : [];
  });
  return { meetingId, state: row.state, basis: 'bids_awaiting_the_assembly', on, ...forecastAgenda({ members: await membership(deps.db, on), replies, rule, items }) };
}
