// Real servers built from Go modules, for the tests and the embedded default: Mailpit (an SMTP
// server with an HTTP API over what it received) and Dex (an OpenID Connect provider). Each
// binary is found like the Temporal CLI (its _PATH variable, PATH, then the project's cache,
// where scripts/install-<tool>.sh builds it), started on free localhost ports and waited for
// until it answers. stop() ends the child and waits for it; children never outlive this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { access, constants, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { ConfigError } from '../config.js';

export function projectCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'clinical-prioritisation');
}

export async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A tool that scripts/install-go-tool.sh builds into `<cache>/<name>-<version>/<binary>`. */
export interface GoTool {
  /** The cache folder's prefix, e.g. `mailpit`. */
  name: string;
  version: string;
  binary: string;
  /** The variable that names the binary, e.g. `MAILPIT_PATH`. */
  envVar: string;
  /** The script that installs it, for messages. */
  installScript: string;
  npmScript?: string;
}

/** The Mailpit version scripts/install-mailpit.sh builds. */
export const MAILPIT: GoTool = {
  name: 'mailpit',
  version: 'v1.33.1',
  binary: 'mailpit',
  envVar: 'MAILPIT_PATH',
  installScript: 'scripts/install-mailpit.sh',
  npmScript: 'mailpit:install',
};

/** The Dex version scripts/install-dex.sh builds. */
export const DEX: GoTool = {
  name: 'dex',
  version: 'v2.45.1',
  binary: 'dex',
  envVar: 'DEX_PATH',
  installScript: 'scripts/install-dex.sh',
  npmScript: 'dex:install',
};

export function cachedToolPath(tool: GoTool): string {
  return path.join(projectCacheDir(), `${tool.name}-${tool.version}`, tool.binary);
}

/** The binary to run: the override (which must be executable), else PATH, else the cache. */
export async function findGoTool(tool: GoTool, override: string | undefined = process.env[tool.envVar]): Promise<string | undefined> {
  if (override) {
    if (await isExecutable(override)) return path.resolve(override);
    throw new ConfigError([`${tool.envVar}: ${override} is not an executable file`]);
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, tool.binary);
    if (await isExecutable(candidate)) return candidate;
  }
  const cached = cachedToolPath(tool);
  return (await isExecutable(cached)) ? cached : undefined;
}

/** Like findGoTool, but a missing binary is an error that says how to install it. */
export async function requireGoTool(tool: GoTool, override?: string): Promise<string> {
  const found = await findGoTool(tool, override);
  if (found) return found;
  const npm = tool.npmScript ? ` (npm run ${tool.npmScript})` : '';
  throw new Error(
    `${tool.binary} ${tool.version} was not found in ${tool.envVar}, on PATH or at ${cachedToolPath(tool)}. ` +
      `Build it once with: bash ${tool.installScript}${npm}`,
  );
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// ---- children that do not outlive this process ----

const live = new Set<ChildProcess>();
/** Temporary folders of running servers, removed by their stop() or when this process ends. */
const tempDirs = new Set<string>();
let exitHooksInstalled = false;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killAll(signal: NodeJS.Signals): void {
  for (const child of live) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function cleanUpNow(): void {
  killAll('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) === 1) {
    // No one else handles it: clean up, then do what the signal would have done unheard.
    cleanUpNow();
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  } else {
    // The program shuts down in its own way; the exit hook finishes what its stop() calls leave.
    killAll('SIGTERM');
  }
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', cleanUpNow);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

async function makeTempDir(prefix: string): Promise<string> {
  installExitHooks();
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

async function removeTempDir(dir: string | undefined): Promise<void> {
  if (!dir) return;
  await rm(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

// On Linux, setpriv asks the kernel to kill the child if this process dies without running its
// exit hooks (SIGKILL, a crash). It execs the tool, so the child's pid is the tool's.
let setprivPath: string | null | undefined;
async function setpriv(): Promise<string | null> {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform === 'linux') {
    for (const candidate of ['/usr/bin/setpriv', '/bin/setpriv']) {
      if (await isExecutable(candidate)) {
        setprivPath = candidate;
        break;
      }
    }
  }
  return setprivPath;
}

export interface RunningChild {
  child: ChildProcess;
  /** The last lines it wrote to stdout and stderr, for error messages. */
  output(): string;
  /** Resolves once it has exited. */
  exited: Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

export async function spawnChild(binary: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunningChild> {
  installExitHooks();
  const wrapper = await setpriv();
  const [command, argv] = wrapper ? [wrapper, ['--pdeathsig', 'KILL', '--', binary, ...args]] : [binary, args];
  const child = spawn(command, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      live.delete(child);
      resolve();
    };
    child.once('exit', done);
    child.once('error', (error) => {
      lines.push(`could not start ${binary}: ${error.message}`);
      done();
    });
  });
  const hasExited = () => child.exitCode !== null || child.signalCode !== null || !live.has(child);
  return {
    child,
    output: () => lines.join('\n'),
    exited,
    async stop(graceMs = 10_000) {
      if (!hasExited()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (!hasExited()) child.kill('SIGKILL');
        }, graceMs);
        await exited;
        clearTimeout(timer);
      }
      await exited;
    },
  };
}

/** Polls `url` until it answers 2xx, the child exits, or `timeoutMs` passes. */
async function waitForHttp(url: string, running: RunningChild, name: string, timeoutMs: number): Promise<void> {
  let gone = false;
  void running.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${name} exited before it answered at ${url}:\n${running.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await running.stop();
  throw new Error(`${name} did not answer at ${url} within ${timeoutMs} ms (${last}):\n${running.output()}`);
}

/** Starts a server on fresh ports, trying again with others if a port was taken meanwhile. */
async function startOnFreePorts<T>(name: string, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= 3 || !/address already in use/i.test((error as Error).message)) throw error;
    }
    process.stderr.write(`[go-tools] ${name}: a port was taken, trying others\n`);
  }
}

// ---- Mailpit ----

export interface MailpitOptions {
  /** Where Mailpit keeps its database (`mailpit.db`); without it, a temporary folder removed by stop(). */
  dataDir?: string;
  binary?: string;
  timeoutMs?: number;
}

export interface MailpitServer {
  smtpHost: string;
  smtpPort: number;
  /** The REST API's root, e.g. http://127.0.0.1:PORT/api/v1 (GET `${apiUrl}/messages`). */
  apiUrl: string;
  /** The web UI. */
  uiUrl: string;
  stop(): Promise<void>;
}

export async function startMailpit(options: MailpitOptions = {}): Promise<MailpitServer> {
  const binary = await requireGoTool(MAILPIT, options.binary);
  const tempDir = options.dataDir ? undefined : await makeTempDir('cp-mailpit-');
  const dataDir = options.dataDir ?? tempDir!;
  await mkdir(dataDir, { recursive: true });
  const cleanup = () => removeTempDir(tempDir);
  try {
    return await startOnFreePorts('Mailpit', async () => {
      const smtpHost = '127.0.0.1';
      const smtpPort = await freePort();
      const httpPort = await freePort();
      const running = await spawnChild(binary, [
        '--smtp', `${smtpHost}:${smtpPort}`,
        '--listen', `127.0.0.1:${httpPort}`,
        '--database', path.join(dataDir, 'mailpit.db'),
        '--disable-version-check',
        // Local only: take any SMTP login, over plain SMTP too, so a transport configured with
        // a user and password works against it as it would against a relay.
        '--smtp-auth-accept-any',
        '--smtp-auth-allow-insecure',
      ]);
      const uiUrl = `http://127.0.0.1:${httpPort}`;
      const apiUrl = `${uiUrl}/api/v1`;
      await waitForHttp(`${apiUrl}/info`, running, 'Mailpit', options.timeoutMs ?? 30_000);
      return {
        smtpHost,
        smtpPort,
        apiUrl,
        uiUrl,
        async stop() {
          await running.stop();
          await cleanup();
        },
      };
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
}

// ---- Dex ----

export interface DexUser {
  email: string;
  username: string;
  /** Dex's `sub` for the user: a stable id. */
  userID: string;
  /** The plain password, hashed here with bcrypt; or give `hash`. */
  password?: string;
  hash?: string;
}

export interface DexClient {
  id: string;
  secret: string;
  redirectURIs: string[];
  name?: string;
}

export interface DexOptions {
  users: DexUser[];
  client: DexClient;
  binary?: string;
  /** bcrypt cost for the users' passwords (Dex takes 10 to 16). */
  bcryptCost?: number;
  timeoutMs?: number;
}

export interface DexServer {
  /** http://127.0.0.1:PORT/dex */
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

/** Dex's configuration for users and a client on `port`; JSON, which is YAML too. */
export async function dexConfig(port: number, options: Pick<DexOptions, 'users' | 'client' | 'bcryptCost'>): Promise<Record<string, unknown>> {
  const cost = options.bcryptCost ?? 10;
  const staticPasswords = await Promise.all(
    options.users.map(async (user) => {
      const hash = user.hash ?? (user.password !== undefined ? await bcrypt.hash(user.password, cost) : undefined);
      if (!hash) throw new Error(`Dex user ${user.email}: give a password or a hash`);
      return { email: user.email, username: user.username, userID: user.userID, hash };
    }),
  );
  return {
    issuer: `http://127.0.0.1:${port}/dex`,
    storage: { type: 'memory' },
    web: { http: `127.0.0.1:${port}` },
    logger: { level: 'warn' },
    oauth2: {
      // The password grant signs a static user in with their e-mail and password, no browser.
      grantTypes: ['authorization_code', 'refresh_token', 'password'],
      passwordConnector: 'local',
      skipApprovalScreen: true,
    },
    enablePasswordDB: true,
    staticPasswords,
    staticClients: [
      { id: options.client.id, secret: options.client.secret, name: options.client.name ?? options.client.id, redirectURIs: options.client.redirectURIs },
    ],
  };
}

export async function startDex(options: DexOptions): Promise<DexServer> {
  const binary = await requireGoTool(DEX, options.binary);
  const dir = await makeTempDir('cp-dex-');
  try {
    return await startOnFreePorts('Dex', async () => {
      const port = await freePort();
      const config = await dexConfig(port, options);
      const configFile = path.join(dir, 'config.yaml');
      await writeFile(configFile, `# Written by src/runtime/go-tools.ts (JSON is YAML)\n${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
      const running = await spawnChild(binary, ['serve', configFile], { cwd: dir });
      const issuer = config.issuer as string;
      await waitForHttp(`${issuer}/.well-known/openid-configuration`, running, 'Dex', options.timeoutMs ?? 30_000);
      return {
        issuer,
        clientId: options.client.id,
        clientSecret: options.client.secret,
        async stop() {
          await running.stop();
          await removeTempDir(dir);
        },
      };
    });
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
}

/** The password of every demo user at the embedded Dex (npm start) and the tests' Dex. */
export const DEMO_SSO_PASSWORD = 'demo-password';

/** The demo people as Dex's static users: their e-mail, their id as username and subject. */
export async function demoDexUsers(password = DEMO_SSO_PASSWORD): Promise<DexUser[]> {
  const { DEMO_USERS, demoEmail } = await import('../db/demo.js');
  // One hash for all: the same password, and start-up stays quick.
  const hash = await bcrypt.hash(password, 10);
  return DEMO_USERS.map((u) => ({ email: demoEmail(u.id), username: u.id, userID: u.id, hash }));
}
