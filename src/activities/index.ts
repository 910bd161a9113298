// Every activity, built from its dependencies so tests hand in the real test database and
// override only what they must.
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { createBidActivities } from './bids.js';
import { createLifecycleActivities, type Notifier } from './lifecycle.js';
import { createMeetingActivities } from './meetings.js';
import { createNotificationActivities, deliveryNotifier } from './notifications.js';
import { createRecorderActivities } from './recorder.js';
import { createRoundActivities } from './rounds.js';
import { createScoringActivities } from './scoring.js';

export interface ActivityDeps {
  db: Db;
  config: Config;
  /** Activities that talk to other workflows (placing bids on an agenda) use the client. */
  temporal?: { client: Client };
  notifier?: Notifier;
}

export function createActivities(input: ActivityDeps) {
  // With an e-mail transport, each stored notice starts its delivery workflow.
  const emailing = input.config.EMAIL_TRANSPORT !== undefined && input.config.EMAIL_TRANSPORT !== 'none' && input.temporal !== undefined;
  const deps = emailing ? { ...input, notifier: deliveryNotifier({ client: input.temporal!.client, config: input.config }) } : input;
  return {
    ...createRecorderActivities(deps),
    ...createNotificationActivities(deps),
    ...createBidActivities(deps),
    ...createLifecycleActivities(deps),
    ...createScoringActivities(deps),
    ...createMeetingActivities(deps),
    ...createRoundActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
