// A worker in a process of its own, so a test can kill it outright (SIGKILL) mid-flight.
// With HOLD_AFTER_WRITE=1 it commits each trail write and then never reports it complete:
// the moment a crash would duplicate events if writes were not idempotent.
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../src/config.js';
import { openPostgres } from '../../src/db/client.js';
import { createActivities } from '../../src/activities/index.js';
import { createWorker } from '../../src/runtime/worker.js';
import { Client, Connection } from '@temporalio/client';

Runtime.install({ logger: new DefaultLogger('ERROR') });
const config = loadConfig();
const database = await openPostgres(config.DATABASE_URL!, 3);
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS! });
const client = new Client({ connection });
const nativeConnection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS! });
const deps = { db: database.db, config, temporal: { client } };
const real = createActivities(deps);
const hold = process.env.HOLD_AFTER_WRITE === '1';

const worker = await createWorker({
  temporal: { nativeConnection, namespace: 'default' },
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  deps,
  workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! },
  activityOverrides: hold
    ? {
        recordBidEvents: async (input) => {
          const result = await real.recordBidEvents(input);
          process.stdout.write(`WROTE ${input.reference}\n`);
          await new Promise(() => {}); // committed, never reported: killed here
          return result;
        },
      }
    : {},
});
process.stdout.write('READY\n');
await worker.run();
