// The bids a person may see, filtered and a page at a time; for a programme team, also the
// bids they are still writing and the way to start a new one.
import type { FC } from 'hono/jsx';
import { AMBITIONS, PLACES } from '../../domain/vocabulary.js';
import type { BidSummary } from '../../services/bids.js';
import { listBids } from '../../services/bids.js';
import { listDrafts, type Draft } from '../../services/drafts.js';
import { BID_STATES } from '../../shared.js';
import { render, signedIn, type WebApp } from '../app.js';
import { Button, ButtonLink, Form, Pagination, Select, StateTag, Table } from '../components.js';
import { date, dateTime, money, plainDates, stateLabel } from '../format.js';
import { AMBITION_OPTIONS, PLACE_OPTIONS } from './bids-labels.js';
import { continueHref } from './bids-draft.js';
import { isApplicant, sentenceCase } from './bids-shared.js';

const PAGE_SIZE = 20;

interface Filters {
  state?: string;
  ambition?: string;
  place?: string;
  page: number;
}

const MAX_PAGE = 100_000;

/** The query's filters, keeping only values the vocabularies know: anything else is ignored. */
function filtersOf(query: Record<string, string>): Filters {
  const known = (value: string | undefined, values: readonly string[]) => (value && values.includes(value) ? value : undefined);
  const page = Number.parseInt(query.page ?? '', 10);
  return {
    state: known(query.state, BID_STATES),
    ambition: known(query.ambition, AMBITIONS),
    place: known(query.place, PLACES),
    // Pages past any real list (and offsets PostgreSQL cannot take) are the first page.
    page: Number.isSafeInteger(page) && page > 0 && page <= MAX_PAGE ? page : 1,
  };
}

const hrefOf = (filters: Filters, page: number): string => {
  const params = new URLSearchParams();
  for (const key of ['state', 'ambition', 'place'] as const) if (filters[key]) params.set(key, filters[key]);
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return `/app/bids${query ? `?${query}` : ''}`;
};

const FilterForm: FC<{ filters: Filters }> = ({ filters }) => (
  <Form action="/app/bids" method="get" csrf="">
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-one-third">
        <Select name="state" label="State" placeholder="Any state" options={BID_STATES.map((s) => ({ value: s, label: stateLabel(s) }))} value={filters.state} />
      </div>
      <div class="nhsuk-grid-column-one-third">
        <Select name="ambition" label="Ambition" placeholder="Any ambition" options={AMBITION_OPTIONS} value={filters.ambition} />
      </div>
      <div class="nhsuk-grid-column-one-third">
        <Select name="place" label="Place" placeholder="Any place" options={PLACE_OPTIONS} value={filters.place} />
      </div>
    </div>
    <div class="nhsuk-button-group">
      <Button variant="secondary">Apply filters</Button>
      {filters.state || filters.ambition || filters.place ? <a href="/app/bids">Clear filters</a> : null}
    </div>
  </Form>
);

const BidsTable: FC<{ items: BidSummary[]; total: number; filters: Filters }> = ({ items, total, filters }) => {
  if (!items.length) return <p>{filters.state || filters.ambition || filters.place ? 'No bids match these filters.' : 'There are no bids to show yet.'}</p>;
  const first = (filters.page - 1) * PAGE_SIZE + 1;
  return (
    <Table
      caption={`Showing ${first} to ${first + items.length - 1} of ${total} bid${total === 1 ? '' : 's'}`}
      captionSize="s"
      head={['Reference', 'Title', 'State', 'Waiting for', 'Total', 'Last change']}
      numeric={[4]}
      rows={items.map((bid) => [
        <a href={`/app/bids/${bid.reference}`} class="nhsuk-u-nowrap">
          {bid.reference}
          <span class="nhsuk-u-visually-hidden">: {bid.title}</span>
        </a>,
        bid.title,
        <StateTag state={bid.state} />,
        bid.waitingFor ? sentenceCase(plainDates(bid.waitingFor)) : '',
        money(bid.totals.totalPence),
        date(bid.updatedAt),
      ])}
    />
  );
};

/** Bids the person has started and not sent, shown only when there are some. */
const Drafts: FC<{ drafts: Draft[] }> = ({ drafts }) =>
  drafts.length ? (
    <>
      <h2>Your drafts</h2>
      <Table
        caption="Bids you have started but not sent"
        captionSize="s"
        head={['Title', 'What it is', 'Last saved', <span class="nhsuk-u-visually-hidden">Actions</span>]}
        rows={drafts.map((draft) => {
          const title = draft.data.bid.title || 'Untitled bid';
          return [
            title,
            draft.data.resubmissionOf ? `Resubmission of ${draft.data.resubmissionOf}` : 'New bid',
            dateTime(draft.updatedAt),
            <ul class="nhsuk-list nhsuk-u-margin-bottom-0">
              <li>
                <a href={continueHref(draft)}>
                  Continue<span class="nhsuk-u-visually-hidden"> {title}</span>
                </a>
              </li>
              <li>
                <a href={`/app/bids/drafts/${draft.id}/delete`}>
                  Delete<span class="nhsuk-u-visually-hidden"> {title}</span>
                </a>
              </li>
            </ul>,
          ];
        })}
      />
    </>
  ) : null;

export function registerBidListPage(web: WebApp): void {
  web.get('/app/bids', async (c) => {
    const user = signedIn(c);
    const deps = c.get('deps');
    const filters = filtersOf(c.req.query());
    const applicant = isApplicant(user);
    const [result, drafts] = await Promise.all([
      listBids(deps, user, { state: filters.state ? [filters.state] : undefined, ambition: filters.ambition, place: filters.place, page: filters.page, pageSize: PAGE_SIZE }),
      applicant ? listDrafts(deps.db, user.id) : Promise.resolve([]),
    ]);
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    const title = applicant ? "Your organisation's bids" : 'Bids';
    return render(
      c,
      { title, current: '/app/bids' },
      <>
        <h1>{title}</h1>
        {applicant ? (
          <>
            <p>Bids your organisation leads or is a partner in. Open a bid to see where it is and what you can do.</p>
            <ButtonLink href="/app/bids/new">Start a new bid</ButtonLink>
            <Drafts drafts={drafts} />
            <h2>Submitted bids</h2>
          </>
        ) : (
          <p>The bids your role lets you see. Open a bid to see where it is, its score and the decisions on it.</p>
        )}
        <FilterForm filters={filters} />
        <BidsTable items={result.items} total={result.total} filters={filters} />
        <Pagination
          previous={filters.page > 1 ? { href: hrefOf(filters, filters.page - 1), label: `Page ${filters.page - 1} of ${pages}` } : undefined}
          next={filters.page < pages ? { href: hrefOf(filters, filters.page + 1), label: `Page ${filters.page + 1} of ${pages}` } : undefined}
        />
      </>,
    );
  });
}
