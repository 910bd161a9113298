// Waiting for a workflow's first record: a workflow started a moment ago writes its read model
// within moments, and an answer given before then would show a list without it.

/** Polls `read` until it finds something, for up to `timeoutMs`; then gives up with undefined. */
export async function firstRecord<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 50): Promise<T | undefined> {
  for (let waited = 0; waited < timeoutMs; waited += everyMs) {
    const found = await read();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return undefined;
}
