// Durations in configuration: elapsed time (ms, s, m, h, d) or working days in England (wd).
import { z } from 'zod';

export type DurationSpec =
  | { kind: 'elapsed'; ms: number; text: string }
  | { kind: 'workingDays'; days: number; text: string };

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const durationSpec = z
  .string()
  .regex(/^\d+(ms|s|m|h|d|wd)$/, 'must be a whole number followed by ms, s, m, h, d or wd')
  .transform((text): DurationSpec => {
    const match = /^(\d+)(ms|s|m|h|d|wd)$/.exec(text);
    const amount = Number(match![1]);
    const unit = match![2] as keyof typeof UNIT_MS | 'wd';
    return unit === 'wd' ? { kind: 'workingDays', days: amount, text } : { kind: 'elapsed', ms: amount * UNIT_MS[unit], text };
  });
