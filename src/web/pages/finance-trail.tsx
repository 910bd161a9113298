// The whole decision trail for ICB finance and the admin: search it with the API's filters,
// download what matches as CSV, and check that no event was changed or removed.
import { asc, inArray } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import { ApiError } from '../../api/errors.js';
import type { Db } from '../../db/client.js';
import { organisations, users } from '../../db/schema.js';
import { financialYearSchema } from '../../domain/bid.js';
import { AMBITIONS, PLACES } from '../../domain/vocabulary.js';
import { exportTrailCsv, needFinance, searchTrail, verifyTrail, type TrailFilters, type TrailRow, type TrailVerification } from '../../services/trail.js';
import { BID_STATES } from '../../shared.js';
import { render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, ButtonLink, Form, InsetText, Pagination, Select, SummaryList, Table, Tag, TextInput, WarningCallout } from '../components.js';
import { ambition, dateTime, money, place, ROLE_LABELS, stateLabel } from '../format.js';
import { poundsField, Problems } from './finance-forms.js';

const PAGE_SIZE = 50;

const FILTER_FIELDS = ['financialYear', 'ambition', 'place', 'organisation', 'state', 'amountFrom', 'amountTo', 'action', 'reference'] as const;
type FilterQuery = Record<(typeof FILTER_FIELDS)[number], string>;

const queryOf = (c: WebContext): FilterQuery => Object.fromEntries(FILTER_FIELDS.map((f) => [f, c.req.query(f)?.trim() ?? ''])) as FilterQuery;

/** The same filters again, for the next page and the CSV link: only those given. */
const queryString = (q: FilterQuery, extra: Record<string, string> = {}) =>
  new URLSearchParams([...FILTER_FIELDS.filter((f) => q[f]).map((f): [string, string] => [f, q[f]]), ...Object.entries(extra)]).toString();

async function organisationList(c: WebContext) {
  return c.get('deps').db.select({ code: organisations.code, name: organisations.name }).from(organisations).orderBy(asc(organisations.name));
}

/** People's names for the ids the records keep, so a reader years later sees who, not a login. */
export async function personNames(db: Db, ids: string[]): Promise<Record<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return {};
  const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, unique));
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}

/** The form's words to the service's filters, as strictly as the API reads its query. */
function toFilters(q: FilterQuery, organisationCodes: string[]): { filters: TrailFilters; problems: Problems } {
  const problems = new Problems();
  const filters: TrailFilters = {};
  if (q.financialYear) {
    if (financialYearSchema.safeParse(q.financialYear).success) filters.financialYear = q.financialYear;
    else problems.add('financialYear', 'Enter the financial year as two consecutive years, such as 2026/27');
  }
  const choice = (field: 'ambition' | 'place' | 'organisation' | 'state', allowed: readonly string[], what: string) => {
    if (!q[field]) return;
    if (allowed.includes(q[field])) filters[field] = q[field];
    else problems.add(field, `Choose ${what} from the list`);
  };
  choice('ambition', AMBITIONS, 'an ambition');
  choice('place', PLACES, 'a place');
  choice('organisation', organisationCodes, 'an organisation');
  choice('state', BID_STATES, 'a state');
  const from = poundsField(problems, 'amountFrom', q.amountFrom, 'the lowest amount', false);
  const to = poundsField(problems, 'amountTo', q.amountTo, 'the highest amount', false);
  if (from !== null) filters.minPence = from;
  if (to !== null) filters.maxPence = to;
  if (from !== null && to !== null && to < from) problems.add('amountTo', 'The highest amount must be the same as or more than the lowest amount');
  if (q.action) {
    const action = q.action.toLowerCase();
    if (/^[a-z_.]{1,60}$/.test(action)) filters.action = action;
    else problems.add('action', 'Enter the start of an action in lower-case letters, dots and underscores, such as allocation.');
  }
  if (q.reference) {
    if (q.reference.length <= 20) filters.reference = q.reference.toUpperCase();
    else problems.add('reference', 'Enter a bid reference of 20 characters or fewer, such as NW-2026-0042');
  }
  return { filters, problems };
}

export function registerTrailPages(web: WebApp): void {
  web.get('/app/trail', async (c) => {
    needFinance(signedIn(c));
    const q = queryOf(c);
    const orgs = await organisationList(c);
    const { filters, problems } = toFilters(q, orgs.map((o) => o.code));
    // A search is any visit with a query, even with every filter empty (the whole trail).
    const searched = new URL(c.req.url).search.length > 1;
    // The cursor is the last event's id: a whole number, or the start.
    const cursorParam = c.req.query('cursor') ?? '';
    const cursor = /^\d{1,15}$/.test(cursorParam) ? Number(cursorParam) : 0;
    const results = searched && !problems.any ? await searchTrail(c.get('deps').db, filters, cursor, PAGE_SIZE) : null;
    const names = results ? await personNames(c.get('deps').db, results.items.map((e) => e.actorId)) : {};
    return render(
      c,
      { title: 'Decision trail', current: '/app/trail', errors: problems.list },
      <>
        <h1>Decision trail</h1>
        <p class="nhsuk-lede-text">Every decision on every bid: who made it, when, from which state to which, and why.</p>
        <ButtonLink href="/app/trail/verify" variant="secondary">
          Check the trail's integrity
        </ButtonLink>
        <SearchForm q={q} errors={problems.byField} organisations={orgs} />
        {results ? <Results q={q} cursor={cursor} items={results.items} nextCursor={results.nextCursor} names={names} /> : null}
      </>,
      problems.any ? 400 : 200,
    );
  });

  web.get('/app/trail/export.csv', async (c) => {
    needFinance(signedIn(c));
    const { filters, problems } = toFilters(queryOf(c), (await organisationList(c)).map((o) => o.code));
    if (problems.any) throw new ApiError(400, 'validation_failed', `The filters are not valid: ${problems.list.map((p) => p.message).join('; ')}`);
    const stamp = new Date().toISOString().slice(0, 10);
    return c.body(exportTrailCsv(c.get('deps').db, filters), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="decision-trail-${stamp}.csv"`,
    });
  });

  web.get('/app/trail/verify', async (c) => {
    needFinance(signedIn(c));
    const verdict = await verifyTrail(c.get('deps').db, c.get('deps').config.TRAIL_SEAL_KEY);
    const title = verdict.valid ? 'The decision trail is intact' : 'The decision trail has been altered';
    return render(c, { title, current: '/app/trail', beforeContent: <BackLink href="/app/trail" text="Back to the decision trail" /> }, <Verdict verdict={verdict} title={title} />);
  });
}

// ---------------------------------------------------------------------------------------------
// Search

const SearchForm: FC<{ q: FilterQuery; errors: Record<string, string>; organisations: { code: string; name: string }[] }> = ({ q, errors, organisations: orgs }) => (
  <Form action="/app/trail" method="get" csrf="">
    <h2>Search the trail</h2>
    <p>Filters apply to the bid: its costs' financial years, its ambitions, places, organisations, state now and whole-life cost. Leave them all empty to see everything.</p>
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-one-third">
        <TextInput name="financialYear" label="Financial year" hint="For example, 2026/27" width={10} value={q.financialYear} error={errors.financialYear} />
      </div>
      <div class="nhsuk-grid-column-one-third">
        <Select name="organisation" label="Organisation" hint="Lead or partner" placeholder="Any" options={orgs.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))} value={q.organisation} error={errors.organisation} />
      </div>
      <div class="nhsuk-grid-column-one-third">
        <Select name="state" label="State now" placeholder="Any" options={BID_STATES.map((s) => ({ value: s, label: stateLabel(s) }))} value={q.state} error={errors.state} />
      </div>
    </div>
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-one-third">
        <Select name="ambition" label="Ambition" hint="Primary or secondary" placeholder="Any" options={AMBITIONS.map((a) => ({ value: a, label: ambition(a) }))} value={q.ambition} error={errors.ambition} />
      </div>
      <div class="nhsuk-grid-column-one-third">
        <Select name="place" label="Place" placeholder="Any" options={PLACES.map((p) => ({ value: p, label: place(p) }))} value={q.place} error={errors.place} />
      </div>
      <div class="nhsuk-grid-column-one-third">
        <TextInput name="reference" label="Bid reference" hint="For example, NW-2026-0042" width={10} spellcheck={false} value={q.reference} error={errors.reference} />
      </div>
    </div>
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-one-third">
        <TextInput name="amountFrom" label="Whole-life cost from" prefix="£" width={10} inputmode="decimal" value={q.amountFrom} error={errors.amountFrom} />
      </div>
      <div class="nhsuk-grid-column-one-third">
        <TextInput name="amountTo" label="Whole-life cost to" prefix="£" width={10} inputmode="decimal" value={q.amountTo} error={errors.amountTo} />
      </div>
      <div class="nhsuk-grid-column-one-third">
        <TextInput name="action" label="Action starts with" hint="For example, allocation. or assembly." width={20} spellcheck={false} value={q.action} error={errors.action} />
      </div>
    </div>
    <Button>Search</Button>
    <p>
      <a href="/app/trail">Clear the filters</a>
    </p>
  </Form>
);

const Results: FC<{ q: FilterQuery; cursor: number; items: TrailRow[]; nextCursor: number | null; names: Record<string, string> }> = ({ q, cursor, items, nextCursor, names }) => (
  <section aria-labelledby="results-heading">
    <h2 id="results-heading">Events</h2>
    {items.length === 0 ? (
      <InsetText>
        <p>No events match these filters{cursor ? ' after the ones already shown' : ''}.</p>
      </InsetText>
    ) : (
      <>
        <p>
          {items.length} events, oldest first{nextCursor ? '; there are more on the next page' : ''}.{' '}
          <a href={`/app/trail/export.csv?${queryString(q)}`}>
            Download as CSV<span class="nhsuk-u-visually-hidden">: every event that matches these filters</span>
          </a>{' '}
          (every event that matches, with its full details and hashes).
        </p>
        <Table
          caption="Events that match the filters"
          head={['When', 'Bid', 'What happened', 'By', 'State', 'Details']}
          rows={items.map((e) => [
            dateTime(e.occurredAt),
            <>
              <a href={`/app/bids/${encodeURIComponent(e.streamId)}`}>{e.streamId}</a>
              <span class="nhsuk-body-s nhsuk-u-display-block nhsuk-u-margin-bottom-0">{e.bid.title}</span>
            </>,
            actionLabel(e.action),
            e.actorId === 'system' ? 'The service, automatically' : <Actor name={names[e.actorId] ?? e.actorId} role={e.actorRole} />,
            <Transition from={e.fromState} to={e.toState} />,
            <span class="cp-break">{payloadSummary(e.payload)}</span>,
          ])}
        />
      </>
    )}
    <Pagination
      previous={cursor ? { href: `/app/trail?${queryString(q)}`, label: 'The first events' } : undefined}
      next={nextCursor ? { href: `/app/trail?${queryString(q, { cursor: String(nextCursor) })}`, label: 'Later events' } : undefined}
    />
  </section>
);

const Actor: FC<{ name: string; role: string }> = ({ name, role }) => (
  <>
    {name}
    <span class="nhsuk-body-s nhsuk-u-display-block nhsuk-u-margin-bottom-0">{ROLE_LABELS[role] ?? role}</span>
  </>
);

const Transition: FC<{ from: string | null; to: string | null }> = ({ from, to }) =>
  from && to && from !== to ? (
    <>
      {stateLabel(from)} <span aria-hidden="true">→</span>
      <span class="nhsuk-u-visually-hidden"> to </span> {stateLabel(to)}
    </>
  ) : (
    <>{to ? `${stateLabel(to)} (no change)` : ''}</>
  );

/** The trail's actions in words; any action not listed reads well enough from its own name. */
const ACTION_LABELS: Record<string, string> = {
  'bid.submitted': 'Bid submitted',
  'bid.resubmitted': 'Bid resubmitted',
  'bid.withdrawn': 'Bid withdrawn',
  'bid.lapsed': 'Bid lapsed: no answer in time',
  'bid.returned': 'Returned: information missing',
  'intake.completed': 'Intake checks passed',
  'intake.returned': 'Intake found information missing',
  'review.assigned': 'Evaluator assigned',
  'review.taken': 'Review taken on',
  'review.reassigned': 'Review reassigned',
  'review.step_recorded': 'Review step recorded',
  'review.rating_recorded': 'Rating recorded',
  'review.completed': 'Review completed',
  'review.concluded': 'Evaluation hub review concluded',
  'review.moderation_required': 'Moderation needed: the ratings differ',
  'review.moderated': 'Ratings moderated',
  'review.revisions_requested': 'Revisions requested',
  'scoring.completed': 'Scored',
  'scoring.rescore_requested': 'Re-score requested',
  'hard_rule.must_fund': 'Must-fund: a statutory mandate',
  'hard_rule.safety_escalation': 'Safety escalation raised',
  'hard_rule.value_justification_required': 'Value justification needed',
  'interest.declared': 'Interest declared',
  'assembly.placed_on_agenda': 'Placed on a CCP Assembly agenda',
  'assembly.decision_applied': "The CCP Assembly's decision applied",
  'board.decision_recorded': "The ICB Board's decision recorded",
  'safety.chairs_action': "Chair's action taken",
  'allocation.proposed': 'Provisional place in an allocation',
  'allocation.confirmed': 'Allocation confirmed by finance',
  'allocation.released': 'Released from a funding round',
  'reconsideration.requested': 'Reconsideration asked for',
  'reconsideration.reviewed': 'Reconsideration reviewed',
  'reconsideration.window_closed': 'Time to ask for reconsideration ended',
};

export function actionLabel(action: string): string {
  if (ACTION_LABELS[action]) return ACTION_LABELS[action];
  const [area = '', what = ''] = action.split('.');
  const words = (s: string) => s.replace(/_/g, ' ');
  return what ? `${words(area).charAt(0).toUpperCase()}${words(area).slice(1)}: ${words(what)}` : words(area);
}

/** The fields people look for first; the CSV carries the whole payload. */
const FIRST = ['outcome', 'rank', 'reason', 'approved', 'minuteReference', 'recommendation', 'comments', 'roundId', 'version', 'benefitScore', 'band'];
const SUMMARY_LENGTH = 220;

/** A short, readable line from an event's payload: its simple fields, most telling first. */
export function payloadSummary(payload: unknown): string {
  if (!payload || typeof payload !== 'object') return '';
  const fields = payload as Record<string, unknown>;
  const keys = Object.keys(fields).filter((k) => k !== 'reference');
  keys.sort((a, b) => (FIRST.includes(a) ? FIRST.indexOf(a) : FIRST.length) - (FIRST.includes(b) ? FIRST.indexOf(b) : FIRST.length));
  const parts: string[] = [];
  for (const key of keys) {
    const text = simpleValue(key, fields[key]);
    if (text) parts.push(`${keyWords(key)}: ${text}`);
  }
  const line = parts.join('; ');
  return line.length > SUMMARY_LENGTH ? `${line.slice(0, SUMMARY_LENGTH - 1)}…` : line;
}

function simpleValue(key: string, value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return key.endsWith('Pence') ? money(value) : String(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join(', ');
  return '';
}

const keyWords = (key: string) => {
  const words = key.replace(/Pence$/, '').replace(/([A-Z])/g, ' $1').toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
};

// ---------------------------------------------------------------------------------------------
// Verification

const Verdict: FC<{ verdict: TrailVerification; title: string }> = ({ verdict, title }) => (
  <>
    <h1>{title}</h1>
    <p>Every event's hash was worked out again from its content and the event before it, for every bid, CCP Assembly meeting and funding round, and each chain's end and the set of all chains were checked against their seals, made with a key the database does not hold.</p>
    <SummaryList
      rows={[
        { key: 'Result', value: verdict.valid ? <Tag colour="green">Intact: every chain holds</Tag> : <Tag colour="red">Altered: {verdict.broken.length} breaks</Tag> },
        { key: 'Checked', value: dateTime(new Date()) },
        { key: 'Chains checked', value: `${verdict.streams} (one per bid, meeting and round)` },
        { key: 'Events checked', value: String(verdict.events) },
        { key: 'Seals checked', value: verdict.sealsChecked ? `Yes${verdict.checkpoint ? `: checkpoint ${verdict.checkpoint.version}, sealed ${dateTime(new Date(verdict.checkpoint.sealedAt))}` : ''}` : 'No: the service has no seal key' },
        {
          key: 'First broken link',
          value: verdict.firstBroken
            ? `${verdict.firstBroken.kind}: ${verdict.firstBroken.streamId ? `${verdict.firstBroken.streamType} ${verdict.firstBroken.streamId}, event ${verdict.firstBroken.seq ?? '-'}` : 'the whole trail'}: ${verdict.firstBroken.reason}`
            : 'None',
        },
      ]}
    />
    {verdict.firstBroken ? (
      <>
        <WarningCallout heading="Events were changed or removed outside the service" level={2}>
          <p>The database refuses edits and deletions of the trail, so this was done around it. Tell the ICB's information governance lead, and keep this page's figures.</p>
        </WarningCallout>
        <Table
          caption="Breaks"
          head={['Break', 'Stream', 'Bid, meeting or round', 'Event number', 'Event id', 'What is wrong']}
          numeric={[3]}
          rows={verdict.broken.map((b) => [b.kind, b.streamType ?? 'all', b.streamId ?? 'all', b.seq ?? '-', <span class="cp-break">{b.eventId ?? 'missing'}</span>, b.reason])}
        />
      </>
    ) : null}
  </>
);
