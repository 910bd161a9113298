// One short workflow per notice, id `notice-<notice id>`: makes its decision letter if it carries
// one, then e-mails it to each person it reaches.
// Each person's e-mail is an activity retried with backoff; when every attempt has failed the
// failure is recorded and the others still go. No I/O here: the activities do it.
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { DeliveryStatus, NoticeDeliveryInput } from '../activities/notifications.js';

export async function noticeDeliveryWorkflow({ noticeId, attempts }: NoticeDeliveryInput): Promise<Record<string, DeliveryStatus>> {
  const { noticeRecipients, recordDeliveryFailure, prepareLetter } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
  const { deliverNotice } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: attempts },
  });
  const outcome: Record<string, DeliveryStatus> = {};
  // A decision's letter is made (and its hash recorded) before anyone is sent it.
  await prepareLetter(noticeId);
  for (const userId of await noticeRecipients(noticeId)) {
    try {
      outcome[userId] = await deliverNotice({ noticeId, userId });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      const cause = error.cause?.message ?? error.message;
      outcome[userId] = await recordDeliveryFailure({ noticeId, userId, error: cause, attempts });
    }
  }
  return outcome;
}
