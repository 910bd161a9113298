// Which Temporal refusals an action is sent again for: the server turning Updates away while the
// workflow's task is retried (as the API saw it under load), wherever the client wraps it.
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { toApiError } from '../src/api/errors.js';
import { workflowTaskRetrying } from '../src/services/updates.js';

const grpc = Object.assign(new Error('9 FAILED_PRECONDITION: Update-with-Start could not be executed.'), { code: 9 });

describe('sending an action again while the workflow task is retried', () => {
  it("recognises Temporal's refusal at the top or under the client's wrapping", () => {
    expect(workflowTaskRetrying(new Error('Unable to perform workflow execution update due to Workflow Task in failed state.'))).toBe(true);
    expect(workflowTaskRetrying(Object.assign(new Error('Update-with-Start could not be executed.'), { cause: new Error('Unable to perform workflow execution update due to Workflow Task in failed state.') }))).toBe(true);
  });

  it('leaves every other failure to stand', () => {
    expect(workflowTaskRetrying(grpc)).toBe(false);
    expect(workflowTaskRetrying(new Error('The review is in no phase; it cannot record a review step now'))).toBe(false);
    expect(workflowTaskRetrying(undefined)).toBe(false);
    expect(workflowTaskRetrying('Workflow Task in failed state')).toBe(false);
  });
});

describe('an action whose answer did not come in time', () => {
  it('is a 503 saying it may have been applied, whether the client says the call timed out or was cancelled', () => {
    for (const message of ['Timeout expired', 'Call cancelled']) {
      const error = toApiError(new WorkflowUpdateRPCTimeoutOrCancelledError(message, { cause: Object.assign(new Error(`1 CANCELLED: ${message}`), { code: 1 }) }));
      expect(error).toMatchObject({ status: 503, code: 'service_unavailable', details: { dependency: 'temporal', outcome: 'unknown' } });
      expect(error.message).toContain('send it again with the same Idempotency-Key');
    }
    expect(toApiError(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }))).toMatchObject({ status: 503, details: { outcome: 'not_applied' } });
    expect(toApiError(new Error('something else'))).toMatchObject({ status: 500 });
  });
});
