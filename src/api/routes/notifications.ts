// A person's notifications and e-mail preferences, and a bid's decision letters, for programmes
// and scripts as the web pages show them: GET /notifications (newest first, with the unread
// count), POST /notifications/seen, GET and PUT /notifications/preferences; GET
// /bids/{reference}/letters and each letter as PDF, for whoever may see the bid.
import { createRoute, z } from '@hono/zod-openapi';
import { CATEGORIES, CATEGORY_IDS, type Category } from '../../notifications/templates.js';
import { getVisibleBid } from '../../services/bids.js';
import { markSeen, notificationsFor, preferencesOf, setPreferences, unreadCount } from '../../services/notifications.js';
import { letterFile, letterName, lettersOf, pdfHeaders } from '../../services/letters.js';
import { errorResponses } from '../openapi.js';
import { bearer, newRouter } from '../router.js';
import { referenceParam } from '../schemas.js';

const TAG = 'Notifications and letters';

const notificationSchema = z
  .object({
    id: z.string(),
    kind: z.string().openapi({ example: 'review.reminder' }),
    category: z.enum(CATEGORY_IDS as [Category, ...Category[]]),
    subject: z.string().openapi({ example: 'Reminder: your review of NW-2026-0042 is due on 14 November 2026' }),
    body: z.string(),
    reference: z.string().nullable().openapi({ example: 'NW-2026-0042' }),
    meetingId: z.string().nullable(),
    createdAt: z.string().openapi({ example: '2026-11-10T09:00:00.000Z' }),
    href: z.string().openapi({ description: 'The page in the service that acts on it', example: '/app/bids/NW-2026-0042' }),
    unread: z.boolean().openapi({ description: 'Newer than when the person last looked (the notifications page, or POST /notifications/seen)' }),
    email: z
      .object({ status: z.string().openapi({ example: 'sent' }), at: z.string(), error: z.string().nullable() })
      .nullable()
      .openapi({ description: 'How its e-mail to this person went, if one was sent' }),
  })
  .openapi('Notification');

const listSchema = z.object({ unread: z.number().int(), items: z.array(notificationSchema) }).openapi('Notifications');
const limitQuery = z.object({
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(100).openapi({ param: { name: 'limit', in: 'query' }, example: 100 }),
});

const preferencesSchema = z
  .object(Object.fromEntries(CATEGORY_IDS.map((id) => [id, z.boolean().openapi({ description: `${CATEGORIES[id]}: by e-mail` })])) as Record<Category, z.ZodBoolean>)
  .openapi('NotificationPreferences', { description: 'For each category, whether it also comes by e-mail (it always shows in the service)' });
const preferencesUpdate = preferencesSchema.partial().strict().openapi('NotificationPreferencesUpdate');

const letterSchema = z
  .object({
    id: z.string().openapi({ example: 'NW-2026-0042/assembly-1' }),
    title: z.string().openapi({ example: 'CCP Assembly decision: supported with conditions' }),
    sha256: z.string().openapi({ description: 'The hash of the PDF, as the trail records it (letter.issued)' }),
    createdAt: z.string(),
    href: z.string().openapi({ description: 'GET it for the PDF', example: '/bids/NW-2026-0042/letters/assembly-1.pdf' }),
  })
  .openapi('DecisionLetter');
const letterParams = referenceParam.extend({
  letter: z
    .string()
    .regex(/^[a-z]+-[0-9]+\.pdf$/, 'must be a letter name such as assembly-1.pdf')
    .openapi({ param: { name: 'letter', in: 'path' }, example: 'assembly-1.pdf' }),
});

export function notificationsRouter() {
  const router = newRouter();
  router.openapi(
    createRoute({
      method: 'get',
      path: '/notifications',
      tags: [TAG],
      summary: "The caller's notifications, newest first, with the unread count",
      security: bearer,
      request: { query: limitQuery },
      responses: { 200: { description: 'The notifications', content: { 'application/json': { schema: listSchema } } }, ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const user = c.get('user');
      const [items, unread] = await Promise.all([notificationsFor(db, user, c.req.valid('query').limit), unreadCount(db, user)]);
      return c.json({ unread, items: items.map((n) => ({ ...n, createdAt: n.createdAt.toISOString(), email: n.email && { ...n.email, at: n.email.at.toISOString() } })) }, 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/notifications/seen',
      tags: [TAG],
      summary: 'Mark every notification so far as seen',
      security: bearer,
      responses: { 200: { description: 'Seen', content: { 'application/json': { schema: z.object({ unread: z.literal(0), seenAt: z.string() }) } } }, ...errorResponses(401) },
    }),
    async (c) => {
      const at = new Date();
      await markSeen(c.get('deps').db, c.get('user').id, at);
      return c.json({ unread: 0 as const, seenAt: at.toISOString() }, 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/notifications/preferences',
      tags: [TAG],
      summary: "The caller's e-mail preferences, per category",
      security: bearer,
      responses: { 200: { description: 'The preferences', content: { 'application/json': { schema: preferencesSchema } } }, ...errorResponses(401) },
    }),
    async (c) => c.json(await preferencesOf(c.get('deps').db, c.get('user').id), 200),
  );
  router.openapi(
    createRoute({
      method: 'put',
      path: '/notifications/preferences',
      tags: [TAG],
      summary: 'Choose which categories also come by e-mail (categories left out keep their setting)',
      security: bearer,
      request: { body: { required: true, content: { 'application/json': { schema: preferencesUpdate, example: { reminder: true, update: false } } } } },
      responses: { 200: { description: 'The preferences now', content: { 'application/json': { schema: preferencesSchema } } }, ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const user = c.get('user');
      await setPreferences(db, user.id, c.req.valid('json'));
      return c.json(await preferencesOf(db, user.id), 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/bids/{reference}/letters',
      tags: [TAG],
      summary: "A bid's decision letters, oldest first",
      description: 'For whoever may see the bid. Each letter is made when the Assembly or the Board decides or an allocation is confirmed; the trail records its SHA-256.',
      security: bearer,
      request: { params: referenceParam },
      responses: { 200: { description: 'The letters', content: { 'application/json': { schema: z.object({ items: z.array(letterSchema) }) } } }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const deps = c.get('deps');
      const { reference } = c.req.valid('param');
      await getVisibleBid(deps, c.get('user'), reference);
      const items = (await lettersOf(deps.db, reference)).map((l) => ({
        id: l.id,
        title: l.title,
        sha256: l.sha256,
        createdAt: l.createdAt.toISOString(),
        href: `/bids/${encodeURIComponent(reference)}/letters/${encodeURIComponent(letterName(l.id))}.pdf`,
      }));
      return c.json({ items }, 200);
    },
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/bids/{reference}/letters/{letter}',
      tags: [TAG],
      summary: 'A decision letter, as PDF',
      description: 'The header `X-Content-SHA256` carries the hash the trail records for it.',
      security: bearer,
      request: { params: letterParams },
      responses: { 200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { reference, letter } = c.req.valid('param');
      const file = await letterFile(c.get('deps'), c.get('user'), reference, letter.replace(/\.pdf$/, ''));
      return c.body(file.pdf, 200, pdfHeaders(file));
    },
  );
  return router;
}
