// Running the project's scripts as an operator does (`npx tsx scripts/…`), and acting on the
// database as its owner with the trail's triggers off, as a tamperer or an old installation would.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import postgres from 'postgres';

const run = promisify(execFile);

/** Runs a script with extra environment; its exit code and everything it printed (stdout, then stderr on failure). */
export async function runScript(script: string, args: string[], env: Record<string, string | undefined>, timeoutMs = 120_000): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run('npx', ['tsx', script, ...args], { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const TRAIL_TABLES = ['decision_events', 'trail_heads', 'trail_checkpoint'];

/** Runs statements as the database owner with every trail trigger switched off, in one transaction. */
export async function asOwnerWithoutTriggers(databaseUrl: string, work: (tx: postgres.TransactionSql) => Promise<unknown>): Promise<void> {
  const owner = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await owner.begin(async (tx) => {
      for (const table of TRAIL_TABLES) await tx.unsafe(`alter table ${table} disable trigger user`);
      await work(tx);
      for (const table of TRAIL_TABLES) await tx.unsafe(`alter table ${table} enable trigger user`);
    });
  } finally {
    await owner.end();
  }
}
