// Waiting on a condition outside the process (a child's sockets, a kernel
// table), shared by the tools and the tests: polling is the only way to see
// state that nothing signals.

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `pred` every `stepMs` until it holds or `timeoutMs` passes; returns its last value. */
export async function waitUntil(pred: () => boolean, timeoutMs: number, stepMs = 10): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (pred()) return true;
    if (Date.now() >= end) return false;
    await sleep(stepMs);
  }
}
