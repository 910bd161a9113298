// The shared start of every command: parse the configuration, start the parts, report, and
// stop on Ctrl-C. A configuration error prints what is wrong and exits with status 78.
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createLogger } from './log.js';
import { startSystem, stopOnSignals, type RunningSystem, type SystemOptions } from './system.js';

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
  const logger = createLogger(config.LOG_LEVEL, name);
  try {
    const system = await startSystem(config, options, logger);
    stopOnSignals(system, logger);
    process.stdout.write(`\n${describe(system, config).join('\n')}\n\nPress Ctrl-C to stop.\n`);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    logger.error(`Start-up failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
