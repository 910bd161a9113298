// `npm run demo:tokens [user]`: the demo users of an embedded start and their bearer tokens.
import { loadConfig } from '../src/config.js';
import { demoTokensFile, readDemoTokens } from '../src/services/demo.js';

const config = loadConfig();
const tokens = await readDemoTokens(config);
if (tokens.length === 0) {
  process.stderr.write(`No demo tokens in ${demoTokensFile(config)}: run npm start once on an empty data folder.\n`);
  process.exit(1);
}
// With a user id, just that user's token, for TOKEN=$(npm run -s demo:tokens amira.hassan).
const only = process.argv[2];
if (only) {
  const one = tokens.find((t) => t.id === only);
  if (!one) {
    process.stderr.write(`No demo user ${only}; one of: ${tokens.map((t) => t.id).join(', ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`${one.token}\n`);
  process.exit(0);
}
const width = Math.max(...tokens.map((t) => t.id.length));
for (const t of tokens) process.stdout.write(`${t.id.padEnd(width)}  ${t.roles.join(',').padEnd(32)}  ${t.token}\n`);
