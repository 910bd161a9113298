// Administration (the ICB PMO): users and their roles, API tokens, which rule set scores new
// bids, and the configuration in force. Also who am I, and the organisations.
import { freeText } from '../../domain/text.js';
import { createRoute, z } from '@hono/zod-openapi';
import { asc, desc, eq, and, isNull } from 'drizzle-orm';
import { activeRuleSet } from '../../activities/scoring.js';
import { lifecyclePolicy } from '../../config/policy.js';
import { apiTokens, organisations, ruleSetActivations, users } from '../../db/schema.js';
import { isDraft, listRuleSets, loadRuleSet, UnknownRuleSetError } from '../../rules/engine.js';
import { forgetTokens, issueToken } from '../../services/auth.js';
import type { Actor } from '../../shared.js';
import { ApiError } from '../errors.js';
import { errorResponses } from '../openapi.js';
import { bearer, newRouter } from '../router.js';
import { tokenCreateBody, tokenIdParam, userCreateBody, userIdParam, userSchema, userUpdateBody } from '../schemas.js';
import { body, json } from './helpers.js';

const TAG = 'Admin';

function needAdmin(user: Actor): void {
  if (!user.roles.includes('admin')) throw new ApiError(403, 'forbidden', 'Only the admin (ICB PMO) may do this', { rule: 'role' });
}

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
    async (c) => {
      needAdmin(c.get('user'));
      return c.json({ items: (await c.get('deps').db.select().from(users).orderBy(asc(users.id))).map(toUser) }, 200);
    },
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
    async (c) => {
      needAdmin(c.get('user'));
      const input = c.req.valid('json');
      const db = c.get('deps').db;
      const [org] = await db.select().from(organisations).where(eq(organisations.code, input.organisation));
      if (!org) throw new ApiError(400, 'validation_failed', 'The request is not valid: organisation', [{ field: 'organisation', rule: 'unknown_organisation', message: `${input.organisation} is not a known organisation` }]);
      const [created] = await db.insert(users).values(input).onConflictDoNothing().returning();
      if (!created) throw new ApiError(409, 'user_exists', `A user with id ${input.id} or e-mail ${input.email} exists already`);
      return c.json(toUser(created), 201);
    },
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
    async (c) => {
      const admin = c.get('user');
      needAdmin(admin);
      const { userId } = c.req.valid('param');
      const changes = c.req.valid('json');
      if (userId === admin.id && (changes.active === false || (changes.roles && !changes.roles.includes('admin')))) {
        throw new ApiError(422, 'refused', 'You cannot remove your own admin role or deactivate yourself; ask another admin');
      }
      if (changes.organisation) {
        const [org] = await c.get('deps').db.select().from(organisations).where(eq(organisations.code, changes.organisation));
        if (!org) {
          throw new ApiError(400, 'validation_failed', 'The request is not valid: organisation', [{ field: 'organisation', rule: 'unknown_organisation', message: `${changes.organisation} is not a known organisation` }]);
        }
      }
      const [updated] = await c.get('deps').db.update(users).set(changes).where(eq(users.id, userId)).returning();
      forgetTokens(c.get('deps').db);
      if (!updated) throw new ApiError(404, 'not_found', `User ${userId} was not found`);
      return c.json(toUser(updated), 200);
    },
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
    async (c) => {
      needAdmin(c.get('user'));
      const rows = await c.get('deps').db.select().from(apiTokens).where(eq(apiTokens.userId, c.req.valid('param').userId)).orderBy(desc(apiTokens.createdAt));
      return c.json({ items: rows.map(toToken) }, 200);
    },
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
      const admin = c.get('user');
      needAdmin(admin);
      const { userId } = c.req.valid('param');
      const { label, expiresAt } = c.req.valid('json');
      const db = c.get('deps').db;
      const [user] = await db.select().from(users).where(eq(users.id, userId));
      if (!user) throw new ApiError(404, 'not_found', `User ${userId} was not found`);
      const { id, token } = await issueToken(db, { userId, label, createdBy: admin.id, expiresAt: expiresAt ? new Date(expiresAt) : null });
      const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
      return c.json({ ...toToken(row!), token }, 201);
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
    async (c) => {
      needAdmin(c.get('user'));
      const [row] = await c
        .get('deps')
        .db.update(apiTokens)
        .set({ revokedAt: new Date() })
        .where(and(eq(apiTokens.id, c.req.valid('param').tokenId), isNull(apiTokens.revokedAt)))
        .returning();
      forgetTokens(c.get('deps').db);
      if (!row) throw new ApiError(404, 'not_found', 'No such token, or it is revoked already');
      return c.json(toToken(row), 200);
    },
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
    async (c) => {
      const active = await activeRuleSet(c.get('deps').db);
      return c.json({ items: listRuleSets().map((r) => ({ ...r, active: r.id === active.id && r.version === active.version, draft: isDraft(r) })) }, 200);
    },
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
    async (c) => {
      const admin = c.get('user');
      needAdmin(admin);
      const { id, version, reason } = c.req.valid('json');
      let hash: string;
      try {
        hash = loadRuleSet(id, version).identity.hash;
      } catch (error) {
        if (error instanceof UnknownRuleSetError) throw new ApiError(404, 'not_found', error.message);
        throw error;
      }
      if (isDraft({ id, version })) {
        throw new ApiError(422, 'refused', `${id}@${version} is a draft: use it in what-if runs, and release it as a version of its own before it scores bids`);
      }
      await c.get('deps').db.insert(ruleSetActivations).values({ ruleSetId: id, version, hash, activatedBy: admin.id, reason });
      return c.json({ id, version, hash, active: true, draft: false }, 200);
    },
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
    async (c) => {
      needAdmin(c.get('user'));
      const deps = c.get('deps');
      return c.json({ policy: { ...lifecyclePolicy(deps.config) }, activeRuleSet: await activeRuleSet(deps.db) }, 200);
    },
  );

  return router;
}
