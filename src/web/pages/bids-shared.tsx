// What the bid pages share: headings with a caption, a submit button that ignores a second
// click, an error summary whose links may lead to other pages, and the organisations' names.
import { asc } from 'drizzle-orm';
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { ApiError } from '../../api/errors.js';
import type { Db } from '../../db/client.js';
import { organisations } from '../../db/schema.js';
import type { AuthUser } from '../../services/auth.js';
import type { Organisation } from './bids-form.js';

export const isApplicant = (user: AuthUser) => user.roles.includes('applicant');

/** Only programme teams submit bids: the API's own words for anyone else. */
export function needApplicant(user: AuthUser): void {
  if (!isApplicant(user)) throw new ApiError(403, 'forbidden', 'Only a programme team member (applicant) may submit a bid', { rule: 'role' });
}

/** A page's h1, with a caption above it that says where the page belongs. */
export const PageHeading: FC<PropsWithChildren<{ caption?: Child }>> = ({ caption, children }) => (
  <h1 class="nhsuk-heading-l">
    {caption ? (
      <span class="nhsuk-caption-l">
        {caption}
        <span class="nhsuk-u-visually-hidden"> - </span>
      </span>
    ) : null}
    {children}
  </h1>
);

/** A submit button that, with JavaScript, ignores a second click: a bid is sent once. */
export const SubmitOnce: FC<PropsWithChildren<{ variant?: 'warning' }>> = ({ variant, children }) => (
  <button class={`nhsuk-button${variant ? ` nhsuk-button--${variant}` : ''}`} data-module="nhsuk-button" data-prevent-double-click="true" type="submit">
    {children}
  </button>
);

/** The organisations of Norfolk and Waveney, by name. */
export async function listOrganisations(db: Db): Promise<Organisation[]> {
  return db.select({ code: organisations.code, name: organisations.name }).from(organisations).orderBy(asc(organisations.name));
}

export const namesOf = (orgs: Organisation[]): Record<string, string> => Object.fromEntries(orgs.map((o) => [o.code, o.name]));

export const sentenceCase = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
