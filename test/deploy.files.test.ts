// The image and the compose stack cannot be built or run here (no Docker engine), so what can be
// read is checked: every setting compose gives the app is one src/config.ts knows and parses, every
// secret it needs comes from .env.example, and the image carries every file the runtime reads.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema, loadConfig } from '../src/config.js';

type Service = { environment?: Record<string, string | number | boolean>; command?: string[]; healthcheck?: { test: string[] }; ports?: string[]; profiles?: string[]; image?: string; restart?: string };
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as { services: Record<string, Service> };
const dockerfile = readFileSync('Dockerfile', 'utf8');
const envExample = new Map(
  readFileSync('.env.example', 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/^"(.*)"$/, '$1')] as const),
);
const configKeys = new Set(Object.keys(envSchema.shape));
const APP_SERVICES = ['api', 'worker'] as const;

/** Compose's interpolation of ${X}, ${X:-default} and ${X:?error} from an env file's values. */
function interpolate(value: string, env: Map<string, string>): string {
  return value.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::([-?])([^}]*))?\}/g, (_match, name: string, op?: string, arg?: string) => {
    const given = env.get(name) ?? '';
    if (op === '?' && given === '') throw new Error(`${name} is required: ${arg}`);
    if (op === '-' && given === '') return arg ?? '';
    return given;
  });
}

function variablesIn(text: string): Set<string> {
  return new Set([...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
}

/** .env.example as an operator fills it in: every empty value given a long random-looking one. */
const filled = new Map([...envExample].map(([k, v]) => [k, v === '' ? `${k.toLowerCase().replace(/_/g, '')}${'0123456789abcdef'.repeat(3)}` : v]));
// Only the variables compose marks as required are filled; the optional ones stay as shipped.
const composeText = readFileSync('docker-compose.yml', 'utf8');
const required = new Set([...composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*):\?/g)].map((m) => m[1]!));
const asShipped = new Map([...envExample].map(([k, v]) => [k, required.has(k) ? filled.get(k)! : v]));

function appEnv(service: (typeof APP_SERVICES)[number], env = asShipped): Record<string, string> {
  const raw = compose.services[service]!.environment!;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, interpolate(String(v), env)]));
}

describe('docker-compose.yml and the app', () => {
  it.each(APP_SERVICES)('%s: every environment variable is a setting src/config.ts knows', (service) => {
    const unknown = Object.keys(compose.services[service]!.environment!).filter((k) => !configKeys.has(k));
    expect(unknown).toEqual([]);
  });

  it.each(APP_SERVICES)('%s: the production settings are given, and .env.example filled in parses', (service) => {
    const env = appEnv(service);
    for (const key of ['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'TEMPORAL_ADDRESS', 'TRAIL_SEAL_KEY', 'SESSION_SECRET', 'METRICS_TOKEN']) {
      expect(env[key], key).toBeTruthy();
    }
    const config = loadConfig(env);
    expect(config.NODE_ENV).toBe('production');
    expect(config.TRAIL_SEAL_KEY!.length).toBeGreaterThanOrEqual(32);
    // The service connects as the least-privilege role; the owner only migrates.
    expect(new URL(config.DATABASE_URL!).username).toBe('clinical_app');
    expect(new URL(config.MIGRATION_DATABASE_URL!).username).toBe('clinical');
    expect(config.EMAIL_TRANSPORT).toBe('none');
    expect(config.SMTP_PORT).toBe(587);
  });

  it('a default compose gives in place of an empty value is the one src/config.ts has', () => {
    const env = appEnv('api');
    // Chosen on purpose rather than src/config.ts's defaults (an explicit choice for a cluster).
    const chosen = new Set(['EMAIL_TRANSPORT', 'LOG_LEVEL', 'PUBLIC_URL', 'SEED_DEMO']);
    const withDefault = Object.entries(compose.services.api!.environment!).filter(([key, value]) => /^\$\{[A-Z_0-9]+:-[^}]+\}$/.test(String(value)) && !chosen.has(key));
    expect(withDefault.length).toBeGreaterThan(2);
    for (const [key, value] of withDefault) {
      const fallback = String(value).replace(/^\$\{[A-Z_0-9]+:-([^}]+)\}$/, '$1');
      const without = Object.fromEntries(Object.entries(env).filter(([k]) => k !== key));
      const k = key as keyof ReturnType<typeof loadConfig>;
      expect(loadConfig({ ...without, [key]: fallback })[k], key).toEqual(loadConfig(without)[k]);
    }
  });

  it('refuses to start without each secret, and every variable it reads is in .env.example', () => {
    for (const name of ['POSTGRES_PASSWORD', 'APP_DB_PASSWORD', 'APP_SERVICE_DB_PASSWORD', 'SESSION_SECRET', 'METRICS_TOKEN', 'TRAIL_SEAL_KEY']) {
      expect(required.has(name), name).toBe(true);
    }
    const missing = [...variablesIn(composeText)].filter((name) => !envExample.has(name));
    expect(missing).toEqual([]);
    const unused = [...envExample.keys()].filter((name) => !variablesIn(composeText).has(name));
    expect(unused).toEqual([]);
  });

  it('publishes only the API by default, on loopback; the UI only with its profile', () => {
    const published = Object.entries(compose.services).filter(([, s]) => s.ports?.length && !s.profiles?.length);
    expect(published.map(([name]) => name)).toEqual(['api']);
    expect(interpolate(compose.services.api!.ports![0]!, asShipped)).toMatch(/^127\.0\.0\.1:/);
    expect(compose.services['temporal-ui']!.ports).toEqual(['127.0.0.1:8080:8080']);
  });

  it('pins every image and restarts every service', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.image, name).toMatch(/:[0-9][^:]*$|^clinical-prioritisation:local$/);
      expect(service.restart, name).toMatch(/^(unless-stopped|on-failure:\d+)$/);
    }
  });

  it('health checks test what the next service needs', () => {
    const pg = compose.services.postgresql!.healthcheck!.test.join(' ');
    // A query over TCP on the app's database, not pg_isready (which does not check the database).
    expect(pg).toMatch(/psql -h 127\.0\.0\.1 .*-d clinical_prioritisation/);
    expect(compose.services.temporal!.healthcheck!.test.join(' ')).toContain('temporal operator cluster health');
    for (const service of APP_SERVICES) expect(compose.services[service]!.healthcheck!.test.join(' '), service).toContain('/health/ready');
  });

  it('the init script makes the roles compose connects as', () => {
    const init = readFileSync('deploy/postgres-init/10-clinical-prioritisation.sh', 'utf8');
    expect(init).toContain('CREATE ROLE clinical LOGIN');
    expect(init).toContain('CREATE ROLE cp_service NOLOGIN');
    expect(init).toMatch(/CREATE ROLE clinical_app LOGIN .* IN ROLE cp_service/);
  });
});

describe('Dockerfile', () => {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('runs node itself under tini, as a non-root user, in production', () => {
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(runtime).toMatch(/^CMD \["node", /m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/NODE_ENV=production/);
    expect(runtime).toMatch(/^VOLUME \["\/app\/\.data"\]$/m);
    for (const service of APP_SERVICES) expect(compose.services[service]!.command![0], service).toBe('node');
  });

  it('every dist/ file the image, compose and the README run is compiled from a source the build includes', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### The image'), readme.indexOf('## Layout'));
    const runs = new Set([...`${dockerfile}\n${composeText}\n${section}`.matchAll(/dist\/([\w/.-]+)\.js/g)].map((m) => m[1]!));
    expect(runs.size).toBeGreaterThan(3);
    const include = (JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as { include: string[] }).include;
    const bundles = new Set(['workflow-bundle', 'workflow-bundle-traced']);
    for (const file of runs) {
      if (bundles.has(file)) continue;
      expect(statSync(`${file}.ts`).isFile(), `${file}.ts`).toBe(true);
      expect(include.some((root) => file === root.replace(/\.ts$/, '') || file.startsWith(`${root}/`)), file).toBe(true);
    }
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(runtime).toMatch(/^COPY --from=build \/app\/node_modules \.\/node_modules$/m);
  });

  it('the build copies every file beside the code that the runtime reads', () => {
    const build = readFileSync('scripts/build.ts', 'utf8');
    const copied = [...(build.match(/for \(const folder of \[([^\]]+)\]/)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    function files(dir: string): string[] {
      return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
    }
    const notCode = files('src').filter((f) => !/\.tsx?$/.test(f) && !f.endsWith('README.md'));
    const uncovered = notCode.filter(
      (f) =>
        !copied.some((folder) => f.startsWith(`${folder}/`)) &&
        // JSON modules are emitted by tsc; the Sass is compiled to dist/src/web/styles/app.css.
        !(f.endsWith('.json') && f.startsWith('src/api/examples/')) &&
        f !== 'src/web/styles/app.scss',
    );
    expect(uncovered).toEqual([]);
    expect(build).toContain("'workflow-bundle.js'");
    expect(build).toContain("'workflow-bundle-traced.js'");
    expect(build).toContain("'src/web/styles/app.css'");
  });
});
