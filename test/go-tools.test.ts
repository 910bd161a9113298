// The real Mailpit and Dex, built from their Go modules by scripts/install-mailpit.sh and
// scripts/install-dex.sh: an e-mail sent over SMTP and read back through Mailpit's API, and a
// demo user signed in at Dex with the password grant, the ID token checked against Dex's keys.
// A missing binary fails the file with the script that builds it; nothing here is a mock.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, demoEmail } from '../src/db/demo.js';
import { DEX, findGoTool, MAILPIT, requireGoTool, startDex, startMailpit, type DexServer, type MailpitServer } from '../src/runtime/go-tools.js';

interface MailpitSummary {
  ID: string;
  Subject: string;
  From: { Address: string };
  To: { Address: string }[];
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  expect(response.status, `${url}: ${response.status}`).toBe(200);
  return (await response.json()) as T;
}

async function messagesIn(mailpit: MailpitServer): Promise<{ total: number; messages: MailpitSummary[] }> {
  return getJson(`${mailpit.apiUrl}/messages`);
}

describe('finding the binaries', () => {
  it('says which script builds a binary that is missing', async () => {
    const saved = { PATH: process.env.PATH, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
    const empty = await mkdtemp(path.join(os.tmpdir(), 'cp-no-tools-'));
    try {
      process.env.PATH = empty;
      process.env.XDG_CACHE_HOME = empty;
      expect(await findGoTool(MAILPIT, '')).toBeUndefined();
      await expect(requireGoTool(MAILPIT, '')).rejects.toThrow('bash scripts/install-mailpit.sh (npm run mailpit:install)');
      await expect(requireGoTool(DEX, '')).rejects.toThrow('bash scripts/install-dex.sh (npm run dex:install)');
      await expect(findGoTool(DEX, path.join(empty, 'nothing'))).rejects.toThrow('DEX_PATH');
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.XDG_CACHE_HOME === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved.XDG_CACHE_HOME;
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('Mailpit', () => {
  let dataDir: string;
  let mailpit: MailpitServer | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'cp-mailpit-test-'));
    mailpit = await startMailpit({ dataDir });
  });
  afterAll(async () => {
    await mailpit?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('receives an e-mail over SMTP and shows it through its API', async () => {
    const server = mailpit!;
    const transport = createTransport({ host: server.smtpHost, port: server.smtpPort, secure: false, ignoreTLS: true });
    const info = await transport.sendMail({
      from: 'Evaluation hub <hub@nw-icb.example>',
      to: demoEmail('amira.hassan'),
      subject: 'NW-2026-0042 is in hub review',
      text: 'Your bid NW-2026-0042 has been received by the evaluation hub.',
      html: '<p>Your bid <strong>NW-2026-0042</strong> has been received by the evaluation hub.</p>',
    });
    transport.close();
    expect(info.accepted).toEqual([demoEmail('amira.hassan')]);

    const { total, messages } = await messagesIn(server);
    expect(total).toBe(1);
    const summary = messages[0]!;
    expect(summary.Subject).toBe('NW-2026-0042 is in hub review');
    expect(summary.From.Address).toBe('hub@nw-icb.example');
    expect(summary.To.map((to) => to.Address)).toEqual([demoEmail('amira.hassan')]);

    const message = await getJson<{ Subject: string; Text: string; HTML: string; MessageID: string }>(`${server.apiUrl}/message/${summary.ID}`);
    expect(message.Text.trim()).toBe('Your bid NW-2026-0042 has been received by the evaluation hub.');
    expect(message.HTML).toContain('<strong>NW-2026-0042</strong>');
    expect(`<${message.MessageID}>`).toBe(info.messageId);

    const ui = await fetch(server.uiUrl);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('Mailpit');
  });

  it('takes a transport that logs in, as it would at a relay', async () => {
    const server = mailpit!;
    const transport = createTransport({
      host: server.smtpHost,
      port: server.smtpPort,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'clinical-prioritisation', pass: 'any' },
    });
    await transport.sendMail({ from: 'hub@nw-icb.example', to: demoEmail('rachel.green'), subject: 'Second', text: 'Second message' });
    transport.close();
    const { total, messages } = await messagesIn(server);
    expect(total).toBe(2);
    expect(messages.map((m) => m.Subject).sort()).toEqual(['NW-2026-0042 is in hub review', 'Second']);
  });

  it('keeps its messages in the data folder across a restart', async () => {
    await mailpit!.stop();
    mailpit = await startMailpit({ dataDir });
    const { total } = await messagesIn(mailpit);
    expect(total).toBe(2);
  });

  it('stops: the API no longer answers', async () => {
    const server = await startMailpit();
    await getJson(`${server.apiUrl}/info`);
    await server.stop();
    await server.stop();
    await expect(fetch(`${server.apiUrl}/info`)).rejects.toThrow();
  });
});

describe('Dex', () => {
  const password = (id: string) => `demo-password-${id}`;
  const client = { id: 'clinical-prioritisation', secret: 'test-client-secret', redirectURIs: ['http://127.0.0.1:3000/auth/callback'] };
  let dex: DexServer | undefined;

  beforeAll(async () => {
    dex = await startDex({
      users: DEMO_USERS.map((user) => ({ email: demoEmail(user.id), username: user.id, userID: user.id, password: password(user.id) })),
      client,
    });
  });
  afterAll(async () => {
    await dex?.stop();
  });

  interface Discovery {
    issuer: string;
    token_endpoint: string;
    jwks_uri: string;
    authorization_endpoint: string;
    grant_types_supported: string[];
  }

  const discovery = () => getJson<Discovery>(`${dex!.issuer}/.well-known/openid-configuration`);

  async function passwordGrant(username: string, secret: string): Promise<Response> {
    const { token_endpoint } = await discovery();
    return fetch(token_endpoint, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'password', username, password: secret, scope: 'openid email profile' }),
    });
  }

  it('publishes its discovery document and keys', async () => {
    const server = dex!;
    expect(server.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dex$/);
    expect(server.clientId).toBe(client.id);
    expect(server.clientSecret).toBe(client.secret);
    const document = await discovery();
    expect(document.issuer).toBe(server.issuer);
    expect(document.token_endpoint).toBe(`${server.issuer}/token`);
    expect(document.grant_types_supported).toContain('password');
    const jwks = await getJson<{ keys: (JsonWebKey & { kid: string; alg: string; use: string })[] }>(document.jwks_uri);
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  });

  it("signs a demo user in with their password and puts their e-mail in the ID token", async () => {
    const server = dex!;
    const response = await passwordGrant(demoEmail('rachel.green'), password('rachel.green'));
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as { id_token: string; access_token: string; token_type: string };
    expect(tokens.token_type.toLowerCase()).toBe('bearer');

    const [header, payload, signature] = tokens.id_token.split('.') as [string, string, string];
    const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid: string; alg: string };
    expect(alg).toBe('RS256');
    const { jwks_uri } = await discovery();
    const { keys } = await getJson<{ keys: (JsonWebKey & { kid: string })[] }>(jwks_uri);
    const jwk = keys.find((key) => key.kid === kid);
    expect(jwk, `key ${kid} in the JWKS`).toBeDefined();
    const valid = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), createPublicKey({ key: jwk!, format: 'jwk' }), Buffer.from(signature, 'base64url'));
    expect(valid).toBe(true);

    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims.iss).toBe(server.issuer);
    expect(claims.aud).toBe(client.id);
    expect(claims.email).toBe(demoEmail('rachel.green'));
    expect(claims.email_verified).toBe(true);
    expect(claims.name).toBe('rachel.green');
    expect(claims.exp as number).toBeGreaterThan(Date.now() / 1000);
  });

  it('refuses a wrong password', async () => {
    const response = await passwordGrant(demoEmail('rachel.green'), 'not-her-password');
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('access_denied');
  });

  it('stops: discovery no longer answers', async () => {
    const issuer = dex!.issuer;
    await dex!.stop();
    dex = undefined;
    await expect(fetch(`${issuer}/.well-known/openid-configuration`)).rejects.toThrow();
  });
});
