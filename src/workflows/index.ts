// The worker's workflowsPath: every workflow the worker runs.
export { bidWorkflow } from './bid.js';
export { meetingWorkflow } from './meeting.js';
export { roundWorkflow } from './round.js';
