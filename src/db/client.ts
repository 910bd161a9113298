// Opens the database: PostgreSQL through the `postgres` driver when DATABASE_URL is set, else an
// embedded PGlite in the data folder. Both get the same drizzle schema and committed migrations.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Where the data lives, with any password removed, for logs. */
  location: string;
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Any migration runner, web or worker, takes this lock so two processes never migrate at once. */
const MIGRATION_LOCK = 727_001;

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

export async function openPostgres(url: string, poolSize = 10, connectTimeoutSeconds = 5): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  // A database that does not answer is a 503 within seconds, not a request hanging for its driver's default.
  const client = postgres(url, { max: poolSize, onnotice: () => {}, connect_timeout: connectTimeoutSeconds });
  return {
    db: drizzle(client, { schema }) as unknown as Db,
    kind: 'postgres',
    location: redactUrl(url),
    close: () => client.end({ timeout: 5 }),
  };
}

export async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const folder = path.resolve(dataDir, 'pglite');
  await mkdir(folder, { recursive: true });
  const client = await PGlite.create(folder);
  return {
    db: drizzle(client, { schema }) as unknown as Db,
    kind: 'pglite',
    location: folder,
    close: () => client.close(),
  };
}

export async function openDatabase(options: { url?: string; dataDir: string; poolSize?: number; connectTimeoutSeconds?: number }): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolSize, options.connectTimeoutSeconds) : openPglite(options.dataDir);
}

/** Applies the committed migrations; safe to call from several processes at once. */
export async function migrateDatabase(database: Database, url?: string): Promise<void> {
  if (database.kind === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, { migrationsFolder });
    return;
  }
  if (!url) throw new Error('migrateDatabase needs the PostgreSQL URL to take the migration lock');
  // The lock is per session, so migrate on one dedicated connection that holds it.
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(client), { migrationsFolder });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}

export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/** The rows of a raw query, whichever driver ran it (postgres-js gives an array, PGlite { rows }). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The migrations committed with this code that the database has not applied yet (their tags). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  const journal = JSON.parse(await readFile(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
  let applied: number;
  try {
    // drizzle's migrator records each applied migration with its journal time (`when`), and applies those later than the last.
    const [row] = rowsOf<{ last: string | number | null }>(await db.execute(sql`select max(created_at) as last from drizzle.__drizzle_migrations`));
    applied = Number(row?.last ?? 0);
  } catch {
    applied = 0; // no migrations table: none applied
  }
  return journal.entries.filter((e) => e.when > applied).map((e) => e.tag);
}
