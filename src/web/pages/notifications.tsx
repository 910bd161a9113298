// Each person's notifications: what the service told them (and how its e-mail went), newest
// first, with a link to where they act; and which kinds they also want by e-mail. Opening the
// page marks them seen, which clears the count in the header.
import type { WebApp } from '../app.js';
import { act, formOf, many, render, signedIn } from '../app.js';
import { Button, Checkboxes, Form, Tag } from '../components.js';
import { dateTime, plainDates } from '../format.js';
import { CATEGORIES, CATEGORY_IDS } from '../../notifications/templates.js';
import { markSeen, notificationsFor, preferencesOf, setPreferences, type PersonNotification } from '../../services/notifications.js';

const EMAIL_STATUS: Record<string, { text: string; colour: string }> = {
  sent: { text: 'E-mailed', colour: 'green' },
  failed: { text: 'E-mail failed', colour: 'red' },
  skipped: { text: 'Not e-mailed', colour: 'grey' },
};

const Item = ({ n }: { n: PersonNotification }) => (
  <li class="nhsuk-card" data-notification={n.id}>
    <div class="nhsuk-card__content">
      <h2 class="nhsuk-card__heading nhsuk-heading-s">
        <a class="nhsuk-card__link" href={n.href}>
          {n.subject}
        </a>{' '}
        {n.unread ? <Tag colour="blue">New</Tag> : null}
      </h2>
      <p class="nhsuk-body-s nhsuk-u-secondary-text-colour">
        {dateTime(n.createdAt)} · {CATEGORIES[n.category]}
        {n.email ? (
          <>
            {' '}
            · <Tag colour={EMAIL_STATUS[n.email.status]?.colour}>{EMAIL_STATUS[n.email.status]?.text ?? n.email.status}</Tag>
          </>
        ) : null}
      </p>
      {plainDates(n.body)
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => (
          <p class="nhsuk-card__description">{line}</p>
        ))}
    </div>
  </li>
);

export function registerNotificationPages(web: WebApp) {
  web.get('/app/notifications', async (c) => {
    const user = signedIn(c);
    const { db } = c.get('deps');
    const [items, prefs] = await Promise.all([notificationsFor(db, user), preferencesOf(db, user.id)]);
    const unread = items.filter((n) => n.unread).length;
    await markSeen(db, user.id);
    return render(
      c,
      { title: 'Notifications', current: '/app/notifications' },
      <>
        <h1>Notifications</h1>
        <p class="nhsuk-lede-text">
          {items.length === 0 ? 'Nothing yet.' : unread ? `${unread} new since you last looked.` : 'Nothing new since you last looked.'}
        </p>
        {items.length ? <ul class="nhsuk-list">{items.map((n) => <Item n={n} />)}</ul> : null}
        <h2 id="email">E-mail</h2>
        <Form action="/app/notifications/preferences" csrf={c.get('csrf')}>
          <input type="hidden" name="_shown" value="1" />
          <Checkboxes
            name="email"
            legend="Which notifications should also come by e-mail?"
            legendSize="s"
            hint="Every notification is shown here whatever you choose."
            options={CATEGORY_IDS.map((id) => ({ value: id, label: CATEGORIES[id] }))}
            values={CATEGORY_IDS.filter((id) => prefs[id])}
          />
          <Button variant="secondary">Save e-mail choices</Button>
        </Form>
      </>,
    );
  });

  web.post('/app/notifications/preferences', async (c) => {
    const user = signedIn(c);
    const chosen = new Set(many(formOf(c), 'email'));
    return act(c, '/app/notifications#email', { kind: 'success', title: 'E-mail choices saved' }, () =>
      setPreferences(c.get('deps').db, user.id, Object.fromEntries(CATEGORY_IDS.map((id) => [id, chosen.has(id)]))),
    );
  });
}
