// What a transition returns: the new model, the trail events that record the change, the
// notices people are sent, and the messages to other workflows once the change is recorded.
// Shared by the bid, meeting and round models; pure data, no I/O.
import type { Role } from '../domain/vocabulary.js';
import type { Actor, PersonRef } from '../shared.js';

/** The service itself, as the actor of automatic steps. */
export const SYSTEM: PersonRef = { id: 'system', name: 'Clinical prioritisation service', organisation: 'NWICB' };

export const person = (actor: Pick<Actor, 'id' | 'name' | 'organisation'>): PersonRef => ({ id: actor.id, name: actor.name, organisation: actor.organisation });

/** A trail event before the recorder gives it its id and time. */
export interface PendingEvent {
  by: PersonRef;
  role: string;
  action: string;
  fromState: string | null;
  toState: string | null;
  payload: Record<string, unknown>;
  /** Set where the event names the rule set itself (scoring); otherwise the recorder stamps it. */
  ruleSetVersion?: string | null;
  /** Another stream the event also belongs on: an agenda item's event on its bid's own trail. */
  alsoOn?: { streamType: 'bid'; streamId: string };
}

export interface Notice {
  kind: string;
  to: { roles?: Role[]; userIds?: string[]; organisation?: string | null };
  subject: string;
  body: string;
}

/** A message to another workflow, sent once the change is recorded. */
export interface Effect {
  workflowId: string;
  signal: string;
  payload: unknown;
  /** Recorded if the other workflow has finished and cannot take the message. */
  ifUndelivered?: PendingEvent[];
}

export interface Step<M> {
  model: M;
  events: PendingEvent[];
  notices: Notice[];
  effects: Effect[];
}

export const step = <M>(model: M, events: PendingEvent[] = [], notices: Notice[] = [], effects: Effect[] = []): Step<M> => ({ model, events, notices, effects });
