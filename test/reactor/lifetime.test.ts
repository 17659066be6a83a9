// Lifetime (docs/threading.md, "Lifetime"): a worker ending with calls in
// flight is torn down without a crash, the addon works in several workers at
// once, and the library keeps a process alive exactly when a C program would
// be blocked: while a call is in flight, and not once every call completed.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/sockets.js';
import { distEntry, loopbackEntry } from '../support/child.js';

const lib = distEntry();
const addonUrl = new URL('./addon.js', lib).href;
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

// Shared by the scripts below: a loopback listener and a connected pair.
const PRELUDE = `
import * as s from ${JSON.stringify(lib)};
import { addon } from ${JSON.stringify(addonUrl)};
import { connectedPair, listenLoopback } from ${JSON.stringify(loopbackEntry())};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const listener = () => listenLoopback(s.AF_INET, 8);
async function pair() {
  const p = await connectedPair(s.AF_INET, 8);
  s.close(p.listener.fd);
  return { client: p.client, server: p.server };
}
async function echo(tag) {
  const p = await pair();
  const msg = Buffer.from('echo from ' + tag);
  const got = Buffer.alloc(msg.length);
  const serverBuf = Buffer.alloc(64);
  // The server waits for data first (in the poller), then echoes.
  const served = (async () => {
    const n = await s.recv(p.server, serverBuf, 64, 0);
    return s.send(p.server, serverBuf, n, 0);
  })();
  await sleep(5);
  if (await s.send(p.client, msg, msg.length, 0) !== msg.length) throw new Error('send');
  // MSG_WAITALL short of data: on a pool thread until the echo arrives.
  const n = await s.recv(p.client, got, got.length, s.MSG_WAITALL);
  await served;
  s.close(p.client);
  s.close(p.server);
  if (n !== msg.length || !got.equals(msg)) throw new Error('echo mismatch: ' + n + ' ' + got);
  return got.toString();
}
`;

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runNode(file: string, timeoutMs: number, args: string[] = []): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [...args, file], { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

describe('worker teardown', () => {
  it('terminating_a_worker_with_calls_in_flight_does_not_crash_the_process', () => {
    const worker = script(
      'busy-worker.mjs',
      `${PRELUDE}
import { parentPort } from 'node:worker_threads';
const l = listener();
const idle = await pair();
const busy = await pair();
// 1: an accept waiting in the poller; 2: a recv waiting in the poller;
// 3: a MSG_WAITALL recv inside recv(2) on a pool thread (10 of 100 bytes there).
s.accept(l.fd, new s.sockaddr_in(), s.socklen_t(16)).then(() => parentPort.postMessage('settled'));
s.recv(idle.server, Buffer.alloc(16), 16, 0).then(() => parentPort.postMessage('settled'));
s.sendSync(busy.client, '0123456789', 10, 0);
s.recv(busy.server, Buffer.alloc(100), 100, s.MSG_WAITALL).then(() => parentPort.postMessage('settled'));
while (addon.reactorStats().waiting < 2 || addon.reactorStats().pending < 1) await sleep(2);
await sleep(20);
parentPort.postMessage({ fds: [l.fd, idle.client, idle.server, busy.client, busy.server], busy: busy.server, stats: addon.reactorStats() });
`,
    );
    const main = script(
      'terminate.mjs',
      `${PRELUDE}
import { Worker } from 'node:worker_threads';
async function busyWorker() {
  const w = new Worker(${JSON.stringify(worker)});
  const report = await new Promise((resolve, reject) => {
    w.on('message', (m) => (m === 'settled' ? reject(new Error('a call settled')) : resolve(m)));
    w.on('error', reject);
  });
  const code = await w.terminate();
  return { report, code };
}
const first = await busyWorker();
// The pool thread of the first worker is still inside recv(2); wake it now
// that its environment is gone: its completion must be dropped quietly.
s.shutdown(first.report.busy, s.SHUT_RDWR);
await sleep(200);
for (const fd of first.report.fds) s.close(fd);
// The main thread's own calls still work, while another worker is terminated.
const second = await busyWorker();
const echoed = await echo('main');
console.log(JSON.stringify({ first, second: { code: second.code, stats: second.report.stats }, echoed, stats: addon.reactorStats() }));
// The second worker's pool thread is still blocked in recv(2): exit anyway.
`,
    );
    const r = runNode(main, 30_000);
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.first.report.stats.waiting).toBeGreaterThanOrEqual(2);
    expect(out.first.report.stats.pending).toBeGreaterThanOrEqual(1);
    expect(out.second.stats.pending).toBeGreaterThanOrEqual(1);
    // worker.terminate() resolves to exit code 1.
    expect(out.first.code).toBe(1);
    expect(out.second.code).toBe(1);
    expect(out.echoed).toBe('echo from main');
    expect(out.stats).toMatchObject({ waiting: 0, pending: 0 });
  });

  it('four_workers_load_the_addon_and_echo_at_the_same_time', async () => {
    const file = script(
      'echo-worker.mjs',
      `${PRELUDE}
import { parentPort, workerData } from 'node:worker_threads';
// All four workers start their round trips together.
Atomics.add(workerData.ready, 0, 1);
while (Atomics.load(workerData.ready, 0) < workerData.count) await sleep(1);
const results = [];
for (let i = 0; i < 20; i++) results.push(await echo(workerData.id + '.' + i));
parentPort.postMessage({ results, stats: addon.reactorStats() });
`,
    );
    const count = 4;
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const run = (id: number) =>
      new Promise<{ results: string[]; stats: { waiting: number; pending: number } }>((resolve, reject) => {
        const w = new Worker(file, { workerData: { id, ready, count } });
        let report: { results: string[]; stats: { waiting: number; pending: number } } | undefined;
        const timer = setTimeout(() => {
          void w.terminate();
          reject(new Error(`worker ${id} timed out`));
        }, 20_000);
        w.on('message', (m) => (report = m));
        w.on('error', reject);
        w.on('exit', (code) => {
          clearTimeout(timer);
          if (code === 0 && report) resolve(report);
          else reject(new Error(`worker ${id} exited with ${code}`));
        });
      });
    const reports = await Promise.all(Array.from({ length: count }, (_, i) => run(i)));
    reports.forEach((r, id) => {
      expect(r.results).toEqual(Array.from({ length: 20 }, (_, i) => `echo from ${id}.${i}`));
      expect(r.stats).toMatchObject({ waiting: 0, pending: 0 });
    });
  });
});

describe('process exit', () => {
  it('a_process_whose_async_calls_all_completed_exits_by_itself', () => {
    const file = script(
      'done.mjs',
      `${PRELUDE}
// Every path once: at once, waiting in the poller, on a pool thread, cancelled,
// timed out, closed while waiting and closed while inside the syscall.
await echo('exit');
const p = await pair();
const ac = new AbortController();
const aborted = s.recv(p.server, Buffer.alloc(4), 4, 0, { signal: ac.signal });
ac.abort();
const timedOut = s.recv(p.server, Buffer.alloc(4), 4, 0, { timeout: 20 });
const results = [await aborted, await timedOut];
const l = listener();
const accepting = s.accept(l.fd, null, null, { timeout: 60_000, signal: new AbortController().signal });
await sleep(10);
s.close(l.fd);
results.push(await accepting);
s.sendSync(p.client, 'abc', 3, 0);
const waitall = s.recv(p.server, Buffer.alloc(10), 10, s.MSG_WAITALL);
while (addon.reactorStats().pending < 1) await sleep(1);
await sleep(20);
s.close(p.server);
results.push(await waitall);
s.close(p.client);
console.log(JSON.stringify({ results, stats: addon.reactorStats() }));
`,
    );
    const r = runNode(file, 20_000);
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results).toEqual([-1, -1, -1, 3]);
    expect(out.stats).toMatchObject({ waiting: 0, pending: 0 });
    // Nothing held the event loop open after the last call: node exits at
    // once (its own start-up and shutdown take well under this bound).
    expect(r.ms).toBeLessThan(10_000);
    console.log(`exit after completed calls: ${Math.round(r.ms)} ms for the whole child`);
  });

  const pendingCases: [string, string][] = [
    ['accept', `const l = listener(); s.accept(l.fd, null, null);`],
    ['recv', `const p = await pair(); s.recv(p.server, Buffer.alloc(4), 4, 0);`],
    ['waitall_recv_on_a_pool_thread', `const p = await pair(); s.sendSync(p.client, 'a', 1, 0); s.recv(p.server, Buffer.alloc(4), 4, s.MSG_WAITALL);`],
  ];
  for (const [name, body] of pendingCases) {
    it(`a_process_with_a_pending_${name}_stays_alive`, async () => {
      const file = script(`pending-${name}.mjs`, `${PRELUDE}\n${body}\nawait sleep(10);\nconsole.log('waiting');\n`);
      const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, sig) => resolve([code, sig])));
      try {
        const start = Date.now();
        while (!stdout.includes('waiting') && child.exitCode === null && Date.now() - start < 10_000) {
          await new Promise((r) => setTimeout(r, 10));
        }
        expect(stdout).toContain('waiting');
        await new Promise((r) => setTimeout(r, 1000));
        // Still running a second later, like a C program blocked in the call.
        expect(child.exitCode).toBeNull();
        expect(child.signalCode).toBeNull();
      } finally {
        child.kill('SIGKILL');
      }
      expect(await exited).toEqual([null, 'SIGKILL']);
      expect(stderr).toBe('');
    });
  }
});
