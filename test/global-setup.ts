// Once per test run: a real Temporal dev server on a free port, a migrated template database
// on the real PostgreSQL, and the workflow bundle. Every test file clones its own database from
// the template (test/helpers/context.ts). All of it is torn down at the end.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openPostgres } from '../src/db/client.js';
import { devServerExecutable } from '../src/runtime/temporal.js';
import { DEX, demoDexUsers, findGoTool, freePort, MAILPIT, startDex, startMailpit, type DexServer, type MailpitServer } from '../src/runtime/go-tools.js';
import { workflowsPath } from '../src/runtime/worker.js';
import { ALL_SEARCH_ATTRIBUTES } from '../src/shared.js';
import { adminUrl, dropDatabasesLike, databaseUrl, runId } from './helpers/databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    templateDatabase: string;
    runId: string;
    /** Mailpit, the real SMTP server the e-mail tests send to and read back ('' when it is not built). */
    mailpitSmtpPort: number;
    mailpitApiUrl: string;
    /** Dex, the real OpenID Connect provider, with the demo people as its users ('' when it is not built). */
    dexIssuer: string;
    dexClientId: string;
    dexClientSecret: string;
    /** The port the single sign-on browser test serves the app on: Dex knows its callback there. */
    ssoAppPort: number;
  }
}

export default async function setup(project: TestProject) {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const id = runId();
  const template = `cp_test_${id}_template`;
  const admin = adminUrl();

  const { executable, description } = await devServerExecutable();
  process.stderr.write(`[test setup] Temporal dev server from ${description}\n`);
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable, ip: '127.0.0.1', searchAttributes: ALL_SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' } },
  });

  const adminDb = await openPostgres(admin, 1);
  await adminDb.db.execute(`create database "${template}"`);
  await adminDb.close();
  const templateDb = await openPostgres(databaseUrl(template), 1);
  await migrateDatabase(templateDb, databaseUrl(template));
  await templateDb.close();

  const bundleDir = await mkdtemp(path.join(os.tmpdir(), 'cp-bundle-'));
  const bundlePath = path.join(bundleDir, 'workflows.js');
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: new DefaultLogger('WARN') });
  await writeFile(bundlePath, code);

  // Mailpit when it is built (scripts/install-mailpit.sh); the e-mail tests fail without it.
  let mailpit: MailpitServer | undefined;
  if (await findGoTool(MAILPIT)) {
    mailpit = await startMailpit();
    process.stderr.write(`[test setup] Mailpit SMTP on ${mailpit.smtpHost}:${mailpit.smtpPort}, API ${mailpit.apiUrl}\n`);
  } else {
    process.stderr.write(`[test setup] Mailpit is not built (bash ${MAILPIT.installScript}): the e-mail tests will fail\n`);
  }
  project.provide('mailpitSmtpPort', mailpit?.smtpPort ?? 0);
  project.provide('mailpitApiUrl', mailpit?.apiUrl ?? '');
  let dex: DexServer | undefined;
  const ssoAppPort = await freePort();
  if (await findGoTool(DEX)) {
    dex = await startDex({
      users: await demoDexUsers(),
      client: { id: 'clinical-prioritisation-test', secret: 'test-client-secret-0123456789', redirectURIs: [`http://127.0.0.1:${ssoAppPort}/app/sign-in/oidc/callback`] },
    });
    process.stderr.write(`[test setup] Dex at ${dex.issuer}\n`);
  } else {
    process.stderr.write(`[test setup] Dex is not built (bash ${DEX.installScript}): the single sign-on tests will fail\n`);
  }
  project.provide('dexIssuer', dex?.issuer ?? '');
  project.provide('dexClientId', dex?.clientId ?? '');
  project.provide('dexClientSecret', dex?.clientSecret ?? '');
  project.provide('ssoAppPort', ssoAppPort);
  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('templateDatabase', template);
  project.provide('runId', id);

  return async () => {
    await mailpit?.stop();
    await dex?.stop();
    await env.teardown();
    await dropDatabasesLike(admin, `cp_test_${id}_%`);
    await rm(bundleDir, { recursive: true, force: true });
  };
}
