// Actions on a bid that need a few words on the record: withdrawing it (its programme team) and
// declaring an interest in it (staff). The bid's workflow decides whether the person may.
import type { Child, FC } from 'hono/jsx';
import { getVisibleBid, runBidAction, type BidView, type ServiceDeps } from '../../services/bids.js';
import type { AuthUser } from '../../services/auth.js';
import { declareInterestUpdate, withdrawUpdate } from '../../shared.js';
import { act, BID_ROUTE, formOf, one, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Form, InsetText, TextArea, WarningCallout } from '../components.js';
import type { Flash } from '../session.js';
import { PageHeading, SubmitOnce } from './bids-shared.js';

/** The API's limit on these texts. */
const MAX_LENGTH = 1000;

interface ReasonAction {
  path: string;
  title: (reference: string) => string;
  intro: Child;
  field: { name: string; label: string; hint: string; missing: string; tooLong: string };
  button: string;
  variant?: 'warning';
  run: (deps: ServiceDeps, user: AuthUser, reference: string, text: string) => Promise<unknown>;
  done: (reference: string) => Flash;
}

const ACTIONS: ReasonAction[] = [
  {
    path: 'withdraw',
    title: (reference) => `Withdraw bid ${reference}`,
    intro: (
      <WarningCallout heading="You cannot undo this" level={2}>
        <p>Once you withdraw the bid, the evaluation hub and the CCP Assembly stop considering it, and any funding round lets it go. To ask for the money again, you would need to submit a new bid.</p>
      </WarningCallout>
    ),
    field: {
      name: 'reason',
      label: 'Why are you withdrawing the bid?',
      hint: "Your reason is kept on the bid's decision trail, which the evaluation hub, the Assembly and ICB finance can read.",
      missing: 'Enter why you are withdrawing the bid',
      tooLong: `Reason must be ${MAX_LENGTH.toLocaleString('en-GB')} characters or fewer`,
    },
    button: 'Withdraw bid',
    variant: 'warning',
    run: (deps, user, reference, reason) => runBidAction(deps, reference, withdrawUpdate, { actor: user, reason }),
    done: (reference) => ({ kind: 'success', title: `Bid ${reference} withdrawn` }),
  },
  {
    path: 'interest',
    title: (reference) => `Declare an interest in bid ${reference}`,
    intro: (
      <InsetText>
        <p>Declare an interest if you, or someone close to you, could gain or lose from this bid. Once you have declared it, you cannot review the bid, vote on it or count towards its quorum.</p>
      </InsetText>
    ),
    field: {
      name: 'nature',
      label: 'What is your interest?',
      hint: 'For example, you used to work in the team that would deliver it.',
      missing: 'Describe your interest in the bid',
      tooLong: `Your interest must be described in ${MAX_LENGTH.toLocaleString('en-GB')} characters or fewer`,
    },
    button: 'Declare interest',
    run: (deps, user, reference, nature) => runBidAction(deps, reference, declareInterestUpdate, { actor: user, nature }),
    done: (reference) => ({ kind: 'success', title: `Interest declared in bid ${reference}`, text: 'You will take no part in reviewing or deciding it.' }),
  },
];

const ReasonPage: FC<{ action: ReasonAction; bid: BidView; csrf: string; value?: string; error?: string }> = ({ action, bid, csrf, value, error }) => (
  <div class="nhsuk-grid-row">
    <div class="nhsuk-grid-column-two-thirds">
      <PageHeading caption={bid.title}>{action.title(bid.reference)}</PageHeading>
      {action.intro}
      <Form action={`/app/bids/${bid.reference}/${action.path}`} csrf={csrf}>
        <TextArea name={action.field.name} label={action.field.label} hint={action.field.hint} value={value} error={error} rows={4} />
        <div class="nhsuk-button-group">
          <SubmitOnce variant={action.variant}>{action.button}</SubmitOnce>
          <a href={`/app/bids/${bid.reference}`}>Cancel</a>
        </div>
      </Form>
    </div>
  </div>
);

async function page(c: WebContext, action: ReasonAction, status: 200 | 400 = 200, value?: string, error?: string) {
  const bid = await getVisibleBid(c.get('deps'), signedIn(c), c.req.param('reference') ?? '');
  return render(
    c,
    { title: action.title(bid.reference), errors: error ? [{ field: action.field.name, message: error }] : undefined, current: '/app/bids', beforeContent: <BackLink href={`/app/bids/${bid.reference}`} /> },
    <ReasonPage action={action} bid={bid} csrf={c.get('csrf')} value={value} error={error} />,
    status,
  );
}

export function registerBidActionPages(web: WebApp): void {
  for (const action of ACTIONS) {
    web.get(`${BID_ROUTE}/${action.path}`, (c) => page(c, action));

    web.post(`${BID_ROUTE}/${action.path}`, async (c) => {
      const user = signedIn(c);
      const reference = c.req.param('reference');
      const text = one(formOf(c), action.field.name);
      if (!text) return page(c, action, 400, text, action.field.missing);
      if (text.length > MAX_LENGTH) return page(c, action, 400, text, action.field.tooLong);
      return act(c, `/app/bids/${reference}`, action.done(reference), () => action.run(c.get('deps'), user, reference, text));
    });
  }
}
