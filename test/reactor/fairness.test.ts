// The reactor serves a bounded batch of ready descriptors per event-loop
// wake-up, so timers, immediates and other I/O keep their turn while more
// sockets than one batch (64) stay ready. An in-process ping-pong storm on a
// few hundred connections keeps the poller's descriptor readable for ever; a
// reactor that drained it in a loop until fewer than a batch were ready would
// never return to the event loop.
//
// The storm runs in a child process, so that a starved event loop shows as a
// child that never prints, ended by the timeout, rather than a hung runner.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/sockets.js';
import { distEntry, loopbackEntry } from '../support/child.js';
import { scaled } from '../support/stress.js';

/** Connections in the storm: each keeps one side's recv ready most of the time. */
const PAIRS = scaled(200, 100);
/** The child's whole run; it needs well under a second where the loop keeps turning. */
const CHILD_TIMEOUT_MS = 30_000;

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STORM = `
const s = await import(${JSON.stringify(distEntry())});
const { connectedPair } = await import(${JSON.stringify(loopbackEntry())});
const pairs = [];
for (let i = 0; i < ${PAIRS}; i++) pairs.push(await connectedPair(s.AF_INET));
let stop = false;
let rounds = 0;
async function echo(fd) {
  const b = Buffer.alloc(64);
  while (!stop) {
    const r = await s.recv(fd, b, 64, 0);
    if (r <= 0) return;
    await s.send(fd, b, r, 0);
  }
}
async function client(fd) {
  const b = Buffer.alloc(64);
  while (!stop) {
    await s.send(fd, b, 64, 0);
    await s.recv(fd, b, 64, 0);
    rounds++;
  }
}
for (const p of pairs) { echo(p.server); client(p.client); }
const turn = (schedule) => new Promise((resolve) => schedule(resolve));
// The storm is running: the timer and the immediate each get their turn, more
// than once, and the storm goes on between them.
await turn((r) => setTimeout(r, 50));
const before = rounds;
let turns = 0;
for (let i = 0; i < 10; i++) {
  await turn((r) => setTimeout(r, 1));
  await turn((r) => setImmediate(r));
  turns++;
}
console.log(JSON.stringify({ turns, before, after: rounds }));
stop = true;
process.exit(0);
`;

describe('fairness', () => {
  it('timers_and_immediates_keep_their_turn_while_more_sockets_than_one_batch_stay_ready', () => {
    const script = join(dir, 'storm.mjs');
    writeFileSync(script, STORM);
    const out = execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
    const { turns, before, after } = JSON.parse(out.trim().split('\n').pop()!);
    expect(turns).toBe(10);
    expect(before).toBeGreaterThan(0); // the storm ran before the timers...
    expect(after).toBeGreaterThan(before); // ...and between them
  });
});
