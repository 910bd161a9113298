// E-mail delivery of notices. The commit that stores a notice starts its delivery workflow
// (id `notice-<notice id>`, so a retried commit starts nothing twice); the workflow sends it to
// each person it reaches with deliverNotice, retried with backoff, and records each outcome on
// the trail (stream `notices-<reference>`): notification.sent, or notification.failed once every
// attempt has failed. The idempotency key is the notice and the person: once a delivery is
// recorded, a repeat sends nothing.
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { decisionLetters, notificationDeliveries, notifications, users } from '../db/schema.js';
import { LETTER_NOTICES, letterContent, letterPdf, sha256Of } from '../letters/letter.js';
import { emailTransport, type Attachment, type EmailTransport } from '../notifications/transport.js';
import { categoryOf, renderEmail } from '../notifications/templates.js';
import { preferencesOf, recipientsOf } from '../services/notifications.js';
import { SYSTEM } from '../model/step.js';
import type { NotificationInput, Notifier } from './lifecycle.js';
import { appendEvents, readStream } from './trail.js';

export const NOTICE_DELIVERY_WORKFLOW = 'noticeDeliveryWorkflow';
export const noticeWorkflowId = (noticeId: string): string => `notice-${noticeId}`;

export interface NoticeDeliveryInput {
  noticeId: string;
  /** Attempts at each person's e-mail (EMAIL_ATTEMPTS when it started). */
  attempts: number;
}

export type DeliveryStatus = 'sent' | 'failed' | 'skipped';

/** The trail stream a notice's deliveries are recorded on. */
export const noticeStream = (n: { reference: string | null; meetingId: string | null }): string =>
  `notices-${n.reference ?? (n.meetingId ? `meeting-${n.meetingId}` : 'service')}`;

/** The base of links in e-mails: PUBLIC_URL, else where the service listens. */
export const publicBaseUrl = (config: Config): string => config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST}:${config.PORT}`;

/** Starts each notice's delivery workflow; a notice whose workflow exists already is left alone. */
export function deliveryNotifier({ client, config }: { client: Client; config: Config }): Notifier {
  return {
    idempotent: true,
    async send(n: NotificationInput) {
      try {
        await client.workflow.start(NOTICE_DELIVERY_WORKFLOW, {
          workflowId: noticeWorkflowId(n.id),
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          args: [{ noticeId: n.id, attempts: config.EMAIL_ATTEMPTS } satisfies NoticeDeliveryInput],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    },
  };
}

/** Attachments a notice carries (a decision letter), found by notice id. */
export type AttachmentsFor = (db: Db, noticeId: string) => Promise<Attachment[]>;

/** A notice's decision letter, as the e-mail's attachment. */
export const letterAttachments: AttachmentsFor = async (db, noticeId) =>
  (await db.select().from(decisionLetters).where(eq(decisionLetters.noticeId, noticeId))).map((l) => ({
    filename: `${l.reference}-decision-letter.pdf`,
    contentType: 'application/pdf',
    content: Buffer.from(l.pdfBase64, 'base64'),
  }));

export function createNotificationActivities({ db, config, transport, attachmentsFor = letterAttachments }: { db: Db; config: Config; transport?: EmailTransport | null; attachmentsFor?: AttachmentsFor }) {
  let chosen: EmailTransport | null | undefined = transport;
  const mail = () => (chosen === undefined ? (chosen = emailTransport(config)) : chosen);

  const loadNotice = async (noticeId: string) => {
    const [n] = await db.select().from(notifications).where(eq(notifications.id, noticeId));
    if (!n) throw new Error(`notice ${noticeId} is not stored`);
    return n;
  };
  const delivered = async (noticeId: string, userId: string) =>
    (await db.select().from(notificationDeliveries).where(and(eq(notificationDeliveries.noticeId, noticeId), eq(notificationDeliveries.userId, userId))))[0];

  const record = async (
    n: typeof notifications.$inferSelect,
    user: { id: string; email: string },
    outcome: { status: DeliveryStatus; transport: string; messageId?: string; error?: string; attempts: number },
  ): Promise<DeliveryStatus> => {
    const at = new Date();
    return db.transaction(async (tx) => {
      const stored = await tx
        .insert(notificationDeliveries)
        .values({ noticeId: n.id, userId: user.id, status: outcome.status, email: user.email, transport: outcome.transport, messageId: outcome.messageId ?? null, error: outcome.error ?? null, attempts: outcome.attempts, at })
        .onConflictDoNothing()
        .returning({ status: notificationDeliveries.status });
      if (!stored.length) return (await delivered(n.id, user.id))!.status;
      if (outcome.status !== 'skipped') {
        await appendEvents(tx, 'notice', noticeStream(n), [
          {
            eventId: `${n.id}:${user.id}:${outcome.status}`,
            occurredAt: at.toISOString(),
            actorId: SYSTEM.id,
            actorRole: 'system',
            action: `notification.${outcome.status}`,
            payload: {
              noticeId: n.id,
              kind: n.kind,
              to: user.id,
              transport: outcome.transport,
              attempts: outcome.attempts,
              ...(n.reference && { reference: n.reference }),
              ...(n.meetingId && { meetingId: n.meetingId }),
              ...(outcome.messageId && { messageId: outcome.messageId }),
              ...(outcome.error && { error: outcome.error }),
            },
          },
        ], config.TRAIL_SEAL_KEY);
      }
      return outcome.status;
    });
  };

  return {
    /**
     * A decision notice's letter, made from the bid's trail and stored; its SHA-256 recorded on
     * the bid's trail (letter.issued). Null for a notice that carries no letter. Made once.
     */
    async prepareLetter(noticeId: string): Promise<{ id: string; sha256: string } | null> {
      const n = await loadNotice(noticeId);
      const spec = LETTER_NOTICES[n.kind];
      if (!spec || !n.reference) return null;
      const [made] = await db.select({ id: decisionLetters.id, sha256: decisionLetters.sha256 }).from(decisionLetters).where(eq(decisionLetters.noticeId, noticeId));
      if (made) return made;
      // The decision the notice was committed with: same time, same commit; else the last before it.
      const decisions = (await readStream(db, n.reference)).filter((e) => e.action === spec.action && Date.parse(e.occurredAt) <= n.createdAt.getTime());
      const event = decisions.find((e) => Date.parse(e.occurredAt) === n.createdAt.getTime()) ?? decisions.at(-1);
      if (!event) throw new Error(`bid ${n.reference} has no ${spec.action} on its trail for notice ${noticeId}`);
      const content = await letterContent(db, n.reference, spec.kind, event.eventId, { reconsideration: config.DEADLINE_RECONSIDERATION, extraHolidays: config.EXTRA_BANK_HOLIDAYS });
      const pdf = await letterPdf(content);
      const sha256 = sha256Of(pdf);
      const id = `${spec.kind}-${event.seq}`;
      await db.transaction(async (tx) => {
        const stored = await tx
          .insert(decisionLetters)
          .values({ id: `${n.reference}/${id}`, reference: n.reference!, kind: spec.kind, eventId: event.eventId, noticeId, title: `${content.heading}: ${n.reference}`, sha256, pdfBase64: pdf.toString('base64'), createdAt: new Date() })
          .onConflictDoNothing()
          .returning({ id: decisionLetters.id });
        if (!stored.length) return;
        await appendEvents(tx, 'bid', n.reference!, [
          {
            eventId: `${noticeId}:letter`,
            occurredAt: new Date().toISOString(),
            actorId: SYSTEM.id,
            actorRole: 'system',
            action: 'letter.issued',
            payload: { letterId: `${n.reference}/${id}`, kind: spec.kind, sha256, decisionEventId: event.eventId, noticeId },
          },
        ], config.TRAIL_SEAL_KEY);
      });
      return { id: `${n.reference}/${id}`, sha256 };
    },

    /** The people a notice reaches, by id (preferences are applied per person as it is delivered). */
    async noticeRecipients(noticeId: string): Promise<string[]> {
      return (await recipientsOf(db, await loadNotice(noticeId))).map((u) => u.id);
    },

    /** Sends one notice to one person, unless it was sent (or they do not want it) already. */
    async deliverNotice({ noticeId, userId }: { noticeId: string; userId: string }): Promise<DeliveryStatus> {
      const before = await delivered(noticeId, userId);
      if (before) return before.status;
      const n = await loadNotice(noticeId);
      const [user] = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.id, userId));
      if (!user) throw new Error(`user ${userId} does not exist`);
      const transport = mail();
      if (!transport) return record(n, user, { status: 'skipped', transport: 'none', attempts: 0, error: 'no e-mail transport is configured' });
      const wants = (await preferencesOf(db, userId))[categoryOf(n.kind)];
      if (!wants) return record(n, user, { status: 'skipped', transport: transport.name, attempts: 0, error: 'turned off in their preferences' });
      const email = renderEmail(n, user, publicBaseUrl(config));
      const attachments = attachmentsFor ? await attachmentsFor(db, n.id) : [];
      const { messageId } = await transport.send({ to: user.email, subject: email.subject, text: email.text, idempotencyKey: `${n.id}:${user.id}`, attachments });
      return record(n, user, { status: 'sent', transport: transport.name, messageId, attempts: attemptNow() });
    },

    /** Every attempt failed: recorded, so people can see it and someone can act. */
    async recordDeliveryFailure({ noticeId, userId, error, attempts }: { noticeId: string; userId: string; error: string; attempts: number }): Promise<DeliveryStatus> {
      const n = await loadNotice(noticeId);
      const [user] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, userId));
      if (!user) throw new Error(`user ${userId} does not exist`);
      return record(n, user, { status: 'failed', transport: mail()?.name ?? 'none', error: error.slice(0, 2_000), attempts });
    },
  };
}

function attemptNow(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
