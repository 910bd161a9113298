// The whole environment, parsed once by one zod schema: a bad value stops start-up with a
// message that names the variable and what is wrong with it.
import { z } from 'zod';
import { durationSpec, type DurationSpec } from './domain/durations.js';
import { ROLES } from './domain/vocabulary.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const deadline = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx): DurationSpec => {
      const parsed = durationSpec.safeParse(v);
      if (!parsed.success) {
        ctx.addIssue({
          code: 'custom',
          message: `"${v}" is not a duration: use a whole number followed by ms, s, m, h, d (calendar days) or wd (working days in England), e.g. 10wd`,
        });
        return z.NEVER;
      }
      return parsed.data;
    });

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** json (one object a line, for a log collector) or pretty (for a person at a terminal). */
  LOG_FORMAT: z.enum(LOG_FORMATS).default('json'),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** A worker's operations port (GET /health/live, /health/ready, /metrics); off unless set. */
  OPS_PORT: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), port.optional()),
  OPS_HOST: z.string().min(1).default('127.0.0.1'),
  /** host:port where the Temporal SDK's own Prometheus exporter listens (activity and workflow task latency); off unless set. */
  TEMPORAL_METRICS_ADDRESS: optionalString.pipe(
    z
      .string()
      .regex(/^[^\s/]+:\d+$/, 'must be host:port, e.g. 0.0.0.0:9464')
      .optional(),
  ),
  /** Base URL of an OTLP/HTTP receiver (a collector) for traces, e.g. http://otel-collector:4318; no tracing unless set. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(z.url().optional()),
  /** The traces' service.name (default clinical-prioritisation-api, -worker, or clinical-prioritisation for npm start). */
  OTEL_SERVICE_NAME: optionalString,

  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  /** The address users reach the API and web pages on; used in printed links. */
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Largest request body accepted, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_000_000),

  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection URL')
      .optional(),
  ),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * The database owner, for migrations only; the service itself then connects through
   * DATABASE_URL as a member of cp_service, which may only read and append to the trail.
   * Unset: migrations run through DATABASE_URL.
   */
  MIGRATION_DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection URL')
      .optional(),
  ),
  /** Seals the decision trail's heads and checkpoint (HMAC-SHA-256); kept outside the database. Embedded starts make one in DATA_DIR. */
  TRAIL_SEAL_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),

  TEMPORAL_ADDRESS: optionalString.pipe(
    z
      .string()
      .regex(/^[^\s:/]+:\d+$/, 'must be host:port, e.g. temporal.example.org:7233')
      .optional(),
  ),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('clinical-prioritisation'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_UI_URL: optionalString.pipe(z.url().optional()),
  /** The `temporal` CLI binary used for the embedded dev server; else PATH, else the SDK's download. */
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_DEV_UI_PORT: port.default(8233),

  /** Prefix of bid references the service allocates, e.g. NW for NW-2026-0042. */
  REFERENCE_PREFIX: z
    .string()
    .regex(/^[A-Z]{2,5}$/, 'must be 2 to 5 capital letters')
    .default('NW'),
  /** Signs the web pages' session cookies. Embedded starts make one and keep it in DATA_DIR. */
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  /** Behind a proxy that sets X-Forwarded-For: count sign-in attempts by the address it names. */
  TRUST_PROXY: bool.default(false),
  /** Failed sign-ins a client may make in SIGN_IN_WINDOW before it must wait. */
  SIGN_IN_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  SIGN_IN_WINDOW: deadline('15m').refine((d) => d.kind === 'elapsed', 'must be an elapsed time such as 15m'),
  /** How long a web session lasts. */
  SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(10),
  /** Seed demo organisations and users on an empty database (default: only when embedded). */
  SEED_DEMO: bool.optional(),

  // E-mail. none: notices are only stored (and shown in the service); smtp: sent through an SMTP
  // relay with nodemailer; govuk-notify: sent through GOV.UK Notify. npm start uses its own Mailpit.
  EMAIL_TRANSPORT: z.enum(['none', 'smtp', 'govuk-notify']).optional(),
  /** The From address of e-mails sent by SMTP (GOV.UK Notify sends from the service's own address). */
  EMAIL_FROM: z.string().min(3).default('Clinical prioritisation <clinical-prioritisation@nw-icb.example>'),
  /** Attempts at one e-mail to one person before it is recorded as failed. */
  EMAIL_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  SMTP_HOST: optionalString,
  SMTP_PORT: port.default(587),
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  SMTP_SECURE: bool.default(false),
  SMTP_USER: optionalString,
  SMTP_PASSWORD: optionalString,
  /** GOV.UK Notify's API key, and the e-mail template whose subject is ((subject)) and body ((body)). */
  GOVUK_NOTIFY_API_KEY: optionalString,
  GOVUK_NOTIFY_TEMPLATE_ID: optionalString.pipe(z.uuid('must be the template\'s id, a UUID').optional()),
  /** Another GOV.UK Notify base URL (its own test double, or a proxy); the client's default otherwise. */
  GOVUK_NOTIFY_BASE_URL: optionalString.pipe(z.url().optional()),

  // Single sign-on with OpenID Connect (Microsoft Entra ID for NHSmail, or any OIDC provider).
  // People are matched to their user by e-mail the first time and by subject after; roles stay
  // this service's. npm start runs a Dex of its own when OIDC_ISSUER is not set.
  OIDC_ISSUER: optionalString.pipe(z.url().optional()),
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  /** Where the provider sends people back; default PUBLIC_URL (or HOST:PORT) + /app/sign-in/oidc/callback. */
  OIDC_REDIRECT_URL: optionalString.pipe(z.url().optional()),
  OIDC_SCOPES: z.string().min(6).default('openid email profile'),
  /** The button's words on the sign-in page. */
  OIDC_BUTTON_TEXT: z.string().min(1).default('Sign in with your NHS account'),

  // Deadlines of the lifecycle. Working days (wd) skip weekends and bank holidays in England.
  DEADLINE_HUB_REVIEW: deadline('10wd'),
  DEADLINE_RETURNED_LAPSE: deadline('28d'),
  DEADLINE_REVISION: deadline('28d'),
  DEADLINE_CHAIRS_ACTION: deadline('5wd'),
  DEADLINE_AGENDA_CLOSE: deadline('5wd'),
  /** How long after the decision letter a programme team may ask the Assembly to reconsider a decision not to support its bid. */
  DEADLINE_RECONSIDERATION: deadline('30wd'),
  /** How long before a condition of funding falls due the programme team and the hub are reminded (they are told again on the day). */
  DEADLINE_CONDITION_REMINDER: deadline('5wd'),
  /** How long after a condition's due day, still neither met nor waived, the Assembly chair is told (and the hub and the programme team again). */
  DEADLINE_CONDITION_ESCALATION: deadline('10wd'),
  /** How long one activity attempt may run before Temporal retries it (on another worker). */
  ACTIVITY_TIMEOUT: deadline('1m').refine((d) => d.kind === 'elapsed', 'must be an elapsed time such as 30s or 1m, not working days'),
  /** A workflow continues as new once its history has this many events (or Temporal suggests it sooner). */
  WORKFLOW_HISTORY_LIMIT: z.coerce.number().int().min(100).max(50_000).default(8_000),
  /** A workflow bundle built beforehand (npm run build); without it the worker bundles the workflows as it starts. */
  WORKFLOW_BUNDLE_PATH: optionalString,
  /** Workflows a worker keeps in memory between tasks; others are replayed when they wake. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(40).max(100_000).default(100),
  /** Activities a worker runs at once; its database pool is sized to match. */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(1_000).default(20),
  /** How long start-up waits for PostgreSQL and Temporal (trying again with backoff) before it gives up. */
  STARTUP_TIMEOUT: deadline('2m').refine((d) => d.kind === 'elapsed', 'must be an elapsed time such as 2m'),
  /** How long an action waits for its workflow's answer before saying it may not have been applied yet (503). */
  ACTION_TIMEOUT: deadline('10s').refine((d) => d.kind === 'elapsed', 'must be an elapsed time such as 10s'),
  /** How long a submission waits for intake's checks before answering that they are still running (202). */
  INTAKE_WAIT: deadline('15s').refine((d) => d.kind === 'elapsed', 'must be an elapsed time such as 15s'),
  /** How long to wait for a connection to PostgreSQL or an answer from Temporal before answering 503. */
  DEPENDENCY_TIMEOUT: deadline('5s').refine((d) => d.kind === 'elapsed', 'must be an elapsed time such as 5s'),
  /** After the first SIGINT or SIGTERM, further ones are ignored this long; after it, one forces the exit. */
  SHUTDOWN_GRACE: deadline('10s').refine((d) => d.kind === 'elapsed', 'must be an elapsed time such as 10s'),
  /** Fraction of a deadline after which a reminder goes out. */
  REMINDER_FRACTION: z.coerce.number().gt(0).lt(1).default(0.8),
  /** Who may move a bid across a round's line with a recorded reason: roles, comma separated. */
  OVERRIDE_ROLES: z
    .string()
    .default('finance')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(ROLES)).min(1, 'must name at least one role')),
  /** Four eyes on allocations: whoever ran the standing allocation version may not confirm it; another finance person must. */
  ALLOCATION_SECOND_CONFIRMER: bool.default(false),
  /** A bank holiday England's calendar does not know yet, as YYYY-MM-DD, comma separated. */
  EXTRA_BANK_HOLIDAYS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.iso.date())),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const problems = emailProblems(parsed.data);
  if (problems.length) throw new ConfigError(problems);
  return parsed.data;
}

/** What the chosen e-mail transport needs and is missing. */
function emailProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.EMAIL_TRANSPORT === 'smtp' && !config.SMTP_HOST) problems.push('SMTP_HOST: required when EMAIL_TRANSPORT is smtp, e.g. smtp.office365.com');
  if (config.EMAIL_TRANSPORT === 'smtp' && config.SMTP_USER && !config.SMTP_PASSWORD) problems.push('SMTP_PASSWORD: required with SMTP_USER');
  if (config.EMAIL_TRANSPORT === 'govuk-notify') {
    if (!config.GOVUK_NOTIFY_API_KEY) problems.push('GOVUK_NOTIFY_API_KEY: required when EMAIL_TRANSPORT is govuk-notify');
    if (!config.GOVUK_NOTIFY_TEMPLATE_ID) problems.push('GOVUK_NOTIFY_TEMPLATE_ID: required when EMAIL_TRANSPORT is govuk-notify (a template with ((subject)) and ((body)))');
  }
  if (config.OIDC_ISSUER && !config.OIDC_CLIENT_ID) problems.push('OIDC_CLIENT_ID: required with OIDC_ISSUER (the application (client) id the provider gave)');
  if (config.OIDC_ISSUER && !config.OIDC_CLIENT_SECRET) problems.push('OIDC_CLIENT_SECRET: required with OIDC_ISSUER');
  return problems;
}

/** The embedded (no DATABASE_URL) start seeds demo users unless told otherwise. */
export function shouldSeedDemo(config: Config): boolean {
  return config.SEED_DEMO ?? config.DATABASE_URL === undefined;
}

/** An elapsed-time setting in milliseconds (the schema refuses working days for these). */
export const elapsedMs = (spec: DurationSpec): number => (spec.kind === 'elapsed' ? spec.ms : spec.days * 86_400_000);
