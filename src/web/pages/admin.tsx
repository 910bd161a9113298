// The admin's own pages (the ICB PMO): people and their roles, API tokens (a new one shown once),
// the rule sets and the version in force, the Assembly's meeting dates and the configuration in force.
import { asc, gte } from 'drizzle-orm';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { userCreateBody } from '../../api/schemas.js';
import { meetings, organisations } from '../../db/schema.js';
import { PROFESSIONS, ROLES, type Role } from '../../domain/vocabulary.js';
import {
  activateRuleSet,
  configInForce,
  createUser,
  findUser,
  issueUserToken,
  listTokens,
  listUsers,
  needAdmin,
  revokeToken,
  ruleSetHistory,
  ruleSets,
  updateUser,
  type TokenRow,
  type UserRow,
} from '../../services/admin.js';
import type { AuthUser } from '../../services/auth.js';
import { act, formErrors, formOf, many, one, render, signedIn, type WebApp, type WebContext } from '../app.js';
import { BackLink, Button, ButtonLink, Checkboxes, Form, InsetText, Select, SummaryList, Table, Tag, TextArea, TextInput, WarningCallout, type FieldError } from '../components.js';
import { dateTime, ROLE_LABELS } from '../format.js';
import { given, meetingHref, MeetingStateTag, PROFESSION_LABELS } from './hub-shared.js';

export const ADMIN_HREF = '/app/admin';
const USER_ID = '{[a-z0-9][a-z0-9._-]{1,60}}';
const userHref = (id: string) => `${ADMIN_HREF}/users/${encodeURIComponent(id)}`;

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] ?? r }));
const PROFESSION_OPTIONS = PROFESSIONS.map((p) => ({ value: p, label: PROFESSION_LABELS[p] }));

function admin(c: WebContext): AuthUser {
  const user = signedIn(c);
  needAdmin(user);
  return user;
}

interface Failed {
  values: Record<string, string | string[]>;
  list: FieldError[];
  byField: Record<string, string>;
}

export function registerAdminPages(web: WebApp): void {
  web.get(ADMIN_HREF, async (c) => {
    const user = admin(c);
    const db = c.get('deps').db;
    const [people, sets, upcoming] = await Promise.all([listUsers(db, user), ruleSets(db), upcomingMeetings(c)]);
    const inForce = sets.find((r) => r.active);
    return render(
      c,
      { title: 'Administration', current: ADMIN_HREF },
      <>
        <h1>Administration</h1>
        <SummaryList
          rows={[
            { key: <a href={`${ADMIN_HREF}/users`}>People and roles</a>, value: `${people.filter((p) => p.active).length} active, ${people.filter((p) => !p.active).length} inactive` },
            { key: <a href={`${ADMIN_HREF}/rule-sets`}>Rule sets</a>, value: inForce ? `${inForce.id} ${inForce.version} is in force` : 'None in force' },
            { key: <a href={`${ADMIN_HREF}/config`}>Configuration in force</a>, value: 'Deadlines, thresholds and limits' },
            { key: <a href="/app/meetings">Meeting dates</a>, value: upcoming.length ? `Next: ${upcoming[0]!.title}, ${dateTime(upcoming[0]!.scheduledFor.toISOString())}` : 'No meeting scheduled' },
          ]}
        />
        <ButtonLink href={`${ADMIN_HREF}/users/new`}>Add a person</ButtonLink>
      </>,
    );
  });

  web.get(`${ADMIN_HREF}/users`, async (c) => {
    const user = admin(c);
    const people = await listUsers(c.get('deps').db, user);
    return render(
      c,
      { title: 'People and roles', current: ADMIN_HREF, beforeContent: <BackLink href={ADMIN_HREF} text="Back to administration" /> },
      <>
        <h1>People and roles</h1>
        <ButtonLink href={`${ADMIN_HREF}/users/new`}>Add a person</ButtonLink>
        <Table
          caption={`${people.length} people`}
          head={['Person', 'Organisation', 'Roles', 'Status']}
          rowHeaders
          rows={people.map((p) => [
            <>
              <a href={userHref(p.id)}>{p.name}</a>
              <br />
              <span class="nhsuk-body-s cp-break">{p.id}</span>
            </>,
            p.organisation,
            rolesText(p.roles),
            p.active ? 'Active' : <Tag colour="grey">Inactive</Tag>,
          ])}
        />
      </>,
    );
  });

  web.get(`${ADMIN_HREF}/users/new`, async (c) => newUserPage(c));

  web.post(`${ADMIN_HREF}/users/new`, async (c) => {
    const user = admin(c);
    const form = formOf(c);
    const input = {
      id: one(form, 'id'),
      name: one(form, 'name'),
      email: one(form, 'email'),
      organisation: one(form, 'organisation'),
      roles: many(form, 'roles'),
      profession: one(form, 'profession') || null,
    };
    const parsed = userCreateBody.safeParse(input);
    if (!parsed.success) return newUserPage(c, { values: form, ...formErrors(parsed.error, (p) => p.replace(/\[\d+\]$/, '')) });
    return act(c, userHref(input.id), { kind: 'success', title: `${input.name} added`, text: 'Issue them a token below so they can sign in.' }, () => createUser(c.get('deps').db, user, parsed.data), `${ADMIN_HREF}/users/new`);
  });

  web.get(`${ADMIN_HREF}/users/:userId${USER_ID}`, (c) => userPage(c, c.req.param('userId')));

  web.post(`${ADMIN_HREF}/users/:userId${USER_ID}`, (c) => {
    const user = admin(c);
    const userId = c.req.param('userId');
    const form = formOf(c);
    const roles = many(form, 'roles').filter((r): r is Role => (ROLES as readonly string[]).includes(r));
    if (roles.length === 0) return userPage(c, userId, { values: form, list: [{ field: 'roles', message: 'Select at least one role' }], byField: { roles: 'Select at least one role' } });
    return act(c, userHref(userId), { kind: 'success', title: 'Roles and status saved' }, () =>
      updateUser(c.get('deps').db, user, userId, { roles, active: one(form, 'active') === 'yes' }),
    );
  });

  // The new token is shown on this page, once: it is stored only as its hash, so no redirect could show it again.
  web.post(`${ADMIN_HREF}/users/:userId${USER_ID}/tokens`, async (c) => {
    const user = admin(c);
    const userId = c.req.param('userId');
    const form = formOf(c);
    const parsed = z.object({ label: given('The label', 'Enter a label for the token, such as what it is for', 100) }).safeParse({ label: one(form, 'label') });
    if (!parsed.success) return userPage(c, userId, { values: form, ...formErrors(parsed.error) });
    const { token } = await issueUserToken(c.get('deps').db, user, userId, { label: parsed.data.label });
    c.header('Cache-Control', 'no-store');
    return userPage(c, userId, undefined, token);
  });

  web.post(`${ADMIN_HREF}/tokens/:tokenId{[a-z0-9]{10}}/revoke`, (c) => {
    const user = admin(c);
    const back = one(formOf(c), 'user');
    return act(c, back ? userHref(back) : `${ADMIN_HREF}/users`, { kind: 'success', title: 'Token revoked', text: 'It no longer signs anyone in.' }, () =>
      revokeToken(c.get('deps').db, user, c.req.param('tokenId')),
    );
  });

  web.get(`${ADMIN_HREF}/rule-sets`, (c) => ruleSetsPage(c));

  web.post(`${ADMIN_HREF}/rule-sets`, (c) => {
    const user = admin(c);
    const form = formOf(c);
    const [id, version] = one(form, 'ruleSet').split('@');
    const reason = one(form, 'reason');
    const errors: FieldError[] = [];
    if (!id || !version) errors.push({ field: 'ruleSet', message: 'Select the rule set version to put in force' });
    if (!reason) errors.push({ field: 'reason', message: 'Enter the reason for the change' });
    if (errors.length) return ruleSetsPage(c, { values: form, list: errors, byField: Object.fromEntries(errors.map((e) => [e.field, e.message])) });
    return act(c, `${ADMIN_HREF}/rule-sets`, { kind: 'success', title: `${id} ${version} is now in force`, text: 'New bids are scored with it; bids already scored keep theirs.' }, () =>
      activateRuleSet(c.get('deps').db, user, { id: id!, version: version!, reason }),
    );
  });

  web.get(`${ADMIN_HREF}/config`, async (c) => {
    const user = admin(c);
    const deps = c.get('deps');
    const [config, upcoming] = await Promise.all([configInForce(deps.db, deps.config, user), upcomingMeetings(c)]);
    return render(
      c,
      { title: 'Configuration in force', current: ADMIN_HREF, beforeContent: <BackLink href={ADMIN_HREF} text="Back to administration" /> },
      <>
        <h1>Configuration in force</h1>
        <p>What this running service uses now. Deadlines and limits are set by its settings (see the README); the rule set by the admin.</p>
        <h2>Rule set</h2>
        <p>
          {config.activeRuleSet.id} {config.activeRuleSet.version} scores new bids. <a href={`${ADMIN_HREF}/rule-sets`}>Change the rule set</a>
        </p>
        <h2>Lifecycle policy</h2>
        <SummaryList rows={policyRows(config.policy)} />
        <h2>Meeting dates</h2>
        {upcoming.length ? (
          <ul class="nhsuk-list">
            {upcoming.map((m) => (
              <li>
                <a href={meetingHref(m.id)}>{m.title}</a>: {dateTime(m.scheduledFor.toISOString())}, agenda closes {dateTime(m.agendaClosesAt.toISOString())} <MeetingStateTag state={m.state} />
              </li>
            ))}
          </ul>
        ) : (
          <p>No meeting is scheduled.</p>
        )}
        <p>
          <a href="/app/meetings/new">Schedule a meeting</a>
        </p>
      </>,
    );
  });
}

const rolesText = (roles: readonly string[]) => roles.map((r) => ROLE_LABELS[r] ?? r).join(', ');

/** The policy's settings as rows: nested ones by their path, numbers and words as they are. */
function policyRows(policy: Record<string, unknown>, prefix = ''): { key: string; value: string }[] {
  return Object.entries(policy).flatMap(([key, value]) => {
    const name = `${prefix}${key.replace(/([A-Z])/g, ' $1').toLowerCase()}`;
    if (value && typeof value === 'object' && !Array.isArray(value)) return policyRows(value as Record<string, unknown>, `${name}: `);
    return [{ key: name.charAt(0).toUpperCase() + name.slice(1), value: Array.isArray(value) ? value.join(', ') : String(value) }];
  });
}

async function upcomingMeetings(c: WebContext) {
  return c.get('deps').db.select().from(meetings).where(gte(meetings.scheduledFor, new Date(Date.now() - 86_400_000))).orderBy(asc(meetings.scheduledFor)).limit(10);
}

async function newUserPage(c: WebContext, failed?: Failed): Promise<Response> {
  admin(c);
  const orgs = await c.get('deps').db.select({ code: organisations.code, name: organisations.name }).from(organisations).orderBy(asc(organisations.name));
  const v = (name: string) => {
    const x = failed?.values[name];
    return (Array.isArray(x) ? x[0] : x) ?? '';
  };
  const roles = failed ? ((r) => (Array.isArray(r) ? r : r ? [r] : []))(failed.values.roles) : [];
  return render(
    c,
    { title: 'Add a person', current: ADMIN_HREF, errors: failed?.list, beforeContent: <BackLink href={`${ADMIN_HREF}/users`} text="Back to people and roles" /> },
    <div class="nhsuk-grid-row">
      <div class="nhsuk-grid-column-two-thirds">
        <h1>Add a person</h1>
        <Form action={`${ADMIN_HREF}/users/new`} csrf={c.get('csrf')}>
          <TextInput name="name" label="Full name" value={v('name')} error={failed?.byField.name} autocomplete="off" />
          <TextInput name="email" label="E-mail address" type="email" value={v('email')} error={failed?.byField.email} autocomplete="off" spellcheck={false} />
          <TextInput
            name="id"
            label="User id"
            hint="Lower-case letters, digits, dots or hyphens, such as priya.shah. It cannot be changed later."
            value={v('id')}
            error={failed?.byField.id}
            autocomplete="off"
            spellcheck={false}
          />
          <Select name="organisation" label="Organisation" placeholder="Select an organisation" options={orgs.map((o) => ({ value: o.code, label: `${o.name} (${o.code})` }))} value={v('organisation')} error={failed?.byField.organisation} />
          <Checkboxes name="roles" legend="Roles" legendSize="s" hint="Select all that apply." options={ROLE_OPTIONS} values={roles} error={failed?.byField.roles} />
          <Select name="profession" label="Profession" hint="Needed for an Assembly member or chair: the quorum counts professions." placeholder="None" options={PROFESSION_OPTIONS} value={v('profession')} error={failed?.byField.profession} />
          <Button>Add the person</Button>
        </Form>
      </div>
    </div>,
    failed ? 400 : 200,
  );
}

async function userPage(c: WebContext, userId: string, failed?: Failed, newToken?: string): Promise<Response> {
  const user = admin(c);
  const db = c.get('deps').db;
  const [person, tokens] = await Promise.all([findUser(db, user, userId), listTokens(db, user, userId)]);
  return render(
    c,
    { title: person.name, current: ADMIN_HREF, errors: failed?.list, beforeContent: <BackLink href={`${ADMIN_HREF}/users`} text="Back to people and roles" /> },
    <UserPage person={person} tokens={tokens} csrf={c.get('csrf')} failed={failed} newToken={newToken} />,
    failed ? 400 : 200,
  );
}

const UserPage: FC<{ person: UserRow; tokens: TokenRow[]; csrf: string; failed?: Failed; newToken?: string }> = ({ person, tokens, csrf, failed, newToken }) => {
  const roles = failed?.values.roles !== undefined ? ([] as string[]).concat(failed.values.roles) : person.roles;
  const active = tokens.filter((t) => !t.revokedAt);
  return (
    <>
      <h1>
        <span class="nhsuk-caption-l">
          Person<span class="nhsuk-u-visually-hidden"> - </span>
        </span>
        {person.name}
      </h1>
      {newToken ? (
        <WarningCallout heading="Copy the new token now" level={2}>
          <p>This is the only time it is shown: it is stored as a hash and cannot be shown again. Give it to {person.name} by a secure route.</p>
          <p class="cp-break">
            <code id="new-token">{newToken}</code>
          </p>
        </WarningCallout>
      ) : null}
      <SummaryList
        rows={[
          { key: 'User id', value: person.id },
          { key: 'E-mail', value: person.email },
          { key: 'Organisation', value: person.organisation },
          { key: 'Profession', value: person.profession ? (PROFESSION_LABELS[person.profession as keyof typeof PROFESSION_LABELS] ?? person.profession) : 'None' },
          { key: 'Roles', value: rolesText(person.roles) },
          { key: 'Status', value: person.active ? 'Active' : 'Inactive' },
        ]}
      />
      <h2>Roles and status</h2>
      <Form action={userHref(person.id)} csrf={csrf}>
        <Checkboxes name="roles" legend="Roles" legendSize="s" options={ROLE_OPTIONS} values={roles} error={failed?.byField.roles} />
        <Checkboxes name="active" legend="Status" legendSize="s" options={[{ value: 'yes', label: 'Active: may sign in' }]} values={person.active ? ['yes'] : []} />
        <Button variant="secondary">Save roles and status</Button>
      </Form>
      <h2>API tokens</h2>
      <p>A token signs the person in, on these pages and to the API. Its secret is shown once, when it is issued.</p>
      {tokens.length ? (
        <Table
          caption={`${active.length} active ${active.length === 1 ? 'token' : 'tokens'}`}
          captionSize="s"
          head={['Label', 'Issued', 'Last used', 'Status', 'Action']}
          rows={tokens.map((t) => [
            t.label,
            dateTime(t.createdAt.toISOString()),
            t.lastUsedAt ? dateTime(t.lastUsedAt.toISOString()) : 'Never',
            t.revokedAt ? `Revoked ${dateTime(t.revokedAt.toISOString())}` : t.expiresAt ? `Expires ${dateTime(t.expiresAt.toISOString())}` : 'Active',
            t.revokedAt ? (
              ''
            ) : (
              <Form action={`${ADMIN_HREF}/tokens/${t.id}/revoke`} csrf={csrf}>
                <input type="hidden" name="user" value={person.id} />
                <Button variant="warning" small>
                  Revoke<span class="nhsuk-u-visually-hidden"> the token {t.label}</span>
                </Button>
              </Form>
            ),
          ])}
        />
      ) : (
        <InsetText>
          <p>{person.name} has no token yet, so cannot sign in.</p>
        </InsetText>
      )}
      <Form action={`${userHref(person.id)}/tokens`} csrf={csrf}>
        <TextInput name="label" label="Label for a new token" hint="What it is for, such as 'Laptop' or 'Reporting script'." value={failed ? ((v) => (Array.isArray(v) ? v[0] : v))(failed.values.label) : ''} error={failed?.byField.label} autocomplete="off" />
        <Button variant="secondary">Issue a token</Button>
      </Form>
    </>
  );
};

async function ruleSetsPage(c: WebContext, failed?: Failed): Promise<Response> {
  const user = admin(c);
  const db = c.get('deps').db;
  const [sets, history] = await Promise.all([ruleSets(db), ruleSetHistory(db, user)]);
  const v = (name: string) => ((x) => (Array.isArray(x) ? x[0] : x) ?? '')(failed?.values[name]);
  return render(
    c,
    { title: 'Rule sets', current: ADMIN_HREF, errors: failed?.list, beforeContent: <BackLink href={ADMIN_HREF} text="Back to administration" /> },
    <>
      <h1>Rule sets</h1>
      <p>The rule set in force scores new bids. Bids already scored keep the version they were scored with unless re-scored.</p>
      <Table
        caption="Rule set versions"
        head={['Rule set', 'Version', 'Status', 'Hash']}
        rowHeaders
        rows={sets.map((r) => [r.id, r.version, r.active ? <Tag colour="green">In force</Tag> : r.draft ? <Tag colour="grey">Draft: what-if only</Tag> : 'Released', <span class="cp-break nhsuk-body-s">{r.hash.slice(0, 16)}</span>])}
      />
      <h2>Put a version in force</h2>
      <Form action={`${ADMIN_HREF}/rule-sets`} csrf={c.get('csrf')}>
        <Select
          name="ruleSet"
          label="Rule set version"
          placeholder="Select a version"
          options={sets.filter((r) => !r.draft && !r.active).map((r) => ({ value: `${r.id}@${r.version}`, label: `${r.id} ${r.version}` }))}
          value={v('ruleSet')}
          error={failed?.byField.ruleSet}
        />
        <TextArea name="reason" label="Reason for the change" hint="Kept with the change, for the record." rows={3} value={v('reason')} error={failed?.byField.reason} />
        <Button variant="secondary">Put in force</Button>
      </Form>
      {history.length ? (
        <Table
          caption="Changes, latest first"
          captionSize="s"
          head={['When', 'Version', 'By', 'Reason']}
          rows={history.map((h) => [dateTime(h.activatedAt.toISOString()), `${h.ruleSetId} ${h.version}`, h.activatedBy, h.reason])}
        />
      ) : null}
    </>,
    failed ? 400 : 200,
  );
}
