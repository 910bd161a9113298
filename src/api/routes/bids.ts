// Bids: submit one, read one.
import { createRoute, z } from '@hono/zod-openapi';
import { REFERENCE_PATTERN, bidSubmissionSchema } from '../../domain/bid.js';
import { getBid, getBidStatusFromWorkflow, submitBid } from '../../services/bids.js';
import { BID_STATES, type Actor } from '../../shared.js';
import { notFound } from '../errors.js';
import { errorResponses } from '../openapi.js';
import { newRouter } from '../router.js';

const missingItem = z.object({ field: z.string(), message: z.string() });
const receiptSchema = z
  .object({ reference: z.string(), state: z.enum(BID_STATES), missing: z.array(missingItem) })
  .openapi('SubmissionReceipt');

const bidViewSchema = z
  .object({
    reference: z.string(),
    title: z.string(),
    state: z.string(),
    leadOrganisation: z.string(),
    totals: z.object({ totalPence: z.number().int(), recurrentPence: z.number().int(), nonRecurrentPence: z.number().int() }),
    costs: z.array(z.object({ financialYear: z.string(), recurrentPence: z.number().int(), nonRecurrentPence: z.number().int() })),
    status: z.record(z.string(), z.unknown()),
  })
  .passthrough()
  .openapi('Bid');

// Built from the extended z (not the domain's schema), so .openapi() exists whatever loaded first.
const referenceParam = z.object({
  reference: z
    .string()
    .regex(REFERENCE_PATTERN, 'must look like NW-2026-0042: 2 to 5 capital letters, a year, and 4 to 6 digits')
    .openapi({ param: { name: 'reference', in: 'path' }, example: 'NW-2026-0042' }),
});

// Until users sign in (the API issue), submissions are recorded as the lead organisation's team.
const teamOf = (organisation: string): Actor => ({ id: `team:${organisation}`, name: `${organisation} programme team`, roles: ['applicant'], organisation });

export function bidsRouter() {
  return newRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/bids',
        tags: ['Bids'],
        summary: 'Submit a bid',
        description:
          'Validates the bid, starts its workflow (id `bid-<reference>`) and waits briefly for intake. ' +
          'Submitting the same reference with the same content again returns the same bid; different content is refused.',
        request: { body: { required: true, content: { 'application/json': { schema: bidSubmissionSchema } } } },
        responses: {
          201: { description: 'Submitted; intake has run', content: { 'application/json': { schema: receiptSchema } } },
          200: { description: 'Already submitted with this content', content: { 'application/json': { schema: receiptSchema } } },
          202: { description: 'Submitted; intake is still running', content: { 'application/json': { schema: receiptSchema } } },
          ...errorResponses(400, 409, 413, 422),
        },
      }),
      async (c) => {
        const submission = c.req.valid('json');
        const { receipt, created } = await submitBid(c.get('deps'), teamOf(submission.leadOrganisation), submission);
        c.header('Location', `/bids/${receipt.reference}`);
        return c.json(receipt, receipt.state === 'INTAKE' ? 202 : created ? 201 : 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/bids/{reference}',
        tags: ['Bids'],
        summary: 'One bid, its state and what it waits for',
        request: { params: referenceParam },
        responses: {
          200: { description: 'The bid', content: { 'application/json': { schema: bidViewSchema } } },
          202: { description: 'The bid is still in intake', content: { 'application/json': { schema: receiptSchema } } },
          ...errorResponses(400, 404),
        },
      }),
      async (c) => {
        const { reference } = c.req.valid('param');
        const deps = c.get('deps');
        const bid = await getBid(deps, reference);
        if (bid) return c.json(bid, 200);
        const status = await getBidStatusFromWorkflow(deps, reference);
        if (!status) throw notFound(`Bid ${reference}`);
        return c.json(status, 202);
      },
    );
}
