// Versioning discipline: every workflow history ever recorded (test/histories, a folder per
// change, never replaced) replays on the current workflow code. A change that would break a bid
// or meeting already in flight fails here: put it behind patched(), or in a new workflow type
// with the old one kept, and record the new code's histories under a new name
// (npm run histories:record -- <name>).
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { WORKFLOW_TYPES } from '../src/shared.js';
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

const UPDATES = ['resubmit', 'withdraw', 'takeReview', 'assignReview', 'recordReviewStep', 'recordRating', 'completeReview', 'requestRevisions', 'moderate', 'declareInterest', 'chairsAction', 'recordBoardDecision', 'placeOnAgenda', 'openMeeting', 'recordAttendance', 'castVote', 'recordDecision', 'closeMeeting', 'declareMeetingInterest', 'cancelMeeting', 'rescore', 'closeAgenda', 'runAllocation', 'confirmAllocation', 'cancelRound'];

describe('recorded workflow histories', () => {
  it.each([
    ['the first versions', ['bidWorkflow', 'meetingWorkflow', 'roundWorkflow']],
    ['the model-based versions', Object.values(WORKFLOW_TYPES)],
  ])('cover %s of every workflow and every lifecycle path', (_generation, types) => {
    const mine = histories.filter((h) => types.includes(typeOf(h) ?? ''));
    expect(new Set(mine.map(typeOf))).toEqual(new Set(types));
    const updates = new Set(mine.flatMap(updatesIn));
    for (const name of UPDATES) expect(updates, `no recorded history of ${types.join(', ')} uses ${name}`).toContain(name);
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
