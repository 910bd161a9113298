// A CCP Assembly meeting as one serialisable model: its agenda items keyed by id (so one vote is
// one small change), its table of actions, quorum per item, and its transitions. The meeting's
// workflow wires these to Temporal; the API reads the same functions for what people may do.
import type { Role } from '../domain/vocabulary.js';
import {
  bidWorkflowId,
  type Actor,
  type AgendaItem,
  type AgendaPlacement,
  type AssemblyDecision,
  type AssemblyOutcome,
  type MeetingAction,
  type MeetingState,
  type MeetingStatus,
  type Member,
  type PersonRef,
  type PolicySnapshot,
  type QuorumReport,
  type RatificationOutcome,
  type RegisteredInterest,
  type Vote,
  type VoteTally,
} from '../shared.js';
import { allowedActions, check, forbidden, invalid, refusal, Refusals, wrongState, type ActionRule, type ActionTable, type Asker, type Refusal } from './actions.js';
import { registeredConflict, unheldInterests } from './register.js';
import { SYSTEM, person, step, type Effect, type PendingEvent, type Step } from './step.js';

export const VOTING_ROLES: Role[] = ['assembly_member', 'assembly_chair'];

export interface MeetingModel {
  meetingId: string;
  title: string;
  scheduledFor: string;
  agendaClosesAt: string;
  createdBy: PersonRef;
  state: MeetingState;
  /** The chair or admin asked to close the agenda before its time. */
  agendaRequested: boolean;
  members: Member[];
  present: string[];
  items: Record<string, AgendaItem>;
  /** Item ids in agenda order. */
  order: string[];
  openedAt?: string;
  closedAt?: string;
  cancelled?: { by: PersonRef; reason: string; at: string };
  policy: PolicySnapshot;
}

export interface MeetingStart {
  meetingId: string;
  title: string;
  scheduledFor: string;
  agendaClosesAt: string;
  createdBy: PersonRef;
  policy: PolicySnapshot;
}

export function newMeeting(start: MeetingStart): MeetingModel {
  const { meetingId, title, scheduledFor, agendaClosesAt, createdBy, policy } = start;
  return { meetingId, title, scheduledFor, agendaClosesAt, createdBy: person(createdBy), state: 'SCHEDULED', agendaRequested: false, members: [], present: [], items: {}, order: [], policy };
}

const isVoting = (m: Member) => m.roles.some((r) => VOTING_ROLES.includes(r));
const memberOf = (m: MeetingModel, id: string) => m.members.find((x) => x.id === id);
export const itemsOf = (m: MeetingModel): AgendaItem[] => m.order.map((id) => m.items[id]!);

/** Why a member may not vote on or count towards an item: by organisation, or by declaration. */
export function itemConflict(who: { id: string; organisation: string; interests?: RegisteredInterest[] }, item: Pick<AgendaItem, 'leadOrganisation' | 'partnerOrganisations' | 'interests' | 'meetingInterests'>): string | null {
  if (who.organisation === item.leadOrganisation) return `belongs to ${who.organisation}, the bid's lead organisation`;
  if (item.partnerOrganisations.includes(who.organisation)) return `belongs to ${who.organisation}, a partner organisation of the bid`;
  const registered = registeredConflict(who.interests, item.leadOrganisation, item.partnerOrganisations);
  if (registered) return registered;
  const declared = [...item.interests, ...item.meetingInterests].find((i) => i.person.id === who.id);
  if (declared) return `has declared an interest in the bid ${declared.where === 'meeting' ? 'at the meeting' : 'on the bid'}: ${declared.nature}`;
  return null;
}

/**
 * A member's conflict on an item: as the meeting's membership recorded them (with the register's
 * interests current on the meeting's day), and as the acting person carries them now, so an
 * interest registered after the agenda closed still stops their own vote.
 */
function memberConflict(m: MeetingModel, who: Actor | Member, item: AgendaItem): string | null {
  const member = memberOf(m, who.id);
  return itemConflict(who, item) ?? (member && member !== who ? itemConflict(member, item) : null);
}

/** The quorum rule on its own: the voting members, who is present, and the item. */
export function quorumOf(members: readonly Member[], present: readonly string[], rule: PolicySnapshot['quorum'], item: Pick<AgendaItem, 'leadOrganisation' | 'partnerOrganisations' | 'interests' | 'meetingInterests'>): QuorumReport {
  const voting = members.filter(isVoting);
  const conflicted = voting.flatMap((x) => {
    const reason = itemConflict(x, item);
    return reason ? [{ id: x.id, name: x.name, reason }] : [];
  });
  const out = new Set(conflicted.map((c) => c.id));
  const eligible = voting.filter((x) => present.includes(x.id) && !out.has(x.id));
  const required = Math.ceil(voting.length * rule.minFractionPresent);
  const chairPresent = eligible.some((x) => x.roles.includes('assembly_chair'));
  const professions = [...new Set(eligible.map((x) => x.profession ?? 'other'))].sort();
  const shortfalls: string[] = [];
  if (eligible.length < required) shortfalls.push(`${eligible.length} of the ${required} voting members needed are present without a conflict`);
  if (rule.requireChair && !chairPresent) shortfalls.push('neither the chair nor the vice-chair is present without a conflict');
  if (professions.length < rule.minProfessions) shortfalls.push(`${professions.length} profession(s) present without a conflict; ${rule.minProfessions} needed`);
  return { quorate: shortfalls.length === 0, votingMembership: voting.length, required, eligiblePresent: eligible.length, chairPresent, professions, shortfalls, conflicted };
}

/** Quorum per item: half the voting membership present and not conflicted, the chair among them, three professions. */
export function quorum(m: MeetingModel, item: AgendaItem): QuorumReport {
  return quorumOf(m.members, m.present, m.policy.quorum, item);
}

export function tally(item: AgendaItem): VoteTally {
  const votes = Object.values(item.votes);
  return {
    support: votes.filter((v) => v === 'support').length,
    notSupport: votes.filter((v) => v === 'not_support').length,
    abstain: votes.filter((v) => v === 'abstain').length,
  };
}

// ---------------------------------------------------------------------------------------------
// The table of actions

export interface MeetingActionArgs {
  closeAgenda: Record<string, never>;
  openMeeting: Record<string, never>;
  /**
   * `registered`: the register's interests current on the meeting's day of the members who have
   * one the meeting does not hold yet, as the service reads them when the chair records
   * attendance (absent when none, and in meetings from before it).
   */
  recordAttendance: { present: string[]; registered?: Record<string, RegisteredInterest[]> };
  declareMeetingInterest: { itemId: string; nature?: string };
  castVote: { itemId: string; vote?: Vote };
  recordDecision: { itemId: string; outcome?: AssemblyOutcome | RatificationOutcome; conditions?: string[]; conditionsDueBy?: (string | null)[]; reason?: string };
  closeMeeting: Record<string, never>;
  cancelMeeting: { reason: string };
  reorderAgenda: { order?: string[] };
}

type Rule<A extends MeetingAction> = ActionRule<MeetingModel, MeetingState, MeetingActionArgs[A]>;

const blank = (s: string | undefined | null) => !s?.trim();
const first = (...checks: (() => Refusal | null)[]): Refusal | null => {
  for (const c of checks) {
    const r = c();
    if (r) return r;
  }
  return null;
};

const votingMember = (m: MeetingModel, who: Asker): Refusal | null =>
  who.kind === 'person' && !memberOf(m, who.actor.id) ? forbidden(`${who.actor.name} is not on this meeting's voting membership`, 'voting_member') : null;

const present = (m: MeetingModel, who: Asker, what: string): Refusal | null =>
  who.kind === 'person' && !m.present.includes(who.actor.id) ? forbidden(`${who.actor.name} is not recorded as present, so may not ${what}`, 'present_at_meeting') : null;

const conflicted = (m: MeetingModel, who: Asker, itemId: string | undefined, what: string): Refusal | null => {
  const item = itemId ? m.items[itemId] : undefined;
  if (who.kind !== 'person' || !item) return null;
  const conflict = memberConflict(m, who.actor, item);
  return conflict ? refusal(Refusals.conflictOfInterest, `${who.actor.name} may not ${what} ${item.reference}: ${conflict}`, 'conflict_of_interest') : null;
};

/** The item exists and is still open; for listing actions without an item, nothing to check. */
const openItem = (m: MeetingModel, itemId: string | undefined, what: string, listing: boolean): Refusal | null => {
  if (itemId === undefined && listing) return null;
  const item = itemId ? m.items[itemId] : undefined;
  if (!item) return invalid(`There is no agenda item ${itemId ?? ''} to ${what}`);
  if (item.withdrawn) return wrongState(`${item.reference} was withdrawn by its programme team`);
  if (item.decision) return wrongState(`${item.reference} has been decided already: ${item.decision.outcome}`);
  return null;
};

/** A new order of the agenda names each of its items once, and nothing else. */
const wholeAgenda = (m: MeetingModel, order: string[]): Refusal | null => {
  const given = new Set(order);
  const missing = m.order.filter((id) => !given.has(id));
  const unknown = order.filter((id) => !m.items[id]);
  if (order.length === m.order.length && given.size === order.length && !missing.length && !unknown.length) return null;
  const why = [unknown.length ? `not on it: ${unknown.join(', ')}` : '', missing.length ? `left out: ${missing.join(', ')}` : '', given.size < order.length ? 'an item twice' : ''].filter(Boolean).join('; ');
  return invalid(`The order must name each of the agenda's ${m.order.length} items once (${why})`);
};

const rules: { [A in MeetingAction]: Rule<A> } = {
  closeAgenda: { does: 'close the agenda', roles: ['assembly_chair', 'admin'], states: ['SCHEDULED'], inState: 'close its agenda' },
  reorderAgenda: {
    does: 'reorder the agenda',
    roles: ['assembly_chair', 'admin'],
    states: ['AGENDA_CLOSED', 'OPEN'],
    inState: 'have its agenda reordered',
    guard: (m, _who, args) => (args?.order === undefined ? null : wholeAgenda(m, args.order)),
  },
  openMeeting: { does: 'open the meeting', roles: ['assembly_chair'], states: ['AGENDA_CLOSED'], inState: 'be opened' },
  recordAttendance: {
    does: 'record attendance',
    roles: ['assembly_chair'],
    states: ['OPEN'],
    inState: 'record attendance',
    guard: (m, _who, args) => {
      const unknown = (args?.present ?? []).filter((id) => !memberOf(m, id));
      return unknown.length ? invalid(`Not members of the Assembly: ${unknown.join(', ')}`) : null;
    },
  },
  declareMeetingInterest: {
    does: 'declare an interest at the meeting',
    roles: VOTING_ROLES,
    states: ['AGENDA_CLOSED', 'OPEN'],
    inState: 'take declarations of interest',
    guard: (m, who, args) =>
      first(
        () => votingMember(m, who),
        () => openItem(m, args?.itemId, 'declare an interest in', args?.nature === undefined),
        () => {
          const item = args?.itemId ? m.items[args.itemId] : undefined;
          if (who.kind !== 'person' || !item) return null;
          const declared = [...item.meetingInterests, ...item.interests].some((i) => i.person.id === who.actor.id);
          return declared ? invalid(`${who.actor.name} has already declared an interest in ${item.reference}`) : null;
        },
        () => (args?.nature !== undefined && blank(args.nature) ? invalid('Say what the interest is') : null),
      ),
  },
  castVote: {
    does: 'vote',
    roles: VOTING_ROLES,
    states: ['OPEN'],
    inState: 'take votes',
    guard: (m, who, args) =>
      first(
        () => votingMember(m, who),
        () => conflicted(m, who, args?.itemId, 'vote on'),
        () => present(m, who, 'vote'),
        () => openItem(m, args?.itemId, 'vote on', args?.vote === undefined),
        () => (args?.vote !== undefined && !['support', 'not_support', 'abstain'].includes(args.vote) ? invalid('A vote is support, not_support or abstain') : null),
      ),
  },
  recordDecision: {
    does: 'record the decision',
    roles: ['assembly_chair'],
    states: ['OPEN'],
    inState: 'take decisions',
    guard: (m, who, args) =>
      first(
        () => conflicted(m, who, args?.itemId, 'decide'),
        () => present(m, who, 'record a decision'),
        () => openItem(m, args?.itemId, 'decide', args?.outcome === undefined),
        () => (args?.outcome !== undefined ? decisionProblem(m, m.items[args.itemId]!, args) : null),
      ),
  },
  closeMeeting: { does: 'close the meeting', roles: ['assembly_chair'], states: ['OPEN'], inState: 'be closed' },
  cancelMeeting: {
    does: 'cancel the meeting',
    roles: ['assembly_chair', 'admin'],
    states: ['SCHEDULED', 'AGENDA_CLOSED'],
    inState: 'be cancelled',
    guard: (_m, _who, args) => (args && blank(args.reason) ? invalid('A cancellation needs a reason') : null),
  },
};

function decisionProblem(m: MeetingModel, item: AgendaItem, { outcome, conditions, conditionsDueBy, reason }: MeetingActionArgs['recordDecision']): Refusal | null {
  const allowed = item.purpose === 'ratification' ? ['ratified', 'not_ratified', 'deferred'] : ['supported', 'supported_with_conditions', 'deferred', 'not_supported'];
  if (!allowed.includes(outcome!)) return invalid(`The decision on this item is one of ${allowed.join(', ')}`);
  if (outcome === 'deferred') {
    if (item.purpose === 'decision' && item.deferrals >= m.policy.maxDeferrals) {
      return invalid(`${item.reference} has been deferred ${item.deferrals} times, the most allowed; the Assembly must decide`);
    }
    return blank(reason) ? invalid('A deferral needs a reason') : null;
  }
  const q = quorum(m, item);
  if (!q.quorate) return invalid(`The item is not quorate (${q.shortfalls.join('; ')}); it can only be deferred`);
  if (outcome === 'supported_with_conditions' && !(conditions ?? []).some((c) => c.trim())) return invalid('Name the conditions');
  if (conditionsDueBy && conditionsDueBy.length !== (conditions ?? []).length) return invalid('Give a due day (or none) for each condition, in their order');
  if ((outcome === 'not_supported' || outcome === 'not_ratified') && blank(reason)) return invalid('Give the reason for the record');
  return null;
}

export const meetingActions: ActionTable<MeetingModel, MeetingState, MeetingAction> = {
  rules: rules,
  stateOf: (m) => m.state,
  wrongState: (state, inState, allowed) => `The meeting is ${state}; it cannot ${inState} now (it must be ${allowed.join(' or ')})`,
};

export function checkMeetingAction<A extends MeetingAction>(m: MeetingModel, action: A, actor: Actor, args: MeetingActionArgs[A]): Refusal | null {
  return check(meetingActions, action, m, { kind: 'person', actor }, args);
}

const ITEM_ACTIONS: MeetingAction[] = ['declareMeetingInterest', 'castVote', 'recordDecision'];
const MEETING_LEVEL: MeetingAction[] = ['closeAgenda', 'openMeeting', 'recordAttendance', 'closeMeeting', 'cancelMeeting', 'reorderAgenda'];

/** What this person may do at the meeting, and on each item, in one pass over the model. */
export function meetingActionsFor(m: MeetingModel, actor: Actor): { allowedActions: MeetingAction[]; itemActions: Record<string, MeetingAction[]> } {
  const itemActions: Record<string, MeetingAction[]> = {};
  for (const itemId of m.order) {
    itemActions[itemId] = ITEM_ACTIONS.filter((a) => check(meetingActions, a, m, { kind: 'person', actor }, { itemId }) === null);
  }
  return { allowedActions: allowedActions(meetingActions, m, actor, MEETING_LEVEL), itemActions };
}

// ---------------------------------------------------------------------------------------------
// Transitions

const ev = (by: PersonRef, role: string, action: string, payload: Record<string, unknown>, alsoOn?: string): PendingEvent => ({
  by,
  role,
  action,
  fromState: null,
  toState: null,
  payload,
  ...(alsoOn && { alsoOn: { streamType: 'bid' as const, streamId: alsoOn } }),
});

const voterRole = (actor: Actor) => (actor.roles.includes('assembly_chair') ? 'assembly_chair' : 'assembly_member');
const withItem = (m: MeetingModel, itemId: string, change: (i: AgendaItem) => AgendaItem): MeetingModel => ({ ...m, items: { ...m.items, [itemId]: change(m.items[itemId]!) } });

export function scheduled(m: MeetingModel): Step<MeetingModel> {
  return step(m, [ev(m.createdBy, 'admin', 'meeting.scheduled', { scheduledFor: m.scheduledFor, agendaClosesAt: m.agendaClosesAt })]);
}

export const agendaRequested = (m: MeetingModel): MeetingModel => ({ ...m, agendaRequested: true });

export function agendaClosed(m: MeetingModel, members: Member[], placements: AgendaPlacement[]): Step<MeetingModel> {
  const items: Record<string, AgendaItem> = {};
  const order: string[] = [];
  placements.forEach((p, index) => {
    const itemId = `item-${index + 1}`;
    items[itemId] = { ...p, itemId, position: index + 1, votes: {}, meetingInterests: [] };
    order.push(itemId);
  });
  const next: MeetingModel = { ...m, state: 'AGENDA_CLOSED', members, items, order };
  const listed = itemsOf(next);
  return step(
    next,
    [
      ev(SYSTEM, 'system', 'meeting.agenda_closed', {
        items: listed.map((i) => ({ itemId: i.itemId, reference: i.reference, purpose: i.purpose, band: i.band, benefitScore: i.benefitScore })),
        members: members.map((x) => x.id),
      }),
    ],
    [
      {
        kind: 'meeting.agenda',
        to: { roles: VOTING_ROLES },
        subject: `Agenda for ${m.title}`,
        body: listed.map((i) => `${i.position}. ${i.reference} ${i.title}`).join('\n') || 'No items.',
      },
    ],
  );
}

export function opened(m: MeetingModel, actor: Actor, now: string): Step<MeetingModel> {
  return step({ ...m, state: 'OPEN', openedAt: now }, [ev(person(actor), 'assembly_chair', 'meeting.opened', { openedAt: now })]);
}

export function attendanceRecorded(m: MeetingModel, actor: Actor, { present: ids, registered }: MeetingActionArgs['recordAttendance']): Step<MeetingModel> {
  // The register as it stands when the meeting sits: an interest registered since the agenda
  // closed counts for quorum from this attendance on. It only adds: an interest the meeting holds
  // stays held for it, so withdrawing one on the day does not win back a vote. Only the members
  // given one are named on the event, so a meeting without them records what it always did.
  const added = m.members.map((x) => (registered && Object.hasOwn(registered, x.id) ? unheldInterests(x.interests, registered[x.id]!) : []));
  const changed = m.members.filter((_, k) => added[k]!.length > 0);
  const members = changed.length ? m.members.map((x, k) => (added[k]!.length ? { ...x, interests: [...(x.interests ?? []), ...added[k]!] } : x)) : m.members;
  const next: MeetingModel = { ...m, members, present: [...new Set(ids)].sort() };
  // Quorum per item is recorded with each decision; here only how many items are quorate, so
  // the event stays the same size however long the agenda.
  const items = itemsOf(next);
  const quorate = items.filter((i) => quorum(next, i).quorate).length;
  const refreshed = changed.length ? { registerChanged: changed.map((x) => x.id).sort() } : {};
  return step(next, [ev(person(actor), 'assembly_chair', 'meeting.attendance_recorded', { present: next.present, items: items.length, quorateItems: quorate, ...refreshed })]);
}

export function meetingInterestDeclared(m: MeetingModel, actor: Actor, { itemId, nature }: MeetingActionArgs['declareMeetingInterest'], now: string): Step<MeetingModel> {
  const item = m.items[itemId]!;
  const next = withItem(m, itemId, (i) => ({ ...i, meetingInterests: [...i.meetingInterests, { person: person(actor), nature: nature!, at: now, where: 'meeting' }] }));
  return step(
    next,
    [ev(person(actor), 'assembly_member', 'meeting.interest_declared', { reference: item.reference, itemId, nature })],
    [],
    [{ workflowId: bidWorkflowId(item.reference), signal: 'meetingInterest', payload: { meetingId: m.meetingId, person: person(actor), nature } }],
  );
}

export function voteCast(m: MeetingModel, actor: Actor, { itemId, vote }: MeetingActionArgs['castVote']): Step<MeetingModel> {
  const item = m.items[itemId]!;
  const next = withItem(m, itemId, (i) => ({ ...i, votes: { ...i.votes, [actor.id]: vote! } }));
  return step(next, [ev(person(actor), voterRole(actor), 'assembly.vote_cast', { itemId, vote }, item.reference)]);
}

function decide(
  m: MeetingModel,
  item: AgendaItem,
  by: PersonRef,
  role: string,
  outcome: AssemblyDecision['outcome'],
  conditions: string[],
  reason: string,
  now: string,
  conditionsDueBy?: (string | null)[],
) {
  // Due days only travel with a decision that has dated conditions, so older decisions are as they were.
  const dated = conditionsDueBy?.some(Boolean) ? { conditionsDueBy } : {};
  const decision: AssemblyDecision = {
    meetingId: m.meetingId,
    meetingTitle: m.title,
    itemId: item.itemId,
    purpose: item.purpose,
    outcome,
    conditions,
    ...dated,
    reason,
    decidedBy: by,
    decidedAt: now,
    votes: tally(item),
    quorum: quorum(m, item),
  };
  const event = ev(by, role, 'assembly.decision_recorded', {
    itemId: item.itemId,
    purpose: item.purpose,
    outcome,
    conditions,
    ...dated,
    reason,
    votes: decision.votes,
    quorum: decision.quorum,
  }, item.reference);
  const effect: Effect = {
    workflowId: bidWorkflowId(item.reference),
    signal: 'assemblyDecision',
    payload: decision,
    ifUndelivered: [ev(SYSTEM, 'system', 'assembly.decision_undeliverable', { meetingId: m.meetingId, itemId: item.itemId }, item.reference)],
  };
  return { decision, event, effect };
}

export function decisionRecorded(m: MeetingModel, actor: Actor, args: MeetingActionArgs['recordDecision'], now: string): Step<MeetingModel> {
  const item = m.items[args.itemId]!;
  const { decision, event, effect } = decide(m, item, person(actor), 'assembly_chair', args.outcome!, args.conditions ?? [], args.reason ?? '', now, args.conditionsDueBy);
  return step(withItem(m, item.itemId, (i) => ({ ...i, decision })), [event], [], [effect]);
}

/** Items not decided are deferred to the next meeting; inquorate ones say so. */
export function closed(m: MeetingModel, actor: Actor, now: string): Step<MeetingModel> {
  let next: MeetingModel = { ...m, state: 'CLOSED', closedAt: now };
  const events: PendingEvent[] = [];
  const effects: Effect[] = [];
  const deferred: string[] = [];
  for (const item of itemsOf(m).filter((i) => !i.decision && !i.withdrawn)) {
    const q = quorum(m, item);
    const reason = q.quorate ? 'not reached at this meeting' : `inquorate: ${q.shortfalls.join('; ')}`;
    const d = decide(m, item, SYSTEM, 'system', 'deferred', [], reason, now);
    next = withItem(next, item.itemId, (i) => ({ ...i, decision: d.decision }));
    events.push(d.event);
    effects.push(d.effect);
    deferred.push(item.reference);
  }
  events.push(ev(person(actor), 'assembly_chair', 'meeting.closed', { closedAt: now, deferred }));
  return step(next, events, [], effects);
}

export function cancelled(m: MeetingModel, actor: Actor, { reason }: MeetingActionArgs['cancelMeeting'], now: string): Step<MeetingModel> {
  const next: MeetingModel = { ...m, state: 'CANCELLED', cancelled: { by: person(actor), reason, at: now } };
  const effects: Effect[] = itemsOf(m).map((i) => ({
    workflowId: bidWorkflowId(i.reference),
    signal: 'removedFromAgenda',
    payload: { meetingId: m.meetingId, reason: `meeting cancelled: ${reason}` },
  }));
  return step(next, [ev(person(actor), actor.roles.includes('assembly_chair') ? 'assembly_chair' : 'admin', 'meeting.cancelled', { reason })], [], effects);
}

/**
 * The agenda taken in another order (the quorum forecast's proposal, say): each item keeps its
 * id, votes and interests, and is numbered by its new place.
 */
export function agendaReordered(m: MeetingModel, actor: Actor, { order }: MeetingActionArgs['reorderAgenda']): Step<MeetingModel> {
  const ids = [...order!];
  const items = { ...m.items };
  ids.forEach((id, index) => (items[id] = { ...items[id]!, position: index + 1 }));
  const next: MeetingModel = { ...m, order: ids, items };
  const role = actor.roles.includes('assembly_chair') ? 'assembly_chair' : 'admin';
  return step(next, [ev(person(actor), role, 'meeting.agenda_reordered', { order: ids.map((id) => items[id]!.reference), itemIds: ids })]);
}

export function itemWithdrawn(m: MeetingModel, reference: string): Step<MeetingModel> {
  const item = itemsOf(m).find((i) => i.reference === reference && !i.decision);
  if (!item) return step(m);
  return step(withItem(m, item.itemId, (i) => ({ ...i, withdrawn: true })), [ev(SYSTEM, 'system', 'meeting.item_withdrawn', { reference, itemId: item.itemId })]);
}

export function bidInterestDeclared(m: MeetingModel, { reference, person: who, nature }: { reference: string; person: PersonRef; nature: string }, now: string): Step<MeetingModel> {
  const item = itemsOf(m).find((i) => i.reference === reference);
  if (!item || item.interests.some((i) => i.person.id === who.id)) return step(m);
  const next = withItem(m, item.itemId, (i) => ({ ...i, interests: [...i.interests, { person: who, nature, at: now, where: 'bid' }] }));
  return step(next, [ev(who, 'staff', 'meeting.interest_declared', { reference, itemId: item.itemId, nature, where: 'bid' })]);
}

export const meetingFinished = (m: MeetingModel): boolean => m.state === 'CLOSED' || m.state === 'CANCELLED';

// ---------------------------------------------------------------------------------------------
// Views

export function meetingStatusView(m: MeetingModel): MeetingStatus {
  return {
    meetingId: m.meetingId,
    title: m.title,
    state: m.state,
    scheduledFor: m.scheduledFor,
    agendaClosesAt: m.agendaClosesAt,
    members: m.members,
    present: m.present,
    items: itemsOf(m).map((item) => ({
      ...item,
      quorum: quorum(m, item),
      conflicted: m.members.filter((x) => itemConflict(x, item)).map((x) => x.id),
      tally: tally(item),
    })),
    openedAt: m.openedAt,
    closedAt: m.closedAt,
    cancelled: m.cancelled,
    policy: { id: m.policy.id, version: m.policy.version },
  };
}

export function meetingSummary(m: MeetingModel) {
  return { title: m.title, state: m.state, scheduledFor: m.scheduledFor, agendaClosesAt: m.agendaClosesAt, items: m.order.length };
}
