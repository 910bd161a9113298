// Structured logs: one JSON object a line on stderr (pino), at LOG_LEVEL; human-readable lines
// only when LOG_FORMAT=pretty. The Temporal SDK's own logs (worker, activities with their
// workflow id, the native core) are routed here too, through temporalLogger().
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import type { LogLevel as TemporalLogLevel, Logger as TemporalLogger, LogMetadata } from '@temporalio/worker';

import type { LOG_FORMATS, LOG_LEVELS } from '../config.js';

export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = (typeof LOG_FORMATS)[number];

type Fields = Record<string, unknown>;

/** Methods are bound: they may be passed on as plain callbacks (`log: logger.warn`). */
export interface Logger {
  debug: (message: string, fields?: Fields) => void;
  info: (message: string, fields?: Fields) => void;
  warn: (message: string, fields?: Fields) => void;
  error: (message: string, fields?: Fields) => void;
  /** A logger whose every line carries these fields (a request id, a workflow id). */
  child: (fields: Fields) => Logger;
  readonly pino: Pino;
}

export interface LogOptions {
  LOG_LEVEL?: LogLevel;
  LOG_FORMAT?: LogFormat;
}

function wrap(p: Pino): Logger {
  const at = (level: LogLevel) => (message: string, fields?: Fields) => (fields ? p[level](fields, message) : p[level](message));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => wrap(p.child(fields)), pino: p };
}

function prettyStream(): DestinationStream {
  // pino-pretty is CommonJS; loaded only when asked for.
  const pretty = createRequire(import.meta.url)('pino-pretty') as (options: object) => DestinationStream;
  return pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

/** `createLogger('warn', 'test')` or `createLogger(config, 'api')`. */
export function createLogger(options: LogLevel | LogOptions = 'info', name = 'app', destination?: DestinationStream): Logger {
  const { LOG_LEVEL = 'info', LOG_FORMAT = 'json' } = typeof options === 'string' ? { LOG_LEVEL: options } : options;
  const stream = destination ?? (LOG_FORMAT === 'pretty' ? prettyStream() : pino.destination({ dest: 2, sync: true }));
  return wrap(pino({ name, level: LOG_LEVEL, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, stream));
}

const TEMPORAL_TO_PINO: Record<TemporalLogLevel, 'trace' | LogLevel> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
const PINO_TO_TEMPORAL: Record<LogLevel, TemporalLogLevel> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/** The level the Temporal SDK is given: its INFO lines (a webpack report) are noise outside debugging. */
export const temporalLevel = (level: LogLevel): TemporalLogLevel => (level === 'debug' ? 'DEBUG' : PINO_TO_TEMPORAL[level === 'info' ? 'warn' : level]);

/** A Temporal SDK logger writing to ours: its metadata (workflowId, activityType...) become fields. */
export function temporalLogger(logger: Logger, level: TemporalLogLevel): TemporalLogger {
  const order: TemporalLogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
  const min = order.indexOf(level);
  const sdk = logger.pino.child({ component: 'temporal' });
  const log = (at: TemporalLogLevel, message: string, meta?: LogMetadata) => {
    if (order.indexOf(at) < min) return;
    const fields: Fields = {};
    // Symbol keys (the SDK's timestamp) are not fields.
    if (meta) for (const key of Object.keys(meta)) fields[key] = meta[key] as unknown;
    sdk[TEMPORAL_TO_PINO[at]](fields, message);
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}
