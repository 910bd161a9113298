// `npm run trail:seal-existing`: once, after upgrading an installation whose trail was written
// before the seals (migration 0013), seals the head of every stream that has none, if its chain
// holds from its first event, and moves the checkpoint on by them. Against DATABASE_URL (or the
// embedded database), with TRAIL_SEAL_KEY. Exit code 0 when every unsealed stream was adopted, 1
// when a chain was broken (that stream stays unsealed), 2 when it could not run.
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { resolveTrailSealKey } from '../src/runtime/secrets.js';
import { adoptUnsealedStreams, formatAdoption } from '../src/services/trail-adopt.js';

const config = loadConfig();
let key: string;
try {
  key = await resolveTrailSealKey(config, false);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\nStreams can only be sealed with the trail's key.\n`);
  process.exit(2);
}
const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  const report = await adoptUnsealedStreams(database.db, key);
  process.stdout.write(formatAdoption(report));
  process.exitCode = report.refused.length ? 1 : 0;
} catch (error) {
  process.stderr.write(`trail:seal-existing could not run: ${(error as Error).message}\n`);
  process.exitCode = 2;
} finally {
  await database.close();
}
