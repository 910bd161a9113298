// The register of interests on the web: everyone with a decision role reads the published
// register and downloads it; each person declares and withdraws their own standing interests.
// The services decide who may; these pages gather the words and dates.
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { INTEREST_KINDS, INTEREST_KIND_LABELS } from '../../domain/vocabulary.js';
import { declarationSchema, declareInterest, holdsDecisionRole, readRegister, registerCsv, withdrawInterest, type RegisterEntry } from '../../services/register.js';
import { one, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { Button, DateInput, Details, Form, InsetText, Radios, Select, Table, TextArea, TextInput } from '../components.js';
import { date } from '../format.js';
import { organisationNames, submitForm, type Failed } from './hub-shared.js';

const KIND_OPTIONS = INTEREST_KINDS.map((k) => ({ value: k, label: `${INTEREST_KIND_LABELS[k].charAt(0).toUpperCase()}${INTEREST_KIND_LABELS[k].slice(1)}` }));

/** Three boxes to a YYYY-MM-DD date; empty boxes to nothing; otherwise what was typed, for the schema to refuse. */
function dayOf(form: Record<string, unknown>, name: string): string | undefined {
  const parts = ['year', 'month', 'day'].map((p) => one(form as never, `${name}.${p}`));
  if (parts.every((p) => !p)) return undefined;
  const [y, m, d] = parts;
  if (![y, m, d].every((p) => /^\d+$/.test(p!))) return `${y}-${m}-${d}`;
  const day = `${y!.padStart(4, '0')}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  const noon = new Date(`${day}T12:00:00Z`);
  return !Number.isNaN(noon.getTime()) && noon.toISOString().slice(0, 10) === day ? day : `${y}-${m}-${d}`;
}

/** The declaration's rules (as the API's declarationSchema) in the words a person reads on the form. */
const webDeclaration = z
  .object({
    organisation: z.string().optional(),
    body: z.string().trim().max(200, 'The name of the body must be 200 characters or fewer').optional(),
    kind: z.enum(INTEREST_KINDS, { error: 'Select what kind of interest it is' }),
    description: z.string().trim().min(1, 'Describe the interest').max(1000, 'The description must be 1,000 characters or fewer'),
    from: z.iso.date({ error: 'Enter the day it started as a real date, for example 1 4 2024' }),
    to: z.iso.date({ error: 'Enter the day it ended as a real date, or leave it empty' }).nullish(),
  })
  .superRefine((v, ctx) => {
    if (!v.organisation && !v.body) ctx.addIssue({ code: 'custom', path: ['organisation'], message: 'Choose the organisation, or name another body' });
    if (v.to && v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'The day it ended must be on or after the day it started' });
  })
  .pipe(declarationSchema);
const withdrawalForm = z.object({ reason: z.string().trim().min(1, 'Enter why you are withdrawing this interest').max(1000, 'The reason must be 1,000 characters or fewer') });

const Entries: FC<{ entries: RegisterEntry[]; caption: string; withPerson: boolean }> = ({ entries, caption, withPerson }) => (
  <Table
    caption={caption}
    captionSize="s"
    head={[...(withPerson ? ['Name'] : []), 'Interest in', 'Kind', 'Description', 'From', 'To']}
    rows={entries.map((e) => [
      ...(withPerson ? [`${e.person.name} (${e.person.organisation})`] : []),
      e.body,
      INTEREST_KIND_LABELS[e.kind] ?? e.kind,
      e.description,
      date(`${e.from}T12:00:00Z`),
      e.to ? date(`${e.to}T12:00:00Z`) : 'Continuing',
    ])}
  />
);

async function registerPage(c: WebContext, failed?: Failed): Promise<Response> {
  const user = signedIn(c);
  const deps = c.get('deps');
  const [published, mine, names] = await Promise.all([readRegister(deps, user, {}), readRegister(deps, user, { include: 'all', person: user.id }), organisationNames(deps.db)]);
  const csrf = c.get('csrf');
  const value = (name: string) => (failed?.form === 'declare' ? one(failed.values, name) : '');
  const err = (name: string) => (failed?.form === 'declare' ? failed.byField[name] : undefined);
  const current = mine.entries.filter((e) => e.current);
  const past = mine.entries.filter((e) => !e.current);
  const organisations = [...names.entries()].sort((a, b) => a[1].localeCompare(b[1])).map(([code, name]) => ({ value: code, label: name }));
  return render(
    c,
    { title: 'Register of interests', current: '/app/register', errors: failed?.list },
    <>
      <h1>Register of interests</h1>
      <p class="nhsuk-lede-text">Each person's standing interests: declared once, applied to every bid.</p>
      <InsetText>
        <p>
          An interest in an organisation conflicts you out of any bid it leads or is a partner in, for as long as the interest is current: you are not assigned to review the bid, and you
          cannot review it, vote on it or count towards its quorum. Declare an interest in one bid on the bid or at the meeting as well, where it applies only to that bid.
        </p>
      </InsetText>

      {holdsDecisionRole(user) ? (
        <>
          <h2>Your interests</h2>
          {current.length ? (
            <>
              <Entries entries={current} caption="Your current interests" withPerson={false} />
              {current.map((e) => (
                <Details summary={`Withdraw your interest in ${e.body}`}>
                  <Form action={`/app/register/interests/${e.id}/withdrawal`} csrf={csrf}>
                    <TextInput
                      name="reason"
                      id={`reason-${e.id}`}
                      label="Why are you withdrawing it?"
                      hint="For example, you stood down as a director. It stops applying from today and stays on the record."
                      value={failed?.form === `withdraw-${e.id}` ? one(failed.values, 'reason') : ''}
                      error={failed?.form === `withdraw-${e.id}` ? failed.byField.reason : undefined}
                    />
                    <Button variant="secondary">Withdraw the interest</Button>
                  </Form>
                </Details>
              ))}
            </>
          ) : (
            <p>You have no current interests in the register.</p>
          )}
          {past.length ? <Entries entries={past} caption="Your interests that ended or were withdrawn" withPerson={false} /> : null}

          <h2>Declare an interest</h2>
          <div class="nhsuk-grid-row">
            <div class="nhsuk-grid-column-two-thirds">
              <Form action="/app/register/interests" csrf={csrf}>
                <Select
                  name="organisation"
                  label="Organisation"
                  hint="If the body is not listed, leave this and name it below: it is published, but conflicts you out of no bid."
                  placeholder="Another body (name it below)"
                  options={organisations}
                  value={value('organisation')}
                  error={err('organisation')}
                />
                <TextInput name="body" label="Name of another body (optional)" value={value('body')} error={err('body')} />
                <Radios name="kind" legend="What kind of interest is it?" legendSize="s" options={KIND_OPTIONS} value={value('kind')} error={err('kind')} />
                <TextArea name="description" label="Describe the interest" hint="For example, non-executive director since April 2024." rows={3} value={value('description')} error={err('description')} />
                <DateInput name="from" legend="When did it start?" hint="For example, 1 4 2024" value={{ day: value('from.day'), month: value('from.month'), year: value('from.year') }} error={err('from')} />
                <DateInput name="to" legend="When did or will it end? (optional)" hint="Leave empty while it continues" value={{ day: value('to.day'), month: value('to.month'), year: value('to.year') }} error={err('to')} />
                <Button>Declare the interest</Button>
              </Form>
            </div>
          </div>
        </>
      ) : null}

      <h2>The published register</h2>
      <p>
        Every interest current today. <a href="/app/register.csv">Download the register (CSV)</a>
      </p>
      {published.entries.length ? <Entries entries={published.entries} caption={`Interests current on ${date(`${published.on}T12:00:00Z`)}`} withPerson /> : <p>No interests are registered.</p>}
    </>,
    failed ? 400 : 200,
  );
}

export function registerRegisterPages(web: WebApp): void {
  web.get('/app/register', (c) => registerPage(c));
  web.get('/app/register.csv', async (c) => {
    const register = await readRegister(c.get('deps'), signedIn(c), { include: c.req.query('include') === 'all' ? 'all' : 'current' });
    return new Response(registerCsv(register), { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="register-of-interests-${register.on}.csv"` } });
  });
  web.post('/app/register/interests', (c) =>
    submitForm(c, {
      form: 'declare',
      read: (form) => ({
        organisation: one(form, 'organisation') || undefined,
        body: one(form, 'body') || undefined,
        kind: one(form, 'kind') || undefined,
        description: one(form, 'description'),
        from: dayOf(form, 'from') ?? '',
        to: dayOf(form, 'to') ?? null,
      }),
      schema: webDeclaration,
      invalid: (failed) => registerPage(c, failed),
      then: '/app/register',
      success: { kind: 'success', title: 'Interest declared', text: 'It is in the register and applies from its first day.' },
      run: (data) => declareInterest(c.get('deps'), signedIn(c), data),
    }),
  );
  web.post('/app/register/interests/:interestId/withdrawal', (c) => {
    const id = c.req.param('interestId');
    return submitForm(c, {
      form: `withdraw-${id}`,
      read: (form) => ({ reason: one(form, 'reason') }),
      schema: withdrawalForm,
      invalid: (failed) => registerPage(c, failed),
      then: '/app/register',
      success: { kind: 'success', title: 'Interest withdrawn', text: 'It no longer applies from today.' },
      run: (data) => withdrawInterest(c.get('deps'), signedIn(c), id, data),
    });
  });
}
