// The evaluation hub's work: an evaluator's queue, overdue first, and the review of one bid, its
// steps and ratings each recorded on their own, then completed; revisions, taking a place, assigning.
import { eq } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { ApiError, toApiError } from '../../api/errors.js';
import type { BidSubmission } from '../../domain/bid.js';
import { findUnstorable, STORABLE_MESSAGE } from '../../domain/text.js';
import { users } from '../../db/schema.js';
import { actorOf, type AuthUser } from '../../services/auth.js';
import { withInterests } from '../../services/interests.js';
import { getVisibleBid, reviewQueue, runBidAction, type BidView, type QueueItem } from '../../services/bids.js';
import { requestContext, withRequestContext } from '../../services/context.js';
import { deleteReviewDraft, findReviewDraft, saveReviewDraft, type ReviewDraft, type ReviewDraftFields } from '../../services/review-drafts.js';
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
import { act, BID_ROUTE, formErrors, formOf, needRole, one, render, signedIn, type FormBody, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, Details, fieldId, Form, InsetText, Radios, Select, SummaryList, Table, TextArea } from '../components.js';
import { StepAnswers } from './bids-answers.js';
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

export const assignSchema = z.object({ evaluator: z.string().min(1, 'Select the evaluator to assign'), replaces: z.string() });

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

  // The evaluator's one form: "Save draft" (and the script's autosave) keeps every field as typed;
  // "Submit your review" saves it too, then checks it all and records it through the workflow.
  web.post(`${BID_ROUTE}/review`, async (c) => {
    const reference = c.req.param('reference');
    const user = signedIn(c);
    const deps = c.get('deps');
    const form = formOf(c);
    const fields = reviewFields(form);
    await mayEditReview(c, reference, user);
    const draft = await saveReviewDraft(deps.db, user.id, reference, fields);
    if (c.req.header('x-autosave')) return c.json({ savedAt: draft.updatedAt });
    if (one(form, 'intent') !== 'submit') {
      return act(c, reviewHref(reference), { kind: 'success', title: 'Draft saved', text: `Your review of ${reference} is kept as you left it. Submit it when it is complete.` }, () => Promise.resolve());
    }
    const checked = checkReview(fields);
    if ('failed' in checked) return reviewPage(c, reference, checked.failed);
    return act(
      c,
      '/app/reviews',
      { kind: 'success', title: `Review of ${reference} completed` },
      () => submitReview(c, reference, user, checked.review),
      reviewHref(reference),
    );
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

export async function assign(c: WebContext, reference: string, user: AuthUser, { evaluator: evaluatorId, replaces }: { evaluator: string; replaces: string }) {
  const deps = c.get('deps');
  const [row] = await deps.db.select().from(users).where(eq(users.id, evaluatorId)).limit(1);
  if (!row?.active) throw new ApiError(422, 'refused', `There is no active user ${evaluatorId}`);
  const evaluator = await withInterests(deps.db, actorOf(row));
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

/** The review's fields from a posted form, and nothing else the form carried. */
function reviewFields(form: FormBody): ReviewDraftFields {
  // Every field, empty ones too: a field cleared on purpose stays cleared.
  return Object.fromEntries(REVIEW_FIELDS.map((name): [string, string] => [name, one(form, name)]));
}

const REVIEW_FIELDS = [
  ...REVIEW_STEPS.flatMap((s) => [`${s}-assessment`, `${s}-comments`]),
  ...RATING_CRITERIA.flatMap((c) => [`${c}-rating`, `${c}-rationale`]),
  'complete-recommendation',
  'complete-comments',
];

/** Only the evaluator's own review, while it is open, may be saved. */
async function mayEditReview(c: WebContext, reference: string, user: AuthUser): Promise<void> {
  needRole(user, 'review bids', 'evaluator', 'hub_lead');
  const bid = await getVisibleBid(c.get('deps'), user, reference);
  const review = (bid.status as unknown as BidStatus).review;
  const mine = review?.reviews.find((r) => r.evaluator.id === user.id);
  if (!mine) throw new ApiError(403, 'forbidden', `You are not one of the evaluators of ${reference}: take an open place or ask the hub lead to assign you`, { rule: 'assigned_evaluator' });
  if (bid.state !== 'HUB_REVIEW' || review?.phase !== 'review' || mine.completed) {
    throw new ApiError(409, 'wrong_state', `Your review of ${reference} can no longer be changed: ${mine.completed ? 'you have completed it' : 'the bid has moved on'}`);
  }
}

interface CheckedReview {
  steps: { step: ReviewStep; assessment: (typeof STEP_ASSESSMENTS)[number]; comments: string }[];
  ratings: { criterion: RatingCriterion; rating: number | null; rationale: string }[];
  complete: z.output<typeof completeSchema>;
}

/** Every section of the form checked at once, so the error summary lists everything still to do. */
function checkReview(fields: ReviewDraftFields): { review: CheckedReview } | { failed: Failed } {
  const list: Failed['list'] = [];
  const byField: Record<string, string> = {};
  const check = <S extends z.ZodType>(section: string, names: string[], schema: S): z.output<S> | undefined => {
    const read = Object.fromEntries(names.map((n) => [n, fields[`${section}-${n}`] ?? '']));
    const parsed = schema.safeParse(read);
    const bad = parsed.success ? findUnstorable(read) : undefined;
    if (parsed.success && !bad) return parsed.data;
    const errors = parsed.success
      ? { list: [{ field: fieldId(`${section}-${bad!.join('.')}`), message: `The text ${STORABLE_MESSAGE}` }], byField: { [`${section}-${bad!.join('.')}`]: `The text ${STORABLE_MESSAGE}` } }
      : formErrors(parsed.error, (p) => `${section}-${p}`);
    list.push(...errors.list);
    Object.assign(byField, errors.byField);
    return undefined;
  };
  const steps = REVIEW_STEPS.map((step) => ({ step, data: check(step, ['assessment', 'comments'], stepSchema(lower(STEP_LABELS[step]))) }));
  const ratings = RATING_CRITERIA.map((criterion) => ({ criterion, data: check(criterion, ['rating', 'rationale'], ratingSchema(lower(RATING_LABELS[criterion]))) }));
  const complete = check('complete', ['recommendation', 'comments'], completeSchema);
  if (list.length || !complete) return { failed: { form: REVIEW_FORM, values: fields, list, byField } };
  return {
    review: {
      steps: steps.map(({ step, data }) => ({ step, ...data! })),
      ratings: ratings.map(({ criterion, data }) => ({ criterion, ...data! })),
      complete,
    },
  };
}

const REVIEW_FORM = 'review';

/**
 * Records the checked review through the workflow: each step and rating that differs from what it
 * holds, then the completion, each with its own key derived from the form's, so a form sent twice
 * records once. The draft goes only when the review is complete: a refusal part way keeps it all.
 */
async function submitReview(c: WebContext, reference: string, user: AuthUser, review: CheckedReview): Promise<void> {
  const deps = c.get('deps');
  const bid = await getVisibleBid(deps, user, reference);
  const mine = (bid.status as unknown as BidStatus).review?.reviews.find((r) => r.evaluator.id === user.id);
  const key = requestContext().idempotencyKey;
  const once = <T,>(part: string, run: () => Promise<T>): Promise<T> => withRequestContext({ idempotencyKey: key ? `${key}:${part}` : undefined }, run);
  for (const { step, assessment, comments } of review.steps) {
    const recorded = mine?.steps[step];
    if (recorded?.assessment === assessment && recorded.comments === comments) continue;
    await once(step, () => runBidAction(deps, reference, recordReviewStepUpdate, { actor: user, step, assessment, comments }));
  }
  for (const { criterion, rating, rationale } of review.ratings) {
    const recorded = mine?.ratings[criterion];
    if (recorded && recorded.rating === rating && recorded.rationale === rationale) continue;
    await once(criterion, () => runBidAction(deps, reference, recordRatingUpdate, { actor: user, criterion, rating, rationale }));
  }
  await once('complete', () => runBidAction(deps, reference, completeReviewUpdate, { actor: user, ...review.complete }));
  await deleteReviewDraft(deps.db, user.id, reference);
}

async function reviewPage(c: WebContext, reference: string, failed?: Failed): Promise<Response> {
  const user = signedIn(c);
  needRole(user, 'review bids', 'evaluator', 'hub_lead');
  const deps = c.get('deps');
  const bid = await getVisibleBid(deps, user, reference);
  const [names, evaluators, draft] = await Promise.all([
    organisationNames(deps.db),
    hasRole(user, 'hub_lead') ? activeEvaluators(deps.db) : [],
    findReviewDraft(deps.db, user.id, reference),
  ]);
  return render(
    c,
    { title: `Review ${reference}`, current: '/app/reviews', errors: failed?.list, beforeContent: <BackLink href="/app/reviews" text="Back to your review queue" /> },
    <ReviewPage bid={bid} user={user} failed={failed} csrf={c.get('csrf')} names={names} evaluators={evaluators} draft={draft} />,
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

const ReviewPage: FC<Omit<FormProps, 'reference'> & { bid: BidView; user: AuthUser; names: OrganisationNames; evaluators: Evaluator[]; draft: ReviewDraft | null }> = ({
  bid,
  draft,
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
      {reviewing && mine && !mine.completed ? (
        <div class="nhsuk-grid-row">
          <div class="nhsuk-grid-column-two-thirds">
            <YourReview review={mine} draft={draft} {...props} />
          </div>
          <div class="nhsuk-grid-column-one-third">
            <WhatYouJudge bid={bid} />
          </div>
        </div>
      ) : (
        <Details summary="The bid's evidence and evaluation plan">
          <StepAnswers step="evidence" bid={bid.submission as Partial<BidSubmission>} />
        </Details>
      )}
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

/** What a field of the evaluator's form shows: what was just sent, else the draft, else what is recorded. */
const valueOf = (props: ReviewFormProps, name: string, recorded: string | null | undefined): string => {
  if (props.failed?.form === REVIEW_FORM) return shown(props.failed, REVIEW_FORM, name, null);
  return props.draft?.fields[name] ?? recorded ?? '';
};

interface ReviewFormProps extends FormProps {
  review: EvaluatorReview;
  draft: ReviewDraft | null;
}

/**
 * The evaluator's whole review in one form: steps, ratings and recommendation. "Save draft" keeps
 * it all as typed (with JavaScript it saves itself as you go); "Submit your review" records it once.
 */
const YourReview: FC<ReviewFormProps> = (props) => {
  const { reference, csrf, draft } = props;
  return (
    <Form action={reviewHref(reference)} csrf={csrf} id="review-form" autosave>
      <h2>Your review</h2>
      <p>
        Everything you type is kept as a draft on the server: press Save draft at any time, and come back to it later. Nothing is recorded on the bid until you
        submit the whole review.
      </p>
      <p class="nhsuk-body-s" data-autosave-status aria-live="polite">
        {draft ? `Draft saved ${dateTime(draft.updatedAt)}` : 'No draft saved yet'}
      </p>
      <h3>Review steps</h3>
      {REVIEW_STEPS.map((step) => (
        <StepFields step={step} {...props} />
      ))}
      <h3>Ratings</h3>
      <p>
        The clinical score uses these ratings: 0 is very poor and 5 is excellent. Choose not applicable when a criterion does not apply to this bid; it is then left out of
        the score and the other weights rescaled, rather than scored as zero.
      </p>
      {RATING_CRITERIA.map((criterion) => (
        <RatingFields criterion={criterion} {...props} />
      ))}
      <h3>Your recommendation</h3>
      <Radios
        name="complete-recommendation"
        legend="Your recommendation"
        legendSize="s"
        options={[
          { value: 'ready', label: RECOMMENDATION_LABELS.ready, hint: 'The bid goes on to clinical scoring' },
          { value: 'not_supported', label: RECOMMENDATION_LABELS.not_supported, hint: 'The programme team is told your reason' },
        ]}
        value={valueOf(props, 'complete-recommendation', null)}
        error={errorOf(props.failed, REVIEW_FORM, 'complete-recommendation')}
      />
      <TextArea
        name="complete-comments"
        label="Comments"
        hint="Needed if you recommend the bid is not supported: give the reason."
        rows={3}
        value={valueOf(props, 'complete-comments', null)}
        error={errorOf(props.failed, REVIEW_FORM, 'complete-comments')}
      />
      <div class="cp-button-row">
        <Button variant="secondary" name="intent" value="draft">
          Save draft
        </Button>
        <Button name="intent" value="submit">
          Submit your review
        </Button>
      </div>
    </Form>
  );
};

const Recorded: FC<{ at?: string }> = ({ at }) => <p class="nhsuk-body-s">{at ? `Recorded on the bid ${dateTime(at)}` : 'Not recorded on the bid yet'}</p>;

const StepFields: FC<ReviewFormProps & { step: ReviewStep }> = ({ step, ...props }) => {
  const label = STEP_LABELS[step];
  const recorded = props.review.steps[step];
  const name = (field: string) => `${step}-${field}`;
  return (
    <div class="cp-review-section">
      <h4>{label}</h4>
      <Recorded at={recorded?.at} />
      <Radios
        name={name('assessment')}
        legend={`Your assessment of ${lower(label)}`}
        legendSize="s"
        inline
        options={STEP_ASSESSMENTS.map((a) => ({ value: a, label: ASSESSMENT_LABELS[a] }))}
        value={valueOf(props, name('assessment'), recorded?.assessment)}
        error={errorOf(props.failed, REVIEW_FORM, name('assessment'))}
      />
      <TextArea
        name={name('comments')}
        label={`Comments on ${lower(label)}`}
        rows={3}
        value={valueOf(props, name('comments'), recorded?.comments)}
        error={errorOf(props.failed, REVIEW_FORM, name('comments'))}
      />
    </div>
  );
};

const RatingFields: FC<ReviewFormProps & { criterion: RatingCriterion }> = ({ criterion, ...props }) => {
  const label = RATING_LABELS[criterion];
  const recorded = props.review.ratings[criterion];
  const name = (field: string) => `${criterion}-${field}`;
  return (
    <div class="cp-review-section">
      <h4>{label}</h4>
      <Recorded at={recorded?.at} />
      <Radios
        name={name('rating')}
        legend={`Rating for ${lower(label)}`}
        legendSize="s"
        inline
        options={RATING_VALUES.map((v) => ({ value: v, label: v === 'na' ? 'Not applicable' : v }))}
        value={valueOf(props, name('rating'), recorded ? (recorded.rating === null ? 'na' : String(recorded.rating)) : undefined)}
        error={errorOf(props.failed, REVIEW_FORM, name('rating'))}
      />
      <TextArea
        name={name('rationale')}
        label={`Rationale for the ${lower(label)} rating`}
        rows={3}
        value={valueOf(props, name('rationale'), recorded?.rationale)}
        error={errorOf(props.failed, REVIEW_FORM, name('rationale'))}
      />
    </div>
  );
};

/** What the evaluator judges, beside the form: the bid's evidence and its evaluation plan. */
const WhatYouJudge: FC<{ bid: BidView }> = ({ bid }) => (
  <aside class="cp-beside" aria-labelledby="judge-heading" tabindex={0}>
    <h2 id="judge-heading">Evidence and evaluation plan</h2>
    <p class="nhsuk-body-s">What the programme team submitted, for you to judge.</p>
    <StepAnswers step="evidence" bid={bid.submission as Partial<BidSubmission>} />
  </aside>
);

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
