// `npm run verify [-- --financial-year 2026/27] [--json]`: re-derives every scored bid's latest
// score from its recorded facts and recorded rule set version, checks it against its record and
// its trail event, and verifies every chain of the decision trail and its seals (TRAIL_SEAL_KEY),
// against DATABASE_URL (or the embedded database). Changes nothing. Exit code 0 when all holds, 1 on any mismatch or broken
// chain, 2 when it could not run.
import '@hono/zod-openapi'; // extends zod before the rule schemas are made
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { financialYearSchema } from '../src/domain/bid.js';
import { resolveTrailSealKey } from '../src/runtime/secrets.js';
import { formatReport, verifyEverything } from '../src/services/verify-report.js';

const { values } = parseArgs({ options: { 'financial-year': { type: 'string' }, json: { type: 'boolean', default: false } } });
const year = values['financial-year'];
if (year !== undefined && !financialYearSchema.safeParse(year).success) {
  process.stderr.write(`--financial-year ${year} is not a financial year such as 2026/27\n`);
  process.exit(2);
}
const config = loadConfig();
let sealKey: string | undefined;
try {
  sealKey = await resolveTrailSealKey(config, false);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\nThe seals cannot be checked without the key; only the chains will be.\n`);
}
const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  const report = await verifyEverything(database.db, { ...(year ? { financialYear: year } : {}), sealKey });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  process.exitCode = report.ok ? 0 : 1;
} catch (error) {
  process.stderr.write(`verify could not run: ${(error as Error).message}\n`);
  process.exitCode = 2;
} finally {
  await database.close();
}
