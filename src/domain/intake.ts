// Intake's completeness rules: what a well-formed bid must also carry before the hub reviews it.
import type { BidSubmission } from './bid.js';
import type { MissingItem } from '../shared.js';

export function findMissing(bid: BidSubmission): MissingItem[] {
  const missing: MissingItem[] = [];
  if (bid.costs.length === 0) {
    missing.push({ field: 'costs', message: 'costs are missing: give at least one financial year' });
  }
  bid.costs.forEach((line, i) => {
    if (line.recurrentPence + line.nonRecurrentPence <= 0) {
      missing.push({ field: `costs[${i}]`, message: `costs for ${line.financialYear} must be positive` });
    }
  });
  if (bid.kind === 'pilot' || bid.kind === 'new_service') {
    const plan = bid.evaluationPlan;
    const what = bid.kind === 'pilot' ? 'a pilot' : 'a new service';
    if (!plan) {
      missing.push({ field: 'evaluationPlan', message: `${what} must carry an evaluation plan` });
    } else {
      if (plan.outcomeMeasures.length === 0) {
        missing.push({ field: 'evaluationPlan.outcomeMeasures', message: `${what} must name at least one outcome measure` });
      }
      if (plan.baselineData.trim() === '') {
        missing.push({ field: 'evaluationPlan.baselineData', message: `${what} must describe its baseline data` });
      }
      if (plan.method.trim() === '') {
        missing.push({ field: 'evaluationPlan.method', message: `${what} must describe its evaluation method` });
      }
    }
  }
  if (bid.statutoryMandate.type !== 'none' && !bid.statutoryMandate.reference?.trim()) {
    missing.push({ field: 'statutoryMandate.reference', message: 'a statutory bid must carry the reference of its mandate' });
  }
  return missing;
}
