// `npm run build`: what production runs, made once: the TypeScript compiled to JavaScript in
// dist/, the files it reads beside it (migrations, rule sets, the page script), the web
// stylesheet compiled from Sass, and the workflow bundles the worker loads instead of bundling
// the workflows as it starts (one with OpenTelemetry's workflow interceptors, for a worker with
// tracing on). Then: node dist/src/api-server.js, node dist/worker.js.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const started = Date.now();

await rm(dist, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const folder of ['src/db/migrations', 'src/rules/rulesets', 'src/web/static', 'src/config']) {
  await cp(path.join(root, folder), path.join(dist, folder), { recursive: true, filter: (f) => !f.endsWith('.ts') });
}

const { stylesheet } = await import('../src/web/assets.js');
await mkdir(path.join(dist, 'src/web/styles'), { recursive: true });
await writeFile(path.join(dist, 'src/web/styles/app.css'), await stylesheet());

const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
const workflows = path.join(root, 'src/workflows/index.ts');
const { code } = await bundleWorkflowCode({ workflowsPath: workflows, logger: new DefaultLogger('WARN') });
await writeFile(path.join(dist, 'workflow-bundle.js'), code);
// The same workflows with OpenTelemetry's workflow interceptors, for a worker with tracing on.
const { WORKFLOW_TRACING_MODULE } = await import('../src/runtime/tracing.js');
const traced = await bundleWorkflowCode({ workflowsPath: workflows, workflowInterceptorModules: [WORKFLOW_TRACING_MODULE], logger: new DefaultLogger('WARN') });
await writeFile(path.join(dist, 'workflow-bundle-traced.js'), traced.code);

console.log(`Built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s: node dist/src/api-server.js, node dist/worker.js`);
