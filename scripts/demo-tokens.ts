// `npm run demo:tokens`: the demo users of an embedded start and their bearer tokens.
import { loadConfig } from '../src/config.js';
import { demoTokensFile, readDemoTokens } from '../src/services/demo.js';

const config = loadConfig();
const tokens = await readDemoTokens(config);
if (tokens.length === 0) {
  process.stderr.write(`No demo tokens in ${demoTokensFile(config)}: run npm start once on an empty data folder.\n`);
  process.exit(1);
}
const width = Math.max(...tokens.map((t) => t.id.length));
for (const t of tokens) process.stdout.write(`${t.id.padEnd(width)}  ${t.roles.join(',').padEnd(32)}  ${t.token}\n`);
