// Recorded workflow histories for the replay test. `npm run histories:record -- <name>` reruns
// the lifecycle tests with RECORD_HISTORIES=<name>, and each test context saves the histories
// of the workflows it ran under test/histories/<name>/<scenario>. Histories are kept for good:
// a folder is never replaced, so every history ever recorded replays against the code of today
// (test/replay.test.ts), as a bid started then would.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';

const { History } = protos.temporal.api.history.v1;

export const HISTORIES_DIR = fileURLToPath(new URL('../histories', import.meta.url));

export async function recordHistories(client: Client, taskQueue: string, release: string, scenario: string): Promise<number> {
  const dir = path.join(HISTORIES_DIR, release, scenario);
  if (existsSync(dir)) throw new Error(`${dir} exists: recorded histories are never replaced; record under a new name`);
  await mkdir(dir, { recursive: true });
  let count = 0;
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    // Protobuf binary, as the server sends it: exact, and compact once gzipped.
    // A workflow that continued as new has a history per run: each is kept.
    const first = path.join(dir, `${execution.workflowId}.pb.gz`);
    const file = existsSync(first) ? path.join(dir, `${execution.workflowId}.${execution.runId}.pb.gz`) : first;
    await writeFile(file, gzipSync(History.encode(history).finish()));
    count += 1;
  }
  return count;
}

export interface RecordedHistory {
  workflowId: string;
  scenario: string;
  history: protos.temporal.api.history.v1.IHistory;
}

/** Every recorded history, in any folder under test/histories, in path order. */
export async function loadHistories(): Promise<RecordedHistory[]> {
  const out: RecordedHistory[] = [];
  const files = (await readdir(HISTORIES_DIR, { recursive: true })).filter((f) => f.endsWith('.pb.gz')).sort();
  for (const file of files) {
    const bytes = gunzipSync(await readFile(path.join(HISTORIES_DIR, file)));
    const decoded = History.decode(bytes);
    const workflowId = path.basename(file).replace(/\.pb\.gz$/, '').replace(/\.[0-9a-f-]{36}$/, '');
    out.push({ workflowId, scenario: path.dirname(file), history: decoded });
  }
  return out;
}

/** Every run of a workflow, first to last, following continue-as-new: its events and encoded size. */
export async function historyOfAllRuns(client: Client, workflowId: string, firstRunId: string): Promise<{ runs: number; events: number; bytes: number; largestRunBytes: number }> {
  let runId: string | undefined = firstRunId;
  let runs = 0;
  let events = 0;
  let bytes = 0;
  let largestRunBytes = 0;
  while (runId) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const size = History.encode(history).finish().length;
    runs += 1;
    events += history.events?.length ?? 0;
    bytes += size;
    largestRunBytes = Math.max(largestRunBytes, size);
    runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return { runs, events, bytes, largestRunBytes };
}
