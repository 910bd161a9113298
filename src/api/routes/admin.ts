// Administration (the ICB PMO): users and their roles, API tokens, which rule set scores new
// bids, and the configuration in force. Also who am I, and the organisations.
import { freeText } from '../../domain/text.js';
import { createRoute, z } from '@hono/zod-openapi';
import { asc } from 'drizzle-orm';
import { organisations, type apiTokens, type users } from '../../db/schema.js';
import { activateRuleSet, configInForce, createUser, issueUserToken, listTokens, listUsers, revokeToken, ruleSets, updateUser } from '../../services/admin.js';
import { errorResponses } from '../openapi.js';
import { bearer, newRouter } from '../router.js';
import { tokenCreateBody, tokenIdParam, userCreateBody, userIdParam, userSchema, userUpdateBody } from '../schemas.js';
import { body, json } from './helpers.js';

const TAG = 'Admin';

const toUser = (u: typeof users.$inferSelect) => ({
  id: u.id,
  name: u.name,
  email: u.email,
  organisation: u.organisation,
  roles: u.roles as z.infer<typeof userSchema>['roles'],
  profession: u.profession as z.infer<typeof userSchema>['profession'],
  active: u.active,
});

const tokenSchema = z
  .object({ id: z.string(), label: z.string(), createdAt: z.string(), expiresAt: z.string().nullable(), revokedAt: z.string().nullable(), lastUsedAt: z.string().nullable() })
  .openapi('ApiToken');
const toToken = (t: typeof apiTokens.$inferSelect) => ({
  id: t.id,
  label: t.label,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
});

export function adminRouter() {
  const router = newRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/me',
      tags: ['Users'],
      summary: 'Who you are: your roles, organisation and profession',
      security: bearer,
      responses: { 200: json(z.object({ id: z.string(), name: z.string(), email: z.string(), organisation: z.string(), roles: z.array(z.string()), profession: z.string().nullable() }), 'You'), ...errorResponses(401) },
    }),
    (c) => {
      const { id, name, email, organisation, roles, profession } = c.get('user');
      return c.json({ id, name, email, organisation, roles, profession: profession ?? null }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/organisations',
      tags: ['Users'],
      summary: 'The organisations of Norfolk and Waveney',
      security: bearer,
      responses: { 200: json(z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), kind: z.string() })) }), 'Organisations'), ...errorResponses(401) },
    }),
    async (c) => c.json({ items: await c.get('deps').db.select().from(organisations).orderBy(asc(organisations.name)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/admin/users',
      tags: [TAG],
      summary: 'Every user',
      security: bearer,
      responses: { 200: json(z.object({ items: z.array(userSchema) }), 'Users'), ...errorResponses(401, 403) },
    }),
    async (c) => c.json({ items: (await listUsers(c.get('deps').db, c.get('user'))).map(toUser) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/admin/users',
      tags: [TAG],
      summary: 'Add a user',
      security: bearer,
      request: body(userCreateBody),
      responses: { 201: json(userSchema, 'Added'), ...errorResponses(400, 401, 403, 409, 413) },
    }),
    async (c) => c.json(toUser(await createUser(c.get('deps').db, c.get('user'), c.req.valid('json'))), 201),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/admin/users/{userId}',
      tags: [TAG],
      summary: "Change a user's name, roles, profession, organisation or whether they are active",
      security: bearer,
      request: { params: userIdParam, ...body(userUpdateBody) },
      responses: { 200: json(userSchema, 'Changed'), ...errorResponses(400, 401, 403, 404, 413, 422) },
    }),
    async (c) => c.json(toUser(await updateUser(c.get('deps').db, c.get('user'), c.req.valid('param').userId, c.req.valid('json'))), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/admin/users/{userId}/tokens',
      tags: [TAG],
      summary: "A user's API tokens (never the secrets)",
      security: bearer,
      request: { params: userIdParam },
      responses: { 200: json(z.object({ items: z.array(tokenSchema) }), 'Tokens'), ...errorResponses(401, 403, 404) },
    }),
    async (c) => c.json({ items: (await listTokens(c.get('deps').db, c.get('user'), c.req.valid('param').userId)).map(toToken) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/admin/users/{userId}/tokens',
      tags: [TAG],
      summary: 'Issue an API token for a user',
      description: 'The token is in this answer only: it is stored as its SHA-256 and cannot be shown again.',
      security: bearer,
      request: { params: userIdParam, ...body(tokenCreateBody) },
      responses: { 201: json(tokenSchema.extend({ token: z.string() }).openapi('NewApiToken'), 'Issued'), ...errorResponses(400, 401, 403, 404, 413) },
    }),
    async (c) => {
      const { label, expiresAt } = c.req.valid('json');
      const { row, token } = await issueUserToken(c.get('deps').db, c.get('user'), c.req.valid('param').userId, { label, expiresAt: expiresAt ? new Date(expiresAt) : null });
      return c.json({ ...toToken(row), token }, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/admin/tokens/{tokenId}',
      tags: [TAG],
      summary: 'Revoke an API token',
      security: bearer,
      request: { params: tokenIdParam },
      responses: { 200: json(tokenSchema, 'Revoked'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => c.json(toToken(await revokeToken(c.get('deps').db, c.get('user'), c.req.valid('param').tokenId)), 200),
  );

  const ruleSetSchema = z
    .object({ id: z.string(), version: z.string(), hash: z.string(), active: z.boolean(), draft: z.boolean().openapi({ description: 'A draft is for what-if runs only' }) })
    .openapi('RuleSet');

  router.openapi(
    createRoute({
      method: 'get',
      path: '/rule-sets',
      tags: ['Rule sets'],
      summary: 'The scoring rule sets, and which one scores new bids',
      security: bearer,
      responses: { 200: json(z.object({ items: z.array(ruleSetSchema) }), 'Rule sets'), ...errorResponses(401) },
    }),
    async (c) => c.json({ items: await ruleSets(c.get('deps').db) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/admin/rule-sets/activate',
      tags: ['Rule sets'],
      summary: 'Make a rule set version score new bids',
      description: 'Bids already scored keep the version they were scored with unless re-scored.',
      security: bearer,
      request: body(z.object({ id: z.string().min(1), version: z.string().min(1), reason: freeText(1, 2000, 'A reason is required') }).strict()),
      responses: { 200: json(ruleSetSchema, 'Active'), ...errorResponses(400, 401, 403, 404, 413, 422) },
    }),
    async (c) => c.json(await activateRuleSet(c.get('deps').db, c.get('user'), c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/admin/config',
      tags: [TAG],
      summary: 'The configuration in force: lifecycle policy, deadlines, active rule set',
      security: bearer,
      responses: { 200: json(z.object({ policy: z.record(z.string(), z.unknown()), activeRuleSet: z.object({ id: z.string(), version: z.string() }) }), 'Configuration'), ...errorResponses(401, 403) },
    }),
    async (c) => c.json(await configInForce(c.get('deps').db, c.get('deps').config, c.get('user')), 200),
  );

  return router;
}
