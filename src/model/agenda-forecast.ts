// Before a meeting: from the members' attendance replies, a forecast of quorum per item by the
// same rule as quorum() (src/model/meeting.ts), and a proposed order that keeps each member's
// conflicted items together so they leave the room once. Pure: the service gives it the data.
import type { AgendaItem, Member, PolicySnapshot, QuorumReport } from '../shared.js';
import { itemConflict, quorumOf, VOTING_ROLES } from './meeting.js';

export const ATTENDANCE_REPLIES = ['attending', 'apologies', 'maybe'] as const;
export type AttendanceReply = (typeof ATTENDANCE_REPLIES)[number];

export type ForecastInputItem = Pick<AgendaItem, 'reference' | 'title' | 'leadOrganisation' | 'partnerOrganisations' | 'interests'> & {
  meetingInterests?: AgendaItem['meetingInterests'];
  itemId?: string;
};

export type Outlook = 'quorate' | 'at_risk' | 'not_quorate';

export interface ItemForecast {
  reference: string;
  title: string;
  itemId: string | null;
  /** Position on the agenda as it stands (1-based). */
  position: number;
  outlook: Outlook;
  /** The forecast in words, with the shortfall when there is one. */
  words: string;
  /** Quorum counting only those who said they are attending. */
  attending: QuorumReport;
  /** Quorum if everyone who has not sent apologies came. */
  ifAllCome: QuorumReport;
  /** Voting members conflicted out of the item, with why and what they replied. */
  conflicted: { id: string; name: string; reason: string; reply: AttendanceReply | null }[];
}

export interface MemberLeaving {
  id: string;
  name: string;
  references: string[];
  /** How many times they would leave the room and come back: in agenda order, and in the proposed order. */
  timesOutNow: number;
  timesOutProposed: number;
}

export interface AgendaForecast {
  /** The voting membership the forecast counts. */
  members: { id: string; name: string }[];
  replies: { attending: string[]; apologies: string[]; maybe: string[]; noReply: string[] };
  items: ItemForecast[];
  /** References in the proposed order. */
  proposedOrder: string[];
  /** Whether the proposed order differs from the agenda's. */
  reordered: boolean;
  leaving: MemberLeaving[];
  atRisk: number;
  notQuorate: number;
}

const isVoting = (m: Member) => m.roles.some((r) => VOTING_ROLES.includes(r));

function words(outlook: Outlook, attending: QuorumReport, ifAllCome: QuorumReport): string {
  if (outlook === 'quorate') return `Quorate with those attending: ${attending.eligiblePresent} voting members without a conflict, ${attending.required} needed`;
  if (outlook === 'at_risk') return `At risk: with those attending, ${attending.shortfalls.join('; ')}; quorate only if members who said maybe or have not replied come`;
  return `Not quorate even if everyone who has not sent apologies comes: ${ifAllCome.shortfalls.join('; ')}`;
}

/** Forecast per item and the proposed order. Members who have not replied count as unknown: only `ifAllCome` counts them. */
export function forecastAgenda({ members, replies, rule, items }: { members: readonly Member[]; replies: Readonly<Record<string, AttendanceReply>>; rule: PolicySnapshot['quorum']; items: readonly ForecastInputItem[] }): AgendaForecast {
  const voting = members.filter(isVoting);
  const by = (reply: AttendanceReply) => voting.filter((m) => replies[m.id] === reply).map((m) => m.id);
  const attending = by('attending');
  const apologies = new Set(by('apologies'));
  const noReply = voting.filter((m) => !replies[m.id]).map((m) => m.id);
  const mayCome = voting.filter((m) => !apologies.has(m.id)).map((m) => m.id);

  const forecasts: ItemForecast[] = items.map((raw, index) => {
    const item = { ...raw, meetingInterests: raw.meetingInterests ?? [] };
    const a = quorumOf(members, attending, rule, item);
    const all = quorumOf(members, mayCome, rule, item);
    const outlook: Outlook = a.quorate ? 'quorate' : all.quorate ? 'at_risk' : 'not_quorate';
    const conflicted = voting.flatMap((m) => {
      const reason = itemConflict(m, item);
      return reason ? [{ id: m.id, name: m.name, reason, reply: replies[m.id] ?? null }] : [];
    });
    return { reference: raw.reference, title: raw.title, itemId: raw.itemId ?? null, position: index + 1, outlook, words: words(outlook, a, all), attending: a, ifAllCome: all, conflicted };
  });

  // Who would leave the room for an item: conflicted members who may be there.
  const leavers = (f: ItemForecast) => f.conflicted.filter((c) => !apologies.has(c.id)).map((c) => c.id).sort();
  const order = proposeOrder(forecasts, leavers);
  const leaving = voting
    .filter((m) => !apologies.has(m.id))
    .map((m) => {
      const mine = (list: ItemForecast[]) => list.map((f) => leavers(f).includes(m.id));
      return { id: m.id, name: m.name, references: forecasts.filter((f) => leavers(f).includes(m.id)).map((f) => f.reference), timesOutNow: runs(mine(forecasts)), timesOutProposed: runs(mine(order)) };
    })
    .filter((l) => l.references.length > 0);
  return {
    members: voting.map((m) => ({ id: m.id, name: m.name })),
    replies: { attending, apologies: [...apologies], maybe: by('maybe'), noReply },
    items: forecasts,
    proposedOrder: order.map((f) => f.reference),
    reordered: order.some((f, i) => f !== forecasts[i]),
    leaving,
    atRisk: forecasts.filter((f) => f.outlook === 'at_risk').length,
    notQuorate: forecasts.filter((f) => f.outlook === 'not_quorate').length,
  };
}

/** How many separate runs of `true` a sequence has: how often someone leaves the room. */
export function runs(flags: readonly boolean[]): number {
  return flags.filter((f, i) => f && !flags[i - 1]).length;
}

/**
 * Items nobody leaves for first, in agenda order (they are not delayed); then the items members
 * leave for, grouped by who leaves, in whichever of a few candidate orders has fewest times out
 * (the agenda's own order among them, so the proposal is never worse); items that cannot be
 * quorate last, as they will be deferred.
 */
export function proposeOrder<T extends { outlook: Outlook }>(items: readonly T[], leavers: (item: T) => string[]): T[] {
  const open = items.filter((i) => i.outlook !== 'not_quorate');
  const free = open.filter((i) => leavers(i).length === 0);
  const conflicted = open.filter((i) => leavers(i).length > 0);
  const lost = items.filter((i) => i.outlook === 'not_quorate');

  const groups = new Map<string, T[]>();
  for (const i of conflicted) {
    const key = leavers(i).join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const keys = [...groups.keys()];
  const setOf = (key: string) => new Set(key.split('\u0000'));
  const lexicographic = [...keys].sort();
  const chained: string[] = [];
  const left = [...keys];
  while (left.length) {
    const last = chained.length ? setOf(chained[chained.length - 1]!) : null;
    let best = 0;
    let bestOverlap = -1;
    left.forEach((k, i) => {
      const overlap = last ? [...setOf(k)].filter((x) => last.has(x)).length : 0;
      if (overlap > bestOverlap) [best, bestOverlap] = [i, overlap];
    });
    chained.push(left.splice(best, 1)[0]!);
  }
  const candidates = [conflicted, lexicographic.flatMap((k) => groups.get(k)!), chained.flatMap((k) => groups.get(k)!)];
  const people = [...new Set(conflicted.flatMap(leavers))];
  const cost = (list: T[]) => people.reduce((sum, p) => sum + runs(list.map((i) => leavers(i).includes(p))), 0);
  let chosen = candidates[0]!;
  for (const c of candidates.slice(1)) if (cost(c) < cost(chosen)) chosen = c;
  return [...free, ...chosen, ...lost];
}
