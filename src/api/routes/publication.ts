// Publication packs per meeting and per funding round: decisions with their reasons, money, and
// the interests declared, without applicants' staff's personal data; as JSON and as CSV.
import { createRoute, z } from '@hono/zod-openapi';
import { meetingPublication, meetingPublicationCsv, roundPublication, roundPublicationCsv } from '../../services/publication.js';
import { errorResponses } from '../openapi.js';
import { bearer, newRouter } from '../router.js';
import { meetingIdParam } from '../schemas.js';
import { json } from './helpers.js';

const TAG = 'Publication';
const roundIdParam = z.object({ roundId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,60}$/, 'must be lower-case letters, digits and hyphens').openapi({ param: { name: 'roundId', in: 'path' }, example: '2026-27-main-round' }) });
const packSchema = (name: string, description: string) => z.object({}).loose().openapi(name, { description });
const csvAnswer = { description: 'CSV, one row per decision; cells that would run as spreadsheet formulas are escaped', content: { 'text/csv': { schema: z.string() } } };
const csv = (body: string, filename: string) => new Response(body, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${filename}"` } });

const ROUND_DESCRIPTION =
  'Each bid of the confirmed (or latest) allocation with its outcome, rank and reason, any override with its reason and who made it, its cost this year and over its whole life, ' +
  'and the interests declared on it; the envelopes and the money committed. Organisations only: no contact or other personal data of applicants’ staff. Finance, admin.';
const MEETING_DESCRIPTION =
  'Each agenda item with its decision, conditions and reason, the votes, whether it was quorate, the money asked, and every interest declared on the bid or at the meeting and every member conflicted out of the item with the reason (organisation, register of interests, declaration), minuted per item; ' +
  'the members present. Organisations only for applicants: no contact or other personal data of their staff. Assembly, finance, admin.';

export function publicationRouter() {
  const router = newRouter();
  router.openapi(
    createRoute({ method: 'get', path: '/rounds/{roundId}/publication', tags: [TAG], summary: "A round's publication pack", description: ROUND_DESCRIPTION, security: bearer, request: { params: roundIdParam }, responses: { 200: json(packSchema('RoundPublication', ROUND_DESCRIPTION), 'The pack'), ...errorResponses(400, 401, 403, 404) } }),
    async (c) => c.json(await roundPublication(c.get('deps'), c.get('user'), c.req.valid('param').roundId), 200),
  );
  router.openapi(
    createRoute({ method: 'get', path: '/rounds/{roundId}/publication.csv', tags: [TAG], summary: "A round's publication pack as CSV", description: ROUND_DESCRIPTION, security: bearer, request: { params: roundIdParam }, responses: { 200: csvAnswer, ...errorResponses(400, 401, 403, 404) } }),
    async (c) => {
      const { roundId } = c.req.valid('param');
      return csv(roundPublicationCsv(await roundPublication(c.get('deps'), c.get('user'), roundId)), `round-${roundId}-publication.csv`);
    },
  );
  router.openapi(
    createRoute({ method: 'get', path: '/meetings/{meetingId}/publication', tags: [TAG], summary: "A meeting's publication pack", description: MEETING_DESCRIPTION, security: bearer, request: { params: meetingIdParam }, responses: { 200: json(packSchema('MeetingPublication', MEETING_DESCRIPTION), 'The pack'), ...errorResponses(400, 401, 403, 404) } }),
    async (c) => c.json(await meetingPublication(c.get('deps'), c.get('user'), c.req.valid('param').meetingId), 200),
  );
  router.openapi(
    createRoute({ method: 'get', path: '/meetings/{meetingId}/publication.csv', tags: [TAG], summary: "A meeting's publication pack as CSV", description: MEETING_DESCRIPTION, security: bearer, request: { params: meetingIdParam }, responses: { 200: csvAnswer, ...errorResponses(400, 401, 403, 404) } }),
    async (c) => {
      const { meetingId } = c.req.valid('param');
      return csv(meetingPublicationCsv(await meetingPublication(c.get('deps'), c.get('user'), meetingId)), `meeting-${meetingId}-publication.csv`);
    },
  );
  return router;
}
