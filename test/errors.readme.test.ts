// The README's error table is what API clients code against: every status and code the service
// can answer with must be in it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'v1' ? [] : sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

const readme = readFileSync('README.md', 'utf8');
const table = readme.slice(readme.indexOf('### Errors'), readme.indexOf('### A whole journey with curl'));
const rows = new Map(
  table
    .split('\n')
    .filter((line) => /^\| \d{3} \|/.test(line))
    .map((line) => [Number(line.slice(2, 5)), line] as const),
);

describe("the README's error table", () => {
  const thrown = new Set<string>();
  for (const file of sources('src')) {
    for (const match of readFileSync(file, 'utf8').matchAll(/ApiError\((\d{3}), '([a-z_]+)'/g)) thrown.add(`${match[1]} ${match[2]}`);
  }
  for (const match of readFileSync('src/api/refusals.ts', 'utf8').matchAll(/status: (\d{3}), code: '([a-z_]+)'/g)) thrown.add(`${match[1]} ${match[2]}`);

  it('finds the codes the service answers with', () => {
    expect(thrown.size).toBeGreaterThan(15);
    expect(thrown).toContain('503 service_unavailable');
  });

  it.each([...thrown].sort())('lists %s', (entry) => {
    const [status, code] = entry.split(' ');
    const row = rows.get(Number(status));
    expect(row, `no row for ${status}`).toBeDefined();
    expect(row).toContain(`\`${code}\``);
  });
});
