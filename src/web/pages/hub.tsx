// The evaluation hub's and the CCP Assembly's pages: review queue, review form, moderation, meetings, items, votes, decisions.
import type { WebApp } from '../app.js';

export function registerHubPages(_web: WebApp): void {
  // Pages are added here.
}
