// Activities of the Assembly meeting: its membership, its agenda (each bid placed through its
// own workflow's validated update) and its trail and read model.
import { sendUpdate } from '../services/updates.js';
import type { Client } from '@temporalio/client';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { bids, meetings, users, bidDocument } from '../db/schema.js';
import type { TrailEventInput } from '../domain/trail.js';
import type { Profession, Role } from '../domain/vocabulary.js';
import { bidWorkflowId, placeOnAgendaUpdate, type AgendaPlacement, type Member, type MeetingState } from '../shared.js';
import { appendEvents } from './trail.js';
import { londonDay } from '../domain/calendar.js';
import { currentInterests } from '../services/interests.js';

export interface RecordMeetingEventsInput {
  meetingId: string;
  events: TrailEventInput[];
  /** Item events that also belong on a bid's own trail. */
  bidEvents: { reference: string; event: TrailEventInput }[];
  projection: {
    version: number;
    title: string;
    state: MeetingState;
    scheduledFor: string;
    agendaClosesAt: string;
    status: Record<string, unknown>;
    updatedAt: string;
  };
}

/** Agenda order: ratifications of chair's action first, then the highest band and score. */
const BAND_ORDER = sql`case ${bids.band} when 'high' then 0 when 'medium' then 1 when 'low' then 2 when 'not_support' then 3 else 4 end`;

/** The bids this meeting's agenda would list now, in agenda order: ratifications of chair's action, then decisions by band and score. */
export async function agendaCandidates(db: Db, meetingId: string): Promise<{ reference: string; purpose: 'decision' | 'ratification' }[]> {
  const free = sql`coalesce(${bidDocument} -> 'assembly' ->> 'meetingId', ${meetingId}) = ${meetingId}`;
  const ratifications = await db
    .select({ reference: bids.reference })
    .from(bids)
    .where(and(free, sql`${bidDocument} -> 'assembly' ->> 'ratification' = 'pending'`))
    .orderBy(asc(bids.reference));
  const decisions = await db
    .select({ reference: bids.reference })
    .from(bids)
    .where(and(eq(bids.state, 'AWAITING_ASSEMBLY'), free, isNull(sql`${bidDocument} -> 'assembly' -> 'chairsAction'`)))
    .orderBy(BAND_ORDER, sql`${bids.benefitScore} desc nulls last`, asc(bids.reference));

  return [
    ...ratifications.map((r) => ({ ...r, purpose: 'ratification' as const })),
    ...decisions.map((r) => ({ ...r, purpose: 'decision' as const })),
  ];
}

/** Active members of the Assembly, with their interests current on `day`. */
export async function membership(db: Db, day: string): Promise<Member[]> {
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.active, true), sql`${users.roles} && array['assembly_member','assembly_chair']::text[]`))
    .orderBy(asc(users.id));
  const interests = await currentInterests(db, rows.map((u) => u.id), day);
  return rows.map((u) => {
    const theirs = interests.get(u.id);
    return { id: u.id, name: u.name, organisation: u.organisation, profession: (u.profession as Profession | null) ?? null, roles: u.roles as Role[], ...(theirs && { interests: theirs }) };
  });
}

export function createMeetingActivities({ db, config, temporal }: { db: Db; config: Pick<Config, 'TRAIL_SEAL_KEY'>; temporal?: { client: Client } }) {
  return {
    /**
     * The voting membership, each with the register's interests current on the meeting's day
     * (`on`; today when a caller gives none), so conflicts and quorum apply them.
     */
    async loadMembership(input?: { on?: string }): Promise<Member[]> {
      return membership(db, input?.on ? londonDay(new Date(input.on)) : londonDay(new Date()));
    },

    /**
     * Puts every bid that waits for the Assembly on this meeting's agenda, in agenda order.
     * Each bid's workflow validates its own placement, ten at a time. A retried attempt asks the
     * bids it placed already again, and they answer as before.
     */
    async prepareAgenda({ meetingId, meetingTitle }: { meetingId: string; meetingTitle: string }): Promise<AgendaPlacement[]> {
      if (!temporal) throw new Error('prepareAgenda needs a Temporal client');
      const candidates = await agendaCandidates(db, meetingId);
      const place = async ({ reference, purpose }: (typeof candidates)[number]): Promise<AgendaPlacement | null> => {
        try {
          return await sendUpdate(temporal.client.workflow.getHandle(bidWorkflowId(reference)), placeOnAgendaUpdate, { meetingId, meetingTitle, purpose }, `agenda:${meetingId}:${reference}:${purpose}`);
        } catch {
          // The bid moved on (withdrawn, decided by chair's action, on another agenda): not this meeting's.
          return null;
        }
      };
      const placed: AgendaPlacement[] = [];
      for (let i = 0; i < candidates.length; i += 10) {
        for (const p of await Promise.all(candidates.slice(i, i + 10).map(place))) if (p) placed.push(p);
      }
      return placed;
    },

    async recordMeetingEvents(input: RecordMeetingEventsInput): Promise<void> {
      await db.transaction(async (tx) => {
        await appendEvents(tx, 'meeting', input.meetingId, input.events, config.TRAIL_SEAL_KEY);
        for (const { reference, event } of input.bidEvents) await appendEvents(tx, 'bid', reference, [event], config.TRAIL_SEAL_KEY);
        const p = input.projection;
        const row = {
          title: p.title,
          state: p.state,
          scheduledFor: new Date(p.scheduledFor),
          agendaClosesAt: new Date(p.agendaClosesAt),
          status: p.status,
          updatedAt: new Date(p.updatedAt),
          projectionVersion: p.version,
        };
        await tx
          .insert(meetings)
          .values({ id: input.meetingId, ...row })
          .onConflictDoUpdate({ target: meetings.id, set: row, setWhere: sql`${meetings.projectionVersion} < excluded.projection_version` });
      });
    },
  };
}
