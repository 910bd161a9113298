// Publication packs, as an ICB's publication scheme asks: per meeting and per funding round, the
// decisions with their reasons, the money, and the interests declared — with the personal data of
// applicants' staff left out (no contacts, no applicant names; organisations only). CSV and JSON.
import { stringify } from 'csv-stringify/sync';
import { and, eq, inArray } from 'drizzle-orm';
import { bids, roundAllocations, users } from '../db/schema.js';
import type { AllocationResult } from '../domain/allocation.js';
import { conditionsWithDueDays } from '../domain/trail-words.js';
import type { Actor, Interest } from '../shared.js';
import type { ServiceDeps } from './bids.js';
import { getMeeting, type MeetingDeps } from './meetings.js';
import { getRound } from './rounds.js';

export interface PublishedInterest {
  name: string;
  organisation: string;
  nature: string;
  declared: 'on the bid' | 'at the meeting';
}

/** Interests as published: a programme team member's (an applicant's staff) is left out. */
async function publishable(deps: ServiceDeps, interests: Interest[]): Promise<PublishedInterest[]> {
  const ids = [...new Set(interests.map((i) => i.person.id))];
  const people = ids.length ? await deps.db.select({ id: users.id, roles: users.roles }).from(users).where(inArray(users.id, ids)) : [];
  const applicantOnly = new Set(people.filter((p) => p.roles.every((r) => r === 'applicant')).map((p) => p.id));
  return interests
    .filter((i) => !applicantOnly.has(i.person.id))
    .map((i) => ({ name: i.person.name, organisation: i.person.organisation, nature: i.nature, declared: i.where === 'bid' ? 'on the bid' : 'at the meeting' }));
}

const interestWords = (list: PublishedInterest[]) => list.map((i) => `${i.name} (${i.organisation}), ${i.declared}: ${i.nature}`).join('; ');

export interface PublishedRoundDecision {
  reference: string;
  title: string;
  leadOrganisation: string;
  rank: number;
  outcome: 'funded' | 'waitlisted';
  reason: string;
  override: { direction: 'fund' | 'waitlist'; reason: string; by: string; role: string } | null;
  roundCostPence: number | null;
  totalCostPence: number | null;
  interests: PublishedInterest[];
}

export async function roundPublication(deps: ServiceDeps, user: Actor, roundId: string) {
  const { round } = await getRound(deps, user, roundId);
  const version = round.confirmed?.version ?? round.proposal?.version ?? null;
  const [stored] = version === null ? [] : await deps.db.select().from(roundAllocations).where(and(eq(roundAllocations.roundId, roundId), eq(roundAllocations.version, version)));
  const result = stored?.result as AllocationResult | undefined;
  const places = round.proposal?.places ?? [];
  const references = places.map((p) => p.reference);
  const rows = references.length ? await deps.db.select({ reference: bids.reference, title: bids.title, leadOrganisation: bids.leadOrganisation, model: bids.model, status: bids.status }).from(bids).where(inArray(bids.reference, references)) : [];
  const byReference = new Map(rows.map((r) => [r.reference, r]));
  const decisions: PublishedRoundDecision[] = [];
  for (const place of places) {
    const row = byReference.get(place.reference);
    const entry = result?.ranking.find((r) => r.reference === place.reference);
    const override = round.overrides?.find((o) => o.reference === place.reference);
    const interests = ((row?.model ?? row?.status) as { interests?: Interest[] } | undefined)?.interests ?? [];
    decisions.push({
      reference: place.reference,
      title: row?.title ?? '',
      leadOrganisation: row?.leadOrganisation ?? '',
      rank: place.rank,
      outcome: place.outcome,
      reason: place.reason,
      override: override ? { direction: override.direction, reason: override.reason, by: override.by.name, role: override.role } : null,
      roundCostPence: entry?.roundCostPence ?? null,
      totalCostPence: entry?.totalCostPence ?? null,
      interests: await publishable(deps, interests),
    });
  }
  return {
    round: { roundId: round.roundId, title: round.title, financialYear: round.financialYear, envelopePence: round.envelopePence, state: round.state },
    version,
    confirmed: round.confirmed ? { version: round.confirmed.version, at: round.confirmed.at, by: round.confirmed.by.name } : null,
    moneyCommittedPence: round.confirmed ? places.filter((p) => p.outcome === 'funded').reduce((sum, p) => sum + (decisions.find((d) => d.reference === p.reference)?.roundCostPence ?? 0), 0) : 0,
    envelopes: round.proposal?.envelopes ?? [],
    decisions,
  };
}

export type RoundPublication = Awaited<ReturnType<typeof roundPublication>>;

export function roundPublicationCsv(pack: RoundPublication): string {
  const head = ['round', 'financial_year', 'version', 'confirmed_at', 'reference', 'title', 'lead_organisation', 'rank', 'outcome', 'reason', 'override_reason', 'override_by', 'round_cost_pence', 'whole_life_cost_pence', 'interests_declared'];
  return stringify(
    [
      head,
      ...pack.decisions.map((d) => [
        pack.round.title,
        pack.round.financialYear,
        pack.version ?? '',
        pack.confirmed?.at ?? '',
        d.reference,
        d.title,
        d.leadOrganisation,
        d.rank,
        d.outcome,
        d.reason,
        d.override?.reason ?? '',
        d.override ? `${d.override.by} (${d.override.role})` : '',
        d.roundCostPence ?? '',
        d.totalCostPence ?? '',
        interestWords(d.interests),
      ]),
    ],
    { escape_formulas: true },
  );
}

export async function meetingPublication(deps: MeetingDeps, user: Actor, meetingId: string) {
  const { meeting } = await getMeeting(deps, user, meetingId);
  const items = [];
  for (const item of [...meeting.items].sort((a, b) => a.position - b.position)) {
    items.push({
      itemId: item.itemId,
      position: item.position,
      reference: item.reference,
      title: item.title,
      leadOrganisation: item.leadOrganisation,
      purpose: item.purpose,
      totalPence: item.totalPence,
      withdrawn: item.withdrawn ?? false,
      outcome: item.decision?.outcome ?? null,
      conditions: item.decision?.conditions ?? [],
      /** Each condition's due day (YYYY-MM-DD) or null, in the order of `conditions`. */
      conditionsDueBy: (item.decision?.conditions ?? []).map((_, k) => item.decision?.conditionsDueBy?.[k] ?? null),
      reason: item.decision?.reason ?? null,
      decidedAt: item.decision?.decidedAt ?? null,
      votes: item.decision?.votes ?? item.tally,
      quorate: item.decision?.quorum.quorate ?? item.quorum.quorate,
      interests: await publishable(deps, [...item.interests, ...item.meetingInterests]),
      // Minuted per item: the Assembly members who could neither vote nor count, and why (their
      // organisation, the register of interests, or a declaration). Absent before the register.
      conflicted: (item.decision?.quorum ?? item.quorum).conflicted?.map(({ name, reason }) => ({ name, reason })) ?? [],
    });
  }
  const present = meeting.members.filter((m) => meeting.present.includes(m.id)).map((m) => ({ name: m.name, organisation: m.organisation }));
  return {
    meeting: { meetingId: meeting.meetingId, title: meeting.title, scheduledFor: meeting.scheduledFor, state: meeting.state },
    present,
    moneySupportedPence: items.filter((i) => i.outcome === 'supported' || i.outcome === 'supported_with_conditions').reduce((sum, i) => sum + i.totalPence, 0),
    items,
  };
}

export type MeetingPublication = Awaited<ReturnType<typeof meetingPublication>>;

export function meetingPublicationCsv(pack: MeetingPublication): string {
  const head = ['meeting', 'date', 'item', 'reference', 'title', 'lead_organisation', 'purpose', 'total_pence', 'outcome', 'conditions', 'reason', 'votes_support', 'votes_not_support', 'votes_abstain', 'quorate', 'interests_declared', 'members_conflicted'];
  return stringify(
    [
      head,
      ...pack.items.map((i) => [
        pack.meeting.title,
        pack.meeting.scheduledFor.slice(0, 10),
        i.position,
        i.reference,
        i.title,
        i.leadOrganisation,
        i.purpose,
        i.totalPence,
        i.withdrawn ? 'withdrawn' : (i.outcome ?? ''),
        conditionsWithDueDays(i.conditions, i.conditionsDueBy).join('; '),
        i.reason ?? '',
        i.votes.support,
        i.votes.notSupport,
        i.votes.abstain,
        i.quorate ? 'yes' : 'no',
        interestWords(i.interests),
        i.conflicted.map((c) => `${c.name}: ${c.reason}`).join('; '),
      ]),
    ],
    { escape_formulas: true },
  );
}
