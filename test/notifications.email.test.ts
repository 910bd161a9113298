// Notices delivered by e-mail on the real parts: the Temporal dev server, PostgreSQL and Mailpit
// (a real SMTP server, read back through its API). A deadline's reminder and escalation reach
// the mailbox with a link to the page that acts on them; each delivery is recorded on the trail;
// a delivery repeated sends nothing; a person's preferences are kept; an SMTP server that never
// answers ends, after the configured attempts, in notification.failed.
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotificationActivities, NOTICE_DELIVERY_WORKFLOW, noticeStream, noticeWorkflowId, type NoticeDeliveryInput } from '../src/activities/notifications.js';
import { verifyStream } from '../src/activities/trail.js';
import { demoEmail } from '../src/db/demo.js';
import { decisionEvents, notificationDeliveries, notifications } from '../src/db/schema.js';
import { freePort } from '../src/runtime/go-tools.js';
import { setPreferences } from '../src/services/notifications.js';
import { createTestContext, type TestContext } from './helpers/context.js';
import { mailpitEnv, messagesAbout, waitForMail } from './helpers/mailpit.js';
import { smallBid, submit, waitForBid } from './helpers/lifecycle.js';
import { PageClient } from './helpers/pages.js';

const PUBLIC_URL = 'http://prioritisation.nw-icb.example';

const trailOf = async (ctx: TestContext, stream: string) =>
  ctx.db.select().from(decisionEvents).where(eq(decisionEvents.streamId, stream)).orderBy(asc(decisionEvents.seq));

/** A notice as a workflow's commit stores it, for the tests that start its delivery themselves. */
async function storeNotice(ctx: TestContext, kind: string, userIds: string[], subject: string) {
  const id = `test-${subject.replace(/\W+/g, '-')}`;
  await ctx.db.insert(notifications).values({
    id,
    kind,
    recipientIds: userIds,
    recipientRoles: [],
    recipientOrganisation: null,
    subject,
    body: 'Please review it.',
    reference: null,
    meetingId: null,
    createdAt: new Date(),
  });
  return id;
}

const deliver = (ctx: TestContext, noticeId: string, attempts = 3) =>
  ctx.client.workflow.execute(NOTICE_DELIVERY_WORKFLOW, {
    workflowId: noticeWorkflowId(noticeId),
    taskQueue: ctx.taskQueue,
    args: [{ noticeId, attempts } satisfies NoticeDeliveryInput],
  }) as Promise<Record<string, string>>;

describe('e-mail through SMTP', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { ...mailpitEnv(), PUBLIC_URL, DEADLINE_HUB_REVIEW: '3s' } });
  });
  afterAll(async () => ctx?.close());

  it("sends the review's assignment, reminder and escalation, each with a link to the bid, and records each on the trail", async () => {
    const reference = await submit(ctx, smallBid());
    const breached = await waitForBid(ctx, reference, (b) => b.review?.deadline?.breached === true, 'a breached review deadline');
    const evaluator = breached.review!.reviews[0]!.evaluator.id;

    const link = `${PUBLIC_URL}/app/bids/${reference}`;
    const assigned = await waitForMail(`Review assigned: ${reference}`, demoEmail(evaluator));
    expect(assigned.Text).toContain('You have been asked to review a bid.');
    expect(assigned.Text).toContain(`Start the review: ${link}`);

    const reminder = await waitForMail(`Review due soon: ${reference}`, demoEmail(evaluator));
    expect(reminder.Text).toContain('A review you are doing is due soon.');
    expect(reminder.Text).toContain(`Finish the review: ${link}`);
    expect(reminder.Text).toMatch(/^Dear .+,/);

    const escalation = await waitForMail(`Review overdue: ${reference}`, demoEmail('rachel.green'));
    expect(escalation.Text).toContain('Dear Rachel Green,');
    expect(escalation.Text).toContain('escalated to you as hub lead');
    expect(escalation.Text).toContain(`See the review and who it waits for: ${link}`);
    expect(escalation.Text).toContain(`${PUBLIC_URL}/app/notifications`);

    // Each e-mail on the trail of the bid's notices, hash-chained like every stream.
    const deadline = Date.now() + 30_000;
    let sent: { kind: string; to: string }[] = [];
    while (Date.now() < deadline) {
      sent = (await trailOf(ctx, noticeStream({ reference, meetingId: null })))
        .filter((e) => e.action === 'notification.sent')
        .map((e) => ({ kind: (e.payload as { kind: string }).kind, to: (e.payload as { to: string }).to }));
      if (sent.length >= 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(sent).toEqual(
      expect.arrayContaining([
        { kind: 'review.assigned', to: evaluator },
        { kind: 'review.reminder', to: evaluator },
        { kind: 'review.escalated', to: 'rachel.green' },
      ]),
    );
    expect((await verifyStream(ctx.db, noticeStream({ reference, meetingId: null }))).valid).toBe(true);
  }, 300_000);

  it('sends a notice once to each person however often its delivery runs', async () => {
    const subject = `Once only ${ctx.reference()}`;
    const noticeId = await storeNotice(ctx, 'review.assigned', ['daniel.price'], subject);
    expect(await deliver(ctx, noticeId)).toEqual({ 'daniel.price': 'sent' });
    const first = await waitForMail(subject, demoEmail('daniel.price'));

    // The activity again, as a retry after a lost acknowledgement would run it.
    const activities = createNotificationActivities({ db: ctx.db, config: ctx.config });
    expect(await activities.deliverNotice({ noticeId, userId: 'daniel.price' })).toBe('sent');
    const messages = await messagesAbout(subject);
    expect(messages.map((m) => m.ID)).toEqual([first.ID]);
    const rows = await ctx.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.noticeId, noticeId));
    expect(rows).toMatchObject([{ userId: 'daniel.price', status: 'sent', transport: 'smtp', email: demoEmail('daniel.price'), messageId: `<${first.MessageID}>` }]);
  });

  it("keeps a person's choice not to get a kind of e-mail, and still shows the notice", async () => {
    await setPreferences(ctx.db, 'helen.wright', { assignment: false });
    const subject = `Not by e-mail ${ctx.reference()}`;
    const noticeId = await storeNotice(ctx, 'review.assigned', ['helen.wright', 'priya.shah'], subject);
    expect(await deliver(ctx, noticeId)).toEqual({ 'helen.wright': 'skipped', 'priya.shah': 'sent' });
    await waitForMail(subject, demoEmail('priya.shah'));
    expect((await messagesAbout(subject)).flatMap((m) => m.To.map((t) => t.Address))).toEqual([demoEmail('priya.shah')]);
  });
  it("shows each person their notifications, with a count in the header until they look, and saves their e-mail choices", async () => {
    const subject = `Shown in the service ${ctx.reference()}`;
    const noticeId = await storeNotice(ctx, 'review.moderation_required', ['joseph.mensah'], subject);
    await deliver(ctx, noticeId);
    const browser = new PageClient(ctx.app);
    await browser.signIn(ctx.tokens['joseph.mensah']!);
    const home = await (await browser.get('/app')).text();
    expect(home).toMatch(/Notifications \(\d+ new\)/);

    const page = await browser.get('/app/notifications');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(subject);
    expect(html).toContain('E-mailed');
    expect(html).toContain('href="/app/bids"');
    // Seen now: the header no longer counts them.
    expect(await (await browser.get('/app')).text()).toContain('data-unread="0"');

    // Another person does not see it.
    const other = new PageClient(ctx.app);
    await other.signIn(ctx.tokens['tom.fletcher']!);
    expect(await (await other.get('/app/notifications')).text()).not.toContain(subject);

    const saved = await browser.post('/app/notifications/preferences', { email: 'reminder' });
    expect(saved.status).toBe(303);
    const after = await (await browser.get('/app/notifications')).text();
    expect(after).toMatch(/value="reminder" checked/);
    expect(after).not.toMatch(/value="escalation" checked/);
  });
});

describe('an SMTP server that does not answer', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    // A port nothing listens on: every attempt is refused.
    ctx = await createTestContext({ env: { EMAIL_TRANSPORT: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(await freePort()), EMAIL_ATTEMPTS: '2' } });
  });
  afterAll(async () => ctx?.close());

  it('records notification.failed on the trail once every attempt has failed', async () => {
    const subject = `Never arrives ${ctx.reference()}`;
    const noticeId = await storeNotice(ctx, 'review.reminder', ['priya.shah'], subject);
    expect(await deliver(ctx, noticeId, 2)).toEqual({ 'priya.shah': 'failed' });
    const [row] = await ctx.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.noticeId, noticeId));
    expect(row).toMatchObject({ status: 'failed', attempts: 2, transport: 'smtp' });
    expect(row!.error).toMatch(/ECONNREFUSED|connect/i);
    const events = await trailOf(ctx, noticeStream({ reference: null, meetingId: null }));
    const failed = events.find((e) => e.eventId === `${noticeId}:priya.shah:failed`);
    expect(failed).toMatchObject({ action: 'notification.failed', actorId: 'system', streamType: 'notice' });
    expect(failed!.payload).toMatchObject({ noticeId, kind: 'review.reminder', to: 'priya.shah', attempts: 2 });
  });
});
