// The evaluation hub's and the CCP Assembly's pages: review queue, review form, moderation, meetings, items, votes, decisions.
import type { WebApp } from '../app.js';
import { registerChairsActionPages } from './hub-chairs-action.js';
import { registerItemPages } from './hub-items.js';
import { registerHubLeadPages } from './hub-lead.js';
import { registerMeetingPages } from './hub-meetings.js';
import { registerModerationPages } from './hub-moderation.js';
import { registerReviewPages } from './hub-reviews.js';

export function registerHubPages(web: WebApp): void {
  registerHubLeadPages(web);
  registerReviewPages(web);
  registerModerationPages(web);
  registerChairsActionPages(web);
  registerMeetingPages(web);
  registerItemPages(web);
}
