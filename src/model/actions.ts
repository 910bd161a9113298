// A declarative table of actions: for each, who may take it (roles), in which states, whether a
// conflict of interest bars it, and a guard on the model. The workflows' Update validators and
// "what each role may do next" both read the same table, so they cannot disagree. Checks
// return a refusal, never throw: callers decide whether to refuse an update or list an action.
import type { Role } from '../domain/vocabulary.js';
import type { Actor } from '../shared.js';

export const Refusals = {
  wrongState: 'WrongState',
  forbidden: 'Forbidden',
  conflictOfInterest: 'ConflictOfInterest',
  invalid: 'InvalidAction',
  referenceInUse: 'ReferenceInUse',
  unstorable: 'Unstorable',
} as const;
export type RefusalType = (typeof Refusals)[keyof typeof Refusals];

/** Why an action is refused: its type (how the API answers), the words, and the rule that refused. */
export interface Refusal {
  type: RefusalType;
  message: string;
  rule: string;
}

export const refusal = (type: RefusalType, message: string, rule = 'action_rules'): Refusal => ({ type, message, rule });
export const invalid = (message: string, rule?: string): Refusal => refusal(Refusals.invalid, message, rule);
export const wrongState = (message: string): Refusal => refusal(Refusals.wrongState, message, 'state');
export const forbidden = (message: string, rule: string): Refusal => refusal(Refusals.forbidden, message, rule);

/**
 * Who asks: a person (every check), or only a role (the checks that hold for anyone with that
 * role: what the role may do next, shown before anyone tries).
 */
export type Asker = { kind: 'person'; actor: Actor } | { kind: 'role'; role: Role } | { kind: 'system' };

export const SYSTEM_ASKER: Asker = { kind: 'system' };
export const hasRole = (actor: Pick<Actor, 'roles'>, ...roles: Role[]): boolean => roles.some((r) => actor.roles.includes(r));

export interface ActionRule<M, S extends string, Args> {
  /** What the action is, as it reads after "may": "withdraw a bid". */
  does: string;
  roles: readonly Role[];
  /** The states it may be taken in, and the words for them after "cannot": "be withdrawn". */
  states: readonly S[];
  inState: string;
  /** A conflict of interest (organisation or declaration) bars the person, named as they may not `as`. */
  conflict?: { as: string; of: (model: M, actor: Actor) => string | null };
  /** Further rules on the model, the person and the arguments, in the order they are checked. */
  guard?: (model: M, who: Asker, args: Args | undefined) => Refusal | null;
  /** Taken by the service or another workflow, not by a person: never listed as anyone's next action. */
  system?: boolean;
}

export interface ActionTable<M, S extends string, A extends string> {
  rules: { [K in A]: ActionRule<M, S, never> };
  stateOf: (model: M) => S;
  /** The refusal's words for an action taken in the wrong state. */
  wrongState: (state: S, inState: string, allowed: readonly S[]) => string;
}

type AnyRule<M, S extends string> = ActionRule<M, S, unknown>;

/** Checks an action: role, then conflict of interest, then state, then the action's own guard. */
export function check<M, S extends string, A extends string, Args>(
  table: ActionTable<M, S, A>,
  action: A,
  model: M,
  who: Asker,
  args?: Args,
): Refusal | null {
  const rule = table.rules[action] as AnyRule<M, S>;
  const roles = who.kind === 'person' ? who.actor.roles : who.kind === 'role' ? [who.role] : [];
  if (!rule.system && !rule.roles.some((r) => roles.includes(r))) {
    return forbidden(`Only ${rule.roles.join(' or ')} may ${rule.does}`, 'role');
  }
  if (who.kind === 'person' && rule.conflict) {
    const conflict = rule.conflict.of(model, who.actor);
    if (conflict) return refusal(Refusals.conflictOfInterest, `${who.actor.name} may not ${rule.conflict.as}: ${conflict}`, 'conflict_of_interest');
  }
  const state = table.stateOf(model);
  if (!rule.states.includes(state)) return wrongState(table.wrongState(state, rule.inState, rule.states));
  return rule.guard ? rule.guard(model, who, args) : null;
}

/** Every action (of `only`, or all) this person may take now, in the table's order. */
export function allowedActions<M, S extends string, A extends string>(table: ActionTable<M, S, A>, model: M, actor: Actor, only?: readonly A[]): A[] {
  return (only ?? (Object.keys(table.rules) as A[])).filter(
    (a) => !(table.rules[a] as AnyRule<M, S>).system && check(table, a, model, { kind: 'person', actor }) === null,
  );
}

/** What each role may do next: the same table, checked for the role alone. */
export function roleActions<M, S extends string, A extends string>(
  table: ActionTable<M, S, A>,
  model: M,
  roles: readonly Role[],
  leaveOut: readonly A[] = [],
): Partial<Record<Role, A[]>> {
  const out: Partial<Record<Role, A[]>> = {};
  for (const role of roles) {
    const actions = (Object.keys(table.rules) as A[]).filter((a) => {
      const rule = table.rules[a] as AnyRule<M, S>;
      return !rule.system && !leaveOut.includes(a) && rule.roles.includes(role) && check(table, a, model, { kind: 'role', role }) === null;
    });
    if (actions.length) out[role] = actions;
  }
  return out;
}
