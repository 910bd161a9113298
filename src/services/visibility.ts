// Who sees which bids. Programme teams see their own organisation's bids (as lead or partner);
// the evaluation hub sees bids that reached review; the Assembly sees bids that were scored;
// finance and admin see everything. A person with several roles sees the union.
import { and, or, sql, type SQL } from 'drizzle-orm';
import { bids } from '../db/schema.js';
import type { Actor } from '../shared.js';

const NOT_YET_REVIEWED = ['SUBMITTED', 'INTAKE', 'RETURNED', 'LAPSED'];

export function seesEverything(user: Actor): boolean {
  return user.roles.includes('finance') || user.roles.includes('admin');
}

/** The SQL condition on `bids` for what this person may list and read. */
export function visibleBids(user: Actor): SQL | undefined {
  if (seesEverything(user)) return undefined;
  const parts: SQL[] = [];
  if (user.roles.includes('applicant')) {
    parts.push(sql`(${bids.leadOrganisation} = ${user.organisation} or ${user.organisation} = any(${bids.partnerOrganisations}))`);
  }
  if (user.roles.includes('evaluator') || user.roles.includes('hub_lead')) {
    parts.push(sql`${bids.state} not in (${sql.join(NOT_YET_REVIEWED.map((s) => sql`${s}`), sql`, `)})`);
  }
  if (user.roles.includes('assembly_member') || user.roles.includes('assembly_chair')) {
    parts.push(sql`${bids.band} is not null`);
  }
  return parts.length ? (or(...parts) ?? sql`false`) : sql`false`;
}

export function canSee(user: Actor, bid: { leadOrganisation: string; partnerOrganisations: string[]; state: string; status: unknown }): boolean {
  if (seesEverything(user)) return true;
  if (user.roles.includes('applicant') && (bid.leadOrganisation === user.organisation || bid.partnerOrganisations.includes(user.organisation))) return true;
  if ((user.roles.includes('evaluator') || user.roles.includes('hub_lead')) && !NOT_YET_REVIEWED.includes(bid.state)) return true;
  if ((user.roles.includes('assembly_member') || user.roles.includes('assembly_chair')) && !!(bid.status as { score?: unknown })?.score) return true;
  return false;
}

export const andVisible = (user: Actor, ...conditions: (SQL | undefined)[]) => and(visibleBids(user), ...conditions);
