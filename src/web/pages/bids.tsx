// Programme teams' pages: their bids, the new-bid form in steps, a bid's page.
import type { WebApp } from '../app.js';

export function registerBidPages(_web: WebApp): void {
  // Pages are added here.
}
