// Versioning discipline: recorded histories of every workflow, from every lifecycle path, replay
// on the current workflow code. A change that would break a bid or meeting already in flight
// fails here; put such a change behind patched() and record again (npm run histories:record).
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { loadHistories, type RecordedHistory } from './helpers/histories.js';

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

describe('recorded workflow histories', () => {
  it('cover every workflow and the lifecycle paths', () => {
    expect(new Set(histories.map(typeOf))).toEqual(new Set(['bidWorkflow', 'meetingWorkflow', 'roundWorkflow']));
    const updates = new Set(histories.flatMap(updatesIn));
    for (const name of ['resubmit', 'withdraw', 'takeReview', 'assignReview', 'recordReviewStep', 'recordRating', 'completeReview', 'requestRevisions', 'moderate', 'declareInterest', 'chairsAction', 'recordBoardDecision', 'placeOnAgenda', 'openMeeting', 'recordAttendance', 'castVote', 'recordDecision', 'closeMeeting', 'declareMeetingInterest', 'cancelMeeting', 'rescore', 'closeAgenda', 'runAllocation', 'confirmAllocation', 'cancelRound']) {
      expect(updates, `no recorded history uses ${name}`).toContain(name);
    }
  });

  it('replay on the current workflow code without nondeterminism', async () => {
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, replayName: 'replay-test' },
      histories.map((h) => ({ workflowId: h.workflowId, history: h.history })),
    )) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
  }, 300_000);
});
