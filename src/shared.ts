// What the API, the workflows and the activities share: workflow ids, message definitions,
// search attribute keys and payload types. Imports only the Temporal SDK and types, because
// workflow code imports it.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Bid } from './domain/bid.js';
import type { Profession, Role } from './domain/vocabulary.js';

export const DEFAULT_TASK_QUEUE = 'clinical-prioritisation';

export const bidWorkflowId = (reference: string): string => `bid-${reference}`;

export const BID_STATES = [
  'SUBMITTED',
  'INTAKE',
  'RETURNED',
  'LAPSED',
  'HUB_REVIEW',
  'AWAITING_REVISION',
  'CLOSED_NOT_SUPPORTED',
  'SCORING',
  'AWAITING_ASSEMBLY',
  'AWAITING_BOARD',
  'ALLOCATION',
  'FUNDED',
  'WAITLISTED',
  'WITHDRAWN',
] as const;
export type BidState = (typeof BID_STATES)[number];

// Search attributes, so bids can be found in the Temporal UI and listed through visibility.
export const searchAttributes = {
  state: defineSearchAttributeKey('BidState', SearchAttributeType.KEYWORD),
  primaryAmbition: defineSearchAttributeKey('BidPrimaryAmbition', SearchAttributeType.KEYWORD),
  band: defineSearchAttributeKey('BidBand', SearchAttributeType.KEYWORD),
  leadOrganisation: defineSearchAttributeKey('BidLeadOrganisation', SearchAttributeType.KEYWORD),
};
export const ALL_SEARCH_ATTRIBUTES = Object.values(searchAttributes);

/** Who is acting, as the API authenticated them. Workflows check roles and conflicts on it. */
export interface Actor {
  id: string;
  name: string;
  roles: Role[];
  organisation: string;
  profession?: Profession | null;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', name: 'Clinical prioritisation service', roles: [], organisation: 'ICB' };

export interface BidWorkflowInput {
  /** Payload version: changed shapes bump it, so old histories stay readable. */
  version: 1;
  bid: Bid;
  contentHash: string;
  submittedBy: Actor;
}

/** One thing intake found missing, named by the field it concerns. */
export interface MissingItem {
  field: string;
  message: string;
}

export interface SubmissionReceipt {
  reference: string;
  state: BidState;
  /** What intake found missing, when the bid was returned. */
  missing: MissingItem[];
}

export interface BidStatus {
  reference: string;
  state: BidState;
  missing: MissingItem[];
}

export const submissionReceiptUpdate = defineUpdate<SubmissionReceipt, [{ contentHash: string }]>('submissionReceipt');
export const statusQuery = defineQuery<BidStatus>('status');

/** Failure types that workflow validators and activities use; the API maps them to HTTP. */
export const RefusalType = {
  wrongState: 'WrongState',
  forbidden: 'Forbidden',
  conflictOfInterest: 'ConflictOfInterest',
  invalid: 'InvalidAction',
  referenceInUse: 'ReferenceInUse',
} as const;
export type RefusalType = (typeof RefusalType)[keyof typeof RefusalType];
