// Test databases on the real PostgreSQL (DATABASE_URL, default the local server's postgres db).
import postgres from 'postgres';

export function adminUrl(): string {
  return process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export function runId(): string {
  return `${Date.now().toString(36)}${process.pid.toString(36)}`;
}

/** A fresh database cloned from the migrated template. */
export async function cloneTemplate(template: string, name: string): Promise<string> {
  const sql = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  try {
    // Two files cloning at the same instant can collide on the template; try again briefly.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await sql.unsafe(`create database "${name}" template "${template}"`);
        break;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  } finally {
    await sql.end();
  }
  return databaseUrl(name);
}

export async function dropDatabasesLike(admin: string, pattern: string): Promise<void> {
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname like ${pattern}`;
    for (const { datname } of rows) await sql.unsafe(`drop database if exists "${datname}" with (force)`);
  } finally {
    await sql.end();
  }
}
