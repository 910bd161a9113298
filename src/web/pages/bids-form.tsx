// The bid form, a step at a time: each step's fields, how its answers are read from the form
// and checked against the matching part of the domain's schema, and the messages people see.
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { fieldPath } from '../../api/errors.js';
import { bidSubmissionSchema, type BidSubmission } from '../../domain/bid.js';
import { formErrors, many, one, type FormBody } from '../app.js';
import { Checkboxes, DateInput, InsetText, Radios, Select, TextArea, TextInput, fieldId, type Errors, type FieldError } from '../components.js';
import { penceToPounds, poundsToPence } from '../format.js';
import {
  AMBITION_OPTIONS,
  CORE20PLUS5_OPTIONS,
  EVIDENCE_OPTIONS,
  KIND_OPTIONS,
  LEVEL_OPTIONS,
  MANDATE_OPTIONS,
  PLACE_OPTIONS,
} from './bids-labels.js';

export const STEP_IDS = ['about', 'reach', 'costs', 'evidence'] as const;
export type StepId = (typeof STEP_IDS)[number];
type BidField = keyof BidSubmission;

export interface Organisation {
  code: string;
  name: string;
}

export interface FormContext {
  /** The applicant's organisation: it leads the bid, so it is shown, not asked. */
  lead: Organisation;
  /** Every other organisation, as possible partners. */
  partners: Organisation[];
  financialYears: string[];
}

interface FieldsProps {
  values: FormBody;
  errors: Errors;
  context: FormContext;
}

export interface Step {
  id: StepId;
  title: string;
  /** The bid's fields this step asks for. */
  fields: readonly BidField[];
  /** Saved answers as the form shows them. */
  toForm(bid: Partial<BidSubmission>): FormBody;
  /** The form as the domain types it; what does not parse is passed on as typed, for the schema to refuse. */
  fromForm(form: FormBody): Record<string, unknown>;
  /** Rules across this step's fields. The whole bid is checked again before it is submitted. */
  refine?(answers: Partial<BidSubmission>, problem: (path: string, message: string) => void): void;
  Fields: FC<FieldsProps>;
}

// ---------------------------------------------------------------------------------------------
// Reading what people type

const text = (form: FormBody, name: string): string | undefined => one(form, name) || undefined;

/** Lines of a text area, one item a line. */
const lines = (form: FormBody, name: string): string[] =>
  (typeof form[name] === 'string' ? form[name] : '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

/** "1,400" as 1400; blank as undefined; anything else as typed, for the schema to refuse. */
function numberOf(form: FormBody, name: string): number | string | undefined {
  const typed = one(form, name);
  if (!typed) return undefined;
  return /^-?[\d,]*\.?\d+$/.test(typed) ? Number(typed.replace(/,/g, '')) : typed;
}

/** Pounds as typed, in integer pence; blank as undefined; anything else as typed. */
function penceOf(form: FormBody, name: string): number | string | undefined {
  const typed = one(form, name);
  return typed ? (poundsToPence(typed) ?? typed) : undefined;
}

/** Day, month and year boxes as YYYY-MM-DD; blank as undefined; a part that is not a number makes it invalid. */
function dateOf(form: FormBody, name: string): string | undefined {
  const day = one(form, `${name}.day`);
  const month = one(form, `${name}.month`);
  const year = one(form, `${name}.year`);
  if (!day && !month && !year) return undefined;
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return 'not a date';
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

function dateParts(name: string, iso: string | undefined): FormBody {
  const [year = '', month = '', day = ''] = iso?.split('-') ?? [];
  return { [`${name}.day`]: day && String(Number(day)), [`${name}.month`]: month && String(Number(month)), [`${name}.year`]: year };
}

const pounds = (pence: number | null | undefined): string => (pence === null || pence === undefined ? '' : penceToPounds(pence));
const str = (value: number | string | null | undefined): string => (value === null || value === undefined ? '' : String(value));

// ---------------------------------------------------------------------------------------------
// The steps

const about: Step = {
  id: 'about',
  title: 'About the bid',
  fields: ['title', 'summary', 'partnerOrganisations', 'kind', 'level', 'places', 'startDate'],
  toForm: (bid) => ({
    title: bid.title ?? '',
    summary: bid.summary ?? '',
    partnerOrganisations: bid.partnerOrganisations ?? [],
    kind: bid.kind ?? '',
    level: bid.level ?? '',
    places: bid.places ?? [],
    ...dateParts('startDate', bid.startDate),
  }),
  fromForm: (form) => ({
    title: text(form, 'title'),
    summary: text(form, 'summary'),
    partnerOrganisations: many(form, 'partnerOrganisations'),
    kind: text(form, 'kind'),
    level: text(form, 'level'),
    places: many(form, 'places'),
    startDate: dateOf(form, 'startDate'),
  }),
  Fields: ({ values, errors, context }) => (
    <>
      <TextInput name="title" label="Title of the bid" hint="A short name people will recognise, for example, Maternity-led stop smoking service." value={one(values, 'title')} error={errors.title} />
      <TextArea name="summary" label="Summary" hint="What the bid would do, for whom, and why. Write at least 20 characters." value={one(values, 'summary')} error={errors.summary} rows={6} />
      <InsetText>
        <p>
          The bid is led by your organisation, {context.lead.name} ({context.lead.code}).
        </p>
      </InsetText>
      <Checkboxes
        name="partnerOrganisations"
        legend="Partner organisations (optional)"
        legendSize="s"
        hint="Organisations that would deliver the bid with yours. Select all that apply."
        options={context.partners.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))}
        values={many(values, 'partnerOrganisations')}
        error={errors.partnerOrganisations}
      />
      <Radios name="kind" legend="What kind of bid is it?" legendSize="s" options={KIND_OPTIONS} value={one(values, 'kind')} error={errors.kind} />
      <Radios name="level" legend="At what level would it work?" legendSize="s" options={LEVEL_OPTIONS} value={one(values, 'level')} error={errors.level} />
      <Checkboxes name="places" legend="Which places would it serve?" legendSize="s" hint="Select all that apply." options={PLACE_OPTIONS} values={many(values, 'places')} error={errors.places} />
      <DateInput
        name="startDate"
        legend="When would it start?"
        hint="For example, 1 4 2027"
        value={{ day: one(values, 'startDate.day'), month: one(values, 'startDate.month'), year: one(values, 'startDate.year') }}
        error={errors.startDate}
      />
    </>
  ),
};

const reach: Step = {
  id: 'reach',
  title: 'Ambitions and reach',
  fields: ['primaryAmbition', 'secondaryAmbitions', 'peopleReachedPerYear', 'core20Percent', 'plusGroups', 'core20plus5Areas'],
  toForm: (bid) => ({
    primaryAmbition: bid.primaryAmbition ?? '',
    secondaryAmbitions: bid.secondaryAmbitions ?? [],
    peopleReachedPerYear: str(bid.peopleReachedPerYear),
    core20Percent: str(bid.core20Percent),
    plusGroups: (bid.plusGroups ?? []).join('\n'),
    core20plus5Areas: bid.core20plus5Areas ?? [],
  }),
  fromForm: (form) => ({
    primaryAmbition: text(form, 'primaryAmbition'),
    secondaryAmbitions: many(form, 'secondaryAmbitions'),
    peopleReachedPerYear: numberOf(form, 'peopleReachedPerYear'),
    core20Percent: numberOf(form, 'core20Percent'),
    plusGroups: lines(form, 'plusGroups'),
    core20plus5Areas: many(form, 'core20plus5Areas'),
  }),
  refine: (answers, problem) => {
    if (answers.primaryAmbition && answers.secondaryAmbitions?.includes(answers.primaryAmbition)) {
      problem('secondaryAmbitions', 'Do not choose the main ambition again as another ambition');
    }
  },
  Fields: ({ values, errors }) => (
    <>
      <Radios
        name="primaryAmbition"
        legend="Which Joint Forward Plan ambition does the bid mainly serve?"
        legendSize="s"
        options={AMBITION_OPTIONS}
        value={one(values, 'primaryAmbition')}
        error={errors.primaryAmbition}
      />
      <Checkboxes
        name="secondaryAmbitions"
        legend="Which other ambitions does it serve? (optional)"
        legendSize="s"
        hint="Select all that apply, apart from the main one."
        options={AMBITION_OPTIONS}
        values={many(values, 'secondaryAmbitions')}
        error={errors.secondaryAmbitions}
      />
      <TextInput name="peopleReachedPerYear" label="How many people would it reach a year?" hint="For example, 1400" width={10} inputmode="numeric" value={one(values, 'peopleReachedPerYear')} error={errors.peopleReachedPerYear} />
      <TextInput
        name="core20Percent"
        label="What percentage of them live in the most deprived 20% of areas (Core20)?"
        hint="A number from 0 to 100. Across England, it is 20."
        width={3}
        inputmode="decimal"
        value={one(values, 'core20Percent')}
        error={errors.core20Percent}
      />
      <TextArea
        name="plusGroups"
        label="Which PLUS groups would it serve? (optional)"
        hint="Groups who have poorer access, experience or outcomes locally, for example, people experiencing homelessness. Write one a line."
        value={one(values, 'plusGroups')}
        error={errors.plusGroups}
        rows={4}
      />
      <Checkboxes
        name="core20plus5Areas"
        legend="Which Core20PLUS5 clinical areas does it address? (optional)"
        legendSize="s"
        hint="Select all that apply."
        options={CORE20PLUS5_OPTIONS}
        values={many(values, 'core20plus5Areas')}
        error={errors.core20plus5Areas}
      />
    </>
  ),
};

/** How many financial years the form offers; the schema allows more, which the API may send. */
const COST_ROWS = 5;
const rowName = (i: number, field: 'financialYear' | 'recurrentPence' | 'nonRecurrentPence') => `costs[${i}].${field}`;

const costs: Step = {
  id: 'costs',
  title: 'Costs',
  fields: ['costs'],
  toForm: (bid) => {
    const form: FormBody = {};
    (bid.costs ?? []).forEach((line, i) => {
      form[rowName(i, 'financialYear')] = line.financialYear;
      form[rowName(i, 'recurrentPence')] = pounds(line.recurrentPence);
      form[rowName(i, 'nonRecurrentPence')] = pounds(line.nonRecurrentPence);
    });
    return form;
  },
  fromForm: (form) => ({
    costs: Array.from({ length: COST_ROWS }, (_, i) => ({
      financialYear: text(form, rowName(i, 'financialYear')),
      // A blank amount beside another is nothing; a year left wholly blank is not a cost line.
      recurrentPence: penceOf(form, rowName(i, 'recurrentPence')) ?? 0,
      nonRecurrentPence: penceOf(form, rowName(i, 'nonRecurrentPence')) ?? 0,
      typed: ['financialYear', 'recurrentPence', 'nonRecurrentPence'].some((f) => one(form, `costs[${i}].${f}`)),
    }))
      .filter((line) => line.typed)
      .map(({ typed: _typed, ...line }) => line),
  }),
  refine: (answers, problem) => {
    const seen = new Set<string>();
    answers.costs?.forEach((line, i) => {
      if (seen.has(line.financialYear)) problem(rowName(i, 'financialYear'), `You have entered ${line.financialYear} more than once: give each financial year once`);
      seen.add(line.financialYear);
    });
  },
  Fields: ({ values, errors, context }) => (
    <>
      <p>Give the cost in each financial year the bid needs money for, up to {COST_ROWS} years. Leave the years you do not need blank.</p>
      <ul>
        <li>Recurrent costs continue every year, such as salaries.</li>
        <li>Non-recurrent costs are paid once, such as equipment or set-up.</li>
      </ul>
      {Array.from({ length: COST_ROWS }, (_, i) => (
        <div class="nhsuk-form-group">
          <fieldset class="nhsuk-fieldset">
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Year {i + 1}</legend>
            <Select
              name={rowName(i, 'financialYear')}
              label="Financial year"
              placeholder="Choose a year"
              options={context.financialYears.map((y) => ({ value: y, label: y }))}
              value={one(values, rowName(i, 'financialYear'))}
              error={errors[rowName(i, 'financialYear')]}
            />
            <TextInput name={rowName(i, 'recurrentPence')} label="Recurrent cost" prefix="£" width={10} inputmode="decimal" value={one(values, rowName(i, 'recurrentPence'))} error={errors[rowName(i, 'recurrentPence')]} />
            <TextInput
              name={rowName(i, 'nonRecurrentPence')}
              label="Non-recurrent cost"
              prefix="£"
              width={10}
              inputmode="decimal"
              value={one(values, rowName(i, 'nonRecurrentPence'))}
              error={errors[rowName(i, 'nonRecurrentPence')]}
            />
          </fieldset>
        </div>
      ))}
    </>
  ),
};

/** The risk scale's points, 1 to 5. */
const ONE_TO_FIVE = ['1', '2', '3', '4', '5'].map((n) => ({ value: n, label: n }));

const evidence: Step = {
  id: 'evidence',
  title: 'Evidence and evaluation',
  fields: ['evidenceLevel', 'costPerQalyPence', 'statutoryMandate', 'riskOfNotFunding', 'evaluationPlan', 'workforceWte'],
  toForm: (bid) => ({
    evidenceLevel: bid.evidenceLevel ?? '',
    costPerQalyPence: pounds(bid.costPerQalyPence),
    'statutoryMandate.type': bid.statutoryMandate?.type ?? '',
    'statutoryMandate.reference': bid.statutoryMandate?.reference ?? '',
    'riskOfNotFunding.likelihood': str(bid.riskOfNotFunding?.likelihood),
    'riskOfNotFunding.impact': str(bid.riskOfNotFunding?.impact),
    'evaluationPlan.outcomeMeasures': (bid.evaluationPlan?.outcomeMeasures ?? []).join('\n'),
    'evaluationPlan.baselineData': bid.evaluationPlan?.baselineData ?? '',
    'evaluationPlan.method': bid.evaluationPlan?.method ?? '',
    workforceWte: str(bid.workforceWte),
  }),
  fromForm: (form) => {
    const plan = {
      outcomeMeasures: lines(form, 'evaluationPlan.outcomeMeasures'),
      baselineData: one(form, 'evaluationPlan.baselineData'),
      method: one(form, 'evaluationPlan.method'),
    };
    return {
      evidenceLevel: text(form, 'evidenceLevel'),
      costPerQalyPence: penceOf(form, 'costPerQalyPence') ?? null,
      statutoryMandate: { type: text(form, 'statutoryMandate.type'), reference: text(form, 'statutoryMandate.reference') },
      riskOfNotFunding: { likelihood: numberOf(form, 'riskOfNotFunding.likelihood'), impact: numberOf(form, 'riskOfNotFunding.impact') },
      // No plan at all is a bid without one, which intake returns for pilots and new services.
      evaluationPlan: plan.outcomeMeasures.length || plan.baselineData || plan.method ? plan : null,
      workforceWte: numberOf(form, 'workforceWte'),
    };
  },
  Fields: ({ values, errors }) => (
    <>
      <Radios name="evidenceLevel" legend="What is the strongest evidence that it works?" legendSize="s" options={EVIDENCE_OPTIONS} value={one(values, 'evidenceLevel')} error={errors.evidenceLevel} />
      <TextInput
        name="costPerQalyPence"
        label="Cost per quality-adjusted life year (QALY) (optional)"
        hint="If an economic evaluation has worked it out. In pounds, for example, 9,500."
        prefix="£"
        width={10}
        inputmode="decimal"
        value={one(values, 'costPerQalyPence')}
        error={errors.costPerQalyPence}
      />
      <Radios name="statutoryMandate.type" legend="Does a statutory mandate require it?" legendSize="s" options={MANDATE_OPTIONS} value={one(values, 'statutoryMandate.type')} error={errors['statutoryMandate.type']} />
      <TextInput
        name="statutoryMandate.reference"
        label="Reference of the mandate (if there is one)"
        hint="For example, the NICE technology appraisal number, such as TA123. A bid with a mandate but no reference is returned to you."
        value={one(values, 'statutoryMandate.reference')}
        error={errors['statutoryMandate.reference']}
      />
      <h2 class="nhsuk-heading-m">Risk of not funding it</h2>
      <Radios
        name="riskOfNotFunding.likelihood"
        legend="If it is not funded, how likely is harm to patients or services?"
        legendSize="s"
        hint="From 1, rare, to 5, almost certain."
        inline
        options={ONE_TO_FIVE}
        value={one(values, 'riskOfNotFunding.likelihood')}
        error={errors['riskOfNotFunding.likelihood']}
      />
      <Radios
        name="riskOfNotFunding.impact"
        legend="How serious would that harm be?"
        legendSize="s"
        hint="From 1, negligible, to 5, catastrophic."
        inline
        options={ONE_TO_FIVE}
        value={one(values, 'riskOfNotFunding.impact')}
        error={errors['riskOfNotFunding.impact']}
      />
      <h2 class="nhsuk-heading-m">Evaluation plan</h2>
      <p>Pilots and new services must have an evaluation plan with all three parts, or the bid is returned to you.</p>
      <TextArea
        name="evaluationPlan.outcomeMeasures"
        label="Outcome measures"
        hint="What you will measure to know whether it works, for example, quit rate at 4 weeks. Write one a line."
        value={one(values, 'evaluationPlan.outcomeMeasures')}
        error={errors['evaluationPlan.outcomeMeasures']}
        rows={4}
      />
      <TextArea name="evaluationPlan.baselineData" label="Baseline data" hint="What you will compare against, and where it comes from." value={one(values, 'evaluationPlan.baselineData')} error={errors['evaluationPlan.baselineData']} rows={3} />
      <TextArea name="evaluationPlan.method" label="Evaluation method" hint="For example, an interrupted time series against the 24 months before launch." value={one(values, 'evaluationPlan.method')} error={errors['evaluationPlan.method']} rows={3} />
      <h2 class="nhsuk-heading-m">Workforce</h2>
      <TextInput
        name="workforceWte"
        label="How many staff would it need, in whole-time equivalents (WTE)?"
        hint="For example, 9.5. Enter 0 if it needs no extra staff."
        width={5}
        inputmode="decimal"
        value={one(values, 'workforceWte')}
        error={errors.workforceWte}
      />
    </>
  ),
};

export const STEPS: readonly Step[] = [about, reach, costs, evidence];

export const stepById = (id: string): Step | undefined => STEPS.find((s) => s.id === id);

/** The step that asks for a field of the bid (e.g. costs[1].recurrentPence is in Costs). */
export const stepOfField = (path: string): Step => STEPS.find((s) => s.fields.some((f) => path === f || path.startsWith(`${f}.`) || path.startsWith(`${f}[`))) ?? about;

// ---------------------------------------------------------------------------------------------
// Checking a step, and what people read when it is wrong

type Problem = 'required' | 'invalid' | 'tooSmall' | 'tooBig';
type Message = string | ((row: number) => string);

/**
 * Messages by field (list indexes as []), each saying what to do. The domain schema decides
 * what is wrong; these say it in words a programme team can act on.
 */
const MESSAGES: Record<string, Partial<Record<Problem, Message>>> = {
  title: { required: 'Enter the title of the bid', tooSmall: 'Title must be 5 characters or more', tooBig: 'Title must be 200 characters or fewer' },
  summary: { required: 'Enter a summary of the bid', tooSmall: 'Summary must be 20 characters or more', tooBig: 'Summary must be 5,000 characters or fewer' },
  partnerOrganisations: { tooBig: 'Choose 20 partner organisations or fewer' },
  kind: { required: 'Choose what kind of bid it is', invalid: 'Choose what kind of bid it is' },
  level: { required: 'Choose the level the bid would work at', invalid: 'Choose the level the bid would work at' },
  places: { required: 'Choose at least one place the bid would serve', tooSmall: 'Choose at least one place the bid would serve' },
  startDate: { required: 'Enter the date the bid would start', invalid: 'Start date must be a real date, for example, 1 4 2027' },
  primaryAmbition: { required: 'Choose the ambition the bid mainly serves', invalid: 'Choose the ambition the bid mainly serves' },
  peopleReachedPerYear: {
    required: 'Enter how many people the bid would reach a year',
    invalid: 'People reached a year must be a whole number, for example, 1400',
    tooSmall: 'People reached a year must be 0 or more',
    tooBig: 'People reached a year must be 10,000,000 or fewer',
  },
  core20Percent: {
    required: 'Enter the percentage of people reached who live in the most deprived 20% of areas',
    invalid: 'Core20 percentage must be a number from 0 to 100',
    tooSmall: 'Core20 percentage must be a number from 0 to 100',
    tooBig: 'Core20 percentage must be a number from 0 to 100',
  },
  'plusGroups[]': { tooSmall: 'Each PLUS group must be 2 characters or more', tooBig: 'Each PLUS group must be 100 characters or fewer' },
  plusGroups: { tooBig: 'Give 20 PLUS groups or fewer' },
  'costs[].financialYear': { required: (n) => `Choose the financial year of year ${n}`, invalid: (n) => `Choose the financial year of year ${n}` },
  'costs[].recurrentPence': {
    invalid: (n) => `Enter the recurrent cost of year ${n} in pounds, for example, 12,500 or 12,500.50`,
    tooBig: (n) => `Recurrent cost of year ${n} is too large`,
  },
  'costs[].nonRecurrentPence': {
    invalid: (n) => `Enter the non-recurrent cost of year ${n} in pounds, for example, 12,500 or 12,500.50`,
    tooBig: (n) => `Non-recurrent cost of year ${n} is too large`,
  },
  evidenceLevel: { required: 'Choose the strongest evidence that the bid works', invalid: 'Choose the strongest evidence that the bid works' },
  costPerQalyPence: { invalid: 'Enter the cost per QALY in pounds, for example, 9,500', tooBig: 'Cost per QALY is too large' },
  'statutoryMandate.type': { required: 'Choose whether a statutory mandate requires the bid', invalid: 'Choose whether a statutory mandate requires the bid' },
  'statutoryMandate.reference': { tooBig: 'Reference of the mandate must be 300 characters or fewer' },
  'riskOfNotFunding.likelihood': { required: 'Choose how likely harm is if the bid is not funded', invalid: 'Choose how likely harm is if the bid is not funded' },
  'riskOfNotFunding.impact': { required: 'Choose how serious the harm would be', invalid: 'Choose how serious the harm would be' },
  'evaluationPlan.outcomeMeasures[]': { tooSmall: 'Each outcome measure must be 2 characters or more', tooBig: 'Each outcome measure must be 500 characters or fewer' },
  'evaluationPlan.outcomeMeasures': { tooBig: 'Give 20 outcome measures or fewer' },
  'evaluationPlan.baselineData': { tooBig: 'Baseline data must be 2,000 characters or fewer' },
  'evaluationPlan.method': { tooBig: 'Evaluation method must be 2,000 characters or fewer' },
  workforceWte: {
    required: 'Enter how many staff the bid would need, in whole-time equivalents',
    invalid: 'Workforce must be a number, for example, 9.5',
    tooSmall: 'Workforce must be 0 or more',
    tooBig: 'Workforce must be 10,000 or fewer',
  },
};

function problemOf(issue: z.core.$ZodIssue, typed: unknown): Problem | null {
  if (issue.code === 'custom') return null;
  if (typed === undefined) return 'required';
  if (issue.code === 'too_small') return 'tooSmall';
  if (issue.code === 'too_big') return 'tooBig';
  return 'invalid';
}

const valueAt = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined), value);

/** The form field that shows an issue: a line of a text area or a check box list is the whole field. */
const formFieldOf = (path: string): string => {
  const field = path.replace(/\[\d+\]$/, '');
  if (field === 'costs') return rowName(0, 'financialYear');
  if (field === 'riskOfNotFunding') return 'riskOfNotFunding.likelihood';
  if (field === 'statutoryMandate') return 'statutoryMandate.type';
  if (field === 'evaluationPlan') return 'evaluationPlan.outcomeMeasures';
  return field;
};

/** The id of the input to focus for a form field: a date's day box, else the field's own. */
export const inputIdOf = (formField: string): string => (formField === 'startDate' ? `${fieldId(formField)}-day` : fieldId(formField));

/** One issue as a sentence a programme team can act on. */
function messageOf(issue: z.core.$ZodIssue, answers: unknown): string {
  const key = fieldPath(issue.path).replace(/\[\d+\]/g, '[]');
  const problem = problemOf(issue, valueAt(answers, issue.path));
  const message = problem ? MESSAGES[key]?.[problem] : undefined;
  const row = typeof issue.path[1] === 'number' ? issue.path[1] + 1 : 0;
  if (typeof message === 'function') return message(row);
  if (message) return message;
  if (issue.code === 'custom' && /^[A-Z]/.test(issue.message)) return issue.message;
  // Anything rarer reads as the domain says it, made a sentence.
  return formErrors(new z.ZodError([issue])).list[0]!.message;
}

export interface PageErrors {
  list: FieldError[];
  /** By form field name, for the message beside each field. */
  byField: Errors;
}

/** A zod failure as messages for the error summary and for each field. */
export function errorsOf(error: z.ZodError, answers: unknown): PageErrors & { issues: { path: string; message: string }[] } {
  const byField: Errors = {};
  const issues: { path: string; message: string }[] = [];
  for (const issue of error.issues) {
    const formField = formFieldOf(fieldPath(issue.path));
    if (byField[formField]) continue;
    byField[formField] = messageOf(issue, answers);
    issues.push({ path: fieldPath(issue.path), message: byField[formField] });
  }
  return { list: Object.entries(byField).map(([name, message]) => ({ field: inputIdOf(name), message })), byField, issues };
}

const SHAPE = bidSubmissionSchema.shape;

/** The part of the domain's schema this step answers, with the step's own rules across fields. */
function schemaOf(step: Step) {
  const shape = Object.fromEntries(step.fields.map((f) => [f, SHAPE[f]])) as z.ZodRawShape;
  return z.object(shape).superRefine((answers, ctx) =>
    step.refine?.(answers, (path, message) => {
      const at = path.split(/[.[\]]+/).filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      ctx.addIssue({ code: 'custom', path: at, message });
    }),
  );
}

/** A step's answers checked: the values to save, or the errors to show. */
export function checkStep(step: Step, form: FormBody): { ok: true; answers: Partial<BidSubmission> } | { ok: false; errors: PageErrors } {
  const typed = step.fromForm(form);
  const result = schemaOf(step).safeParse(typed);
  if (result.success) return { ok: true, answers: result.data };
  return { ok: false, errors: errorsOf(result.error, typed) };
}
