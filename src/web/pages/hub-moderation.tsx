// Moderation: when two evaluators' ratings diverge, the hub lead sees both side by side and
// records the moderated ratings and the decision; the trail keeps the originals beside them.
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { getVisibleBid, runBidAction, type BidView } from '../../services/bids.js';
import { RATING_CRITERIA, moderateUpdate, type BidStatus, type RatingCriterion, type ReviewStatus } from '../../shared.js';
import { BID_ROUTE, needRole, one, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, Form, Radios, SummaryList, Table, TextArea, TextInput } from '../components.js';
import { dateTime } from '../format.js';
import {
  BidInBrief,
  Heading,
  NotNow,
  RATING_LABELS,
  errorOf,
  given,
  lower,
  moderateHref,
  organisationNames,
  ratingText,
  roleMay,
  shown,
  submitForm,
  type Failed,
} from './hub-shared.js';

const DECISION_LABELS = { ready: 'Ready for scoring', not_supported: 'Not supported', revisions: 'Request revisions from the programme team' } as const;

/** A moderated rating: 0 to 5 with up to two decimal places, or not applicable; never both, never neither. */
const moderatedRating = (label: string) =>
  z.object({ value: z.string().trim(), na: z.boolean() }).transform((r, ctx): number | null => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (r.na && r.value) return fail(`Enter a moderated rating for ${label} or select not applicable, not both`);
    if (r.na) return null;
    if (!r.value) return fail(`Enter a moderated rating for ${label}, or select not applicable`);
    if (!/^\d(\.\d{1,2})?$/.test(r.value) || Number(r.value) > 5) return fail(`The moderated rating for ${label} must be a number from 0 to 5, with up to 2 decimal places`);
    return Number(r.value);
  });

const moderationSchema = z.object({
  ratings: z.object({
    evidence_quality: moderatedRating(lower(RATING_LABELS.evidence_quality)),
    deliverability: moderatedRating(lower(RATING_LABELS.deliverability)),
    quality_and_safety: moderatedRating(lower(RATING_LABELS.quality_and_safety)),
  }),
  decision: z.enum(['ready', 'not_supported', 'revisions'], { error: 'Select your decision' }),
  comments: given('Comments', 'Enter comments explaining your decision'),
});

export function registerModerationPages(web: WebApp): void {
  web.get(`${BID_ROUTE}/moderate`, (c) => moderationPage(c, c.req.param('reference')));

  web.post(`${BID_ROUTE}/moderate`, (c) => {
    const reference = c.req.param('reference');
    return submitForm(c, {
      form: 'moderate',
      read: (form) => ({
        ratings: Object.fromEntries(RATING_CRITERIA.map((k) => [k, { value: one(form, `${k}-rating`), na: one(form, `${k}-na`) === 'yes' }])),
        decision: one(form, 'decision'),
        comments: one(form, 'comments'),
      }),
      fieldFor: (path) => (path.startsWith('ratings.') ? `${path.slice('ratings.'.length)}-rating` : path),
      schema: moderationSchema,
      invalid: (failed) => moderationPage(c, reference, failed),
      then: '/app/reviews',
      success: { kind: 'success', title: `Moderation of ${reference} recorded` },
      run: (data) => runBidAction(c.get('deps'), reference, moderateUpdate, { actor: signedIn(c), ...data }),
    });
  });
}

async function moderationPage(c: WebContext, reference: string, failed?: Failed): Promise<Response> {
  const user = signedIn(c);
  needRole(user, 'moderate divergent ratings', 'hub_lead');
  const deps = c.get('deps');
  const bid = await getVisibleBid(deps, user, reference);
  const status = bid.status as unknown as BidStatus;
  const open = roleMay(user, status, 'moderate') && status.review?.phase === 'moderation';
  return render(
    c,
    { title: `Moderate ${reference}`, current: '/app/reviews', errors: failed?.list, beforeContent: <BackLink href="/app/reviews" text="Back to your review queue" /> },
    <>
      <Heading caption={`Moderation, ${reference}`} title={bid.title} />
      <BidInBrief bid={bid} names={await organisationNames(deps.db)} />
      {status.review ? <Originals review={status.review} /> : null}
      {open ? <ModerationForm reference={reference} csrf={c.get('csrf')} failed={failed} /> : <NotOpen bid={bid} status={status} />}
    </>,
    failed ? 400 : 200,
  );
}

/** The workflow names criteria by their ids ("evidence_quality: ratings 1 and 5 differ..."); people read their names. */
const reasonText = (reason: string) => reason.replace(/^(\w+):/, (whole, id: string) => (id in RATING_LABELS ? `${RATING_LABELS[id as RatingCriterion]}:` : whole));

const Originals: FC<{ review: ReviewStatus }> = ({ review }) => (
  <>
    {review.moderation?.reasons.length ? (
      <>
        <h2>Why moderation is needed</h2>
        <ul>
          {review.moderation.reasons.map((r) => (
            <li>{reasonText(r)}</li>
          ))}
        </ul>
      </>
    ) : null}
    <h2>The evaluators' ratings</h2>
    <Table
      caption="Each evaluator's original ratings and rationale"
      captionSize="s"
      head={['Criterion', ...review.reviews.map((r) => r.evaluator.name)]}
      rowHeaders
      rows={[
        ...RATING_CRITERIA.map((c) => [
          RATING_LABELS[c],
          ...review.reviews.map((r) => (
            <>
              <strong>{ratingText(r.ratings[c]?.rating)}</strong>
              {r.ratings[c]?.rationale ? <p class="nhsuk-body-s nhsuk-u-margin-bottom-0">{r.ratings[c]?.rationale}</p> : null}
            </>
          )),
        ]),
        [
          'Recommendation',
          ...review.reviews.map((r) =>
            r.completed ? (
              <>
                <strong>{r.completed.recommendation === 'ready' ? 'Ready for scoring' : 'Not supported'}</strong>
                {r.completed.comments ? <p class="nhsuk-body-s nhsuk-u-margin-bottom-0">{r.completed.comments}</p> : null}
              </>
            ) : (
              'Not completed'
            ),
          ),
        ],
      ]}
    />
  </>
);

/** One checkbox on its own, for "not applicable" beside a number. */
const NotApplicable: FC<{ name: string; checked: boolean }> = ({ name, checked }) => (
  <div class="nhsuk-form-group">
    <div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">
      <div class="nhsuk-checkboxes__item">
        <input class="nhsuk-checkboxes__input" id={name} name={name} type="checkbox" value="yes" checked={checked} />
        <label class="nhsuk-label nhsuk-checkboxes__label" for={name}>
          Not applicable
        </label>
      </div>
    </div>
  </div>
);

const ModerationForm: FC<{ reference: string; csrf: string; failed?: Failed }> = ({ reference, csrf, failed }) => (
  <>
    <h2>Your moderation</h2>
    <Form action={moderateHref(reference)} csrf={csrf}>
      {RATING_CRITERIA.map((c) => (
        <fieldset class="nhsuk-fieldset">
          <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{RATING_LABELS[c]}</legend>
          <TextInput
            name={`${c}-rating`}
            label="Moderated rating"
            hint="From 0 to 5, with up to 2 decimal places, for example 3.5"
            width={4}
            inputmode="decimal"
            value={shown(failed, 'moderate', `${c}-rating`, null)}
            error={errorOf(failed, 'moderate', `${c}-rating`)}
          />
          <NotApplicable name={`${c}-na`} checked={shown(failed, 'moderate', `${c}-na`, null) === 'yes'} />
        </fieldset>
      ))}
      <Radios
        name="decision"
        legend="Your decision"
        legendSize="s"
        options={(Object.keys(DECISION_LABELS) as (keyof typeof DECISION_LABELS)[]).map((d) => ({ value: d, label: DECISION_LABELS[d] }))}
        value={shown(failed, 'moderate', 'decision', null)}
        error={errorOf(failed, 'moderate', 'decision')}
      />
      <TextArea
        name="comments"
        label="Comments"
        hint="Explain your decision. It goes on the decision trail, and to the programme team if you request revisions."
        rows={4}
        value={shown(failed, 'moderate', 'comments', null)}
        error={errorOf(failed, 'moderate', 'comments')}
      />
      <Button>Record moderation</Button>
    </Form>
  </>
);

const NotOpen: FC<{ bid: BidView; status: BidStatus }> = ({ bid, status }) => {
  const outcome = status.review?.moderation?.outcome;
  return outcome ? (
    <>
      <h2>Moderated</h2>
      <SummaryList
        rows={[
          { key: 'Moderated by', value: `${outcome.by.name}, ${dateTime(outcome.at)}` },
          ...RATING_CRITERIA.map((c) => ({ key: RATING_LABELS[c], value: ratingText(outcome.ratings[c]) })),
          { key: 'Decision', value: DECISION_LABELS[outcome.decision] },
          { key: 'Comments', value: outcome.comments },
        ]}
      />
    </>
  ) : (
    <NotNow why="This bid is not waiting for moderation." bid={bid} status={status} />
  );
};
