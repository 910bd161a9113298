// Chair's action: on a bid whose risk of not funding raised a safety escalation, the chair may
// decide between meetings, within a few working days; the next meeting ratifies it or not.
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { getVisibleBid, runBidAction } from '../../services/bids.js';
import { chairsActionUpdate, type BidStatus } from '../../shared.js';
import { BID_ROUTE, needRole, one, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, Form, Radios, SummaryList, TextArea } from '../components.js';
import { BAND_LABELS, OUTCOME_LABELS, dateTime } from '../format.js';
import { BidInBrief, DeadlineText, Heading, NotNow, chairsActionHref, CONDITIONS_HINT, conditionLines, errorOf, lines, lower, organisationNames, roleMay, shown, submitForm, type Failed } from './hub-shared.js';

const OUTCOMES = ['supported', 'supported_with_conditions', 'not_supported'] as const;

const RATIFICATION_LABELS = { pending: 'Waiting for the next meeting to ratify it', ratified: 'Ratified by the Assembly', not_ratified: 'Not ratified: the Assembly considers the bid in full' } as const;

const chairsActionSchema = z
  .object({
    outcome: z.enum(OUTCOMES, { error: "Select the outcome of your chair's action" }),
    conditions: z.string().max(20_000, 'The conditions must be 20,000 characters or fewer'),
    reason: z.string().trim().max(5000, 'The reason must be 5,000 characters or fewer'),
  })
  // Checked together, so the person sees every missing answer at once.
  .superRefine((v, ctx) => {
    if (v.outcome === 'supported_with_conditions' && !lines(v.conditions).length) ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'Enter the conditions, one on each line' });
    const problem = v.outcome === 'supported_with_conditions' ? conditionLines(v.conditions).problem : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: ['conditions'], message: problem });
    if (!v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Enter the reason for the record' });
  })
  .transform((v) => ({ outcome: v.outcome, reason: v.reason, ...(v.outcome === 'supported_with_conditions' ? conditionLines(v.conditions) : { conditions: [] }) }));

export function registerChairsActionPages(web: WebApp): void {
  web.get(`${BID_ROUTE}/chairs-action`, (c) => chairsActionPage(c, c.req.param('reference')));

  web.post(`${BID_ROUTE}/chairs-action`, (c) => {
    const reference = c.req.param('reference');
    return submitForm(c, {
      form: 'chairs-action',
      read: (form) => ({ outcome: one(form, 'outcome'), conditions: one(form, 'conditions'), reason: one(form, 'reason') }),
      schema: chairsActionSchema,
      invalid: (failed) => chairsActionPage(c, reference, failed),
      then: chairsActionHref(reference),
      success: { kind: 'success', title: "Chair's action recorded", text: 'The next Assembly meeting is asked to ratify it.' },
      run: (data) => runBidAction(c.get('deps'), reference, chairsActionUpdate, { actor: signedIn(c), ...data }),
    });
  });
}

async function chairsActionPage(c: WebContext, reference: string, failed?: Failed): Promise<Response> {
  const user = signedIn(c);
  needRole(user, "take chair's action", 'assembly_chair');
  const deps = c.get('deps');
  const bid = await getVisibleBid(deps, user, reference);
  const status = bid.status as unknown as BidStatus;
  const taken = status.assembly.chairsAction;
  return render(
    c,
    { title: `Chair's action on ${reference}`, current: '/app/meetings', errors: failed?.list, beforeContent: <BackLink href="/app/meetings" text="Back to Assembly meetings" /> },
    <>
      <Heading caption={`Chair's action, ${reference}`} title={bid.title} />
      <BidInBrief bid={bid} names={await organisationNames(deps.db)} />
      <Escalation status={status} />
      {taken ? (
        <>
          <h2>Chair's action taken</h2>
          <SummaryList
            rows={[
              { key: 'Outcome', value: OUTCOME_LABELS[taken.outcome] ?? taken.outcome },
              ...(taken.conditions.length ? [{ key: 'Conditions', value: <ol class="nhsuk-list nhsuk-list--number">{taken.conditions.map((x) => <li>{x}</li>)}</ol> }] : []),
              { key: 'Reason', value: taken.reason },
              { key: 'Taken by', value: `${taken.by.name}, ${dateTime(taken.at)}` },
              ...(status.assembly.ratification ? [{ key: 'Ratification', value: RATIFICATION_LABELS[status.assembly.ratification] }] : []),
            ]}
          />
        </>
      ) : roleMay(user, status, 'chairsAction') ? (
        <ChairsActionForm reference={reference} csrf={c.get('csrf')} failed={failed} />
      ) : (
        <NotNow why={status.score?.flags.safetyEscalation ? "Chair's action is not open on this bid." : "Chair's action is only for a bid with a safety escalation; this bid has none."} bid={bid} status={status} />
      )}
    </>,
    failed ? 400 : 200,
  );
}

const Escalation: FC<{ status: BidStatus }> = ({ status }) =>
  status.score ? (
    <>
      <h2>The safety escalation</h2>
      <SummaryList
        rows={[
          { key: 'Clinical score', value: `${status.score.benefitScore.toFixed(2)} out of 100, ${lower(BAND_LABELS[status.score.band] ?? status.score.bandLabel)}` },
          { key: 'Safety escalation', value: status.score.flags.safetyEscalation ? 'Yes: the risk of not funding it is 15 or more' : 'No' },
          ...(status.assembly.chairsActionDeadline ? [{ key: "Chair's action window", value: <DeadlineText dueAt={status.assembly.chairsActionDeadline.dueAt} /> }] : []),
        ]}
      />
    </>
  ) : null;

const ChairsActionForm: FC<{ reference: string; csrf: string; failed?: Failed }> = ({ reference, csrf, failed }) => (
  <>
    <h2>Your chair's action</h2>
    <p>You decide on the Assembly's behalf. The next meeting is asked to ratify your decision; if it does not, the Assembly considers the bid in full.</p>
    <Form action={chairsActionHref(reference)} csrf={csrf}>
      <Radios
        name="outcome"
        legend="Outcome"
        legendSize="s"
        options={OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABELS[o] }))}
        value={shown(failed, 'chairs-action', 'outcome', null)}
        error={errorOf(failed, 'chairs-action', 'outcome')}
      />
      <TextArea
        name="conditions"
        label="Conditions"
        hint={CONDITIONS_HINT}
        rows={4}
        value={shown(failed, 'chairs-action', 'conditions', null)}
        error={errorOf(failed, 'chairs-action', 'conditions')}
      />
      <TextArea name="reason" label="Reason" hint="For the record: why this could not wait for the next meeting." rows={3} value={shown(failed, 'chairs-action', 'reason', null)} error={errorOf(failed, 'chairs-action', 'reason')} />
      <Button>Record chair's action</Button>
    </Form>
  </>
);
