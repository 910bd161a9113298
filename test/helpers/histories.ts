// Recorded workflow histories for the replay test: `npm run histories:record` reruns the
// lifecycle tests with RECORD_HISTORIES=1, and each test context saves the histories of the
// workflows it ran. Replaying them against changed workflow code shows whether bids already in
// flight would break.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Client } from '@temporalio/client';
import protos from '@temporalio/proto';

const { History } = protos.temporal.api.history.v1;

export const HISTORIES_DIR = fileURLToPath(new URL('../histories', import.meta.url));

export async function recordHistories(client: Client, taskQueue: string, scenario: string): Promise<number> {
  const dir = path.join(HISTORIES_DIR, scenario);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  let count = 0;
  for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    // Protobuf binary, as the server sends it: exact, and compact once gzipped.
    await writeFile(path.join(dir, `${execution.workflowId}.pb.gz`), gzipSync(History.encode(history).finish()));
    count += 1;
  }
  return count;
}

export interface RecordedHistory {
  workflowId: string;
  scenario: string;
  history: protos.temporal.api.history.v1.IHistory;
}

export async function loadHistories(): Promise<RecordedHistory[]> {
  const out: RecordedHistory[] = [];
  for (const scenario of (await readdir(HISTORIES_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    for (const file of (await readdir(path.join(HISTORIES_DIR, scenario))).filter((f) => f.endsWith('.pb.gz')).sort()) {
      const bytes = gunzipSync(await readFile(path.join(HISTORIES_DIR, scenario, file)));
      out.push({ workflowId: file.replace(/\.pb\.gz$/, ''), scenario, history: History.decode(bytes) });
    }
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
