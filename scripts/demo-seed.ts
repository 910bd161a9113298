// `npm run demo:seed [-- --count 12 --url http://127.0.0.1:3000 --timeout 120]`: with `npm start`
// running in another terminal, takes a dozen demo bids through review, scoring, an Assembly
// meeting and a funding round with a cut line, over the service's own API (src/demo/seed.ts).
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { DEMO_BIDS } from '../src/demo/bids.js';
import { SeedError, seedDemoJourney } from '../src/demo/seed.js';
import { demoTokensFile, readDemoTokens } from '../src/services/demo.js';

const usage = `Usage: npm run demo:seed [-- --count N] [--url URL] [--timeout SECONDS]
  --count    how many of the ${DEMO_BIDS.length} demo bids (2 to ${DEMO_BIDS.length}; default ${DEMO_BIDS.length})
  --url      the running service (default PUBLIC_URL, else http://HOST:PORT of the configuration)
  --timeout  the longest any one wait may take, in seconds (default 120)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let values: { count?: string; url?: string; timeout?: string; help?: boolean };
try {
  ({ values } = parseArgs({ options: { count: { type: 'string' }, url: { type: 'string' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const number = (text: string | undefined, name: string, fallback: number) => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive whole number, not ${text}\n${usage}`);
  return n;
};

const config = loadConfig();
const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
const baseUrl = values.url ?? config.PUBLIC_URL ?? `http://${host}:${config.PORT}`;
const tokens = await readDemoTokens(config);
if (tokens.length === 0) fail(`No demo tokens in ${demoTokensFile(config)}: start the service once with npm start on an empty data folder, which creates the demo people and their tokens.`);

try {
  await seedDemoJourney({
    baseUrl,
    tokens: Object.fromEntries(tokens.map((t) => [t.id, t.token])),
    count: number(values.count, 'count', DEMO_BIDS.length),
    timeoutMs: number(values.timeout, 'timeout', 120) * 1000,
    log: (line) => process.stdout.write(`${line}\n`),
  });
} catch (error) {
  if (error instanceof SeedError) fail(`demo:seed stopped: ${error.message}\nRunning it again carries on from where it stopped.`);
  throw error;
}
