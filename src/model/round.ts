// A funding round as one serialisable model: its envelopes, the allocation runs asked for and
// served in order, the proposal each bid learns its place from, finance's confirmation; its
// table of actions and its transitions. The round's workflow wires these to Temporal.
import {
  bidWorkflowId,
  type Actor,
  type AllocationSummary,
  type PersonRef,
  type PolicySnapshot,
  type OverrideCheck,
  type RoundAction,
  type RoundOverride,
  type RoundState,
  type RoundStatus,
  type SubEnvelopeInput,
} from '../shared.js';
import type { Role } from '../domain/vocabulary.js';
import { allowedActions, check, forbidden, invalid, wrongState, type ActionRule, type ActionTable, type Asker, type Refusal } from './actions.js';
import { SYSTEM, person, step, type Effect, type PendingEvent, type Step } from './step.js';

export interface RoundModel {
  roundId: string;
  title: string;
  financialYear: string;
  envelopePence: number;
  subEnvelopes: SubEnvelopeInput[];
  opensAt: string;
  closesAt: string;
  createdBy: PersonRef;
  policy: PolicySnapshot;
  state: RoundState;
  proposal?: AllocationSummary;
  /** Overrides of the standing proposal; absent in rounds recorded before overrides. */
  overrides?: RoundOverride[];
  confirmed?: { version: number; by: PersonRef; at: string };
  cancelled?: { by: PersonRef; reason: string; at: string };
  history: RoundStatus['history'];
  /** Runs asked for (by a person, the closing date, or a withdrawal), served one at a time in order. */
  queue: { by: PersonRef; reason: string; ticket: number }[];
  tickets: number;
  served: number;
  /** The closing date has passed and asked for its run. */
  closedRunAsked: boolean;
  /** Bids withdrawn meanwhile, whose read model may lag behind. */
  withdrawn: string[];
}

export type RoundStart = Omit<RoundModel, 'state' | 'history' | 'queue' | 'tickets' | 'served' | 'closedRunAsked' | 'withdrawn' | 'proposal' | 'confirmed' | 'cancelled'>;

export function newRound(start: RoundStart): RoundModel {
  return { ...start, createdBy: person(start.createdBy), state: 'OPEN', history: [], queue: [], tickets: 0, served: 0, closedRunAsked: false, withdrawn: [] };
}

export interface RoundActionArgs {
  runAllocation: { reason: string };
  confirmAllocation: { version: number };
  cancelRound: { reason: string };
  overrideAllocation: { version: number; reference: string; direction: 'fund' | 'waitlist'; reason: string };
}

type Rule<A extends RoundAction> = ActionRule<RoundModel, RoundState, RoundActionArgs[A]>;
const blank = (s: string | undefined | null) => !s?.trim();

/** Who may override: the round's policy (OVERRIDE_ROLES when it opened), or finance for older rounds. */
export const overrideRolesOf = (m: Pick<RoundModel, 'policy'>): readonly Role[] => m.policy.overrideRoles ?? ['finance'];
/**
 * Four eyes on allocations (ALLOCATION_SECOND_CONFIRMER when the round opened): the person who ran
 * the standing version may not confirm it; another finance person does. A version the service ran
 * (the closing date, a withdrawal) has no person behind it, so any finance person may confirm it.
 */
export function secondConfirmer(m: RoundModel, who: Asker): Refusal | null {
  if (!m.policy.allocationSecondConfirmer || who.kind !== 'person' || !m.proposal) return null;
  const version = m.proposal.version;
  const run = m.history.find((h) => h.version === version);
  if (run?.runBy !== who.actor.id) return null;
  return forbidden(
    `${who.actor.name} ran allocation version ${version}, so may not confirm it: another finance person confirms it (four eyes, ALLOCATION_SECOND_CONFIRMER)`,
    'four_eyes',
  );
}

const STAFF: readonly Role[] = ['evaluator', 'hub_lead', 'assembly_member', 'assembly_chair', 'finance', 'admin'];

const rules: { [A in RoundAction]: Rule<A> } = {
  runAllocation: {
    does: 'run the allocation',
    roles: ['finance', 'admin'],
    states: ['OPEN', 'PROPOSED'],
    inState: 'run an allocation',
    // Date.now() is the workflow's clock in the workflow, and the real one where the API lists actions.
    guard: (m, _who, args) =>
      Date.now() < Date.parse(m.opensAt) ? wrongState(`The round opens on ${m.opensAt}`) : args && blank(args.reason) ? invalid('Say why the allocation is being run') : null,
  },
  confirmAllocation: {
    does: 'confirm the allocation',
    roles: ['finance'],
    states: ['PROPOSED'],
    inState: 'be confirmed',
    guard: (m, who, args): Refusal | null => {
      if (m.queue.length > 0) return wrongState('The allocation is being run again; review the new proposal first');
      const ownRun = secondConfirmer(m, who);
      if (ownRun) return ownRun;
      if (args && args.version !== m.proposal?.version) {
        return invalid(`The allocation now stands at version ${m.proposal?.version ?? 0}, not ${args.version}: review it, then confirm that version`, 'version');
      }
      return null;
    },
  },
  cancelRound: {
    does: 'cancel the round',
    roles: ['admin'],
    states: ['OPEN', 'PROPOSED'],
    inState: 'be cancelled',
    guard: (_m, _who, args) => (args && blank(args.reason) ? invalid('A cancellation needs a reason') : null),
  },
  overrideAllocation: {
    does: 'override the allocation',
    roles: STAFF,
    states: ['PROPOSED'],
    inState: 'be overridden',
    guard: (m, who, args): Refusal | null => {
      const allowed = overrideRolesOf(m);
      const roles = who.kind === 'person' ? who.actor.roles : who.kind === 'role' ? [who.role] : [];
      if (!allowed.some((r) => roles.includes(r))) return forbidden(`Only ${allowed.join(' or ')} may override the allocation`, 'role');
      if (m.queue.length > 0) return wrongState('The allocation is being run again; override the new proposal');
      if (!m.proposal?.places.some((p) => p.reference === args?.reference) && args) return invalid(`${args.reference} is not a bid of this proposal`, 'reference');
      if (args && args.version !== m.proposal?.version) {
        return invalid(`The allocation now stands at version ${m.proposal?.version ?? 0}, not ${args.version}: review it, then override that version`, 'version');
      }
      if (args && blank(args.reason)) return invalid('An override needs its reason', 'reason');
      if (args && (m.overrides ?? []).some((o) => o.version === args.version && o.reference === args.reference)) {
        return invalid(`${args.reference} has been overridden already in version ${args.version}`, 'once_per_bid');
      }
      const place = m.proposal?.places.find((p) => p.reference === args?.reference);
      if (args && place && place.outcome === (args.direction === 'fund' ? 'funded' : 'waitlisted')) {
        return invalid(`${args.reference} is ${place.outcome} already`, 'changes_nothing');
      }
      return null;
    },
  },
};

export const roundActions: ActionTable<RoundModel, RoundState, RoundAction> = {
  rules: rules,
  stateOf: (m) => m.state,
  wrongState: (state, inState, allowed) => `The round is ${state}; it cannot ${inState} (it must be ${allowed.join(' or ')})`,
};

export function checkRoundAction<A extends RoundAction>(m: RoundModel, action: A, actor: Actor, args: RoundActionArgs[A]): Refusal | null {
  return check(roundActions, action, m, { kind: 'person', actor }, args);
}

export const roundActionsFor = (m: RoundModel, actor: Actor): RoundAction[] => allowedActions(roundActions, m, actor);

// ---------------------------------------------------------------------------------------------
// Transitions

const ev = (m: RoundModel, by: PersonRef, role: string, action: string, payload: Record<string, unknown>): PendingEvent => ({
  by,
  role,
  action,
  fromState: null,
  toState: m.state,
  payload,
});

export function opened(m: RoundModel): Step<RoundModel> {
  const { title, financialYear, envelopePence, subEnvelopes, opensAt, closesAt } = m;
  return step(m, [ev(m, m.createdBy, 'admin', 'round.opened', { title, financialYear, envelopePence, subEnvelopes, opensAt, closesAt })]);
}

/** Asks for a run; its ticket says when it has been served. */
export function runAsked(m: RoundModel, by: PersonRef, reason: string): { model: RoundModel; ticket: number } {
  const ticket = m.tickets + 1;
  return { model: { ...m, tickets: ticket, queue: [...m.queue, { by, reason, ticket }] }, ticket };
}

export function closingDatePassed(m: RoundModel): RoundModel {
  const next = { ...m, closedRunAsked: true };
  return m.state === 'OPEN' ? runAsked(next, SYSTEM, 'the round closed').model : next;
}

export function bidWithdrawn(m: RoundModel, reference: string): RoundModel {
  const next = { ...m, withdrawn: m.withdrawn.includes(reference) ? m.withdrawn : [...m.withdrawn, reference] };
  return m.state === 'PROPOSED' && m.proposal?.places.some((p) => p.reference === reference) ? runAsked(next, SYSTEM, `${reference} was withdrawn before confirmation`).model : next;
}

const notice = (m: RoundModel, summary: AllocationSummary) => ({ roundId: m.roundId, roundTitle: m.title, financialYear: m.financialYear, version: summary.version });

/** The head of the queue has run: the new proposal, each bid told its place, and those it no longer holds released. */
export function allocationRun(m: RoundModel, result: AllocationSummary): Step<RoundModel> {
  const [request, ...queue] = m.queue;
  const before = m.proposal;
  const funded = result.places.filter((p) => p.outcome === 'funded').map((p) => p.reference);
  const waitlisted = result.places.filter((p) => p.outcome === 'waitlisted').map((p) => p.reference);
  const next: RoundModel = {
    ...m,
    proposal: result,
    ...(m.overrides?.length ? { overrides: [] } : {}),
    state: 'PROPOSED',
    queue,
    served: request!.ticket,
    history: [...m.history, { version: result.version, runAt: result.runAt, runBy: request!.by.id, reason: request!.reason, funded: funded.length, waitlisted: waitlisted.length }],
  };
  const wasFunded = new Set(before?.places.filter((p) => p.outcome === 'funded').map((p) => p.reference) ?? []);
  const movedUp = before ? funded.filter((r) => !wasFunded.has(r)) : [];
  const event = ev(next, request!.by, request!.by.id === 'system' ? 'system' : 'finance', before ? 'allocation.rerun' : 'allocation.proposed', {
    version: result.version,
    reason: request!.reason,
    funded,
    waitlisted,
    ...(before && { movedUp }),
    cutLine: result.cutLine,
    envelopes: result.envelopes,
    mustFundOverrun: result.mustFundOverrun,
  });
  const told: Effect[] = result.places.map((place) => ({ workflowId: bidWorkflowId(place.reference), signal: 'allocationProposed', payload: { ...notice(m, result), place } }));
  const left = (before?.places.map((p) => p.reference) ?? []).filter((r) => !result.places.some((p) => p.reference === r) && !m.withdrawn.includes(r));
  const released: Effect[] = left.map((reference) => ({ workflowId: bidWorkflowId(reference), signal: 'allocationReleased', payload: { roundId: m.roundId, reason: `no longer held by ${m.title}` } }));
  return step(next, [event], [], [...told, ...released]);
}

export function confirmed(m: RoundModel, actor: Actor, now: string): Step<RoundModel> {
  const summary = m.proposal!;
  const next: RoundModel = { ...m, state: 'CONFIRMED', confirmed: { version: summary.version, by: person(actor), at: now } };
  const event = ev(next, person(actor), 'finance', 'allocation.confirmed', {
    version: summary.version,
    funded: summary.places.filter((p) => p.outcome === 'funded').map((p) => p.reference),
    waitlisted: summary.places.filter((p) => p.outcome === 'waitlisted').map((p) => p.reference),
    envelopes: summary.envelopes,
    ...(m.overrides?.length && { overrides: m.overrides.map((o) => ({ reference: o.reference, direction: o.direction, reason: o.reason, by: o.by.id })) }),
  });
  const effects: Effect[] = summary.places.map((place) => ({
    workflowId: bidWorkflowId(place.reference),
    signal: 'allocationConfirmed',
    payload: { ...notice(m, summary), place, confirmedBy: person(actor) },
  }));
  return step(next, [event], [], effects);
}

/** The override as the round records it; the places and envelopes are what the check found. */
export function overridden(m: RoundModel, actor: Actor, args: RoundActionArgs['overrideAllocation'], found: Extract<OverrideCheck, { ok: true }>, now: string): Step<RoundModel> {
  const summary = m.proposal!;
  const allocated = summary.places.find((p) => p.reference === args.reference)!.outcome;
  const role = overrideRolesOf(m).find((r) => actor.roles.includes(r)) ?? 'finance';
  const override: RoundOverride = { version: summary.version, reference: args.reference, direction: args.direction, allocated, reason: args.reason, by: person(actor), role, at: now };
  const proposal: AllocationSummary = { ...summary, places: found.places, envelopes: found.envelopes };
  const next: RoundModel = { ...m, proposal, overrides: [...(m.overrides ?? []), override] };
  const place = found.places.find((p) => p.reference === args.reference)!;
  const event = ev(next, person(actor), role, 'allocation.overridden', {
    version: summary.version,
    reference: args.reference,
    direction: args.direction,
    allocated,
    outcome: place.outcome,
    reason: args.reason,
    funded: found.places.filter((p) => p.outcome === 'funded').map((p) => p.reference),
    waitlisted: found.places.filter((p) => p.outcome === 'waitlisted').map((p) => p.reference),
    envelopes: found.envelopes,
  });
  const effects: Effect[] = [{ workflowId: bidWorkflowId(args.reference), signal: 'allocationProposed', payload: { ...notice(m, summary), place } }];
  return step(next, [event], [], effects);
}

export function cancelled(m: RoundModel, actor: Actor, { reason }: RoundActionArgs['cancelRound'], now: string): Step<RoundModel> {
  const next: RoundModel = { ...m, state: 'CANCELLED', cancelled: { by: person(actor), reason, at: now } };
  const effects: Effect[] = (m.proposal?.places ?? []).map((p) => ({
    workflowId: bidWorkflowId(p.reference),
    signal: 'allocationReleased',
    payload: { roundId: m.roundId, reason: `round cancelled: ${reason}` },
  }));
  return step(next, [ev(next, person(actor), 'admin', 'round.cancelled', { reason })], [], effects);
}

export const roundFinished = (m: RoundModel): boolean => m.state === 'CONFIRMED' || m.state === 'CANCELLED';

export function roundStatusView(m: RoundModel): RoundStatus {
  const { roundId, title, financialYear, envelopePence, subEnvelopes, opensAt, closesAt, state, proposal, confirmed: c, cancelled: x, history, overrides } = m;
  return { roundId, title, financialYear, envelopePence, subEnvelopes, opensAt, closesAt, state, proposal, ...(overrides?.length ? { overrides } : {}), confirmed: c, cancelled: x, history };
}

export function roundSummary(m: RoundModel) {
  return { title: m.title, financialYear: m.financialYear, envelopePence: m.envelopePence, subEnvelopes: m.subEnvelopes, opensAt: m.opensAt, closesAt: m.closesAt, state: m.state };
}
