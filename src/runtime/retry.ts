// Start-up waits for what it needs (PostgreSQL, Temporal) instead of exiting at the first
// refusal: it tries again with backoff, saying each time what it waits for and why, and gives
// up with that reason once STARTUP_TIMEOUT has passed.
export async function waitFor<T>(what: string, attempt: () => Promise<T>, options: { timeoutMs: number; log: (line: string) => void }): Promise<T> {
  const until = Date.now() + options.timeoutMs;
  for (let n = 1, delay = 500; ; n += 1, delay = Math.min(delay * 2, 10_000)) {
    try {
      return await attempt();
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      if (Date.now() + delay > until) throw new Error(`Gave up waiting for ${what} after ${Math.round(options.timeoutMs / 1000)} s: ${reason}`);
      options.log(`Waiting for ${what} (attempt ${n}, next in ${(delay / 1000).toFixed(1)} s): ${reason}`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Whether a local TCP port is free to listen on. */
export async function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
