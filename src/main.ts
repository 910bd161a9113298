// `npm start`: the whole system in one process. With no configuration it runs on an embedded
// default: a local Temporal dev server and PGlite, both keeping their state in DATA_DIR.
import { run } from './runtime/entry.js';
import { DEMO_SSO_PASSWORD } from './runtime/go-tools.js';

await run('clinical-prioritisation', { worker: true, api: true, embedded: true }, (system, config) => [
  'Clinical prioritisation is running.',
  `  Web:            ${system.apiUrl}/app`,
  `  API:            ${system.apiUrl}`,
  `  API docs:       ${system.apiUrl}/docs   (OpenAPI: ${system.apiUrl}/openapi.json)`,
  `  Temporal UI:    ${system.temporal.uiUrl ?? '(set TEMPORAL_UI_URL to show it here)'}`,
  `  Temporal:       ${system.temporal.address} (${system.temporal.embedded ? 'embedded dev server' : 'cluster'}), task queue ${config.TEMPORAL_TASK_QUEUE}`,
  `  Database:       ${system.database.kind} at ${system.database.location}`,
  `  Sign-in:        ${system.sso ? `${system.sso.issuer}${system.sso.embedded ? `   (Dex: demo people by e-mail, e.g. amira.hassan@nw-icb.example, password ${DEMO_SSO_PASSWORD})` : ''}` : 'API tokens (set OIDC_ISSUER for single sign-on)'}`,
  `  E-mail:         ${system.mailUrl ? `${system.mailUrl}   (Mailpit: every e-mail the service sends)` : system.email === 'none' ? '(off: build Mailpit with npm run mailpit:install, or set EMAIL_TRANSPORT)' : system.email}`,
]);
