// `npm start` as a newcomer runs it: no DATABASE_URL, no TEMPORAL_ADDRESS. The system starts its
// own Temporal dev server and PGlite with their state in the data folder; a bid submitted over
// real HTTP is still there, workflow and all, after a stop and a start.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { readDemoTokens } from '../src/services/demo.js';
import { createLogger } from '../src/runtime/log.js';
import { startSystem, type RunningSystem } from '../src/runtime/system.js';
import { bidWorkflowId, statusQuery } from '../src/shared.js';
import { jsonOf, validBid } from './helpers/fixtures.js';
import { freePort } from './helpers/ports.js';

let dataDir: string | undefined;
let system: RunningSystem | undefined;
afterAll(async () => {
  await system?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the embedded start', () => {
  it('keeps a bid across a restart', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'cp-start-'));
    const env = {
      DATA_DIR: dataDir,
      PORT: '0',
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_DEV_UI_PORT: String(await freePort()),
      TEMPORAL_TASK_QUEUE: `start-${path.basename(dataDir)}`,
      LOG_LEVEL: 'warn',
      // A first workflow task on a cold, loaded machine can take longer than the 10 s default.
      ACTION_TIMEOUT: '60s',
    };
    const config = loadConfig(env);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    const logger = createLogger('warn', 'start-test');
    const options = { worker: true, api: true, embedded: true };

    system = await startSystem(config, options, logger);
    expect(system.database.kind).toBe('pglite');
    expect(system.temporal.embedded).toBe(true);
    const reference = 'EMB-2099-0001';
    // A fresh embedded start seeds the demo users and writes their tokens to the data folder.
    const tokens = await readDemoTokens(config);
    const amira = tokens.find((t) => t.id === 'amira.hassan')!.token;
    const submitted = await fetch(`${system.apiUrl}/bids`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${amira}` },
      body: JSON.stringify(validBid({ reference })),
    });
    expect(submitted.status).toBe(201);
    expect(await jsonOf(submitted)).toMatchObject({ reference, state: 'HUB_REVIEW' });
    await system.stop();
    system = undefined;

    system = await startSystem(loadConfig({ ...env, PORT: '0' }), options, logger);
    const again = await fetch(`${system.apiUrl}/bids/${reference}`, { headers: { authorization: `Bearer ${amira}` } });
    expect(again.status).toBe(200);
    expect((await jsonOf(again)).bid).toMatchObject({ reference, state: 'HUB_REVIEW', title: validBid().title });
    const status = await system.temporal.client.workflow.getHandle(bidWorkflowId(reference)).query(statusQuery);
    expect(status.state).toBe('HUB_REVIEW');
    const health = await jsonOf(await fetch(`${system.apiUrl}/health`));
    expect(health.ok).toBe(true);
  }, 120_000);
});
