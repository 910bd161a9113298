// Every activity, built from its dependencies so tests hand in the real test database and
// override only what they must.
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { createBidActivities } from './bids.js';

export interface ActivityDeps {
  db: Db;
  config: Config;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createBidActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
