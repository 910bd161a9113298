// The worker's workflowsPath: every workflow the worker runs. The model-based workflows take all
// new work; the first versions stay registered until what they run has ended.
export { bidWorkflowV2 } from './bid.js';
export { meetingWorkflowV2 } from './meeting.js';
export { roundWorkflowV2 } from './round.js';
export { bidWorkflow } from './v1/bid.js';
export { meetingWorkflow } from './v1/meeting.js';
export { roundWorkflow } from './v1/round.js';
export { noticeDeliveryWorkflow } from './notice.js';
