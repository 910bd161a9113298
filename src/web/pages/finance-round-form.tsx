// The admin opens a funding round: title, financial year, envelope in pounds, optional
// sub-envelopes by ambition or place, opening and closing dates. Money is stored as integer pence.
import type { FC } from 'hono/jsx';
import { ApiError } from '../../api/errors.js';
import { financialYearSchema } from '../../domain/bid.js';
import { AMBITIONS, AMBITION_LABELS, PLACES, PLACE_LABELS } from '../../domain/vocabulary.js';
import { openRound, type RoundCreate } from '../../services/rounds.js';
import type { SubEnvelopeInput } from '../../shared.js';
import { formOf, needRole, one, render, signedIn, type FormBody, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, DateInput, Details, fieldId, Form, Select, TextInput } from '../components.js';
import { setFlash } from '../session.js';
import { poundsField, Problems } from './finance-forms.js';

/** Rows for sub-envelopes on the form: enough for the ICBs' usual splits, without a script to add rows. */
const SUB_ROWS = 6;

/** One choice per sub-envelope, "ambition:mental_health" or "place:norwich": the dimension and key together. */
const AREAS = [
  ...AMBITIONS.map((key) => ({ value: `ambition:${key}`, label: `Ambition: ${AMBITION_LABELS[key]}`, dimension: 'ambition' as const, key, name: AMBITION_LABELS[key] })),
  ...PLACES.map((key) => ({ value: `place:${key}`, label: `Place: ${PLACE_LABELS[key]}`, dimension: 'place' as const, key, name: PLACE_LABELS[key] })),
];

const sub = (i: number, field: 'area' | 'label' | 'amount') => `sub[${i}].${field}`;

/** The form as the input to open a round, or every problem with it at once. */
function parseRound(form: FormBody): { round: RoundCreate } | { problems: Problems } {
  const problems = new Problems();

  const title = one(form, 'title');
  if (!title) problems.add('title', 'Enter a title for the round');
  else if (title.length < 3) problems.add('title', 'The title must be at least 3 characters');
  else if (title.length > 200) problems.add('title', 'The title must be 200 characters or fewer');

  const financialYear = one(form, 'financialYear');
  if (!financialYear) problems.add('financialYear', 'Enter the financial year, such as 2026/27');
  else if (!financialYearSchema.safeParse(financialYear).success) problems.add('financialYear', 'Enter the financial year as two consecutive years, such as 2026/27');

  const envelopePence = poundsField(problems, 'envelope', one(form, 'envelope'), 'the envelope');
  if (envelopePence === 0) problems.add('envelope', 'The envelope must be more than £0');

  const opens = dateOf(problems, form, 'opens', 'the round opens');
  const closes = dateOf(problems, form, 'closes', 'the round closes');
  const opensAt = opens && startOfLondonDay(opens);
  // The round closes at the end of its closing day, so a one-day round is possible.
  const closesAt = closes && new Date(startOfLondonDay({ ...closes, day: closes.day + 1 }).getTime() - 1000);
  if (opensAt && closesAt && closesAt <= opensAt) problems.add('closes', 'The closing date must be on or after the opening date', 'closes-day');

  const subEnvelopes: SubEnvelopeInput[] = [];
  for (let i = 0; i < SUB_ROWS; i += 1) {
    const [areaValue, label, amount] = [one(form, sub(i, 'area')), one(form, sub(i, 'label')), one(form, sub(i, 'amount'))];
    if (!areaValue && !label && !amount) continue;
    const n = i + 1;
    const area = AREAS.find((a) => a.value === areaValue);
    if (!area) problems.add(sub(i, 'area'), `Choose the ambition or place of sub-envelope ${n}`);
    else if (subEnvelopes.some((s) => s.dimension === area.dimension && s.key === area.key)) {
      problems.add(sub(i, 'area'), `Sub-envelope ${n} repeats ${area.name}: give each ambition or place one sub-envelope`);
    }
    if (label.length > 200) problems.add(sub(i, 'label'), `The name of sub-envelope ${n} must be 200 characters or fewer`);
    const pence = poundsField(problems, sub(i, 'amount'), amount, `the amount of sub-envelope ${n}`);
    if (pence !== null && envelopePence !== null && pence > envelopePence) problems.add(sub(i, 'amount'), `Sub-envelope ${n} cannot be more than the whole envelope`);
    if (area && pence !== null) {
      subEnvelopes.push({ id: area.key.replace(/_/g, '-'), dimension: area.dimension, key: area.key, label: label || area.name, envelopePence: pence });
    }
  }

  if (problems.any || envelopePence === null || !opensAt || !closesAt) return { problems };
  return { round: { title, financialYear, envelopePence, subEnvelopes, opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() } };
}

interface Day {
  year: number;
  month: number;
  day: number;
}

/** A date typed in three boxes, with the design system's messages for each way it can be wrong. */
function dateOf(problems: Problems, form: FormBody, name: string, what: string): Day | null {
  const parts = { day: one(form, `${name}.day`), month: one(form, `${name}.month`), year: one(form, `${name}.year`) };
  const focus = `${fieldId(name)}-day`;
  if (!parts.day && !parts.month && !parts.year) {
    problems.add(name, `Enter the date ${what}`, focus);
    return null;
  }
  const missing = (['day', 'month', 'year'] as const).find((p) => !parts[p]);
  if (missing) {
    problems.add(name, `The date ${what} must include a ${missing}`, `${fieldId(name)}-${missing}`);
    return null;
  }
  const [day, month, year] = [Number(parts.day), Number(parts.month), Number(parts.year)];
  const real = /^\d{1,2}$/.test(parts.day) && /^\d{1,2}$/.test(parts.month) && /^\d{4}$/.test(parts.year) && new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day && month >= 1 && month <= 12;
  if (!real) {
    problems.add(name, `The date ${what} must be a real date`, focus);
    return null;
  }
  return { year, month, day };
}

const londonOffset = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'longOffset' });

/** Midnight in England (GMT or BST) at the start of the day; Date.UTC carries a day past the month's end. */
function startOfLondonDay({ year, month, day }: Day): Date {
  const utcMidnight = Date.UTC(year, month - 1, day);
  const zone = londonOffset.formatToParts(new Date(utcMidnight)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const [, sign, hours, minutes] = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(zone) ?? [];
  const offsetMinutes = sign ? (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) : 0;
  return new Date(utcMidnight - offsetMinutes * 60_000);
}

// ---------------------------------------------------------------------------------------------

export function registerNewRoundPage(web: WebApp): void {
  web.get('/app/rounds/new', (c) => {
    needRole(signedIn(c), 'open a funding round', 'admin');
    return newRoundPage(c, {}, new Problems());
  });

  web.post('/app/rounds/new', async (c) => {
    const user = signedIn(c);
    needRole(user, 'open a funding round', 'admin');
    const form = formOf(c);
    const parsed = parseRound(form);
    if ('problems' in parsed) return newRoundPage(c, form, parsed.problems, 400);
    try {
      const round = await openRound(c.get('deps'), user, parsed.round);
      await setFlash(c, c.get('deps').sessionSecret, { kind: 'success', title: 'The funding round is open', text: 'Finance or the admin can run its allocation at any time; it runs by itself when the round closes.' });
      return c.redirect(`/app/rounds/${encodeURIComponent(round.roundId)}`, 303);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'round_exists') {
        const problems = new Problems();
        problems.add('title', `A round called "${parsed.round.title}" is open for ${parsed.round.financialYear} already: give this one another title`);
        return newRoundPage(c, form, problems, 400);
      }
      throw error;
    }
  });
}

function newRoundPage(c: WebContext, form: FormBody, problems: Problems, status: 200 | 400 = 200) {
  const errors = problems.byField;
  const value = (name: string) => one(form, name);
  const dateValue = (name: string) => ({ day: value(`${name}.day`), month: value(`${name}.month`), year: value(`${name}.year`) });
  const anySub = Array.from({ length: SUB_ROWS }, (_, i) => [sub(i, 'area'), sub(i, 'label'), sub(i, 'amount')].some((n) => value(n) || errors[n])).some(Boolean);
  return render(
    c,
    { title: 'Open a funding round', current: '/app/rounds', errors: problems.list, beforeContent: <BackLink href="/app/rounds" text="All funding rounds" /> },
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <h1>Open a funding round</h1>
        <Form action="/app/rounds/new" csrf={c.get('csrf')}>
          <TextInput name="title" label="Title" hint="For example, Main round 2026/27" value={value('title')} error={errors.title} />
          <TextInput name="financialYear" label="Financial year" hint="For example, 2026/27" width={10} value={value('financialYear')} error={errors.financialYear} />
          <TextInput
            name="envelope"
            label="Budget envelope"
            hint="The whole round's budget in pounds, for example 1,500,000"
            prefix="£"
            width={10}
            inputmode="decimal"
            value={value('envelope')}
            error={errors.envelope}
          />
          <DateInput name="opens" legend="Opening date" hint="The round opens at the start of this day. For example, 1 12 2026" value={dateValue('opens')} error={errors.opens} />
          <DateInput
            name="closes"
            legend="Closing date"
            hint="The round closes at the end of this day. If nobody has run the allocation by then, it runs by itself."
            value={dateValue('closes')}
            error={errors.closes}
          />
          <Details summary="Ring-fence part of the envelope for an ambition or a place (optional)" open={anySub}>
            <p>
              A bid draws on the sub-envelope of its primary ambition in full, and on each of its places' sub-envelopes a share. It is funded only if it fits every envelope it
              draws on.
            </p>
            {Array.from({ length: SUB_ROWS }, (_, i) => (
              <SubEnvelopeRow index={i} value={value} errors={errors} />
            ))}
          </Details>
          <Button>Open the round</Button>
        </Form>
      </div>
    </div>,
    status,
  );
}

const SubEnvelopeRow: FC<{ index: number; value: (name: string) => string; errors: Record<string, string> }> = ({ index, value, errors }) => {
  const names = { area: sub(index, 'area'), label: sub(index, 'label'), amount: sub(index, 'amount') };
  return (
    <fieldset class="nhsuk-fieldset nhsuk-u-margin-bottom-5">
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Sub-envelope {index + 1}</legend>
      <Select name={names.area} label="Ambition or place" placeholder="None" options={AREAS} value={value(names.area)} error={errors[names.area]} />
      <TextInput name={names.label} label="Name (optional)" hint="Leave it empty to use the ambition's or place's name" value={value(names.label)} error={errors[names.label]} />
      <TextInput name={names.amount} label="Amount" prefix="£" width={10} inputmode="decimal" value={value(names.amount)} error={errors[names.amount]} />
    </fieldset>
  );
};
