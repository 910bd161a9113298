// The admin's actions on a bid: record the ICB Board's decision (bids of £1,000,000 or more the
// Assembly supported) and re-score a bid waiting for the Assembly. The bid's workflow decides.
import type { Child, FC } from 'hono/jsx';
import { isDraft, listRuleSets } from '../../rules/engine.js';
import { allowedBidActions, getVisibleBid, runBidAction, type BidView } from '../../services/bids.js';
import { recordBoardDecisionUpdate, rescoreUpdate, type BidAction, type BidStatus } from '../../shared.js';
import { act, BID_ROUTE, formOf, needRole, one, render, signedIn, type FormBody, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, Form, InsetText, Radios, Select, SummaryList, StateTag, TextArea, TextInput } from '../components.js';
import { BAND_LABELS, date, money } from '../format.js';
import { Problems } from './finance-forms.js';

const bidPath = (reference: string) => `/app/bids/${encodeURIComponent(reference)}`;

interface AdminPage {
  action: BidAction;
  path: string;
  title: string;
  /** What the admin may do, in the same words as the workflow's refusal. */
  what: string;
  /** Shown instead of the form when the bid's workflow would not take the action now. */
  notNow: (bid: BidView) => Child;
  form: FC<{ bid: BidView; form: FormBody; errors: Record<string, string> }>;
}

/** The shared frame: who may, the bid in brief, and the form only when the workflow would take it. */
async function adminPage(c: WebContext, page: AdminPage, form: FormBody = {}, problems = new Problems(), status: 200 | 400 = 200) {
  const user = signedIn(c);
  needRole(user, page.what, 'admin');
  const reference = c.req.param('reference')!;
  const deps = c.get('deps');
  const bid = await getVisibleBid(deps, user, reference);
  const allowed = await allowedBidActions(deps, user, reference);
  const Fields = page.form;
  return render(
    c,
    { title: `${page.title}: ${bid.reference}`, current: '/app/bids', errors: problems.list, beforeContent: <BackLink href={bidPath(bid.reference)} text={`Back to ${bid.reference}`} /> },
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <span class="nhsuk-caption-l">{bid.reference}</span>
        <h1>{page.title}</h1>
        <BidInBrief bid={bid} />
        {allowed.includes(page.action) ? (
          <Form action={`${bidPath(bid.reference)}/${page.path}`} csrf={c.get('csrf')}>
            <Fields bid={bid} form={form} errors={problems.byField} />
          </Form>
        ) : (
          <InsetText>{page.notNow(bid)}</InsetText>
        )}
      </div>
    </div>,
    status,
  );
}

const statusOf = (bid: BidView) => bid.status as Partial<BidStatus>;

const BidInBrief: FC<{ bid: BidView }> = ({ bid }) => {
  const score = statusOf(bid).score;
  return (
    <SummaryList
      rows={[
        { key: 'Bid', value: <a href={bidPath(bid.reference)}>{bid.title}</a> },
        { key: 'State', value: <StateTag state={bid.state} /> },
        { key: 'Lead organisation', value: bid.leadOrganisation },
        { key: 'Whole-life cost', value: money(bid.totals.totalPence) },
        {
          key: 'Score',
          value: score ? `${score.benefitScore.toFixed(2)} out of 100, ${BAND_LABELS[score.band] ?? score.bandLabel}; rule set ${score.ruleSet.id} version ${score.ruleSet.version}` : 'Not scored yet',
        },
      ]}
    />
  );
};

// ---------------------------------------------------------------------------------------------
// The ICB Board's decision

const BOARD: AdminPage = {
  action: 'recordBoardDecision',
  path: 'board-decision',
  title: "Record the ICB Board's decision",
  what: "record the ICB Board's decision",
  notNow: (bid) => {
    const board = statusOf(bid).board;
    return board ? (
      <p>
        The ICB Board {board.approved ? 'approved' : 'did not approve'} this bid (minute {board.minuteReference}), recorded by {board.by.name} on {date(board.at)}: {board.reason}
      </p>
    ) : (
      <p>There is no Board decision to record: the ICB Board decides on bids of £1,000,000 or more that the CCP Assembly supported, and this bid is not waiting for it.</p>
    );
  },
  form: ({ form, errors }) => (
    <>
      <Radios
        name="approved"
        legend="Did the ICB Board approve the bid?"
        options={[
          { value: 'yes', label: 'Yes', hint: 'The bid goes on to allocation in a funding round' },
          { value: 'no', label: 'No', hint: 'The bid closes as not supported' },
        ]}
        value={one(form, 'approved')}
        error={errors.approved}
      />
      <TextInput name="minuteReference" label="The Board minute's reference" hint="For example, ICB Board 12 March 2027, minute 7.3" value={one(form, 'minuteReference')} error={errors.minuteReference} />
      <TextArea name="reason" label="The Board's reasons" value={one(form, 'reason')} error={errors.reason} />
      <Button>Record the decision</Button>
    </>
  ),
};

function parseBoardDecision(form: FormBody) {
  const problems = new Problems();
  const approved = one(form, 'approved');
  if (approved !== 'yes' && approved !== 'no') problems.add('approved', 'Select whether the ICB Board approved the bid');
  const minuteReference = one(form, 'minuteReference');
  if (!minuteReference) problems.add('minuteReference', "Enter the Board minute's reference");
  else if (minuteReference.length > 100) problems.add('minuteReference', "The Board minute's reference must be 100 characters or fewer");
  const reason = one(form, 'reason');
  if (!reason) problems.add('reason', "Enter the Board's reasons");
  else if (reason.length > 5000) problems.add('reason', "The Board's reasons must be 5,000 characters or fewer");
  return { problems, decision: { approved: approved === 'yes', minuteReference, reason } };
}

// ---------------------------------------------------------------------------------------------
// Re-scoring

/** Released rule sets only: a draft is for what-if runs and never scores a live bid. */
const releasedRuleSets = () => listRuleSets().filter((r) => !isDraft(r));
const ruleSetKey = (r: { id: string; version: string }) => `${r.id}@${r.version}`;

const RESCORE: AdminPage = {
  action: 'rescore',
  path: 'rescore',
  title: 'Re-score this bid',
  what: 're-score a bid',
  notNow: () => <p>This bid cannot be re-scored now: only a bid waiting for the CCP Assembly, and not yet on a meeting's agenda, can be.</p>,
  form: ({ form, errors }) => (
    <>
      <p>The rules run again on the facts the bid was scored on. The earlier score stays on the record.</p>
      <Select
        name="ruleSet"
        label="Rule set"
        hint="Drafts are for what-if runs only, so they are not listed."
        placeholder="The active rule set: the one that scores new bids"
        options={releasedRuleSets().map((r) => ({ value: ruleSetKey(r), label: `${r.id} version ${r.version}` }))}
        value={one(form, 'ruleSet')}
        error={errors.ruleSet}
      />
      <TextArea name="reason" label="Why re-score this bid?" hint="This goes on the decision trail." value={one(form, 'reason')} error={errors.reason} />
      <Button>Re-score the bid</Button>
    </>
  ),
};

function parseRescore(form: FormBody) {
  const problems = new Problems();
  const key = one(form, 'ruleSet');
  const ruleSet = key ? releasedRuleSets().find((r) => ruleSetKey(r) === key) : undefined;
  if (key && !ruleSet) problems.add('ruleSet', 'Choose a released rule set from the list');
  const reason = one(form, 'reason');
  if (!reason) problems.add('reason', 'Enter why the bid is being re-scored');
  else if (reason.length > 2000) problems.add('reason', 'The reason must be 2,000 characters or fewer');
  return { problems, rescore: { ruleSet: ruleSet && { id: ruleSet.id, version: ruleSet.version }, reason } };
}

// ---------------------------------------------------------------------------------------------

export function registerBidAdminPages(web: WebApp): void {
  web.get(`${BID_ROUTE}/board-decision`, (c) => adminPage(c, BOARD));
  web.post(`${BID_ROUTE}/board-decision`, async (c) => {
    const user = signedIn(c);
    needRole(user, BOARD.what, 'admin');
    const reference = c.req.param('reference');
    const { problems, decision } = parseBoardDecision(formOf(c));
    if (problems.any) return adminPage(c, BOARD, formOf(c), problems, 400);
    // Back to this page: it shows the decision now recorded, or the refusal in the workflow's words.
    return act(c, `${bidPath(reference)}/${BOARD.path}`, { kind: 'success', title: "The ICB Board's decision has been recorded" }, () =>
      runBidAction(c.get('deps'), reference, recordBoardDecisionUpdate, { actor: user, ...decision }),
    );
  });

  web.get(`${BID_ROUTE}/rescore`, (c) => adminPage(c, RESCORE));
  web.post(`${BID_ROUTE}/rescore`, async (c) => {
    const user = signedIn(c);
    needRole(user, RESCORE.what, 'admin');
    const reference = c.req.param('reference');
    const { problems, rescore } = parseRescore(formOf(c));
    if (problems.any) return adminPage(c, RESCORE, formOf(c), problems, 400);
    return act(c, `${bidPath(reference)}/${RESCORE.path}`, { kind: 'success', title: 'The bid has been re-scored', text: 'Its new score is below; the earlier one stays on the record.' }, () =>
      runBidAction(c.get('deps'), reference, rescoreUpdate, { actor: user, ...rescore }),
    );
  });
}
