// The hub lead's own pages: every review in progress with its evaluators, deadline and state,
// overdue first; each evaluator's load; and assigning or reassigning a review from there.
import type { FC } from 'hono/jsx';
import { ApiError } from '../../api/errors.js';
import { getVisibleBid } from '../../services/bids.js';
import { hubOverview, type EvaluatorLoad, type HubOverview, type ReviewInProgress } from '../../services/hub.js';
import type { BidStatus } from '../../shared.js';
import { needRole, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, Form, Select, Table, Tag } from '../components.js';
import { dateTime } from '../format.js';
import { assign, assignSchema } from './hub-reviews.js';
import { BidInBrief, DeadlineText, Heading, bidHref, errorOf, moderateHref, organisationNames, prefixed, reviewHref, shown, submitForm, type Failed } from './hub-shared.js';

export const HUB_HREF = '/app/hub';
const REFERENCE = '{[A-Z]{2,5}-[0-9]{4}-[0-9]{4,6}}';
export const hubAssignHref = (reference: string) => `${HUB_HREF}/assign/${encodeURIComponent(reference)}`;

export function registerHubLeadPages(web: WebApp): void {
  web.get(HUB_HREF, async (c) => {
    const user = signedIn(c);
    needRole(user, 'see the reviews in progress', 'hub_lead');
    const overview = await hubOverview(c.get('deps'), user);
    return render(c, { title: 'Reviews in progress', current: HUB_HREF }, <OverviewPage overview={overview} />);
  });

  web.get(`${HUB_HREF}/assign/:reference${REFERENCE}`, (c) => assignPage(c, c.req.param('reference')));

  web.post(`${HUB_HREF}/assign/:reference${REFERENCE}`, (c) => {
    const reference = c.req.param('reference');
    return submitForm(c, {
      form: 'assign',
      ...prefixed('assign', ['evaluator', 'replaces']),
      schema: assignSchema,
      invalid: (failed) => assignPage(c, reference, failed),
      then: HUB_HREF,
      success: { kind: 'success', title: `Review of ${reference} assigned` },
      run: (data) => assign(c, reference, signedIn(c), data),
    });
  });
}

async function assignPage(c: WebContext, reference: string, failed?: Failed): Promise<Response> {
  const user = signedIn(c);
  needRole(user, 'assign reviews', 'hub_lead');
  const deps = c.get('deps');
  const [bid, names, overview] = await Promise.all([getVisibleBid(deps, user, reference), organisationNames(deps.db), hubOverview(deps, user)]);
  const review = (bid.status as unknown as BidStatus).review;
  if (bid.state !== 'HUB_REVIEW' || !review) throw new ApiError(409, 'wrong_state', `${reference} is not in evaluation hub review, so it has no review to assign`);
  const current = review.reviews.filter((r) => !r.completed);
  return render(
    c,
    { title: `Assign the review of ${reference}`, current: HUB_HREF, errors: failed?.list, beforeContent: <BackLink href={HUB_HREF} text="Back to the reviews in progress" /> },
    <>
      <Heading caption={`Assign or reassign, ${reference}`} title={bid.title} />
      <BidInBrief bid={bid} names={names} />
      <Form action={hubAssignHref(reference)} csrf={c.get('csrf')}>
        <Select
          name="assign-evaluator"
          label="Evaluator"
          hint="Each evaluator's open reviews are shown beside their name. Someone from the bid's lead or partner organisations, or who declared an interest, will be refused."
          placeholder="Select an evaluator"
          options={overview.evaluators.map((e) => ({ value: e.id, label: `${e.name}, ${e.organisation}: ${loadText(e)}` }))}
          value={shown(failed, 'assign', 'assign-evaluator', null)}
          error={errorOf(failed, 'assign', 'assign-evaluator')}
        />
        <Select
          name="assign-replaces"
          label="In place of"
          placeholder={review.reviews.length < review.requiredEvaluators ? 'No one: fill an open place' : 'No one'}
          options={current.map((r) => ({ value: r.evaluator.id, label: r.evaluator.name }))}
          value={shown(failed, 'assign', 'assign-replaces', null)}
        />
        <Button>Assign evaluator</Button>
      </Form>
      <p>
        <a href={reviewHref(reference)}>The review of {reference}</a>
      </p>
    </>,
    failed ? 400 : 200,
  );
}

const loadText = (e: Pick<EvaluatorLoad, 'open' | 'overdue'>) =>
  `${e.open === 0 ? 'no open reviews' : e.open === 1 ? '1 open review' : `${e.open} open reviews`}${e.overdue ? `, ${e.overdue} overdue` : ''}`;

const PHASE_LABELS: Record<ReviewInProgress['phase'], string> = { review: 'Under review', moderation: 'Waiting for moderation', done: 'Reviewed' };

const Evaluators: FC<{ review: ReviewInProgress }> = ({ review }) => (
  <ul class="nhsuk-list nhsuk-u-margin-bottom-0">
    {review.evaluators.map((e) => (
      <li>
        {e.name}: {e.completedAt ? `completed ${dateTime(e.completedAt)}` : 'in progress'}
      </li>
    ))}
    {review.openPlaces > 0 ? (
      <li>
        <Tag colour="orange">{review.openPlaces === 1 ? '1 place open' : `${review.openPlaces} places open`}</Tag>
      </li>
    ) : null}
  </ul>
);

const OverviewPage: FC<{ overview: HubOverview }> = ({ overview }) => {
  const overdue = overview.reviews.filter((r) => r.overdue).length;
  return (
    <>
      <h1>Reviews in progress</h1>
      <p>
        {overview.reviews.length === 0
          ? 'No bid is in evaluation hub review.'
          : `${overview.reviews.length} ${overview.reviews.length === 1 ? 'bid is' : 'bids are'} in review${overdue ? `, ${overdue} overdue` : ''}.`}{' '}
        Assign an open place or reassign a review from here.
      </p>
      {overview.reviews.length ? (
        <Table
          caption="Reviews in progress, overdue first"
          head={['Bid', 'Evaluators', 'Deadline', 'State', 'Action']}
          rows={overview.reviews.map((r) => [
            <>
              <a href={bidHref(r.reference)}>{r.reference}</a>
              <br />
              {r.title}
            </>,
            <Evaluators review={r} />,
            <DeadlineText dueAt={r.dueAt} />,
            `${PHASE_LABELS[r.phase]}${r.cycle > 1 ? `, review ${r.cycle}` : ''}`,
            r.phase === 'moderation' ? (
              <a href={moderateHref(r.reference)}>
                Moderate<span class="nhsuk-u-visually-hidden"> {r.reference}</span>
              </a>
            ) : (
              <a href={hubAssignHref(r.reference)}>
                {r.openPlaces ? 'Assign' : 'Reassign'}
                <span class="nhsuk-u-visually-hidden"> {r.reference}</span>
              </a>
            ),
          ])}
        />
      ) : null}
      <Table
        caption="Each evaluator's load"
        head={['Evaluator', 'Open reviews', 'Overdue']}
        numeric={[1, 2]}
        rowHeaders
        rows={overview.evaluators.map((e) => [
          <>
            {e.name}
            <br />
            <span class="nhsuk-body-s">{e.organisation}</span>
          </>,
          String(e.open),
          String(e.overdue),
        ])}
      />
    </>
  );
};
