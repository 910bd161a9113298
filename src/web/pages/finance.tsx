// Finance's and the admin's pages: the decision trail, money, funding rounds with the allocation chart and what-if.
import type { WebApp } from '../app.js';

export function registerFinancePages(_web: WebApp): void {
  // Pages are added here.
}
