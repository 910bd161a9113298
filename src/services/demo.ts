// The demo on a fresh embedded start: the demo users of every role, each with a token, written
// to DATA_DIR/demo-tokens.json (readable by the owner only) for the README's examples and the
// sign-in page. An existing installation is left as it is.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { DEMO_USERS, seedDemoUsers } from '../db/demo.js';
import { issueToken } from './auth.js';

export interface DemoToken {
  id: string;
  name: string;
  organisation: string;
  roles: string[];
  description: string;
  token: string;
}

export const demoTokensFile = (config: Pick<Config, 'DATA_DIR'>) => path.resolve(config.DATA_DIR, 'demo-tokens.json');

export async function seedDemo(db: Db, config: Config, log: (line: string) => void): Promise<void> {
  const added = await seedDemoUsers(db);
  if (added === 0) return;
  const tokens: DemoToken[] = [];
  for (const user of DEMO_USERS) {
    const { token } = await issueToken(db, { userId: user.id, label: 'demo', createdBy: 'demo-seed' });
    tokens.push({ id: user.id, name: user.name, organisation: user.organisation, roles: user.roles, description: user.description, token });
  }
  const file = demoTokensFile(config);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  log(`Seeded ${tokens.length} demo users; their tokens are in ${file} (npm run demo:tokens lists them)`);
}

export async function readDemoTokens(config: Pick<Config, 'DATA_DIR'>): Promise<DemoToken[]> {
  try {
    return JSON.parse(await readFile(demoTokensFile(config), 'utf8')) as DemoToken[];
  } catch {
    return [];
  }
}
