// Reaches Temporal: the cluster at TEMPORAL_ADDRESS, or else a local dev server this process
// starts (the `temporal` CLI from TEMPORAL_CLI_PATH, PATH or the project's cache, else the SDK's
// own download), keeping its state in the data folder so bids survive a restart.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import protos from '@temporalio/proto';
import type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server.js';
import { ConfigError, type Config } from '../config.js';
import { portFree } from './retry.js';
import { ALL_SEARCH_ATTRIBUTES } from '../shared.js';
import { cachedToolPath, findGoTool, projectCacheDir, type GoTool } from './go-tools.js';
import type { Tracing } from './tracing.js';

export { projectCacheDir };

/** The CLI version scripts/install-temporal-cli.sh builds. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export interface TemporalRuntime {
  client: Client;
  /** For workers. */
  nativeConnection: NativeConnection;
  address: string;
  namespace: string;
  uiUrl?: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** The CLI as scripts/install-temporal-cli.sh builds and caches it. */
export const TEMPORAL_CLI: GoTool = {
  name: 'temporal-cli',
  version: TEMPORAL_CLI_VERSION,
  binary: 'temporal',
  envVar: 'TEMPORAL_CLI_PATH',
  installScript: 'scripts/install-temporal-cli.sh',
  npmScript: 'temporal:install',
};

export function cachedCliPath(): string {
  return cachedToolPath(TEMPORAL_CLI);
}

/** The `temporal` binary to run, or undefined to let the SDK download its own. */
export async function findTemporalCli(cliPath: string | undefined = process.env.TEMPORAL_CLI_PATH): Promise<string | undefined> {
  return findGoTool(TEMPORAL_CLI, cliPath);
}

export async function devServerExecutable(cliPath?: string): Promise<{ executable: EphemeralServerExecutable; description: string }> {
  const found = await findTemporalCli(cliPath);
  if (found) return { executable: { type: 'existing-path', path: found }, description: found };
  const downloadDir = path.join(projectCacheDir(), 'temporal-sdk-download');
  await mkdir(downloadDir, { recursive: true });
  return {
    executable: { type: 'cached-download', downloadDir, ttl: '30 days' },
    description: `the Temporal SDK's download (cached in ${downloadDir})`,
  };
}

/** Starts a local dev server whose state lives in `dataDir`. */
export async function startDevServer(config: Config, log: (line: string) => void = () => {}, tracing?: Tracing): Promise<TemporalRuntime> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const { executable, description } = await devServerExecutable(config.TEMPORAL_CLI_PATH);
  await mkdir(config.DATA_DIR, { recursive: true });
  const dbFilename = path.resolve(config.DATA_DIR, 'temporal.sqlite');
  // Another server on the port would be used instead, silently: refuse to start.
  for (const [name, port] of [['TEMPORAL_DEV_PORT', config.TEMPORAL_DEV_PORT], ['TEMPORAL_DEV_UI_PORT', config.TEMPORAL_DEV_UI_PORT]] as const) {
    if (!(await portFree(port))) {
      throw new ConfigError([
        `${name}: port ${port} is in use by another program, so the embedded Temporal dev server cannot start there. Stop that program, set ${name} to a free port, or set TEMPORAL_ADDRESS to use a Temporal server you run`,
      ]);
    }
  }
  log(`Starting the Temporal dev server from ${description}, state in ${dbFilename}`);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable,
      dbFilename,
      ip: '127.0.0.1',
      port: config.TEMPORAL_DEV_PORT,
      ui: true,
      uiPort: config.TEMPORAL_DEV_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
  return {
    client: tracing ? new Client({ connection: env.connection, namespace: config.TEMPORAL_NAMESPACE, interceptors: tracing.clientInterceptors }) : env.client,
    nativeConnection: env.nativeConnection,
    address: env.address,
    namespace: config.TEMPORAL_NAMESPACE,
    uiUrl: `http://127.0.0.1:${config.TEMPORAL_DEV_UI_PORT}`,
    embedded: true,
    close: () => env.teardown(),
  };
}

/** Connects to an existing cluster (TEMPORAL_ADDRESS, or a dev server already on TEMPORAL_DEV_PORT). */
export async function connectTemporal(config: Config, address = config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_DEV_PORT}`, tracing?: Tracing): Promise<TemporalRuntime> {
  const tls = config.TEMPORAL_TLS || config.TEMPORAL_API_KEY ? {} : undefined;
  const apiKey = config.TEMPORAL_API_KEY;
  const connection = await Connection.connect({ address, tls, apiKey });
  const nativeConnection = await NativeConnection.connect({ address, tls, apiKey });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, ...(tracing ? { interceptors: tracing.clientInterceptors } : {}) });
  return {
    client,
    nativeConnection,
    address,
    namespace: config.TEMPORAL_NAMESPACE,
    uiUrl: config.TEMPORAL_UI_URL,
    embedded: false,
    close: async () => {
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** The embedded default: a cluster when TEMPORAL_ADDRESS is set, else a local dev server. */
export async function openTemporal(config: Config, log?: (line: string) => void, tracing?: Tracing): Promise<TemporalRuntime> {
  return config.TEMPORAL_ADDRESS ? connectTemporal(config, undefined, tracing) : startDevServer(config, log, tracing);
}

/**
 * Registers the search attributes on a cluster that lacks them. Temporal Cloud does not allow
 * this through the operator API; there, create them once with tcld or the Cloud UI.
 */
export async function ensureSearchAttributes(runtime: TemporalRuntime, log: (line: string) => void = () => {}): Promise<void> {
  const operator = runtime.client.connection.operatorService;
  const existing = await operator.listSearchAttributes({ namespace: runtime.namespace });
  const known = { ...existing.customAttributes, ...existing.systemAttributes };
  const { IndexedValueType } = protos.temporal.api.enums.v1;
  const wanted: Record<string, protos.temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of ALL_SEARCH_ATTRIBUTES) {
    if (!(key.name in known)) wanted[key.name] = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  }
  if (Object.keys(wanted).length === 0) return;
  try {
    await operator.addSearchAttributes({ namespace: runtime.namespace, searchAttributes: wanted });
    // The namespace cache refreshes in the background; wait until the cluster lists them.
    for (let attempt = 0; attempt < 60; attempt += 1) {
      const listed = await operator.listSearchAttributes({ namespace: runtime.namespace });
      if (Object.keys(wanted).every((name) => name in listed.customAttributes)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    log(`Registered search attributes ${Object.keys(wanted).join(', ')} in namespace ${runtime.namespace}`);
  } catch (error) {
    throw new Error(
      `Could not register the search attributes ${Object.keys(wanted).join(', ')} (Keyword) in namespace ${runtime.namespace}: ` +
        `${(error as Error).message}. Create them once, e.g. temporal operator search-attribute create --name BidState --type Keyword`,
    );
  }
}
