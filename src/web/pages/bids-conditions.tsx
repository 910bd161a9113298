// Conditions of a decision on the web: what the bid's page shows of each (its due day and
// whether it is met or waived), the hub lead's form to record one as met with its evidence, and
// the Assembly chair's to waive one with the reason. The bid's workflow decides whether they may;
// these pages only gather the words.
import type { FC } from 'hono/jsx';
import { conditionSettled, dayInWords } from '../../model/bid.js';
import { getVisibleBid, runBidAction, type BidView } from '../../services/bids.js';
import { recordConditionMetUpdate, waiveConditionUpdate, type BidStatus, type ConditionStatus } from '../../shared.js';
import { act, BID_ROUTE, formOf, one, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Form, InsetText, Radios, Tag, TextArea, type FieldError } from '../components.js';
import { date } from '../format.js';
import { PageHeading, SubmitOnce } from './bids-shared.js';

const MAX_WORDS = 5000;

/** Where a condition stands, in words: met (when, by whom), or open with its due day. */
export function conditionState(c: ConditionStatus): { tag: string; colour: string; words: string } {
  if (c.met) return { tag: 'Met', colour: 'green', words: `Recorded as met by ${c.met.by.name} on ${date(c.met.at)}: ${c.met.evidence}` };
  if (c.waived) return { tag: 'Waived', colour: 'grey', words: `Waived by ${c.waived.by.name}, chair of the CCP Assembly, on ${date(c.waived.at)}: ${c.waived.reason}` };
  if (!c.dueBy) return { tag: 'Open', colour: 'blue', words: 'No due date.' };
  if (c.escalated) return { tag: 'Overdue', colour: 'red', words: `Was due by ${dayInWords(c.dueBy)} and is not yet recorded as met; the Assembly chair has been told.` };
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

/**
 * The two things done to a condition on the web, on one form: the hub lead records one as met with
 * its evidence; the Assembly chair waives one with the reason. The words differ, the form does not.
 */
const FORMS = {
  met: {
    path: 'conditions',
    title: (reference: string) => `Record a condition of bid ${reference} as met`,
    about: 'Record a condition as met once the programme team has shown it is. Its reminders stop, and the programme team is told.',
    legend: 'Which condition is met?',
    choose: 'Select the condition that is met',
    field: 'evidence',
    label: 'What shows it is met?',
    hint: "For example, the report the programme team sent and when. It is kept on the bid's decision trail.",
    missing: 'Enter what shows the condition is met',
    tooLong: 'The evidence',
    button: 'Record as met',
    done: (id: string) => `Condition ${id} recorded as met`,
  },
  waiver: {
    path: 'conditions/waiver',
    title: (reference: string) => `Waive a condition of bid ${reference}`,
    about:
      'Waive a condition the Assembly no longer asks for, or accepts cannot be met as it was set. It is no longer to be met: its reminders stop, and the programme team and the hub are told why.',
    legend: 'Which condition is waived?',
    choose: 'Select the condition to waive',
    field: 'reason',
    label: 'Why is it waived?',
    hint: "The programme team and the hub are sent it, and it is kept on the bid's decision trail.",
    missing: 'Enter why the condition is waived',
    tooLong: 'The reason',
    button: 'Waive the condition',
    done: (id: string) => `Condition ${id} waived`,
  },
} as const;
type FormKind = keyof typeof FORMS;

const ConditionPage: FC<{ kind: FormKind; bid: BidView; csrf: string; values: Values; errors: Values }> = ({ kind, bid, csrf, values, errors }) => {
  const f = FORMS[kind];
  const open = ((bid.status as unknown as BidStatus).conditions?.items ?? []).filter((c) => !conditionSettled(c));
  return (
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <PageHeading caption={bid.title}>{f.title(bid.reference)}</PageHeading>
        <InsetText>
          <p>{f.about}</p>
        </InsetText>
        {open.length ? (
          <Form action={`/app/bids/${bid.reference}/${f.path}`} csrf={csrf}>
            <Radios
              name="conditionId"
              legend={f.legend}
              legendSize="s"
              options={open.map((c) => ({ value: c.id, label: c.text, hint: conditionState(c).words }))}
              value={values.conditionId}
              error={errors.conditionId}
            />
            <TextArea name={f.field} label={f.label} hint={f.hint} value={values[f.field]} error={errors[f.field]} rows={5} />
            <div class="nhsuk-button-group">
              <SubmitOnce>{f.button}</SubmitOnce>
              <a href={`/app/bids/${bid.reference}`}>Cancel</a>
            </div>
          </Form>
        ) : (
          <p>Every condition of this bid is recorded as met or waived.</p>
        )}
      </div>
    </div>
  );
};

async function show(c: WebContext, kind: FormKind, values: Values = {}, errors: Values = {}) {
  const bid = await getVisibleBid(c.get('deps'), signedIn(c), c.req.param('reference') ?? '');
  const list: FieldError[] = Object.entries(errors).map(([field, message]) => ({ field, message }));
  return render(
    c,
    { title: FORMS[kind].title(bid.reference), errors: list.length ? list : undefined, current: '/app/bids', beforeContent: <BackLink href={`/app/bids/${bid.reference}`} /> },
    <ConditionPage kind={kind} bid={bid} csrf={c.get('csrf')} values={values} errors={errors} />,
    list.length ? 400 : 200,
  );
}

export function registerConditionPages(web: WebApp): void {
  for (const kind of Object.keys(FORMS) as FormKind[]) {
    const f = FORMS[kind];
    web.get(`${BID_ROUTE}/${f.path}`, (c) => show(c, kind));
    web.post(`${BID_ROUTE}/${f.path}`, async (c) => {
      const user = signedIn(c);
      const reference = c.req.param('reference');
      const form = formOf(c);
      const conditionId = one(form, 'conditionId');
      const words = one(form, f.field);
      const values: Values = { conditionId, [f.field]: words };
      const errors: Values = {};
      if (!/^c\d{1,2}$/.test(conditionId)) errors.conditionId = f.choose;
      if (!words) errors[f.field] = f.missing;
      else if (words.length > MAX_WORDS) errors[f.field] = `${f.tooLong} must be ${MAX_WORDS.toLocaleString('en-GB')} characters or fewer`;
      if (Object.keys(errors).length) return show(c, kind, values, errors);
      return act(c, `/app/bids/${reference}`, { kind: 'success', title: f.done(conditionId) }, () =>
        kind === 'met'
          ? runBidAction(c.get('deps'), reference, recordConditionMetUpdate, { actor: user, conditionId, evidence: words })
          : runBidAction(c.get('deps'), reference, waiveConditionUpdate, { actor: user, conditionId, reason: words }),
      );
    });
  }
}
