// `npm run worker`: a Temporal worker alone, for production; run as many as the load needs.
import { run } from './src/runtime/entry.js';

await run('worker', { worker: true, api: false, embedded: false }, (system, config) => [
  `Worker polling task queue ${config.TEMPORAL_TASK_QUEUE} on ${system.temporal.address}, namespace ${system.temporal.namespace}`,
  `Database: ${system.database.kind} at ${system.database.location}`,
]);
