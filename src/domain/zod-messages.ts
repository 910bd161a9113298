// Plain-English messages for the zod failures people meet most, installed once for the process.
import { z } from 'zod';

z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
    if (issue.code === 'invalid_type') return `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
    if (issue.code === 'unrecognized_keys') return `has fields that are not recognised: ${issue.keys.join(', ')}`;
    if (issue.code === 'invalid_value' && 'values' in issue) {
      return `must be one of: ${(issue.values as unknown[]).map(String).join(', ')}`;
    }
    return undefined;
  },
});
