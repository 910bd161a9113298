// A small levelled logger to stderr; the level comes from LOG_LEVEL.
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

export interface Logger {
  debug: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

export function createLogger(level: LogLevel = 'info', name = 'app'): Logger {
  const emit = (at: LogLevel) => (message: string) => {
    if (LEVELS[at] >= LEVELS[level]) process.stderr.write(`${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} [${name}] ${message}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
