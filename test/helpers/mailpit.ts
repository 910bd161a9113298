// The mailbox of the Mailpit the test setup started: messages read back through its HTTP API.
import { inject } from 'vitest';
import { MAILPIT } from '../../src/runtime/go-tools.js';

export interface MailSummary {
  ID: string;
  MessageID: string;
  Subject: string;
  To: { Address: string }[];
  Attachments: number;
}

export interface MailMessage {
  ID: string;
  MessageID: string;
  Subject: string;
  Text: string;
  To: { Address: string }[];
  Attachments: { PartID: string; FileName: string; ContentType: string; Size: number }[];
}

export function mailpitApi(): string {
  const url = inject('mailpitApiUrl');
  if (!url) throw new Error(`Mailpit is not built: bash ${MAILPIT.installScript} (or set MAILPIT_PATH), then run the tests again`);
  return url;
}

/** The SMTP settings that send to the test Mailpit. */
export function mailpitEnv(): Record<string, string> {
  mailpitApi();
  return { EMAIL_TRANSPORT: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(inject('mailpitSmtpPort')) };
}

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${mailpitApi()}${path}`);
  if (!response.ok) throw new Error(`Mailpit ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** Every message in the mailbox whose subject contains `text` (other test files share the mailbox). */
export async function messagesAbout(text: string): Promise<MailSummary[]> {
  const { messages } = await get<{ messages: MailSummary[] }>(`/messages?limit=5000`);
  return messages.filter((m) => m.Subject.includes(text));
}

export const message = (id: string) => get<MailMessage>(`/message/${id}`);

export async function attachment(id: string, partId: string): Promise<Buffer> {
  const response = await fetch(`${mailpitApi()}/message/${id}/part/${partId}`);
  if (!response.ok) throw new Error(`Mailpit attachment ${id}/${partId}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** Waits until a message whose subject contains `subject` has reached `to`. */
export async function waitForMail(subject: string, to: string, timeoutMs = 60_000): Promise<MailMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await messagesAbout(subject)).find((m) => m.To.some((t) => t.Address === to));
    if (found) return message(found.ID);
    if (Date.now() > deadline) throw new Error(`no e-mail "${subject}" to ${to} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
