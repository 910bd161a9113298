// Conditions of a decision on the web: what the bid's page shows of each (its due day and
// whether it is met), and the hub lead's form to record one as met with its evidence. The bid's
// workflow decides whether she may; this page only gathers the words.
import type { FC } from 'hono/jsx';
import { dayInWords } from '../../model/bid.js';
import { getVisibleBid, runBidAction, type BidView } from '../../services/bids.js';
import { recordConditionMetUpdate, type BidStatus, type ConditionStatus } from '../../shared.js';
import { act, BID_ROUTE, formOf, one, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Form, InsetText, Radios, Tag, TextArea, type FieldError } from '../components.js';
import { date } from '../format.js';
import { PageHeading, SubmitOnce } from './bids-shared.js';

const MAX_EVIDENCE = 5000;

/** Where a condition stands, in words: met (when, by whom), or open with its due day. */
export function conditionState(c: ConditionStatus): { tag: string; colour: string; words: string } {
  if (c.met) return { tag: 'Met', colour: 'green', words: `Recorded as met by ${c.met.by.name} on ${date(c.met.at)}: ${c.met.evidence}` };
  if (!c.dueBy) return { tag: 'Open', colour: 'blue', words: 'No due date.' };
  if (c.dueNotified) return { tag: 'Due', colour: 'red', words: `Was due by ${dayInWords(c.dueBy)} and is not yet recorded as met.` };
  return { tag: 'Open', colour: 'blue', words: `To be met by ${dayInWords(c.dueBy)}.` };
}

/** The conditions of the decision in force, each with its due day and state. */
export const ConditionItems: FC<{ items: ConditionStatus[] }> = ({ items }) => (
  <ol class="nhsuk-list nhsuk-list--number">
    {items.map((c) => {
      const s = conditionState(c);
      return (
        <li>
          {c.text}{' '}
          <Tag colour={s.colour}>
            <span class="nhsuk-u-visually-hidden">State: </span>
            {s.tag}
          </Tag>
          <br />
          <span class="nhsuk-body-s">{s.words}</span>
        </li>
      );
    })}
  </ol>
);

type Values = Record<string, string>;

const MetPage: FC<{ bid: BidView; csrf: string; values: Values; errors: Values }> = ({ bid, csrf, values, errors }) => {
  const open = ((bid.status as unknown as BidStatus).conditions?.items ?? []).filter((c) => !c.met);
  return (
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <PageHeading caption={bid.title}>Record a condition of bid {bid.reference} as met</PageHeading>
        <InsetText>
          <p>Record a condition as met once the programme team has shown it is. Its reminders stop, and the programme team is told.</p>
        </InsetText>
        {open.length ? (
          <Form action={`/app/bids/${bid.reference}/conditions`} csrf={csrf}>
            <Radios
              name="conditionId"
              legend="Which condition is met?"
              legendSize="s"
              options={open.map((c) => ({ value: c.id, label: c.text, hint: conditionState(c).words }))}
              value={values.conditionId}
              error={errors.conditionId}
            />
            <TextArea name="evidence" label="What shows it is met?" hint="For example, the report the programme team sent and when. It is kept on the bid's decision trail." value={values.evidence} error={errors.evidence} rows={5} />
            <div class="nhsuk-button-group">
              <SubmitOnce>Record as met</SubmitOnce>
              <a href={`/app/bids/${bid.reference}`}>Cancel</a>
            </div>
          </Form>
        ) : (
          <p>Every condition of this bid is recorded as met.</p>
        )}
      </div>
    </div>
  );
};

async function show(c: WebContext, values: Values = {}, errors: Values = {}) {
  const bid = await getVisibleBid(c.get('deps'), signedIn(c), c.req.param('reference') ?? '');
  const list: FieldError[] = Object.entries(errors).map(([field, message]) => ({ field, message }));
  return render(
    c,
    { title: `Record a condition of bid ${bid.reference} as met`, errors: list.length ? list : undefined, current: '/app/bids', beforeContent: <BackLink href={`/app/bids/${bid.reference}`} /> },
    <MetPage bid={bid} csrf={c.get('csrf')} values={values} errors={errors} />,
    list.length ? 400 : 200,
  );
}

export function registerConditionPages(web: WebApp): void {
  web.get(`${BID_ROUTE}/conditions`, (c) => show(c));
  web.post(`${BID_ROUTE}/conditions`, async (c) => {
    const user = signedIn(c);
    const reference = c.req.param('reference');
    const form = formOf(c);
    const values = { conditionId: one(form, 'conditionId'), evidence: one(form, 'evidence') };
    const errors: Values = {};
    if (!/^c\d{1,2}$/.test(values.conditionId)) errors.conditionId = 'Select the condition that is met';
    if (!values.evidence) errors.evidence = 'Enter what shows the condition is met';
    else if (values.evidence.length > MAX_EVIDENCE) errors.evidence = `The evidence must be ${MAX_EVIDENCE.toLocaleString('en-GB')} characters or fewer`;
    if (Object.keys(errors).length) return show(c, values, errors);
    return act(c, `/app/bids/${reference}`, { kind: 'success', title: `Condition ${values.conditionId} recorded as met` }, () =>
      runBidAction(c.get('deps'), reference, recordConditionMetUpdate, { actor: user, ...values }),
    );
  });
}
