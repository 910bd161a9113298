// What every workflow's handlers share: refusing an action (a typed failure naming the rule
// that refused, which the API maps to HTTP), the system as an actor, and a person's reference.
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { Actor, PersonRef } from './shared.js';

/** The service itself, as the actor of automatic steps. */
export const SYSTEM: PersonRef = { id: 'system', name: 'Clinical prioritisation service', organisation: 'NWICB' };

export const person = (actor: Actor): PersonRef => ({ id: actor.id, name: actor.name, organisation: actor.organisation });

/** Refuses an action: the type says how (forbidden, wrong state...), the rule says which check. */
export function refuse(type: string, message: string, rule = 'action_rules'): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, details: [{ rule }] });
}

/**
 * Registers an update with its validator, both typed from the update's definition (the SDK's
 * setHandler cannot infer the validator's argument types).
 */
export function onUpdate<Ret, Args extends unknown[]>(
  definition: UpdateDefinition<Ret, Args>,
  handler: (...args: NoInfer<Args>) => Promise<NoInfer<Ret>>,
  validator: (...args: NoInfer<Args>) => void,
): void {
  setHandler(definition, handler, { validator });
}
