// `npm run admin:create -- --id ian --name "Ian Thompson" --email ian@example.org [--organisation NWICB]`
// creates the first admin of an installation (against DATABASE_URL, or the embedded database)
// and prints their API token, once. Every other user is managed through the admin routes.
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../src/config.js';
import { migrateDatabase, openDatabase } from '../src/db/client.js';
import { organisations, users } from '../src/db/schema.js';
import { seedReferenceData } from '../src/db/seed.js';
import { issueToken } from '../src/services/auth.js';

const { values } = parseArgs({
  options: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' }, organisation: { type: 'string', default: 'NWICB' } },
});
const missing = (['id', 'name', 'email'] as const).filter((k) => !values[k]);
if (missing.length) {
  process.stderr.write(`Missing ${missing.map((m) => `--${m}`).join(', ')}. Usage: npm run admin:create -- --id ian --name "Ian Thompson" --email ian@example.org\n`);
  process.exit(64);
}
const config = loadConfig();
const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  await migrateDatabase(database, config.MIGRATION_DATABASE_URL ?? config.DATABASE_URL);
  await seedReferenceData(database.db);
  const [org] = await database.db.select().from(organisations).where(eq(organisations.code, values.organisation));
  if (!org) throw new Error(`--organisation ${values.organisation} is not a known organisation code`);
  await database.db
    .insert(users)
    .values({ id: values.id!, name: values.name!, email: values.email!, organisation: values.organisation, roles: ['admin'] })
    .onConflictDoNothing();
  const [user] = await database.db.select().from(users).where(eq(users.id, values.id!));
  if (!user?.roles.includes('admin')) throw new Error(`A user ${values.id} exists already and is not an admin`);
  const { token } = await issueToken(database.db, { userId: user.id, label: 'created by admin:create', createdBy: 'admin:create' });
  process.stdout.write(`Admin ${user.id} (${user.email}). API token, shown once:\n${token}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
