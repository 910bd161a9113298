// Secrets an embedded start makes once and keeps in DATA_DIR (mode 0600), so a restart finds them;
// a PostgreSQL installation must configure them instead, the same for every process.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type Config } from '../config.js';

/** The secret kept in DATA_DIR/<file>, made there first if `create` (else undefined when absent). */
export async function keptSecret(dataDir: string, file: string, create = true): Promise<string | undefined> {
  const at = path.resolve(dataDir, file);
  try {
    const existing = (await readFile(at, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch {
    // Not made yet.
  }
  if (!create) return undefined;
  const secret = randomBytes(32).toString('base64url');
  await mkdir(path.dirname(at), { recursive: true });
  await writeFile(at, `${secret}\n`, { mode: 0o600 });
  await chmod(at, 0o600);
  return secret;
}

export const TRAIL_KEY_FILE = 'trail-seal-key';

/**
 * The trail's seal key: TRAIL_SEAL_KEY, or for an embedded start the one kept in DATA_DIR. Without
 * `create` (verification) a missing key is not made: a new key could only call every seal forged.
 */
export async function resolveTrailSealKey(config: Config, create = true): Promise<string> {
  if (config.TRAIL_SEAL_KEY) return config.TRAIL_SEAL_KEY;
  if (config.DATABASE_URL) {
    throw new ConfigError(['TRAIL_SEAL_KEY: required with DATABASE_URL (production); at least 32 random characters, the same for every worker and for npm run verify, kept outside the database']);
  }
  const key = await keptSecret(config.DATA_DIR, TRAIL_KEY_FILE, create);
  if (!key) throw new ConfigError([`TRAIL_SEAL_KEY: not set, and no key kept in ${path.resolve(config.DATA_DIR, TRAIL_KEY_FILE)}`]);
  return key;
}
