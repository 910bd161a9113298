// Stops the process once, cleanly, however many signals arrive. A stop signal often comes twice
// at once: from the kernel to the whole process group (a terminal's Ctrl-C, `kill -- -pgid`)
// and again relayed by a parent (npm, tsx, a shell). The first starts one drain; any later one
// within the grace period is only noted. Once the grace period has passed, a further signal is
// taken as the operator insisting, and the process exits at once without waiting (status 130).
import type { Logger } from './log.js';

export interface ShutdownOptions {
  /** Stops every part (drains the worker); called at most once. */
  stop: () => Promise<void>;
  logger: Logger;
  /** How long after the first signal further signals are ignored (SHUTDOWN_GRACE). */
  graceMs: number;
  signals?: readonly NodeJS.Signals[];
  /** The process, or a stand-in for a test. */
  target?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  exit?: (code: number) => void;
}

export interface ShutdownHandle {
  /** Whether a stop has begun. */
  readonly stopping: boolean;
  /** Removes the listeners (tests). */
  dispose(): void;
}

export const FORCED_EXIT_CODE = 130;

export function handleShutdownSignals(options: ShutdownOptions): ShutdownHandle {
  const { logger, graceMs } = options;
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const target = options.target ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  let forceable = false;
  let timer: NodeJS.Timeout | undefined;

  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) {
      stopping = true;
      logger.info(`${signal} received: draining the worker and shutting down (another signal after ${graceMs / 1000} s forces the exit)`);
      timer = setTimeout(() => {
        forceable = true;
        logger.warn(`Still shutting down after ${graceMs / 1000} s: another SIGINT or SIGTERM now forces the exit`);
      }, graceMs);
      timer.unref();
      options.stop().then(
        () => {
          clearTimeout(timer);
          logger.info('Shut down cleanly');
          exit(0);
        },
        (error: Error) => {
          clearTimeout(timer);
          logger.error(`Shutdown failed: ${error.message}`);
          exit(1);
        },
      );
      return;
    }
    if (forceable) {
      logger.warn(`${signal} again after the grace period: exiting without waiting for the drain`);
      exit(FORCED_EXIT_CODE);
      return;
    }
    logger.info(`${signal} again while draining: ignored (within the ${graceMs / 1000} s grace period)`);
  };

  for (const signal of signals) target.on(signal, onSignal);
  return {
    get stopping() {
      return stopping;
    },
    dispose() {
      clearTimeout(timer);
      for (const signal of signals) target.off(signal, onSignal);
    },
  };
}
