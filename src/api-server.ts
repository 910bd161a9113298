// `npm run api`: the HTTP API alone, for production beside separate workers.
import { run } from './runtime/entry.js';

await run('api', { worker: false, api: true, embedded: false }, (system) => [
  `API listening on ${system.apiUrl} (docs at ${system.apiUrl}/docs, web pages at ${system.apiUrl}/app)`,
  `Temporal: ${system.temporal.address}; database: ${system.database.kind} at ${system.database.location}`,
]);
