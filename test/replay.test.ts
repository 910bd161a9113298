// Versioning discipline: every workflow history ever recorded (test/histories, a folder per
// change, never replaced) replays on the current workflow code. A change that would break a bid
// or meeting already in flight fails here: put it behind patched(), or in a new workflow type
// with the old one kept, and record the new code's histories under a new name
// (npm run histories:record -- <name>).
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { WORKFLOW_TYPES } from '../src/shared.js';
import { loadHistories, type RecordedHistory } from './helpers/histories.js';
import { WORKFLOW_TRACING_MODULE } from '../src/runtime/tracing.js';
import { workflowsPath } from '../src/runtime/worker.js';

let histories: RecordedHistory[];
beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Installed already in this process.
  }
  histories = await loadHistories();
});

const typeOf = (h: RecordedHistory) => h.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
const updatesIn = (h: RecordedHistory) =>
  (h.history.events ?? []).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).filter(Boolean);

const UPDATES = ['resubmit', 'withdraw', 'takeReview', 'assignReview', 'recordReviewStep', 'recordRating', 'completeReview', 'requestRevisions', 'moderate', 'declareInterest', 'chairsAction', 'recordBoardDecision', 'placeOnAgenda', 'openMeeting', 'recordAttendance', 'castVote', 'recordDecision', 'closeMeeting', 'declareMeetingInterest', 'cancelMeeting', 'rescore', 'closeAgenda', 'runAllocation', 'confirmAllocation', 'cancelRound'];
/** Updates only the model-based versions have: no first-version history can use them. */
const UPDATES_SINCE_MODELS = ['requestReconsideration', 'reviewReconsideration', 'recordConditionMet', 'reorderAgenda', 'waiveCondition'];

describe('recorded workflow histories', () => {
  it.each([
    ['the first versions', ['bidWorkflow', 'meetingWorkflow', 'roundWorkflow'], UPDATES],
    ['the model-based versions', Object.values(WORKFLOW_TYPES), [...UPDATES, ...UPDATES_SINCE_MODELS]],
  ])('cover %s of every workflow and every lifecycle path', (_generation, types, expected) => {
    const mine = histories.filter((h) => types.includes(typeOf(h) ?? ''));
    expect(new Set(mine.map(typeOf))).toEqual(new Set(types));
    const updates = new Set(mine.flatMap(updatesIn));
    for (const name of expected) expect(updates, `no recorded history of ${types.join(', ')} uses ${name}`).toContain(name);
  });

  async function replayAll(options: ReplayWorkerOptions) {
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      options,
      histories.map((h) => ({ workflowId: h.workflowId, history: h.history })),
    )) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
  }

  it('replay on the current workflow code without nondeterminism', async () => {
    await replayAll({ workflowBundle: { codePath: inject('workflowBundlePath') }, replayName: 'replay-test' });
  }, 300_000);

  it('replay on the traced workflow bundle (OpenTelemetry workflow interceptors) without nondeterminism', async () => {
    const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), workflowInterceptorModules: [WORKFLOW_TRACING_MODULE], logger: new DefaultLogger('WARN') });
    const sinks = { exporter: makeWorkflowExporter(new SimpleSpanProcessor(new InMemorySpanExporter()), new Resource({ 'service.name': 'replay-test' })) };
    await replayAll({ workflowBundle: { code }, sinks, replayName: 'replay-test-traced' });
  }, 300_000);
});
