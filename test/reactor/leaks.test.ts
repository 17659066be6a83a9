// No leaks: a hundred thousand socket/connect/accept/close cycles through the
// async API leave the open descriptors, the reactor's bookkeeping and the
// resident memory flat; buffers given to calls in flight survive forced
// garbage collection (the call holds them) and are released once it is done.
// Both run in a child process started with --expose-gc.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/sockets.js';
import { distEntry } from '../support/child.js';
import { scaled } from '../support/stress.js';

const CYCLES = scaled(100_000, 5_000);
const WARMUP = scaled(10_000, 500);
/** Cycles in flight at once. */
const PARALLEL = 8;
const RSS_MARGIN_MB = 20;

const lib = distEntry();
const addonUrl = new URL('./addon.js', lib).href;
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PRELUDE = `
import { readdirSync } from 'node:fs';
import * as s from ${JSON.stringify(lib)};
import { addon } from ${JSON.stringify(addonUrl)};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fail = (what) => { throw new Error(what + ': ' + s.strerror(s.errno)); };
const openFds = () => readdirSync('/proc/self/fd').length;
function listener() {
  const addr = new s.sockaddr_in();
  addr.sin_family = s.AF_INET;
  addr.sin_addr.s_addr = s.htonl(s.INADDR_LOOPBACK);
  const fd = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
  if (fd < 0 || s.bind(fd, addr, s.sizeof(addr)) < 0 || s.listen(fd, s.SOMAXCONN) < 0 ||
      s.getsockname(fd, addr, s.socklen_t(s.sizeof(addr))) < 0) fail('listener');
  return { fd, addr };
}
async function pair(l) {
  const client = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
  const accepting = s.accept(l.fd, null, null);
  if (await s.connect(client, l.addr, s.sizeof(l.addr)) !== 0) fail('connect');
  const server = await accepting;
  if (server < 0) fail('accept');
  return { client, server };
}
async function until(pred, ms, what) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what + ' ' + JSON.stringify(addon.reactorStats()));
    await sleep(2);
  }
}
`;

describe('no leaks', () => {
  it('hundred_thousand_connection_cycles_leave_descriptors_and_memory_flat', () => {
    const file = join(dir, 'cycles.mjs');
    writeFileSync(
      file,
      `${PRELUDE}
const [total, warmup, parallel] = process.argv.slice(2).map(Number);
const l = listener();
let started = 0;
let failures = 0;
async function cycle() {
  const c = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
  if (c < 0) { failures++; return; }
  const accepting = s.accept(l.fd, null, null);
  const r = await s.connect(c, l.addr, s.sizeof(l.addr));
  const a = await accepting;
  if (r !== 0 || a < 0) failures++;
  // The accepted side closes first: its TIME_WAIT does not hold the client's port.
  if (a >= 0 && s.close(a) !== 0) failures++;
  if (s.close(c) !== 0) failures++;
}
async function run(upTo) {
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (started < upTo) {
      started++;
      await cycle();
    }
  }));
}
function measure() {
  for (let i = 0; i < 3; i++) global.gc();
  return { fds: openFds(), rssMB: process.memoryUsage().rss / 2 ** 20, stats: addon.reactorStats() };
}
const t0 = performance.now();
await run(warmup);
await sleep(50);
const before = measure();
await run(total);
await sleep(50);
const after = measure();
s.close(l.fd);
console.log(JSON.stringify({ cycles: started, failures, before, after, seconds: (performance.now() - t0) / 1000 }));
`,
    );
    const r = spawnSync(process.execPath, ['--expose-gc', file, String(CYCLES), String(WARMUP), String(PARALLEL)], {
      encoding: 'utf8',
      timeout: 110_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      cycles: number;
      failures: number;
      seconds: number;
      before: { fds: number; rssMB: number; stats: { waiting: number; pending: number; descriptors: number } };
      after: { fds: number; rssMB: number; stats: { waiting: number; pending: number; descriptors: number } };
    };
    expect(out.cycles).toBe(CYCLES);
    expect(out.failures).toBe(0);
    // The same descriptors are open after 90% of the cycles as after the warm-up...
    expect(out.after.fds).toBe(out.before.fds);
    // ...the reactor forgets every closed descriptor and holds no call...
    expect(out.after.stats).toMatchObject({ waiting: 0, pending: 0, descriptors: out.before.stats.descriptors });
    expect(out.after.stats.descriptors).toBeLessThanOrEqual(1);
    // ...and the resident memory did not grow beyond noise.
    expect(out.after.rssMB - out.before.rssMB).toBeLessThan(RSS_MARGIN_MB);
    console.log(
      `${out.cycles} socket/connect/accept/close cycles (${PARALLEL} at once) in ${out.seconds.toFixed(1)} s; ` +
        `after ${WARMUP}: ${out.before.fds} fds, RSS ${out.before.rssMB.toFixed(1)} MB; ` +
        `at the end: ${out.after.fds} fds, RSS ${out.after.rssMB.toFixed(1)} MB ` +
        `(${(out.after.rssMB - out.before.rssMB).toFixed(1)} MB)`,
    );
  }, 120_000);

  it('buffers_of_calls_in_flight_survive_forced_gc_and_are_released_after', () => {
    const file = join(dir, 'gc.mjs');
    writeFileSync(
      file,
      `${PRELUDE}
const gc = () => { for (let i = 0; i < 3; i++) global.gc(); };
const quiet = () => { const st = addon.reactorStats(); return st.waiting === 0 && st.pending === 0; };
const l = listener();
const N = 32;
const pairs = [];
for (let i = 0; i < N; i++) pairs.push(await pair(l));
const message = (i, len) => { const b = Buffer.alloc(len); for (let j = 0; j < len; j++) b[j] = (i * 29 + j * 3 + 1) & 0xff; return b; };
const report = {};

// 1. Promises dropped, buffers kept: recvs waiting in the poller and
//    MSG_WAITALL recvs inside recv(2) on pool threads.
{
  const bufs = pairs.map(() => Buffer.alloc(256));
  pairs.forEach((p, i) => {
    if (i % 2 === 0) s.recv(p.server, bufs[i], 256, 0);
    else { s.sendSync(p.client, message(i, 10), 10, 0); s.recv(p.server, bufs[i], 100, s.MSG_WAITALL); }
  });
  await until(() => addon.reactorStats().waiting === N / 2 && addon.reactorStats().pending === N / 2, 5000, 'calls in flight');
  gc();
  await sleep(20);
  gc();
  pairs.forEach((p, i) => {
    const m = message(i, 100);
    if (i % 2 === 0) s.sendSync(p.client, m, 100, 0);
    else s.sendSync(p.client, m.subarray(10), 90, 0);
  });
  await until(quiet, 5000, 'completions');
  report.keptBuffers = bufs.filter((b, i) => b.subarray(0, 100).equals(message(i, 100)) && b.subarray(100).every((x) => x === 0)).length;
}

// 2. Buffers dropped by the caller, Promises kept: the call holds its buffer
//    until it completes, and lets it go after.
{
  let finalized = 0;
  const registry = new FinalizationRegistry(() => finalized++);
  const calls = pairs.map((p, i) => {
    const buf = Buffer.alloc(64);
    registry.register(buf, i);
    return s.recv(p.server, buf, 64, i % 2 ? s.MSG_WAITALL : 0);
  });
  for (let i = 0; i < 5; i++) { gc(); await sleep(10); }
  report.finalizedWhileWaiting = finalized;
  pairs.forEach((p, i) => s.sendSync(p.client, message(i, 64), 64, 0));
  report.droppedResults = await Promise.all(calls);
  const end = Date.now() + 5000;
  while (finalized < N && Date.now() < end) { gc(); await sleep(10); }
  report.finalizedAfter = finalized;
}

// 3. Nothing kept at all (no Promise, no buffer): completes without harm.
{
  pairs.forEach((p) => s.recv(p.server, Buffer.alloc(32), 32, 0));
  gc();
  pairs.forEach((p, i) => s.sendSync(p.client, message(i, 32), 32, 0));
  await until(quiet, 5000, 'unreferenced completions');
  gc();
  report.unreferenced = 'ok';
}

// 4. A send's data is taken when the call is made: overwriting and dropping
//    the buffer while the send is on a pool thread changes nothing sent.
{
  const p = pairs[0];
  const big = message(7, 4 << 20);
  const expected = Buffer.from(big);
  const sending = s.send(p.client, big, big.length, 0);
  big.fill(0);
  gc();
  const got = Buffer.alloc(big.length);
  const n = await s.recv(p.server, got, got.length, s.MSG_WAITALL);
  report.bigSend = [await sending, n, got.equals(expected)];
}

// 5. The buffer of a waiting recv is detached or shrunk meanwhile: the
//    received bytes are dropped or cut to what is left; nothing is written
//    outside the buffer.
{
  const p = pairs[1];
  const ab = new ArrayBuffer(64);
  const receiving = s.recv(p.server, new Uint8Array(ab), 64, 0);
  await sleep(5);
  structuredClone(ab, { transfer: [ab] });
  gc();
  s.sendSync(p.client, message(1, 64), 64, 0);
  const detached = await receiving;
  const rab = new ArrayBuffer(64, { maxByteLength: 64 });
  const view = new Uint8Array(rab);
  const receiving2 = s.recv(p.server, view, 64, 0);
  await sleep(5);
  rab.resize(16);
  s.sendSync(p.client, message(2, 64), 64, 0);
  const shrunk = await receiving2;
  report.detached = [detached, ab.byteLength];
  report.shrunk = [shrunk, view.length, Buffer.from(view).equals(message(2, 16))];
}

for (const p of pairs) { s.close(p.client); s.close(p.server); }
s.close(l.fd);
report.end = addon.reactorStats();
console.log(JSON.stringify(report));
`,
    );
    const r = spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    const n = 32;
    expect(out.keptBuffers).toBe(n);
    expect(out.finalizedWhileWaiting).toBe(0);
    expect(out.droppedResults).toEqual(Array(n).fill(64));
    expect(out.finalizedAfter).toBe(n);
    expect(out.unreferenced).toBe('ok');
    expect(out.bigSend).toEqual([4 << 20, 4 << 20, true]);
    expect(out.detached).toEqual([64, 0]);
    expect(out.shrunk).toEqual([64, 16, true]);
    expect(out.end).toMatchObject({ waiting: 0, pending: 0 });
  }, 60_000);
});
