// Writing a bid: a start page, one page per step with the answers kept in a draft between them,
// "Check your answers", and sending it, once, as a new bid or as the resubmission of one.
import type { FC } from 'hono/jsx';
import { notFound, toApiError } from '../../api/errors.js';
import { bidSubmissionSchema, REFERENCE_PATTERN, type BidSubmission } from '../../domain/bid.js';
import { findMissing } from '../../domain/intake.js';
import type { AuthUser } from '../../services/auth.js';
import { contentHashOf, getVisibleBid, runBidAction, submitBidOnce } from '../../services/bids.js';
import {
  createDraft,
  deleteDraft,
  draftNotFound,
  findDraft,
  findResubmissionDraft,
  getDraft,
  referenceSubmittedFrom,
  saveDraft,
  type Draft,
} from '../../services/drafts.js';
import { resubmitUpdate, type SubmissionReceipt } from '../../shared.js';
import { BID_ROUTE, formOf, one, refusalTitle, render, signedIn, type FormBody, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, Form, InsetText, WarningCallout } from '../components.js';
import { setFlash, type Flash } from '../session.js';
import { BidAnswers, stepHref } from './bids-answers.js';
import { errorsOf, checkStep, STEP_IDS, STEPS, stepById, stepOfField, type FormContext, type PageErrors, type Step } from './bids-form.js';
import { financialYears } from './bids-labels.js';
import { listOrganisations, namesOf, needApplicant, PageHeading, sentenceCase, SubmitOnce } from './bids-shared.js';

const draftPath = (draft: Pick<Draft, 'id'>, page: string) => `/app/bids/drafts/${draft.id}/${page}`;

/** Where to carry on with a draft: its first unanswered step, or "Check your answers". */
export function continueHref(draft: Draft): string {
  const next = STEPS.find((s) => !draft.data.completed.includes(s.id));
  return draftPath(draft, next?.id ?? 'check');
}

/** What the form's pages say the draft is, above each heading. */
const captionOf = (draft: Draft) => (draft.data.resubmissionOf ? `Resubmitting bid ${draft.data.resubmissionOf}` : 'New bid');

/** A submission's answers as a draft starts from them: the reference and lead are not asked. */
function editable(submission: BidSubmission): Partial<BidSubmission> {
  const { reference: _reference, leadOrganisation: _lead, ...answers } = submission;
  return answers;
}

/** The whole bid as it would be sent: the answers, led by the person's own organisation. */
const candidateOf = (draft: Draft, user: AuthUser) => ({ ...draft.data.bid, leadOrganisation: user.organisation });

async function formContext(c: WebContext, user: AuthUser, draft: Draft): Promise<FormContext> {
  const organisations = await listOrganisations(c.get('deps').db);
  return {
    lead: organisations.find((o) => o.code === user.organisation) ?? { code: user.organisation, name: user.organisation },
    partners: organisations.filter((o) => o.code !== user.organisation),
    financialYears: financialYears(new Date(), (draft.data.bid.costs ?? []).map((line) => line.financialYear)),
  };
}

// ---------------------------------------------------------------------------------------------
// Pages

const StartPage: FC<{ csrf: string; organisation: string }> = ({ csrf, organisation }) => (
  <div class="nhsuk-grid-row">
    <div class="nhsuk-grid-column-two-thirds">
      <h1>Submit a funding bid</h1>
      <p>Use this form to ask NHS Norfolk and Waveney Integrated Care Board to fund a service. Your organisation, {organisation}, leads the bid.</p>
      <h2>Before you start</h2>
      <p>You will need:</p>
      <ul>
        <li>a title and a short summary of what the bid would do</li>
        <li>any partner organisations that would deliver it with you</li>
        <li>the Joint Forward Plan ambitions it serves, and the places and people it would reach</li>
        <li>its costs in each financial year, split into recurrent and non-recurrent</li>
        <li>the evidence that it works, and its cost per QALY if you know it</li>
        <li>the reference of any statutory mandate that requires it</li>
        <li>an evaluation plan: outcome measures, baseline data and method</li>
        <li>the staff it would need, in whole-time equivalents</li>
      </ul>
      <p>There are 4 steps. Your answers are saved after each one, so you can come back to them from your organisation's bids.</p>
      <InsetText>
        <p>Pilots and new services must include an evaluation plan. Bids without the information intake needs are returned to you to complete.</p>
      </InsetText>
      <Form action="/app/bids/new" csrf={csrf}>
        <Button>Start</Button>
      </Form>
    </div>
  </div>
);

const StepPage: FC<{ draft: Draft; step: Step; values: FormBody; errors: PageErrors['byField']; context: FormContext; csrf: string; returning: boolean }> = ({
  draft,
  step,
  values,
  errors,
  context,
  csrf,
  returning,
}) => (
  <div class="nhsuk-grid-row">
    <div class="nhsuk-grid-column-two-thirds">
      <PageHeading caption={`${captionOf(draft)}: step ${STEPS.indexOf(step) + 1} of ${STEPS.length}`}>{step.title}</PageHeading>
      <Form action={`${draftPath(draft, step.id)}${returning ? '?return=check' : ''}`} csrf={csrf}>
        <step.Fields values={values} errors={errors} context={context} />
        <Button>Continue</Button>
      </Form>
    </div>
  </div>
);

const CheckPage: FC<{ draft: Draft; user: AuthUser; names: Record<string, string>; csrf: string }> = ({ draft, user, names, csrf }) => {
  const parsed = bidSubmissionSchema.safeParse(candidateOf(draft, user));
  // Intake's own rules, run here too, so nobody is surprised when a bid comes back.
  const missing = parsed.success ? findMissing(parsed.data) : [];
  const resubmission = draft.data.resubmissionOf;
  return (
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <PageHeading caption={captionOf(draft)}>Check your answers before {resubmission ? 'resubmitting' : 'submitting'} your bid</PageHeading>
        <BidAnswers bid={candidateOf(draft, user)} names={names} headingLevel={2} changeHref={(step, field) => stepHref(draft.id, step, field)} />
        {missing.length ? (
          <WarningCallout heading="This bid will be returned to you" level={2}>
            <p>Intake will return it, because:</p>
            <ul>
              {missing.map((m) => (
                <li>{sentenceCase(m.message)}</li>
              ))}
            </ul>
            <p>Change your answers to add what is missing, or send it now and add it when it comes back.</p>
          </WarningCallout>
        ) : null}
        <h2>Now send your bid</h2>
        <p>By sending this bid you confirm that, to the best of your knowledge, the answers are correct. The evaluation hub reviews it next.</p>
        <Form action={draftPath(draft, 'submit')} csrf={csrf}>
          {resubmission ? <input type="hidden" name="reference" value={resubmission} /> : null}
          <SubmitOnce>{resubmission ? 'Resubmit bid' : 'Submit bid'}</SubmitOnce>
        </Form>
      </div>
    </div>
  );
};

const DeletePage: FC<{ draft: Draft; csrf: string }> = ({ draft, csrf }) => (
  <div class="nhsuk-grid-row">
    <div class="nhsuk-grid-column-two-thirds">
      <PageHeading caption={captionOf(draft)}>Are you sure you want to delete this draft?</PageHeading>
      <p>Your answers to {draft.data.bid.title ? `"${draft.data.bid.title}"` : 'this bid'} will be deleted. You cannot undo this.</p>
      {draft.data.resubmissionOf ? <p>Bid {draft.data.resubmissionOf} stays as it is.</p> : null}
      <Form action={draftPath(draft, 'delete')} csrf={csrf}>
        <div class="nhsuk-button-group">
          <SubmitOnce variant="warning">Delete draft</SubmitOnce>
          <a href="/app/bids">Cancel</a>
        </div>
      </Form>
    </div>
  </div>
);

// ---------------------------------------------------------------------------------------------
// After sending

/** What the person reads first on the bid's page: where their bid went, or what it lacks. */
function receiptFlash(receipt: SubmissionReceipt, resubmitted: boolean): Flash {
  const bid = `Bid ${receipt.reference}`;
  if (receipt.state === 'RETURNED') {
    return {
      kind: 'error',
      title: `${bid} returned${resubmitted ? ' again' : ''}: information missing`,
      text: `Add what is missing and resubmit it: ${receipt.missing.map((m) => m.message).join('; ')}.`,
    };
  }
  if (receipt.state === 'INTAKE') return { kind: 'success', title: `${bid} ${resubmitted ? 'resubmitted' : 'submitted'}: intake checks are still running`, text: 'The page below shows where the bid went when they finish.' };
  return { kind: 'success', title: resubmitted ? `${bid} resubmitted: it is back with the evaluation hub` : `${bid} submitted: it is with the evaluation hub` };
}

/** Sends the draft: a resubmission to its bid's workflow, a new bid keyed by the draft's id so it is made once. */
async function send(c: WebContext, user: AuthUser, draft: Draft, bid: BidSubmission): Promise<SubmissionReceipt> {
  const deps = c.get('deps');
  const reference = draft.data.resubmissionOf;
  if (reference) return runBidAction(deps, reference, resubmitUpdate, { actor: user, bid: { ...bid, reference }, contentHash: contentHashOf(bid) });
  return (await submitBidOnce(deps, user, bid, draft.id)).receipt;
}

// ---------------------------------------------------------------------------------------------

export function registerBidFormPages(web: WebApp): void {
  web.get('/app/bids/new', async (c) => {
    const user = signedIn(c);
    needApplicant(user);
    const organisation = (await listOrganisations(c.get('deps').db)).find((o) => o.code === user.organisation)?.name ?? user.organisation;
    return render(c, { title: 'Submit a funding bid', current: '/app/bids/new', beforeContent: <BackLink href="/app/bids" /> }, <StartPage csrf={c.get('csrf')} organisation={organisation} />);
  });

  web.post('/app/bids/new', async (c) => {
    const user = signedIn(c);
    needApplicant(user);
    const draft = await createDraft(c.get('deps').db, user.id, { bid: {}, completed: [] });
    return c.redirect(draftPath(draft, STEP_IDS[0]), 303);
  });

  web.post(`${BID_ROUTE}/resubmit`, async (c) => {
    const user = signedIn(c);
    needApplicant(user);
    const db = c.get('deps').db;
    const bid = await getVisibleBid(c.get('deps'), user, c.req.param('reference'));
    // A second click carries on with the resubmission already started rather than a copy of it.
    const draft =
      (await findResubmissionDraft(db, user.id, bid.reference)) ??
      (await createDraft(db, user.id, { resubmissionOf: bid.reference, bid: editable(bid.submission as BidSubmission), completed: [...STEP_IDS] }));
    return c.redirect(draftPath(draft, STEP_IDS[0]), 303);
  });

  web.get('/app/bids/drafts/:id/check', async (c) => {
    const user = signedIn(c);
    const db = c.get('deps').db;
    const draft = await getDraft(db, user.id, c.req.param('id'));
    const unanswered = STEPS.find((s) => !draft.data.completed.includes(s.id));
    if (unanswered) return c.redirect(draftPath(draft, unanswered.id), 303);
    const names = namesOf(await listOrganisations(db));
    return render(
      c,
      { title: 'Check your answers', current: '/app/bids/new', beforeContent: <BackLink href={draftPath(draft, STEPS.at(-1)!.id)} /> },
      <CheckPage draft={draft} user={user} names={names} csrf={c.get('csrf')} />,
    );
  });

  web.post('/app/bids/drafts/:id/submit', async (c) => {
    const user = signedIn(c);
    const db = c.get('deps').db;
    const draft = await findDraft(db, user.id, c.req.param('id'));
    if (!draft) {
      // A second click, after the first sent the bid and its draft was deleted: show where it went.
      const posted = one(formOf(c), 'reference');
      const reference = (await referenceSubmittedFrom(db, user.id, c.req.param('id'))) ?? (REFERENCE_PATTERN.test(posted) ? posted : null);
      if (reference) return c.redirect(`/app/bids/${reference}`, 303);
      throw draftNotFound();
    }
    const parsed = bidSubmissionSchema.safeParse(candidateOf(draft, user));
    if (!parsed.success) {
      const { issues } = errorsOf(parsed.error, candidateOf(draft, user));
      const errors = issues.map((issue) => ({ field: issue.path, href: stepHref(draft.id, stepOfField(issue.path), issue.path), message: issue.message }));
      const names = namesOf(await listOrganisations(db));
      return render(
        c,
        { title: 'Check your answers', current: '/app/bids/new', errors },
        <CheckPage draft={draft} user={user} names={names} csrf={c.get('csrf')} />,
        400,
      );
    }
    const secret = c.get('deps').sessionSecret;
    let receipt: SubmissionReceipt;
    try {
      receipt = await send(c, user, draft, parsed.data);
    } catch (error) {
      const refusal = toApiError(error);
      if (refusal.status >= 500) throw error;
      // Refused (the bid moved on, or is not theirs to send): the draft is kept, and the reason shown.
      await setFlash(c, secret, { kind: 'error', title: refusalTitle(refusal), text: refusal.message });
      return c.redirect(draftPath(draft, 'check'), 303);
    }
    await deleteDraft(db, user.id, draft.id);
    await setFlash(c, secret, receiptFlash(receipt, !!draft.data.resubmissionOf));
    return c.redirect(`/app/bids/${receipt.reference}`, 303);
  });

  web.get('/app/bids/drafts/:id/delete', async (c) => {
    const draft = await getDraft(c.get('deps').db, signedIn(c).id, c.req.param('id'));
    return render(c, { title: 'Delete this draft', current: '/app/bids', beforeContent: <BackLink href="/app/bids" /> }, <DeletePage draft={draft} csrf={c.get('csrf')} />);
  });

  web.post('/app/bids/drafts/:id/delete', async (c) => {
    const user = signedIn(c);
    const db = c.get('deps').db;
    const draft = await getDraft(db, user.id, c.req.param('id'));
    await deleteDraft(db, user.id, draft.id);
    await setFlash(c, c.get('deps').sessionSecret, { kind: 'success', title: 'Draft deleted' });
    return c.redirect('/app/bids', 303);
  });

  const stepPage = async (c: WebContext, draft: Draft, step: Step, values: FormBody, errors: PageErrors | null) => {
    const user = signedIn(c);
    const returning = c.req.query('return') === 'check';
    const index = STEPS.indexOf(step);
    const back = returning
      ? draftPath(draft, 'check')
      : index > 0
        ? draftPath(draft, STEPS[index - 1]!.id)
        : draft.data.resubmissionOf
          ? `/app/bids/${draft.data.resubmissionOf}`
          : '/app/bids';
    return render(
      c,
      { title: step.title, errors: errors?.list, current: '/app/bids/new', beforeContent: <BackLink href={back} /> },
      <StepPage draft={draft} step={step} values={values} errors={errors?.byField ?? {}} context={await formContext(c, user, draft)} csrf={c.get('csrf')} returning={returning} />,
      errors ? 400 : 200,
    );
  };

  /** The step named in the path, or 404. */
  const stepOf = (c: WebContext): Step => {
    const step = stepById(c.req.param('step') ?? '');
    if (!step) throw notFound('This page of the bid form');
    return step;
  };

  web.get('/app/bids/drafts/:id/:step', async (c) => {
    const user = signedIn(c);
    const step = stepOf(c);
    const draft = await getDraft(c.get('deps').db, user.id, c.req.param('id'));
    return stepPage(c, draft, step, step.toForm(draft.data.bid), null);
  });

  web.post('/app/bids/drafts/:id/:step', async (c) => {
    const user = signedIn(c);
    const step = stepOf(c);
    const db = c.get('deps').db;
    const draft = await getDraft(db, user.id, c.req.param('id'));
    const form = formOf(c);
    const checked = checkStep(step, form);
    if (!checked.ok) return stepPage(c, draft, step, form, checked.errors);
    // This step's fields are replaced as a whole: an answer cleared on the form is cleared in the draft.
    const bid: Record<string, unknown> = { ...draft.data.bid };
    for (const field of step.fields) delete bid[field];
    const completed = [...new Set([...draft.data.completed, step.id])];
    await saveDraft(db, user.id, draft.id, { ...draft.data, bid: { ...bid, ...checked.answers }, completed });
    const next = STEPS[STEPS.indexOf(step) + 1];
    const returning = c.req.query('return') === 'check';
    return c.redirect(draftPath(draft, returning || !next ? 'check' : next.id), 303);
  });
}
