// The evaluation hub's work: an evaluator's queue, overdue first, and the review of one bid, its
// steps and ratings each recorded on their own, then completed; revisions, taking a place, assigning.
import { eq } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { ApiError, toApiError } from '../../api/errors.js';
import { users } from '../../db/schema.js';
import { actorOf, type AuthUser } from '../../services/auth.js';
import { getVisibleBid, reviewQueue, runBidAction, type BidView, type QueueItem } from '../../services/bids.js';
import {
  RATING_CRITERIA,
  REVIEW_STEPS,
  STEP_ASSESSMENTS,
  assignReviewUpdate,
  completeReviewUpdate,
  recordRatingUpdate,
  recordReviewStepUpdate,
  requestRevisionsUpdate,
  takeReviewUpdate,
  type BidStatus,
  type EvaluatorReview,
  type RatingCriterion,
  type ReviewStatus,
  type ReviewStep,
} from '../../shared.js';
import { act, BID_ROUTE, needRole, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, Form, InsetText, Radios, Select, SummaryList, Table, TextArea } from '../components.js';
import { dateTime } from '../format.js';
import {
  ASSESSMENT_LABELS,
  BidInBrief,
  DeadlineText,
  Heading,
  NotNow,
  RATING_LABELS,
  STEP_LABELS,
  activeEvaluators,
  bidHref,
  errorOf,
  given,
  hasRole,
  lower,
  moderateHref,
  organisationNames,
  prefixed,
  reviewHref,
  roleMay,
  shown,
  submitForm,
  type Failed,
  type OrganisationNames,
} from './hub-shared.js';

const RECOMMENDATION_LABELS = { ready: 'Ready for scoring', not_supported: 'Not supported' } as const;

const WHY: Record<QueueItem['why'], { text: string; action: string; href: (reference: string) => string }> = {
  assigned: { text: 'Assigned to you', action: 'Review', href: reviewHref },
  open_place: { text: 'A review place is open', action: 'Take a place', href: reviewHref },
  moderation: { text: 'Waiting for moderation', action: 'Moderate', href: moderateHref },
};

const stepSchema = (label: string) =>
  z.object({
    assessment: z.enum(STEP_ASSESSMENTS, { error: `Select your assessment of ${label}` }),
    comments: given(`Comments on ${label}`, `Enter your comments on ${label}`),
  });

const RATING_VALUES = ['0', '1', '2', '3', '4', '5', 'na'] as const;
const ratingSchema = (label: string) =>
  z.object({
    rating: z.enum(RATING_VALUES, { error: `Select a rating for ${label}, or not applicable` }).transform((v) => (v === 'na' ? null : Number(v))),
    rationale: given('The rationale', `Enter your rationale for the ${label} rating`),
  });

const completeSchema = z
  .object({
    recommendation: z.enum(['ready', 'not_supported'], { error: 'Select whether the bid is ready for scoring or not supported' }),
    comments: z.string().trim().max(5000, 'Comments must be 5,000 characters or fewer'),
  })
  .superRefine((v, ctx) => {
    if (v.recommendation === 'not_supported' && !v.comments) ctx.addIssue({ code: 'custom', path: ['comments'], message: 'Enter the reason the bid is not supported' });
  });

const revisionsSchema = z.object({ comments: given('What needs to change', 'Enter what the programme team needs to change') });

const assignSchema = z.object({ evaluator: z.string().min(1, 'Select the evaluator to assign'), replaces: z.string() });

export function registerReviewPages(web: WebApp): void {
  web.get('/app/reviews', async (c) => {
    const user = signedIn(c);
    needRole(user, 'see the review queue', 'evaluator', 'hub_lead');
    const items = await reviewQueue(c.get('deps'), user);
    return render(c, { title: 'Review queue', current: '/app/reviews' }, <QueuePage items={items} />);
  });

  web.get(`${BID_ROUTE}/review`, (c) => reviewPage(c, c.req.param('reference')));

  web.post(`${BID_ROUTE}/review/take`, (c) => {
    const reference = c.req.param('reference');
    return act(c, reviewHref(reference), { kind: 'success', title: 'You have taken this review' }, () =>
      runBidAction(c.get('deps'), reference, takeReviewUpdate, { actor: signedIn(c) }),
    );
  });

  web.post(`${BID_ROUTE}/review/steps/:step`, (c) => {
    const { reference, step } = c.req.param();
    if (!(REVIEW_STEPS as readonly string[]).includes(step)) throw new ApiError(404, 'not_found', `There is no review step ${step}`);
    const label = STEP_LABELS[step as ReviewStep];
    return submitForm(c, {
      form: step,
      ...prefixed(step, ['assessment', 'comments']),
      schema: stepSchema(lower(label)),
      invalid: (failed) => reviewPage(c, reference, failed),
      then: reviewHref(reference),
      success: { kind: 'success', title: `${label} recorded` },
      run: (data) => runBidAction(c.get('deps'), reference, recordReviewStepUpdate, { actor: signedIn(c), step: step as ReviewStep, ...data }),
    });
  });

  web.post(`${BID_ROUTE}/review/ratings/:criterion`, (c) => {
    const { reference, criterion } = c.req.param();
    if (!(RATING_CRITERIA as readonly string[]).includes(criterion)) throw new ApiError(404, 'not_found', `There is no rating ${criterion}`);
    const label = RATING_LABELS[criterion as RatingCriterion];
    return submitForm(c, {
      form: criterion,
      ...prefixed(criterion, ['rating', 'rationale']),
      schema: ratingSchema(lower(label)),
      invalid: (failed) => reviewPage(c, reference, failed),
      then: reviewHref(reference),
      success: { kind: 'success', title: `${label} rating recorded` },
      run: (data) => runBidAction(c.get('deps'), reference, recordRatingUpdate, { actor: signedIn(c), criterion: criterion as RatingCriterion, ...data }),
    });
  });

  web.post(`${BID_ROUTE}/review/complete`, (c) => {
    const reference = c.req.param('reference');
    return submitForm(c, {
      form: 'complete',
      ...prefixed('complete', ['recommendation', 'comments']),
      schema: completeSchema,
      invalid: (failed) => reviewPage(c, reference, failed),
      then: '/app/reviews',
      success: { kind: 'success', title: `Review of ${reference} completed` },
      run: (data) => runBidAction(c.get('deps'), reference, completeReviewUpdate, { actor: signedIn(c), ...data }),
    });
  });

  web.post(`${BID_ROUTE}/review/revisions`, (c) => {
    const reference = c.req.param('reference');
    return submitForm(c, {
      form: 'revisions',
      ...prefixed('revisions', ['comments']),
      schema: revisionsSchema,
      invalid: (failed) => reviewPage(c, reference, failed),
      then: '/app/reviews',
      success: { kind: 'success', title: `Revisions requested on ${reference}`, text: 'The programme team has been told what to change.' },
      run: (data) => runBidAction(c.get('deps'), reference, requestRevisionsUpdate, { actor: signedIn(c), ...data }),
    });
  });

  web.post(`${BID_ROUTE}/review/assign`, (c) => {
    const reference = c.req.param('reference');
    return submitForm(c, {
      form: 'assign',
      ...prefixed('assign', ['evaluator', 'replaces']),
      schema: assignSchema,
      invalid: (failed) => reviewPage(c, reference, failed),
      then: reviewHref(reference),
      success: { kind: 'success', title: 'Review assigned' },
      run: (data) => assign(c, reference, signedIn(c), data),
    });
  });
}

async function assign(c: WebContext, reference: string, user: AuthUser, { evaluator: evaluatorId, replaces }: { evaluator: string; replaces: string }) {
  const deps = c.get('deps');
  const [row] = await deps.db.select().from(users).where(eq(users.id, evaluatorId)).limit(1);
  if (!row?.active) throw new ApiError(422, 'refused', `There is no active user ${evaluatorId}`);
  const evaluator = actorOf(row);
  try {
    return await runBidAction(deps, reference, assignReviewUpdate, { actor: user, evaluator, replaces: replaces || undefined });
  } catch (error) {
    // The conflict is the evaluator's, not the hub lead's: keep the workflow's words, but not the
    // banner's "You have a conflict of interest", which would name the wrong person.
    const refusal = toApiError(error);
    if (refusal.code === 'conflict_of_interest' && refusal.message.startsWith(evaluator.name)) throw new ApiError(422, 'refused', refusal.message);
    throw error;
  }
}

async function reviewPage(c: WebContext, reference: string, failed?: Failed): Promise<Response> {
  const user = signedIn(c);
  needRole(user, 'review bids', 'evaluator', 'hub_lead');
  const deps = c.get('deps');
  const bid = await getVisibleBid(deps, user, reference);
  const [names, evaluators] = await Promise.all([organisationNames(deps.db), hasRole(user, 'hub_lead') ? activeEvaluators(deps.db) : []]);
  return render(
    c,
    { title: `Review ${reference}`, current: '/app/reviews', errors: failed?.list, beforeContent: <BackLink href="/app/reviews" text="Back to your review queue" /> },
    <ReviewPage bid={bid} user={user} failed={failed} csrf={c.get('csrf')} names={names} evaluators={evaluators} />,
    failed ? 400 : 200,
  );
}

// ---------------------------------------------------------------------------------------------
// The queue

const QueuePage: FC<{ items: QueueItem[] }> = ({ items }) => (
  <>
    <h1>Review queue</h1>
    {items.length === 0 ? (
      <p>There is nothing in your queue. Bids are assigned to evaluators automatically; yours will appear here.</p>
    ) : (
      <Table
        caption={`${items.length} ${items.length === 1 ? 'bid' : 'bids'} for you, overdue first`}
        captionSize="s"
        head={['Bid', 'Why it is here', 'Deadline', 'Action']}
        rows={items.map((item) => [
          <>
            <a href={bidHref(item.reference)}>{item.reference}</a>
            <br />
            {item.title}
          </>,
          WHY[item.why].text,
          <DeadlineText dueAt={item.dueAt} />,
          <a href={WHY[item.why].href(item.reference)}>
            {WHY[item.why].action}
            <span class="nhsuk-u-visually-hidden"> {item.reference}</span>
          </a>,
        ])}
      />
    )}
  </>
);

// ---------------------------------------------------------------------------------------------
// The review of one bid

interface FormProps {
  reference: string;
  csrf: string;
  failed?: Failed;
}

type Evaluator = Awaited<ReturnType<typeof activeEvaluators>>[number];

const ReviewPage: FC<Omit<FormProps, 'reference'> & { bid: BidView; user: AuthUser; names: OrganisationNames; evaluators: Evaluator[] }> = ({
  bid,
  user,
  failed,
  csrf,
  names,
  evaluators,
}) => {
  const status = bid.status as unknown as BidStatus;
  const review = status.review;
  const mine = review?.reviews.find((r) => r.evaluator.id === user.id);
  const reviewing = bid.state === 'HUB_REVIEW' && review?.phase === 'review';
  const props = { reference: bid.reference, csrf, failed };
  return (
    <>
      <Heading caption={`Evaluation hub review, ${bid.reference}`} title={bid.title} />
      <BidInBrief bid={bid} names={names} />
      {review ? <ReviewSummary review={review} /> : null}
      <Situation bid={bid} status={status} mine={mine} isLead={hasRole(user, 'hub_lead')} />
      {reviewing && mine && !mine.completed ? <YourReview review={mine} {...props} /> : null}
      {reviewing && !mine && roleMay(user, status, 'takeReview') ? <TakeReview {...props} /> : null}
      {review && roleMay(user, status, 'assignReview') ? <AssignReview review={review} evaluators={evaluators} {...props} /> : null}
      {((mine && !mine.completed) || hasRole(user, 'hub_lead')) && roleMay(user, status, 'requestRevisions') ? <RequestRevisions {...props} /> : null}
    </>
  );
};

const ReviewSummary: FC<{ review: ReviewStatus }> = ({ review }) => {
  const open = review.requiredEvaluators - review.reviews.length;
  return (
    <>
      <h2>The review</h2>
      <SummaryList
        rows={[
          { key: 'Review cycle', value: review.cycle === 1 ? 'First review' : `Review ${review.cycle}, after revisions` },
          {
            key: 'Evaluators',
            value: (
              <ul class="nhsuk-list">
                {review.reviews.map((r) => (
                  <li>
                    {r.evaluator.name}, {r.evaluator.organisation}:{' '}
                    {r.completed ? `completed ${dateTime(r.completed.at)}, ${lower(RECOMMENDATION_LABELS[r.completed.recommendation])}` : 'in progress'}
                  </li>
                ))}
                {open > 0 ? <li>{open === 1 ? '1 place is open' : `${open} places are open`}</li> : null}
              </ul>
            ),
          },
          {
            key: 'Deadline',
            value: (
              <>
                <DeadlineText dueAt={review.deadline?.dueAt} />
                {review.deadline?.breached ? (
                  <p class="nhsuk-body-s nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">The deadline was breached and the hub lead told. The review carries on.</p>
                ) : null}
              </>
            ),
          },
          { key: 'Revisions requested', value: review.revisionCycles === 0 ? 'None so far' : `${review.revisionCycles} ${review.revisionCycles === 1 ? 'time' : 'times'}` },
        ]}
      />
    </>
  );
};

/** Where the review stands, when it is not this person's to work on. */
const Situation: FC<{ bid: BidView; status: BidStatus; mine?: EvaluatorReview; isLead: boolean }> = ({ bid, status, mine, isLead }) => {
  if (bid.state !== 'HUB_REVIEW') {
    return <NotNow why="This bid is no longer in evaluation hub review." bid={bid} status={status} />;
  }
  if (status.review?.phase === 'moderation') {
    return (
      <InsetText>
        <p>The evaluators' ratings diverge, so the hub lead moderates them before the bid is scored.</p>
        {isLead ? (
          <p>
            <a href={moderateHref(bid.reference)}>Moderate the ratings</a>
          </p>
        ) : null}
      </InsetText>
    );
  }
  if (mine?.completed) {
    return (
      <InsetText>
        <p>
          You completed your review on {dateTime(mine.completed.at)}: {lower(RECOMMENDATION_LABELS[mine.completed.recommendation])}.
        </p>
      </InsetText>
    );
  }
  return null;
};

const YourReview: FC<FormProps & { review: EvaluatorReview }> = ({ review, ...props }) => (
  <>
    <h2>Review steps</h2>
    <p>Record each step on its own. You can change what you recorded until you complete your review.</p>
    {REVIEW_STEPS.map((step) => (
      <StepForm step={step} review={review} {...props} />
    ))}
    <h2>Ratings</h2>
    <p>
      The clinical score uses these ratings: 0 is very poor and 5 is excellent. Choose not applicable when a criterion does not apply to this bid; it is then left out of the
      score and the other weights rescaled, rather than scored as zero.
    </p>
    {RATING_CRITERIA.map((criterion) => (
      <RatingForm criterion={criterion} review={review} {...props} />
    ))}
    <CompleteReview review={review} {...props} />
  </>
);

const Recorded: FC<{ at?: string }> = ({ at }) => <p class="nhsuk-body-s">{at ? `Recorded ${dateTime(at)}` : 'Not recorded yet'}</p>;

const StepForm: FC<FormProps & { step: ReviewStep; review: EvaluatorReview }> = ({ step, review, reference, csrf, failed }) => {
  const label = STEP_LABELS[step];
  const recorded = review.steps[step];
  const name = (field: string) => `${step}-${field}`;
  return (
    <>
      <h3>{label}</h3>
      <Recorded at={recorded?.at} />
      <Form action={`${reviewHref(reference)}/steps/${step}`} csrf={csrf}>
        <Radios
          name={name('assessment')}
          legend={`Your assessment of ${lower(label)}`}
          legendSize="s"
          inline
          options={STEP_ASSESSMENTS.map((a) => ({ value: a, label: ASSESSMENT_LABELS[a] }))}
          value={shown(failed, step, name('assessment'), recorded?.assessment)}
          error={errorOf(failed, step, name('assessment'))}
        />
        <TextArea
          name={name('comments')}
          label={`Comments on ${lower(label)}`}
          rows={3}
          value={shown(failed, step, name('comments'), recorded?.comments)}
          error={errorOf(failed, step, name('comments'))}
        />
        <Button variant="secondary">Save {lower(label)}</Button>
      </Form>
    </>
  );
};

const RatingForm: FC<FormProps & { criterion: RatingCriterion; review: EvaluatorReview }> = ({ criterion, review, reference, csrf, failed }) => {
  const label = RATING_LABELS[criterion];
  const recorded = review.ratings[criterion];
  const name = (field: string) => `${criterion}-${field}`;
  return (
    <>
      <h3>{label}</h3>
      <Recorded at={recorded?.at} />
      <Form action={`${reviewHref(reference)}/ratings/${criterion}`} csrf={csrf}>
        <Radios
          name={name('rating')}
          legend={`Rating for ${lower(label)}`}
          legendSize="s"
          inline
          options={RATING_VALUES.map((v) => ({ value: v, label: v === 'na' ? 'Not applicable' : v }))}
          value={shown(failed, criterion, name('rating'), recorded ? (recorded.rating === null ? 'na' : String(recorded.rating)) : undefined)}
          error={errorOf(failed, criterion, name('rating'))}
        />
        <TextArea
          name={name('rationale')}
          label={`Rationale for the ${lower(label)} rating`}
          rows={3}
          value={shown(failed, criterion, name('rationale'), recorded?.rationale)}
          error={errorOf(failed, criterion, name('rationale'))}
        />
        <Button variant="secondary">Save {lower(label)} rating</Button>
      </Form>
    </>
  );
};

const CompleteReview: FC<FormProps & { review: EvaluatorReview }> = ({ review, reference, csrf, failed }) => {
  const missing = [
    ...REVIEW_STEPS.filter((s) => !review.steps[s]).map((s) => lower(STEP_LABELS[s])),
    ...RATING_CRITERIA.filter((c) => !review.ratings[c]).map((c) => `the ${lower(RATING_LABELS[c])} rating`),
  ];
  return (
    <>
      <h2>Complete your review</h2>
      {missing.length ? (
        <p>You can complete your review once every step and rating is recorded. Still to record: {missing.join(', ')}.</p>
      ) : (
        <Form action={`${reviewHref(reference)}/complete`} csrf={csrf}>
          <Radios
            name="complete-recommendation"
            legend="Your recommendation"
            legendSize="s"
            options={[
              { value: 'ready', label: RECOMMENDATION_LABELS.ready, hint: 'The bid goes on to clinical scoring' },
              { value: 'not_supported', label: RECOMMENDATION_LABELS.not_supported, hint: 'The programme team is told your reason' },
            ]}
            value={shown(failed, 'complete', 'complete-recommendation', null)}
            error={errorOf(failed, 'complete', 'complete-recommendation')}
          />
          <TextArea
            name="complete-comments"
            label="Comments"
            hint="Needed if you recommend the bid is not supported: give the reason."
            rows={3}
            value={shown(failed, 'complete', 'complete-comments', null)}
            error={errorOf(failed, 'complete', 'complete-comments')}
          />
          <Button>Complete your review</Button>
        </Form>
      )}
    </>
  );
};

const TakeReview: FC<FormProps> = ({ reference, csrf }) => (
  <>
    <h2>Take this review</h2>
    <p>A review place on this bid is open. Take it if you have no conflict of interest: you must not belong to the bid's lead or partner organisations.</p>
    <Form action={`${reviewHref(reference)}/take`} csrf={csrf}>
      <Button>Take this review</Button>
    </Form>
  </>
);

const AssignReview: FC<FormProps & { review: ReviewStatus; evaluators: Evaluator[] }> = ({ review, evaluators, reference, csrf, failed }) => {
  const current = review.reviews.filter((r) => !r.completed);
  return (
    <>
      <h2>Assign or reassign</h2>
      <Form action={`${reviewHref(reference)}/assign`} csrf={csrf}>
        <Select
          name="assign-evaluator"
          label="Evaluator"
          hint="Someone from the bid's lead or partner organisations, or who declared an interest, will be refused."
          placeholder="Select an evaluator"
          options={evaluators.map((e) => ({ value: e.id, label: `${e.name}, ${e.organisation}` }))}
          value={shown(failed, 'assign', 'assign-evaluator', null)}
          error={errorOf(failed, 'assign', 'assign-evaluator')}
        />
        <Select
          name="assign-replaces"
          label="In place of"
          placeholder="No one: fill an open place"
          options={current.map((r) => ({ value: r.evaluator.id, label: r.evaluator.name }))}
          value={shown(failed, 'assign', 'assign-replaces', null)}
        />
        <Button variant="secondary">Assign evaluator</Button>
      </Form>
    </>
  );
};

const RequestRevisions: FC<FormProps> = ({ reference, csrf, failed }) => (
  <>
    <h2>Request revisions</h2>
    <p>The programme team is told what to change. When they resubmit, the bid comes back to the same evaluators.</p>
    <Form action={`${reviewHref(reference)}/revisions`} csrf={csrf}>
      <TextArea
        name="revisions-comments"
        label="What the programme team needs to change"
        rows={4}
        value={shown(failed, 'revisions', 'revisions-comments', null)}
        error={errorOf(failed, 'revisions', 'revisions-comments')}
      />
      <Button variant="secondary">Request revisions</Button>
    </Form>
  </>
);
