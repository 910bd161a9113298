// Funding rounds for finance and the admin: the list, one round with its latest allocation drawn
// and tabled, the actions its workflow allows this person, and what-if runs that change nothing.
import { inArray } from 'drizzle-orm';
import { ApiError } from '../../api/errors.js';
import type { FC } from 'hono/jsx';
import { act, formOf, one, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { bids } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import type { CutLine } from '../../domain/allocation.js';
import { isDraft, listRuleSets } from '../../rules/engine.js';
import { getRound, listRounds, runRoundAction, whatIf, type WhatIfSettings } from '../../services/rounds.js';
import { cancelRoundUpdate, confirmAllocationUpdate, overrideAllocationUpdate, runAllocationUpdate, type RoundState, type RoundStatus, type SubEnvelopeInput } from '../../shared.js';
import { BackLink, Button, ButtonLink, Form, InsetText, Select, SummaryList, Table, Tag, TextArea, TextInput, WarningCallout, type FieldError } from '../components.js';
import { ambition, date, dateTime, money, place, poundsToPence } from '../format.js';
import { AllocationFigures, type Titles } from './finance-chart.js';
import { personNames } from './finance-trail.js';
import { registerNewRoundPage } from './finance-round-form.js';
import { RoundExplanation, RoundOverrides } from './finance-round-analysis.js';
import { roundAnalysis } from '../../services/round-analysis.js';

const ROUND_STATES: Record<RoundState, { label: string; colour: string }> = {
  OPEN: { label: 'Open', colour: 'blue' },
  PROPOSED: { label: 'Allocation proposed', colour: 'yellow' },
  CONFIRMED: { label: 'Confirmed', colour: 'green' },
  CANCELLED: { label: 'Cancelled', colour: 'grey' },
};

const RoundStateTag: FC<{ state: string }> = ({ state }) => {
  const known = ROUND_STATES[state as RoundState];
  return <Tag colour={known?.colour}>{known?.label ?? state}</Tag>;
};

const roundPath = (roundId: string) => `/app/rounds/${encodeURIComponent(roundId)}`;

async function bidTitles(db: Db, references: string[]): Promise<Titles> {
  if (references.length === 0) return {};
  const rows = await db.select({ reference: bids.reference, title: bids.title }).from(bids).where(inArray(bids.reference, references));
  return Object.fromEntries(rows.map((r) => [r.reference, r.title]));
}

/** A form on the round page that came back with errors: its messages by field id, and what was typed. */
interface PageForm {
  errors: FieldError[];
  values: Record<string, string>;
}

const NO_FORM: PageForm = { errors: [], values: {} };
const errorOf = (form: PageForm, field: string) => form.errors.find((e) => e.field === field)?.message;
const withError = (field: string, message: string): PageForm => ({ errors: [{ field, message }], values: {} });

export function registerRoundPages(web: WebApp): void {
  web.get('/app/rounds', async (c) => {
    const user = signedIn(c);
    const rounds = await listRounds(c.get('deps'), user);
    return render(
      c,
      { title: 'Funding rounds', current: '/app/rounds' },
      <>
        <h1>Funding rounds</h1>
        <p>Each round has a financial year and a budget envelope. Its allocation funds the supported bids that give the most benefit per pound, while they fit.</p>
        {user.roles.includes('admin') ? <ButtonLink href="/app/rounds/new">Open a funding round</ButtonLink> : null}
        {rounds.length === 0 ? (
          <p>No funding round has been opened yet.</p>
        ) : (
          <Table
            caption="Funding rounds, newest first"
            head={['Round', 'Financial year', 'Envelope', 'State', 'Opens', 'Closes']}
            numeric={[2]}
            rows={rounds.map((r) => [
              <a href={roundPath(r.roundId)}>{r.title}</a>,
              r.financialYear,
              <span class="cp-numeric">{money(r.envelopePence)}</span>,
              <RoundStateTag state={r.state} />,
              date(r.opensAt),
              date(r.closesAt),
            ])}
          />
        )}
      </>,
    );
  });

  // Before /app/rounds/:roundId, which would otherwise take "new" for a round's id.
  registerNewRoundPage(web);

  web.get('/app/rounds/:roundId', (c) => roundPage(c, c.req.param('roundId')));

  web.post('/app/rounds/:roundId/allocate', async (c) => {
    const user = signedIn(c);
    const roundId = c.req.param('roundId');
    const reason = one(formOf(c), 'reason');
    if (!reason) return roundPage(c, roundId, withError('run-reason', 'Enter why you are running the allocation now'), 400);
    return act(c, roundPath(roundId), { kind: 'success', title: 'The allocation has been run', text: 'Each bid has been told its provisional place.' }, () =>
      runRoundAction(c.get('deps'), roundId, runAllocationUpdate, { actor: user, reason }),
    );
  });

  web.post('/app/rounds/:roundId/confirm', async (c) => {
    const user = signedIn(c);
    const roundId = c.req.param('roundId');
    // The version on the page the person reviewed: the workflow refuses it if a newer run replaced it.
    const version = one(formOf(c), 'version') ?? '';
    return act(
      c,
      roundPath(roundId),
      { kind: 'success', title: 'The allocation has been confirmed', text: 'Funded bids are now commitments against the envelope; waitlisted bids are candidates for later rounds.' },
      async () => {
        if (!/^\d{1,9}$/.test(version)) throw new ApiError(400, 'validation_failed', 'The form did not say which version of the allocation you reviewed: reload the page and confirm again');
        return runRoundAction(c.get('deps'), roundId, confirmAllocationUpdate, { actor: user, version: Number(version) });
      },
    );
  });

  web.post('/app/rounds/:roundId/override', async (c) => {
    const user = signedIn(c);
    const roundId = c.req.param('roundId');
    const form = formOf(c);
    const [reference, reason, version] = [one(form, 'reference'), one(form, 'reason'), one(form, 'version') ?? ''];
    if (!reference) return roundPage(c, roundId, withError('override-reference', 'Choose the bid to move across the line'), 400);
    if (!reason) return roundPage(c, roundId, withError('override-reason', 'Enter why you are overriding the allocation'), 400);
    return act(c, roundPath(roundId), { kind: 'success', title: 'The allocation has been overridden', text: `${reference} has moved across the line, on the round's trail with your reason.` }, async () => {
      if (!/^\d{1,9}$/.test(version)) throw new ApiError(400, 'validation_failed', 'The form did not say which version of the allocation you reviewed: reload the page and try again');
      const { round } = await getRound(c.get('deps'), user, roundId);
      const place = round.proposal?.places.find((p) => p.reference === reference);
      const direction = place?.outcome === 'funded' ? 'waitlist' : 'fund';
      return runRoundAction(c.get('deps'), roundId, overrideAllocationUpdate, { actor: user, version: Number(version), reference, direction, reason });
    });
  });

  web.post('/app/rounds/:roundId/cancel', async (c) => {
    const user = signedIn(c);
    const roundId = c.req.param('roundId');
    const reason = one(formOf(c), 'reason');
    if (!reason) return roundPage(c, roundId, withError('cancel-reason', 'Enter why the round is being cancelled'), 400);
    return act(c, roundPath(roundId), { kind: 'success', title: 'The round has been cancelled', text: 'Its bids are free for another round.' }, () =>
      runRoundAction(c.get('deps'), roundId, cancelRoundUpdate, { actor: user, reason }),
    );
  });

  web.get('/app/rounds/:roundId/what-if', async (c) => {
    const user = signedIn(c);
    const deps = c.get('deps');
    const roundId = c.req.param('roundId');
    const values = { envelope: c.req.query('envelope') ?? '', ruleSet: c.req.query('ruleSet') ?? '' };
    const parsed = whatIfSettings(values);
    if ('error' in parsed) return roundPage(c, roundId, { errors: [parsed.error], values }, 400);
    const [{ round }, outcome] = await Promise.all([getRound(deps, user, roundId), whatIf(deps, user, roundId, parsed.settings)]);
    const titles = await bidTitles(deps.db, outcome.result.ranking.map((r) => r.reference));
    return render(
      c,
      { title: `What if: ${round.title}`, current: '/app/rounds', beforeContent: <BackLink href={roundPath(roundId)} text={`Back to ${round.title}`} /> },
      <WhatIfPage round={round} outcome={outcome} titles={titles} values={values} />,
    );
  });
}

// ---------------------------------------------------------------------------------------------
// One round

async function roundPage(c: WebContext, roundId: string, form: PageForm = NO_FORM, status: 200 | 400 = 200) {
  const user = signedIn(c);
  const deps = c.get('deps');
  const { round, allocation, allowedActions } = await getRound(deps, user, roundId);
  const [titles, names] = await Promise.all([
    allocation ? bidTitles(deps.db, allocation.result.ranking.map((r) => r.reference)) : {},
    personNames(deps.db, [...round.history.map((h) => h.runBy), ...(allocation ? [allocation.runBy] : [])]),
  ]);
  const analysis = allocation ? await roundAnalysis(deps, user, roundId) : null;
  return render(
    c,
    { title: round.title, current: '/app/rounds', errors: form.errors, beforeContent: <BackLink href="/app/rounds" text="All funding rounds" /> },
    <>
      <span class="nhsuk-caption-l">Funding round, {round.financialYear}</span>
      <h1>{round.title}</h1>
      <RoundSummary round={round} />
      {allocation ? (
        <section id="allocation" aria-labelledby="allocation-heading">
          <h2 id="allocation-heading">Latest allocation: version {allocation.version}</h2>
          <p>
            Run on {dateTime(allocation.runAt)} by {runBy(allocation.runBy, names)}, because: {allocation.reason}.{' '}
            {round.confirmed?.version === allocation.version ? `Confirmed by ${round.confirmed.by.name} on ${date(round.confirmed.at)}.` : 'Finance has not confirmed it.'}
          </p>
          <AllocationFigures result={allocation.result} titles={titles} id="allocation-chart" what={`version ${allocation.version}`} />
        </section>
      ) : null}
      {analysis ? <RoundExplanation analysis={analysis} titles={titles} /> : null}
      {allocation ? null : (
        <InsetText>
          <p>No allocation has been run yet. It runs by itself when the round closes on {date(round.closesAt)}, if nobody has run it before.</p>
        </InsetText>
      )}
      <RoundOverrides round={round} allowed={allowedActions.includes('overrideAllocation')} csrf={c.get('csrf')} errors={{ reference: errorOf(form, 'override-reference'), reason: errorOf(form, 'override-reason') }} />
      <RoundActions round={round} version={allocation?.version} allowed={allowedActions} csrf={c.get('csrf')} form={form} />
      {round.state === 'OPEN' || round.state === 'PROPOSED' ? (
        <section aria-labelledby="what-if-heading">
          <h2 id="what-if-heading">What if?</h2>
          <p>See the allocation with another envelope or another rule set. Nothing is changed.</p>
          <WhatIfForm round={round} form={form} />
        </section>
      ) : null}
      <RunHistory round={round} names={names} />
    </>,
    status,
  );
}

/** "Mental health (ambition)", or with the ambition or place named when the label differs from it. */
const SubEnvelopeName: FC<SubEnvelopeInput> = ({ dimension, key, label }) => {
  const name = dimension === 'ambition' ? ambition(key) : place(key);
  return <>{label === name ? `${label} (${dimension})` : `${label} (${dimension}: ${name})`}</>;
};

const RoundSummary: FC<{ round: RoundStatus }> = ({ round }) => (
  <SummaryList
    rows={[
      { key: 'State', value: <RoundStateTag state={round.state} /> },
      { key: 'Financial year', value: round.financialYear },
      { key: 'Envelope', value: money(round.envelopePence) },
      {
        key: 'Sub-envelopes',
        value: round.subEnvelopes.length ? (
          <ul class="nhsuk-list">
            {round.subEnvelopes.map((s) => (
              <li>
                <SubEnvelopeName {...s} />: {money(s.envelopePence)}
              </li>
            ))}
          </ul>
        ) : (
          'None: one envelope for everything'
        ),
      },
      { key: 'Opens', value: date(round.opensAt) },
      { key: 'Closes', value: date(round.closesAt) },
      ...(round.confirmed ? [{ key: 'Confirmed', value: `Version ${round.confirmed.version}, by ${round.confirmed.by.name} on ${date(round.confirmed.at)}` }] : []),
      ...(round.cancelled ? [{ key: 'Cancelled', value: `By ${round.cancelled.by.name} on ${date(round.cancelled.at)}: ${round.cancelled.reason}` }] : []),
    ]}
  />
);

/** Only the actions the round's workflow would accept from this person now. */
const RoundActions: FC<{ round: RoundStatus; version?: number; allowed: string[]; csrf: string; form: PageForm }> = ({ round, version, allowed, csrf, form }) => {
  if (allowed.length === 0) return null;
  const action = (name: string) => `${roundPath(round.roundId)}/${name}`;
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">What you can do</h2>
      {allowed.includes('confirmAllocation') && version !== undefined ? (
        <>
          <h3>Confirm the allocation</h3>
          <p>
            You are confirming version {version}, as shown above. Its funded bids become commitments against the envelope; its waitlisted bids stay candidates for later rounds. If
            the allocation is run again meanwhile, you will be asked to review the new version first.
          </p>
          <Form action={action('confirm')} csrf={csrf}>
            <input type="hidden" name="version" value={String(version)} />
            <Button>Confirm this allocation</Button>
          </Form>
        </>
      ) : null}
      {allowed.includes('runAllocation') ? (
        <>
          <h3>{version === undefined ? 'Run the allocation' : 'Run the allocation again'}</h3>
          <Form action={action('allocate')} csrf={csrf}>
            <TextArea
              name="reason"
              id="run-reason"
              label="Why are you running it now?"
              hint="This goes on the record with the allocation, for example: closing review, January."
              rows={2}
              error={errorOf(form, 'run-reason')}
            />
            <Button variant={version === undefined ? undefined : 'secondary'}>{version === undefined ? 'Run the allocation' : 'Run the allocation again'}</Button>
          </Form>
        </>
      ) : null}
      {allowed.includes('cancelRound') ? (
        <>
          <h3>Cancel the round</h3>
          <WarningCallout heading="Cancelling cannot be undone">
            <p>The round stops here and its bids are released for another round.</p>
          </WarningCallout>
          <Form action={action('cancel')} csrf={csrf}>
            <TextArea name="reason" id="cancel-reason" label="Why is the round being cancelled?" rows={2} error={errorOf(form, 'cancel-reason')} />
            <Button variant="warning">Cancel the round</Button>
          </Form>
        </>
      ) : null}
    </section>
  );
};

const runBy = (id: string, names: Record<string, string>) => (id === 'system' ? 'the service, automatically' : (names[id] ?? id));

const RunHistory: FC<{ round: RoundStatus; names: Record<string, string> }> = ({ round, names }) =>
  round.history.length === 0 ? null : (
    <Table
      caption="Allocation runs"
      head={['Version', 'Run', 'By', 'Reason', 'Funded', 'Waitlisted']}
      numeric={[0, 4, 5]}
      rows={[...round.history].reverse().map((h) => [h.version, dateTime(h.runAt), runBy(h.runBy, names), h.reason, h.funded, h.waitlisted])}
    />
  );

// ---------------------------------------------------------------------------------------------
// What if

const ruleSetKey = (r: { id: string; version: string }) => `${r.id}@${r.version}`;

function whatIfSettings(values: { envelope: string; ruleSet: string }): { settings: WhatIfSettings } | { error: FieldError } {
  const settings: WhatIfSettings = {};
  if (values.envelope) {
    const pence = poundsToPence(values.envelope);
    if (pence === null) return { error: { field: 'envelope', message: 'Enter the envelope as an amount of money, such as 1,500,000' } };
    settings.envelopePence = pence;
  }
  if (values.ruleSet) {
    const ruleSet = listRuleSets().find((r) => ruleSetKey(r) === values.ruleSet);
    if (!ruleSet) return { error: { field: 'ruleSet', message: 'Choose a rule set from the list' } };
    settings.ruleSet = { id: ruleSet.id, version: ruleSet.version };
  }
  return { settings };
}

const WhatIfForm: FC<{ round: RoundStatus; form: PageForm }> = ({ round, form }) => (
  <Form action={`${roundPath(round.roundId)}/what-if`} csrf="" method="get">
    <TextInput
      name="envelope"
      label="Envelope"
      hint={`The round's envelope is ${money(round.envelopePence)}. Leave it as it is to try another rule set alone.`}
      prefix="£"
      width={10}
      inputmode="decimal"
      value={form.values.envelope ?? money(round.envelopePence).replace('£', '')}
      error={errorOf(form, 'envelope')}
    />
    <Select
      name="ruleSet"
      label="Rule set"
      hint="Score every bid again, from the facts it was scored on, with another version of the rules."
      placeholder="The scores the bids have now"
      options={listRuleSets().map((r) => ({ value: ruleSetKey(r), label: `${r.id} version ${r.version}${isDraft(r) ? ' (draft, for what-if only)' : ''}` }))}
      value={form.values.ruleSet}
      error={errorOf(form, 'ruleSet')}
    />
    <Button variant="secondary">See what would happen</Button>
  </Form>
);

type WhatIfOutcome = Awaited<ReturnType<typeof whatIf>>;

const cutLineWords = (cut: CutLine | null) => (cut ? `At rank ${cut.rank}, ${cut.reference}` : 'None: every bid fits');
const placeWords = (p: { outcome: string; rank: number } | null) => (p ? `${p.outcome === 'funded' ? 'Funded' : 'Waitlisted'}, rank ${p.rank}` : 'Not in the allocation');

function whatIfQuestion(outcome: WhatIfOutcome, round: RoundStatus): string {
  const parts = [];
  if (outcome.settings.envelopePence !== round.envelopePence) parts.push(`the envelope were ${money(outcome.settings.envelopePence)}`);
  if (outcome.settings.ruleSet) parts.push(`the bids were scored with ${outcome.settings.ruleSet.id} version ${outcome.settings.ruleSet.version}`);
  return parts.length ? `What if ${parts.join(' and ')}?` : 'What if the settings stayed as they are?';
}

const References: FC<{ references: string[] }> = ({ references }) =>
  references.length === 0 ? (
    <>None</>
  ) : (
    <ul class="nhsuk-list">
      {references.map((r) => (
        <li>
          <a href={`/app/bids/${encodeURIComponent(r)}`}>{r}</a>
        </li>
      ))}
    </ul>
  );

const WhatIfPage: FC<{ round: RoundStatus; outcome: WhatIfOutcome; titles: Titles; values: Record<string, string> }> = ({ round, outcome, titles, values }) => {
  const { summary, result } = outcome;
  return (
    <>
      <span class="nhsuk-caption-l">What if: {round.title}</span>
      <h1>{whatIfQuestion(outcome, round)}</h1>
      <InsetText>
        <p>
          <strong>Nothing has been changed.</strong> This is a what-if: no bid, round or entry in the decision trail was touched. It is compared with {outcome.comparedWith}.
        </p>
      </InsetText>
      <h2>Summary</h2>
      <SummaryList
        rows={[
          { key: 'Bids funded', value: `${summary.fundedBefore} now; ${summary.fundedAfter} under these settings` },
          { key: 'Money allocated', value: `${money(summary.allocatedBeforePence)} now; ${money(summary.allocatedAfterPence)} under these settings` },
          { key: 'Newly funded', value: <References references={summary.newlyFunded} /> },
          { key: 'No longer funded', value: <References references={summary.noLongerFunded} /> },
          { key: 'Cut line now', value: cutLineWords(summary.cutLineBefore) },
          { key: 'Cut line under these settings', value: cutLineWords(summary.cutLineAfter) },
        ]}
      />
      <h2>Differences</h2>
      {outcome.differences.length === 0 ? (
        <p>No bid's place would change.</p>
      ) : (
        <Table
          caption="Bids whose place would change"
          head={['Bid', 'Now', 'Under these settings']}
          rows={outcome.differences.map((d) => [<a href={`/app/bids/${encodeURIComponent(d.reference)}`}>{d.reference}</a>, placeWords(d.before), placeWords(d.after)])}
        />
      )}
      <h2>The allocation under these settings</h2>
      <AllocationFigures result={result} titles={titles} id="what-if-chart" what="under these settings" />
      <h2>Try other settings</h2>
      <WhatIfForm round={round} form={{ errors: [], values }} />
    </>
  );
};
