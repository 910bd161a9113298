// How an e-mail leaves the service: through an SMTP relay (nodemailer) or GOV.UK Notify (its
// official client), as EMAIL_TRANSPORT says. Each message carries its idempotency key (notice and
// person): SMTP puts it in the Message-ID, so a repeat is the same message to the recipient's mail
// system; GOV.UK Notify keeps it as the notification's reference.
import { createHash } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import { NotifyClient } from 'notifications-node-client';
import type { Config } from '../config.js';

export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  /** `<notice id>:<user id>`: the same key is the same message. */
  idempotencyKey: string;
  attachments?: Attachment[];
}

export interface EmailTransport {
  /** smtp or govuk-notify, as recorded on the trail. */
  readonly name: string;
  /** Sends one e-mail; resolves with the transport's id for it. A thrown error is retried. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
}

/** The Message-ID an idempotency key always gives. */
export const messageIdFor = (key: string, domain = 'clinical-prioritisation.invalid'): string =>
  `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;

export function smtpTransport(config: Pick<Config, 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'EMAIL_FROM'>): EmailTransport {
  const transporter: Transporter = createTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    ...(config.SMTP_USER ? { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const domain = /@([^>\s]+)/.exec(config.EMAIL_FROM)?.[1] ?? 'clinical-prioritisation.invalid';
  return {
    name: 'smtp',
    async send(email) {
      const messageId = messageIdFor(email.idempotencyKey, domain);
      await transporter.sendMail({
        from: config.EMAIL_FROM,
        to: email.to,
        subject: email.subject,
        text: email.text,
        messageId,
        headers: { 'X-Idempotency-Key': email.idempotencyKey },
        attachments: email.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
      });
      return { messageId };
    },
    close: () => transporter.close(),
  };
}

/**
 * GOV.UK Notify sends from a template made in its dashboard; this one's subject is ((subject)),
 * its body ((body)), and, for a letter, ((attachment)) (a link Notify makes to the uploaded file).
 */
export function govukNotifyTransport(config: Pick<Config, 'GOVUK_NOTIFY_API_KEY' | 'GOVUK_NOTIFY_TEMPLATE_ID' | 'GOVUK_NOTIFY_BASE_URL'>): EmailTransport {
  const client = config.GOVUK_NOTIFY_BASE_URL ? new NotifyClient(config.GOVUK_NOTIFY_BASE_URL, config.GOVUK_NOTIFY_API_KEY) : new NotifyClient(config.GOVUK_NOTIFY_API_KEY!);
  return {
    name: 'govuk-notify',
    async send(email) {
      const file = email.attachments?.[0];
      const personalisation: Record<string, unknown> = {
        subject: email.subject,
        body: email.text,
        attachment: file ? client.prepareUpload(file.content, { filename: file.filename, confirmEmailBeforeDownload: true }) : '',
      };
      try {
        const response = await client.sendEmail(config.GOVUK_NOTIFY_TEMPLATE_ID!, email.to, { personalisation, reference: email.idempotencyKey });
        return { messageId: response.data.id };
      } catch (error) {
        // The client's error is axios's; say what Notify answered.
        const data = (error as { response?: { status?: number; data?: { errors?: { error: string; message: string }[] } } }).response;
        if (data?.data?.errors?.length) throw new Error(`GOV.UK Notify answered ${data.status}: ${data.data.errors.map((e) => `${e.error}: ${e.message}`).join('; ')}`);
        throw error;
      }
    },
    close: () => undefined,
  };
}

/** The transport EMAIL_TRANSPORT names, or none. */
export function emailTransport(config: Config): EmailTransport | null {
  switch (config.EMAIL_TRANSPORT) {
    case 'smtp':
      return smtpTransport(config);
    case 'govuk-notify':
      return govukNotifyTransport(config);
    default:
      return null;
  }
}
