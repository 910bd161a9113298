// Configuration: a bad value stops start-up with a message naming the variable and the problem.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, shouldSeedDemo } from '../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('runs with no configuration at all, on the embedded defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: '.data', TEMPORAL_NAMESPACE: 'default' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.DEADLINE_HUB_REVIEW).toEqual({ kind: 'workingDays', days: 10, text: '10wd' });
    expect(config.DEADLINE_RETURNED_LAPSE).toEqual({ kind: 'elapsed', ms: 28 * 86_400_000, text: '28d' });
    expect(shouldSeedDemo(config)).toBe(true);
  });

  it('names every bad variable and what is wrong with it', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://localhost/x',
      TEMPORAL_ADDRESS: 'http://temporal',
      DEADLINE_HUB_REVIEW: 'ten days',
      REFERENCE_PREFIX: 'nw',
      EXTRA_BANK_HOLIDAYS: '2026-13-01',
    });
    const byVariable = Object.fromEntries(problems.map((p) => [p.slice(0, p.indexOf(':')), p]));
    expect(Object.keys(byVariable).sort()).toEqual(
      ['DATABASE_URL', 'DEADLINE_HUB_REVIEW', 'EXTRA_BANK_HOLIDAYS.0', 'PORT', 'REFERENCE_PREFIX', 'TEMPORAL_ADDRESS'].sort(),
    );
    expect(byVariable.DATABASE_URL).toContain('postgres://');
    expect(byVariable.TEMPORAL_ADDRESS).toContain('host:port');
    expect(byVariable.DEADLINE_HUB_REVIEW).toContain('wd (working days in England)');
    expect(byVariable.REFERENCE_PREFIX).toContain('2 to 5 capital letters');
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: ' ' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
  });
});
