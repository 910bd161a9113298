// Programme teams' pages, and everyone's view of a bid: the bids list, the bid form in steps,
// a bid's page, and the actions on it. Fixed paths first, so /app/bids/new is not a reference.
import type { WebApp } from '../app.js';
import { registerBidActionPages } from './bids-actions.js';
import { registerBidPage } from './bids-bid.js';
import { registerBidFormPages } from './bids-draft.js';
import { registerBidListPage } from './bids-list.js';
import { registerReconsiderationPages } from './bids-reconsideration.js';
import { registerConditionPages } from './bids-conditions.js';

export function registerBidPages(web: WebApp): void {
  registerBidListPage(web);
  registerBidFormPages(web);
  registerBidActionPages(web);
  registerReconsiderationPages(web);
  registerConditionPages(web);
  registerBidPage(web);
}
