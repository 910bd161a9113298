// The shared start of every command: parse the configuration, start the parts, report, and
// stop once on SIGINT or SIGTERM (even one that arrives during start-up). A configuration error
// prints what is wrong and exits with status 78.
import { ConfigError, elapsedMs, loadConfig, type Config } from '../config.js';
import { createLogger } from './log.js';
import { handleShutdownSignals } from './shutdown.js';
import { startSystem, type RunningSystem, type SystemOptions } from './system.js';
import { tracingFromConfig } from './tracing.js';

export async function run(name: string, options: SystemOptions, describe: (system: RunningSystem, config: Config) => string[]): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config, name);
  let started: Promise<RunningSystem | undefined> = Promise.resolve(undefined);
  // Listening before start-up: a signal then waits for the parts that did start, and stops them.
  handleShutdownSignals({
    stop: async () => (await started)?.stop(),
    logger,
    graceMs: elapsedMs(config.SHUTDOWN_GRACE),
  });
  // Traces only where OTEL_EXPORTER_OTLP_ENDPOINT is set; startSystem stops them last.
  started = tracingFromConfig(config, name)
    .then((tracing) => {
      if (tracing) logger.info(`Tracing to ${config.OTEL_EXPORTER_OTLP_ENDPOINT} as ${tracing.serviceName}`);
      return startSystem(config, { ...options, tracing }, logger);
    })
    .then(
    (system) => system,
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
        process.exit(78);
      }
      logger.error(`Start-up failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
  const system = await started;
  if (system) process.stdout.write(`\n${describe(system, config).join('\n')}\n\nPress Ctrl-C to stop.\n`);
}
