// The register of interests (declare, withdraw, the published register as JSON and CSV), and
// before a meeting the members' attendance replies and the quorum forecast per item.
import { createRoute, z } from '@hono/zod-openapi';
import { attendanceReplySchema, meetingForecast, replyAttendance } from '../../services/forecast.js';
import { declarationSchema, declareInterest, readRegister, registerCsv, registerQuerySchema, withdrawalSchema, withdrawInterest } from '../../services/register.js';
import { errorResponses } from '../openapi.js';
import { bearer, newRouter } from '../router.js';
import { meetingIdParam } from '../schemas.js';
import { body, idempotencyHeader, json } from './helpers.js';

const TAG = 'Register of interests';
const interestIdParam = z.object({ interestId: z.string().regex(/^int-[0-9a-f]{12}$/, 'must be an interest id such as int-0123456789ab').openapi({ param: { name: 'interestId', in: 'path' }, example: 'int-0123456789ab' }) });
const entrySchema = z.object({}).loose().openapi('RegisterEntry', { description: 'One entry: the person, the body (organisation code when known), kind, description, from and to, when and by whom declared or withdrawn, and whether current on the day read' });
const registerSchema = z.object({ on: z.string(), include: z.enum(['current', 'all']), entries: z.array(entrySchema) }).openapi('Register');
const forecastSchema = z.object({}).loose().openapi('MeetingForecast', {
  description: 'Replies (attending, apologies, maybe, no reply); per item the outlook (quorate, at_risk, not_quorate) in words, quorum with those attending and if all who have not sent apologies came, and who is conflicted and why; the proposed order and how often each member would leave the room',
});
const REGISTER_DESCRIPTION =
  'Each person’s standing interests. One current on a day conflicts them out of any bid whose lead or partner organisation it names: they are not assigned to review it, cannot review, vote or decide on it, and do not count towards its quorum.';

export function registerRouter() {
  const router = newRouter();
  router.openapi(
    createRoute({ method: 'get', path: '/register', tags: [TAG], summary: 'The register of interests, as published', description: `${REGISTER_DESCRIPTION} Entries current on \`on\` (default today), or every entry with include=all. Anyone signed in: it is published.`, security: bearer, request: { query: registerQuerySchema }, responses: { 200: json(registerSchema, 'The register'), ...errorResponses(400, 401, 403) } }),
    async (c) => c.json(await readRegister(c.get('deps'), c.get('user'), c.req.valid('query')), 200),
  );
  router.openapi(
    createRoute({ method: 'get', path: '/register.csv', tags: [TAG], summary: 'The register of interests as CSV', description: 'The same entries as GET /register, one row each; cells that would run as spreadsheet formulas are escaped.', security: bearer, request: { query: registerQuerySchema }, responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(400, 401, 403) } }),
    async (c) => {
      const register = await readRegister(c.get('deps'), c.get('user'), c.req.valid('query'));
      return new Response(registerCsv(register), { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="register-of-interests-${register.on}.csv"` } });
    },
  );
  router.openapi(
    createRoute({ method: 'post', path: '/register/interests', tags: [TAG], summary: 'Declare a standing interest', description: `${REGISTER_DESCRIPTION} A person declares their own; an admin or hub lead may record one for another (personId). On the decision trail.`, security: bearer, request: { headers: idempotencyHeader, ...body(declarationSchema) }, responses: { 201: json(entrySchema, 'Entered in the register'), ...errorResponses(400, 401, 403, 413) } }),
    async (c) => c.json(await declareInterest(c.get('deps'), c.get('user'), c.req.valid('json')), 201),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/register/interests/{interestId}/withdrawal', tags: [TAG], summary: 'Withdraw an interest from the register', description: 'It stops applying from today; the register read for an earlier day still shows it. The person, an admin or a hub lead. On the decision trail.', security: bearer, request: { params: interestIdParam, ...body(withdrawalSchema) }, responses: { 200: json(entrySchema, 'Withdrawn'), ...errorResponses(400, 401, 403, 404, 409, 413) } }),
    async (c) => c.json(await withdrawInterest(c.get('deps'), c.get('user'), c.req.valid('param').interestId, c.req.valid('json')), 200),
  );
  router.openapi(
    createRoute({ method: 'post', path: '/meetings/{meetingId}/replies', tags: ['Assembly'], summary: 'Reply to a meeting: attending, apologies or maybe (a member)', description: 'Until the meeting opens; a later reply replaces an earlier one. On the trail. The quorum forecast counts it.', security: bearer, request: { params: meetingIdParam, ...body(attendanceReplySchema) }, responses: { 200: json(z.object({}).loose().openapi('AttendanceReply'), 'The reply as recorded'), ...errorResponses(400, 401, 403, 404, 409, 413) } }),
    async (c) => c.json(await replyAttendance(c.get('deps'), c.get('user'), c.req.valid('param').meetingId, c.req.valid('json')), 200),
  );
  router.openapi(
    createRoute({ method: 'get', path: '/meetings/{meetingId}/forecast', tags: ['Assembly'], summary: 'Quorum forecast per item, and an order that keeps each member’s conflicted items together', description: 'From the replies; before the agenda closes, over the bids that would be placed now. The chair, the hub lead, the admin.', security: bearer, request: { params: meetingIdParam }, responses: { 200: json(forecastSchema, 'The forecast'), ...errorResponses(400, 401, 403, 404) } }),
    async (c) => c.json(await meetingForecast(c.get('deps'), c.get('user'), c.req.valid('param').meetingId), 200),
  );
  return router;
}
