// `npm run worker` as production runs it (the same entry, signal handling and drain), with the
// bid's first trail write held mid-activity so a test can signal the process while it runs.
// HOLD=until-signalled: the activity waits until the process has had two signals, then does the
// real write and completes. HOLD=forever: it never completes (to test the forced exit).
import { loadConfig } from '../../src/config.js';
import { openPostgres } from '../../src/db/client.js';
import { createActivities } from '../../src/activities/index.js';
import { run } from '../../src/runtime/entry.js';
import { Client, Connection } from '@temporalio/client';

const say = (line: string) => process.stdout.write(`${line}\n`);
let signals = 0;
const onSignal = (signal: NodeJS.Signals) => {
  signals += 1;
  say(`SIGNAL ${signals} ${signal}`);
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

const config = loadConfig();
const database = await openPostgres(config.DATABASE_URL!, 2);
const client = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS! }) });
const real = createActivities({ db: database.db, config, temporal: { client } });
const forever = process.env.HOLD === 'forever';

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

await run(
  'signal-test-worker',
  {
    worker: true,
    api: false,
    embedded: false,
    activityOverrides: {
      recordBidEvents: async (input) => {
        say(`STARTED ${input.reference}`);
        if (forever) await new Promise(() => {});
        await until(() => signals >= 2, 60_000);
        const result = await real.recordBidEvents(input);
        say(`COMPLETED ${input.reference}`);
        return result;
      },
    },
  },
  () => ['READY'],
);
