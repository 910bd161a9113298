// Reconsideration on the web: the programme team asks the Assembly to reconsider a decision not
// to support its bid (grounds and new information), and the hub lead reviews the request. The
// bid's workflow decides whether each may; these pages only gather the words.
import type { FC } from 'hono/jsx';
import { getVisibleBid, runBidAction, type BidView } from '../../services/bids.js';
import { requestReconsiderationUpdate, reviewReconsiderationUpdate, type BidStatus, type ReconsiderationOutcome, type ReconsiderationStatus } from '../../shared.js';
import { act, BID_ROUTE, formOf, one, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Form, InsetText, Radios, SummaryList, TextArea, type FieldError } from '../components.js';
import { date, dateTime } from '../format.js';
import { PageHeading, SubmitOnce } from './bids-shared.js';

/** The API's limits on these texts. */
const MAX = { reason: 5000, newInformation: 10000 } as const;

const OUTCOMES: { value: ReconsiderationOutcome; label: string; hint: string }[] = [
  { value: 'return_to_assembly', label: 'Return it to the CCP Assembly', hint: 'The bid goes on the next agenda, with its history and the new information.' },
  { value: 'uphold', label: 'Let the decision stand', hint: 'The bid stays closed; the programme team is told why.' },
];

/** What the bid's page shows of a reconsideration: the window, the request and the review. */
export const Reconsideration: FC<{ status: BidStatus }> = ({ status }) => {
  const r = status.reconsideration;
  if (!r) return null;
  const rows = [
    { key: 'Decision', value: `Not supported at ${r.decision.meetingTitle || r.decision.meetingId}, ${date(r.decision.decidedAt)}` },
    { key: 'Ask by', value: `${dateTime(r.window.dueAt)}${r.lapsed && !r.request ? ' (the time to ask has passed)' : ''}` },
    ...(r.request
      ? [
          { key: 'Asked by', value: `${r.request.by.name}, ${dateTime(r.request.at)}` },
          { key: 'Grounds', value: r.request.reason },
          { key: 'New information', value: r.request.newInformation },
        ]
      : []),
    ...(r.review
      ? [
          { key: 'Reviewed by', value: `${r.review.by.name}, ${dateTime(r.review.at)}` },
          { key: 'Outcome', value: OUTCOMES.find((o) => o.value === r.review!.outcome)?.label ?? r.review.outcome },
          { key: 'Reason', value: r.review.reason },
        ]
      : []),
  ];
  return (
    <>
      <h2>Reconsideration</h2>
      <SummaryList rows={rows} />
    </>
  );
};

const Request: FC<{ r: ReconsiderationStatus }> = ({ r }) => (
  <SummaryList
    rows={[
      { key: 'Decision', value: `Not supported: ${r.decision.reason || 'no reason recorded'}` },
      { key: 'Asked by', value: r.request ? `${r.request.by.name}, ${dateTime(r.request.at)}` : '' },
      { key: 'Grounds', value: r.request?.reason ?? '' },
      { key: 'New information', value: r.request?.newInformation ?? '' },
    ]}
  />
);

type Values = Record<string, string>;

const RequestPage: FC<{ bid: BidView; csrf: string; values: Values; errors: Values }> = ({ bid, csrf, values, errors }) => {
  const r = (bid.status as unknown as BidStatus).reconsideration;
  return (
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <PageHeading caption={bid.title}>Ask for reconsideration of bid {bid.reference}</PageHeading>
        <InsetText>
          <p>
            The CCP Assembly did not support this bid. You may ask, once{r ? `, by ${dateTime(r.window.dueAt)}` : ''}, for the decision to be reconsidered with information the
            Assembly did not have. The evaluation hub lead reviews your request; if it has merit, the bid goes back before the Assembly at a later meeting.
          </p>
        </InsetText>
        <Form action={`/app/bids/${bid.reference}/reconsideration`} csrf={csrf}>
          <TextArea name="reason" label="Why should the decision be reconsidered?" hint="For example, a factual error, or information that was not considered." value={values.reason} error={errors.reason} rows={4} />
          <TextArea name="newInformation" label="What new information do you have?" hint="This goes to the hub lead and, if the bid returns, to the Assembly, on the bid's decision trail." value={values.newInformation} error={errors.newInformation} rows={6} />
          <div class="nhsuk-button-group">
            <SubmitOnce>Ask for reconsideration</SubmitOnce>
            <a href={`/app/bids/${bid.reference}`}>Cancel</a>
          </div>
        </Form>
      </div>
    </div>
  );
};

const ReviewPage: FC<{ bid: BidView; csrf: string; values: Values; errors: Values }> = ({ bid, csrf, values, errors }) => {
  const r = (bid.status as unknown as BidStatus).reconsideration;
  return (
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <PageHeading caption={bid.title}>Review the request to reconsider bid {bid.reference}</PageHeading>
        {r ? <Request r={r} /> : null}
        <Form action={`/app/bids/${bid.reference}/reconsideration-review`} csrf={csrf}>
          <Radios name="outcome" legend="What should happen to the request?" legendSize="s" options={OUTCOMES} value={values.outcome} error={errors.outcome} />
          <TextArea name="reason" label="Your reason" hint="The programme team is told it, and it is kept on the bid's decision trail." value={values.reason} error={errors.reason} rows={4} />
          <div class="nhsuk-button-group">
            <SubmitOnce>Record the review</SubmitOnce>
            <a href={`/app/bids/${bid.reference}`}>Cancel</a>
          </div>
        </Form>
      </div>
    </div>
  );
};

async function show(c: WebContext, which: 'request' | 'review', values: Values = {}, errors: Values = {}) {
  const bid = await getVisibleBid(c.get('deps'), signedIn(c), c.req.param('reference') ?? '');
  const list: FieldError[] = Object.entries(errors).map(([field, message]) => ({ field, message }));
  const title = which === 'request' ? `Ask for reconsideration of bid ${bid.reference}` : `Review the request to reconsider bid ${bid.reference}`;
  const Page = which === 'request' ? RequestPage : ReviewPage;
  return render(
    c,
    { title, errors: list.length ? list : undefined, current: '/app/bids', beforeContent: <BackLink href={`/app/bids/${bid.reference}`} /> },
    <Page bid={bid} csrf={c.get('csrf')} values={values} errors={errors} />,
    list.length ? 400 : 200,
  );
}

const tooLong = (what: string, max: number) => `${what} must be ${max.toLocaleString('en-GB')} characters or fewer`;

export function registerReconsiderationPages(web: WebApp): void {
  web.get(`${BID_ROUTE}/reconsideration`, (c) => show(c, 'request'));
  web.post(`${BID_ROUTE}/reconsideration`, async (c) => {
    const user = signedIn(c);
    const reference = c.req.param('reference');
    const form = formOf(c);
    const values = { reason: one(form, 'reason'), newInformation: one(form, 'newInformation') };
    const errors: Values = {};
    if (!values.reason) errors.reason = 'Enter why the decision should be reconsidered';
    else if (values.reason.length > MAX.reason) errors.reason = tooLong('Your reason', MAX.reason);
    if (!values.newInformation) errors.newInformation = 'Enter the new information the Assembly did not have';
    else if (values.newInformation.length > MAX.newInformation) errors.newInformation = tooLong('The new information', MAX.newInformation);
    if (Object.keys(errors).length) return show(c, 'request', values, errors);
    return act(c, `/app/bids/${reference}`, { kind: 'success', title: 'Reconsideration asked for', text: 'The evaluation hub lead will review your request.' }, () =>
      runBidAction(c.get('deps'), reference, requestReconsiderationUpdate, { actor: user, ...values }),
    );
  });

  web.get(`${BID_ROUTE}/reconsideration-review`, (c) => show(c, 'review'));
  web.post(`${BID_ROUTE}/reconsideration-review`, async (c) => {
    const user = signedIn(c);
    const reference = c.req.param('reference');
    const form = formOf(c);
    const values = { outcome: one(form, 'outcome'), reason: one(form, 'reason') };
    const errors: Values = {};
    const outcome = OUTCOMES.find((o) => o.value === values.outcome)?.value;
    if (!outcome) errors.outcome = 'Select what should happen to the request';
    if (!values.reason) errors.reason = 'Enter your reason';
    else if (values.reason.length > MAX.reason) errors.reason = tooLong('Your reason', MAX.reason);
    if (!outcome || Object.keys(errors).length) return show(c, 'review', values, errors);
    const done = outcome === 'return_to_assembly' ? `Bid ${reference} returns to the CCP Assembly` : `The decision on bid ${reference} stands`;
    return act(c, `/app/bids/${reference}`, { kind: 'success', title: done }, () => runBidAction(c.get('deps'), reference, reviewReconsiderationUpdate, { actor: user, outcome, reason: values.reason }));
  });
}
