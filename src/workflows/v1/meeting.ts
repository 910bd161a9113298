// FROZEN first version, kept so bids, meetings and rounds started on it run to the end and
// their histories replay (test/replay.test.ts). New work starts the model-based workflows.
// One workflow per CCP Assembly meeting, id `meeting-<id>`: the agenda closes, the chair opens
// the meeting and records who is present, members declare interests and vote, the chair
// decides each item within quorum, and every decision goes to its bid's workflow.
import { SYSTEM, onUpdate, person, refuse } from './handlers.js';
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { TrailEventInput } from '../../domain/trail.js';
import type { Role } from '../../domain/vocabulary.js';
import {
  MEETING_ACTIONS,
  RefusalType,
  assemblyDecisionSignal,
  bidInterestSignal,
  bidWorkflowId,
  cancelMeetingUpdate,
  castVoteUpdate,
  closeAgendaUpdate,
  closeMeetingUpdate,
  declareMeetingInterestUpdate,
  itemWithdrawnSignal,
  meetingAllowedActionsQuery,
  meetingInterestSignal,
  meetingStatusQuery,
  openMeetingUpdate,
  recordAttendanceUpdate,
  recordDecisionUpdate,
  removedFromAgendaSignal,
  type Actor,
  type AgendaItem,
  type AssemblyDecision,
  type MeetingAction,
  type MeetingState,
  type MeetingStatus,
  type MeetingWorkflowInput,
  type Member,
  type PersonRef,
  type PolicySnapshot,
  type QuorumReport,
  type VoteTally,
} from './shared.js';

const setup = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { maximumInterval: '30 seconds' } });

const VOTING_ROLES: Role[] = ['assembly_member', 'assembly_chair'];


export async function meetingWorkflow(input: MeetingWorkflowInput): Promise<MeetingState> {
  const { meetingId, title } = input;
  const workflowId = workflowInfo().workflowId;
  // Handlers are registered before the first await (an update may arrive with the first task);
  // the policy and the activities they use are in place before any of them runs an activity.
  // eslint-disable-next-line prefer-const -- assigned once, after the handlers that use it are registered
  let policy!: PolicySnapshot;
  // eslint-disable-next-line prefer-const -- as above
  let acts!: ReturnType<typeof proxyActivities<Activities>>;

  let state = 'SCHEDULED' as MeetingState;
  let members: Member[] = [];
  let present: string[] = [];
  let items: AgendaItem[] = [];
  let agendaRequested = false;
  let openedAt: string | undefined;
  let closedAt: string | undefined;
  let cancelled: MeetingStatus['cancelled'];
  let eventCounter = 0;
  let projectionVersion = 0;
  let notificationCounter = 0;

  const now = () => new Date().toISOString();
  const itemOf = (itemId: string) => items.find((i) => i.itemId === itemId);
  const memberOf = (id: string) => members.find((m) => m.id === id);
  const isVoting = (m: Member) => m.roles.some((r) => VOTING_ROLES.includes(r));

  /** Members who may not vote on or count towards an item: by organisation, or by declaration. */
  const conflictOf = (m: { id: string; organisation: string }, item: AgendaItem): string | null => {
    if (m.organisation === item.leadOrganisation) return `belongs to ${m.organisation}, the bid's lead organisation`;
    if (item.partnerOrganisations.includes(m.organisation)) return `belongs to ${m.organisation}, a partner organisation of the bid`;
    if ([...item.interests, ...item.meetingInterests].some((i) => i.person.id === m.id)) return 'has declared an interest in the bid';
    return null;
  };

  const quorum = (item: AgendaItem): QuorumReport => {
    const voting = members.filter(isVoting);
    const eligible = voting.filter((m) => present.includes(m.id) && !conflictOf(m, item));
    const required = Math.ceil(voting.length * policy.quorum.minFractionPresent);
    const chairPresent = eligible.some((m) => m.roles.includes('assembly_chair'));
    const professions = [...new Set(eligible.map((m) => m.profession ?? 'other'))].sort();
    const shortfalls: string[] = [];
    if (eligible.length < required) shortfalls.push(`${eligible.length} of the ${required} voting members needed are present without a conflict`);
    if (policy.quorum.requireChair && !chairPresent) shortfalls.push('neither the chair nor the vice-chair is present without a conflict');
    if (professions.length < policy.quorum.minProfessions) {
      shortfalls.push(`${professions.length} profession(s) present without a conflict; ${policy.quorum.minProfessions} needed`);
    }
    return { quorate: shortfalls.length === 0, votingMembership: voting.length, required, eligiblePresent: eligible.length, chairPresent, professions, shortfalls };
  };

  const tally = (item: AgendaItem): VoteTally => {
    const votes = Object.values(item.votes);
    return {
      support: votes.filter((v) => v === 'support').length,
      notSupport: votes.filter((v) => v === 'not_support').length,
      abstain: votes.filter((v) => v === 'abstain').length,
    };
  };

  const status = (): MeetingStatus => ({
    meetingId,
    title,
    state,
    scheduledFor: input.scheduledFor,
    agendaClosesAt: input.agendaClosesAt,
    members,
    present,
    items: items.map((item) => ({
      ...item,
      quorum: quorum(item),
      conflicted: members.filter((m) => conflictOf(m, item)).map((m) => m.id),
      tally: tally(item),
    })),
    openedAt,
    closedAt,
    cancelled,
    policy: policy ? { id: policy.id, version: policy.version } : { id: '', version: '' },
  });

  // ---------------------------------------------------------------------------------------
  // Guards: role, then conflict of interest, then state.

  const needRole = (actor: Actor, action: string, ...roles: Role[]) => {
    if (!roles.some((r) => actor.roles.includes(r))) refuse(RefusalType.forbidden, `Only ${roles.join(' or ')} may ${action}`, 'role');
  };
  const needState = (action: string, ...states: MeetingState[]) => {
    if (!states.includes(state)) refuse(RefusalType.wrongState, `The meeting is ${state}; it cannot ${action} now (it must be ${states.join(' or ')})`, 'state');
  };
  const needItem = (itemId: string | undefined, action: string): AgendaItem => {
    const item = itemId ? itemOf(itemId) : undefined;
    if (!item) refuse(RefusalType.invalid, `There is no agenda item ${itemId ?? ''} to ${action}`);
    if (item.withdrawn) refuse(RefusalType.wrongState, `${item.reference} was withdrawn by its programme team`, 'state');
    if (item.decision) refuse(RefusalType.wrongState, `${item.reference} has been decided already: ${item.decision.outcome}`, 'state');
    return item;
  };
  const needVotingMember = (actor: Actor, action: string) => {
    needRole(actor, action, ...VOTING_ROLES);
    if (!memberOf(actor.id)) refuse(RefusalType.forbidden, `${actor.name} is not on this meeting's voting membership`, 'voting_member');
  };
  const needNoConflict = (actor: Actor, item: AgendaItem, action: string) => {
    const conflict = conflictOf(actor, item);
    if (conflict) refuse(RefusalType.conflictOfInterest, `${actor.name} may not ${action} ${item.reference}: ${conflict}`, 'conflict_of_interest');
  };
  const needPresent = (actor: Actor, action: string) => {
    if (!present.includes(actor.id)) refuse(RefusalType.forbidden, `${actor.name} is not recorded as present, so may not ${action}`, 'present_at_meeting');
  };

  // Guards check the role first, then the meeting's state, then the person (membership,
  // conflict, presence) and the item.
  const guards: Record<MeetingAction, (actor: Actor, itemId?: string) => void> = {
    closeAgenda: (a) => {
      needRole(a, 'close the agenda', 'assembly_chair', 'admin');
      needState('close its agenda', 'SCHEDULED');
    },
    openMeeting: (a) => {
      needRole(a, 'open the meeting', 'assembly_chair');
      needState('be opened', 'AGENDA_CLOSED');
    },
    recordAttendance: (a) => {
      needRole(a, 'record attendance', 'assembly_chair');
      needState('record attendance', 'OPEN');
    },
    declareMeetingInterest: (a, itemId) => {
      needRole(a, 'declare an interest at the meeting', ...VOTING_ROLES);
      needState('take declarations of interest', 'AGENDA_CLOSED', 'OPEN');
      needVotingMember(a, 'declare an interest at the meeting');
      const item = needItem(itemId, 'declare an interest in');
      if (item.meetingInterests.some((i) => i.person.id === a.id) || item.interests.some((i) => i.person.id === a.id)) {
        refuse(RefusalType.invalid, `${a.name} has already declared an interest in ${item.reference}`);
      }
    },
    castVote: (a, itemId) => {
      needRole(a, 'vote', ...VOTING_ROLES);
      needState('take votes', 'OPEN');
      needVotingMember(a, 'vote');
      const item = itemId ? itemOf(itemId) : undefined;
      if (item) needNoConflict(a, item, 'vote on');
      needPresent(a, 'vote');
      needItem(itemId, 'vote on');
    },
    recordDecision: (a, itemId) => {
      needRole(a, 'record the decision', 'assembly_chair');
      needState('take decisions', 'OPEN');
      const item = itemId ? itemOf(itemId) : undefined;
      if (item) needNoConflict(a, item, 'decide');
      needPresent(a, 'record a decision');
      needItem(itemId, 'decide');
    },
    closeMeeting: (a) => {
      needRole(a, 'close the meeting', 'assembly_chair');
      needState('be closed', 'OPEN');
    },
    cancelMeeting: (a) => {
      needRole(a, 'cancel the meeting', 'assembly_chair', 'admin');
      needState('be cancelled', 'SCHEDULED', 'AGENDA_CLOSED');
    },
  };

  // ---------------------------------------------------------------------------------------
  // Trail, projection, notifications

  interface Pending {
    by: PersonRef;
    role: string;
    action: string;
    payload?: Record<string, unknown>;
    /** Events about one item also go on that bid's own trail. */
    reference?: string;
  }
  let writes: Promise<unknown> = Promise.resolve();
  const commit = (pending: Pending[]): Promise<void> => {
    const toEvent = (p: Pending, stream: string): TrailEventInput => ({
      eventId: `${workflowId}#${++eventCounter}${stream === 'meeting' ? '' : `:${p.reference}`}`,
      occurredAt: now(),
      actorId: p.by.id,
      actorRole: p.role,
      action: p.action,
      fromState: null,
      toState: null,
      payload: { meetingId, ...p.payload },
    });
    const meetingEvents = pending.map((p) => toEvent(p, 'meeting'));
    const bidEvents = pending.filter((p) => p.reference).map((p) => ({ reference: p.reference!, event: toEvent(p, 'bid') }));
    const write = {
      meetingId,
      events: meetingEvents,
      bidEvents,
      projection: {
        version: ++projectionVersion,
        title,
        state,
        scheduledFor: input.scheduledFor,
        agendaClosesAt: input.agendaClosesAt,
        status: status() as unknown as Record<string, unknown>,
        updatedAt: now(),
      },
    };
    const done = writes.then(() => acts.recordMeetingEvents(write));
    writes = done.catch(() => undefined);
    return done.then(() => undefined);
  };

  const notifyMembers = (kind: string, subject: string, body: string) =>
    acts.notify({
      id: `${workflowId}#n${++notificationCounter}`,
      kind,
      recipientRoles: VOTING_ROLES,
      recipientIds: [],
      recipientOrganisation: null,
      subject,
      body,
      reference: null,
      meetingId,
      createdAt: now(),
    });

  const deliver = async (item: AgendaItem, decision: AssemblyDecision) => {
    try {
      await getExternalWorkflowHandle(bidWorkflowId(item.reference)).signal(assemblyDecisionSignal, decision);
    } catch {
      await commit([{ by: SYSTEM, role: 'system', action: 'assembly.decision_undeliverable', reference: item.reference, payload: { itemId: item.itemId } }]);
    }
  };

  const decide = (item: AgendaItem, by: PersonRef, outcome: AssemblyDecision['outcome'], conditions: string[], reason: string): AssemblyDecision => {
    const decision: AssemblyDecision = {
      meetingId,
      meetingTitle: title,
      itemId: item.itemId,
      purpose: item.purpose,
      outcome,
      conditions,
      reason,
      decidedBy: by,
      decidedAt: now(),
      votes: tally(item),
      quorum: quorum(item),
    };
    item.decision = decision;
    return decision;
  };

  // ---------------------------------------------------------------------------------------
  // Handlers

  setHandler(meetingStatusQuery, status);
  setHandler(meetingAllowedActionsQuery, (actor: Actor, itemId: string | undefined) =>
    MEETING_ACTIONS.filter((action) => {
      try {
        guards[action](actor, itemId);
        return true;
      } catch {
        return false;
      }
    }),
  );

  onUpdate(
    closeAgendaUpdate,
    async () => {
      agendaRequested = true;
      await condition(() => state !== 'SCHEDULED');
      return status();
    },
    ({ actor }) => guards.closeAgenda(actor),
  );

  onUpdate(
    openMeetingUpdate,
    async ({ actor }) => {
      state = 'OPEN';
      openedAt = now();
      await commit([{ by: person(actor), role: 'assembly_chair', action: 'meeting.opened', payload: { openedAt } }]);
      return status();
    },
    ({ actor }) => guards.openMeeting(actor),
  );

  onUpdate(
    recordAttendanceUpdate,
    async ({ actor, present: ids }) => {
      present = [...new Set(ids)].sort();
      await commit([
        {
          by: person(actor),
          role: 'assembly_chair',
          action: 'meeting.attendance_recorded',
          payload: { present, quorum: Object.fromEntries(items.map((i) => [i.reference, quorum(i)])) },
        },
      ]);
      return status();
    },
    ({ actor, present: ids }) => {
      guards.recordAttendance(actor);
      const unknown = (ids ?? ([] as string[])).filter((id) => !memberOf(id));
      if (unknown.length) refuse(RefusalType.invalid, `Not members of the Assembly: ${unknown.join(', ')}`);
    },
  );

  onUpdate(
    declareMeetingInterestUpdate,
    async ({ actor, itemId, nature }) => {
      const item = itemOf(itemId)!;
      item.meetingInterests.push({ person: person(actor), nature, at: now(), where: 'meeting' });
      await commit([{ by: person(actor), role: 'assembly_member', action: 'meeting.interest_declared', payload: { reference: item.reference, itemId, nature } }]);
      try {
        await getExternalWorkflowHandle(bidWorkflowId(item.reference)).signal(meetingInterestSignal, { meetingId, person: person(actor), nature });
      } catch {
        // The bid has closed; the meeting's own record stands.
      }
      return status();
    },
    ({ actor, itemId, nature }) => {
      guards.declareMeetingInterest(actor, itemId);
      if (!nature?.trim()) refuse(RefusalType.invalid, 'Say what the interest is');
    },
  );

  onUpdate(
    castVoteUpdate,
    async ({ actor, itemId, vote }) => {
      const item = itemOf(itemId)!;
      item.votes[actor.id] = vote;
      await commit([
        {
          by: person(actor),
          role: actor.roles.includes('assembly_chair') ? 'assembly_chair' : 'assembly_member',
          action: 'assembly.vote_cast',
          reference: item.reference,
          payload: { itemId, vote },
        },
      ]);
      return status();
    },
    ({ actor, itemId, vote }) => {
      guards.castVote(actor, itemId);
      if (!['support', 'not_support', 'abstain'].includes(vote)) refuse(RefusalType.invalid, 'A vote is support, not_support or abstain');
    },
  );

  onUpdate(
    recordDecisionUpdate,
    async ({ actor, itemId, outcome, conditions, reason }) => {
      const item = itemOf(itemId)!;
      const decision = decide(item, person(actor), outcome, conditions ?? [], reason ?? '');
      await commit([
        {
          by: person(actor),
          role: 'assembly_chair',
          action: 'assembly.decision_recorded',
          reference: item.reference,
          payload: { itemId, purpose: item.purpose, outcome, conditions: decision.conditions, reason: decision.reason, votes: decision.votes, quorum: decision.quorum },
        },
      ]);
      await deliver(item, decision);
      return status();
    },
    ({ actor, itemId, outcome, conditions, reason }) => {
      guards.recordDecision(actor, itemId);
      const item = itemOf(itemId)!;
      const allowed = item.purpose === 'ratification' ? ['ratified', 'not_ratified', 'deferred'] : ['supported', 'supported_with_conditions', 'deferred', 'not_supported'];
      if (!allowed.includes(outcome)) refuse(RefusalType.invalid, `The decision on this item is one of ${allowed.join(', ')}`);
      if (outcome === 'deferred') {
        if (item.purpose === 'decision' && item.deferrals >= policy.maxDeferrals) {
          refuse(RefusalType.invalid, `${item.reference} has been deferred ${item.deferrals} times, the most allowed; the Assembly must decide`);
        }
        if (!reason?.trim()) refuse(RefusalType.invalid, 'A deferral needs a reason');
        return;
      }
      const q = quorum(item);
      if (!q.quorate) refuse(RefusalType.invalid, `The item is not quorate (${q.shortfalls.join('; ')}); it can only be deferred`);
      if (outcome === 'supported_with_conditions' && !(conditions ?? []).some((c: string) => c.trim())) refuse(RefusalType.invalid, 'Name the conditions');
      if ((outcome === 'not_supported' || outcome === 'not_ratified') && !reason?.trim()) refuse(RefusalType.invalid, 'Give the reason for the record');
    },
  );

  onUpdate(
    closeMeetingUpdate,
    async ({ actor }) => {
      // Items not decided are deferred to the next meeting: inquorate ones say so.
      const undecided = items.filter((i) => !i.decision && !i.withdrawn);
      const deferred = undecided.map((item) => {
        const q = quorum(item);
        const reason = q.quorate ? 'not reached at this meeting' : `inquorate: ${q.shortfalls.join('; ')}`;
        return { item, decision: decide(item, SYSTEM, 'deferred', [], reason) };
      });
      state = 'CLOSED';
      closedAt = now();
      await commit([
        ...deferred.map(({ item, decision }) => ({
          by: SYSTEM,
          role: 'system',
          action: 'assembly.decision_recorded',
          reference: item.reference,
          payload: { itemId: item.itemId, purpose: item.purpose, outcome: 'deferred', conditions: [], reason: decision.reason, votes: decision.votes, quorum: decision.quorum },
        })),
        { by: person(actor), role: 'assembly_chair', action: 'meeting.closed', payload: { closedAt, deferred: deferred.map((d) => d.item.reference) } },
      ]);
      for (const { item, decision } of deferred) await deliver(item, decision);
      return status();
    },
    ({ actor }) => guards.closeMeeting(actor),
  );

  onUpdate(
    cancelMeetingUpdate,
    async ({ actor, reason }) => {
      state = 'CANCELLED';
      cancelled = { by: person(actor), reason, at: now() };
      await commit([{ by: person(actor), role: actor.roles.includes('assembly_chair') ? 'assembly_chair' : 'admin', action: 'meeting.cancelled', payload: { reason } }]);
      for (const item of items) {
        try {
          await getExternalWorkflowHandle(bidWorkflowId(item.reference)).signal(removedFromAgendaSignal, { meetingId, reason: `meeting cancelled: ${reason}` });
        } catch {
          // The bid has closed.
        }
      }
      return status();
    },
    ({ actor, reason }) => {
      guards.cancelMeeting(actor);
      if (!reason?.trim()) refuse(RefusalType.invalid, 'A cancellation needs a reason');
    },
  );

  setHandler(itemWithdrawnSignal, async ({ reference }) => {
    const item = items.find((i) => i.reference === reference && !i.decision);
    if (!item) return;
    item.withdrawn = true;
    await commit([{ by: SYSTEM, role: 'system', action: 'meeting.item_withdrawn', payload: { reference, itemId: item.itemId } }]);
  });

  setHandler(bidInterestSignal, async ({ reference, person: who, nature }) => {
    const item = items.find((i) => i.reference === reference);
    if (!item || item.interests.some((i) => i.person.id === who.id)) return;
    item.interests.push({ person: who, nature, at: now(), where: 'bid' });
    await commit([{ by: who, role: 'staff', action: 'meeting.interest_declared', payload: { reference, itemId: item.itemId, nature, where: 'bid' } }]);
  });

  // ---------------------------------------------------------------------------------------
  // The meeting

  policy = await setup.loadPolicy();
  acts = proxyActivities<Activities>({
    startToCloseTimeout: policy.activityTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  await commit([{ by: { id: input.createdBy.id, name: input.createdBy.name, organisation: input.createdBy.organisation }, role: 'admin', action: 'meeting.scheduled', payload: { scheduledFor: input.scheduledFor, agendaClosesAt: input.agendaClosesAt } }]);

  const closesIn = Date.parse(input.agendaClosesAt) - Date.now();
  const ready = () => agendaRequested || state !== 'SCHEDULED';
  if (closesIn > 0) await condition(ready, closesIn);
  if (state === 'SCHEDULED') {
    members = await acts.loadMembership();
    const placements = await acts.prepareAgenda({ meetingId, meetingTitle: title });
    items = placements.map((p, index) => ({ ...p, itemId: `item-${index + 1}`, position: index + 1, votes: {}, meetingInterests: [] }));
    state = 'AGENDA_CLOSED';
    await commit([
      {
        by: SYSTEM,
        role: 'system',
        action: 'meeting.agenda_closed',
        payload: { items: items.map((i) => ({ itemId: i.itemId, reference: i.reference, purpose: i.purpose, band: i.band, benefitScore: i.benefitScore })), members: members.map((m) => m.id) },
      },
    ]);
    await notifyMembers('meeting.agenda', `Agenda for ${title}`, items.map((i) => `${i.position}. ${i.reference} ${i.title}`).join('\n') || 'No items.');
  }
  await condition(() => state === 'CLOSED' || state === 'CANCELLED');
  await condition(allHandlersFinished);
  await writes;
  return state;
}
