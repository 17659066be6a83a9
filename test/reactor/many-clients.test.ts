// A thread-per-client style echo server (one async handler per accepted
// client, each looping on await recv / await send, as a C server would with
// one thread per client) serves a thousand simultaneous clients. While all of
// them sit idle in recv, the libuv threadpool stays free: fs, dns.lookup and
// crypto calls issued then complete (docs/threading.md: a waiting call
// occupies no thread, and the library never uses the libuv pool).
//
// The scenario runs in a child process, so that the libuv threadpool size is
// the one chosen here (UV_THREADPOOL_SIZE unset: the default) and the pool is
// already started before the library is loaded, and so that the descriptor
// limit can be raised for it alone.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/sockets.js';
import { distEntry, loopbackEntry } from '../support/child.js';
import { scaled } from '../support/stress.js';

const CLIENTS = scaled(1000, 100);
/** How long the side work may take while the clients wait: correctness, not speed. */
const SIDE_WORK_BOUND_MS = 5000;
/** Descriptors the child needs: a socket per client on each side, and some to spare. */
const FD_LIMIT = Math.max(8192, 2 * CLIENTS + 512);

const lib = distEntry();
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SERVER = `
import { promises as fsp } from 'node:fs';
import { fileURLToPath } from 'node:url';
// The libuv threadpool starts (at the size the environment gives it) before
// the library is loaded.
const self = fileURLToPath(import.meta.url);
await fsp.readFile(self);

const s = await import(${JSON.stringify(lib)});
const { addon } = await import(${JSON.stringify(new URL('./addon.js', lib).href)});
const { listenLoopback } = await import(${JSON.stringify(loopbackEntry())});
const dns = await import('node:dns');
const crypto = await import('node:crypto');
const net = await import('node:net');
const { promisify } = await import('node:util');

const N = Number(process.argv[2]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fail = (what) => { throw new Error(what + ': ' + s.strerror(s.errno)); };
async function until(pred, ms, what) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what + ' ' + JSON.stringify(addon.reactorStats()));
    await sleep(5);
  }
}

// --- The server: the C thread-per-client echo server, one async handler per client.
const { fd: lfd, port } = listenLoopback(s.AF_INET, s.SOMAXCONN);

const handlers = [];
const serverErrors = [];
async function handleClient(fd) {
  const buf = Buffer.alloc(512);
  let echoed = 0;
  for (;;) {
    const n = await s.recv(fd, buf, buf.length, 0);
    if (n <= 0) {
      if (n < 0) serverErrors.push('recv: ' + s.strerror(s.errno));
      break;
    }
    let off = 0;
    while (off < n) {
      const w = await s.send(fd, buf.subarray(off, n), n - off, 0);
      if (w <= 0) { serverErrors.push('send: ' + s.strerror(s.errno)); break; }
      off += w;
    }
    echoed += n;
  }
  s.close(fd);
  return echoed;
}
const acceptLoop = (async () => {
  for (let i = 0; i < N; i++) {
    const c = await s.accept(lfd, null, null);
    if (c < 0) { serverErrors.push('accept: ' + s.strerror(s.errno)); break; }
    handlers.push(handleClient(c));
  }
  s.close(lfd);
})();

// --- The clients: node:net sockets, an independent implementation.
const t0 = performance.now();
const clients = [];
for (let i = 0; i < N; i++) {
  const sock = net.connect({ host: '127.0.0.1', port });
  const c = { sock, connected: false, chunks: [], closed: false, error: null };
  sock.on('connect', () => (c.connected = true));
  sock.on('data', (d) => c.chunks.push(d));
  sock.on('error', (e) => (c.error = String(e)));
  sock.on('close', () => (c.closed = true));
  clients.push(c);
}
await until(() => clients.every((c) => c.connected || c.error), 30_000, 'clients to connect');
await until(() => handlers.length === N || serverErrors.length > 0, 30_000, 'accepts');
await acceptLoop;
// Every handler is now idle in recv at the same moment.
await until(() => addon.reactorStats().waiting >= N, 30_000, 'handlers to wait in recv');
const connectMs = performance.now() - t0;
const idle = addon.reactorStats();

// --- Side work on the libuv threadpool while all N recvs wait.
const side = performance.now();
const took = (p) => p.then(() => Math.round(performance.now() - side));
let bound;
const sideWork = await Promise.race([
  Promise.all([
    took(fsp.readFile(self)),
    took(dns.promises.lookup('localhost')),
    took(promisify(crypto.pbkdf2)('password', 'salt', 1000, 32, 'sha256')),
  ]),
  new Promise((r) => (bound = setTimeout(r, ${SIDE_WORK_BOUND_MS}, null))),
]);
clearTimeout(bound);
const sideMs = Math.round(performance.now() - side);
// Still all waiting: the side work finished before any client was released.
const afterSide = addon.reactorStats();

// --- Release the clients: each sends a distinct message and checks the echo.
const t1 = performance.now();
const messages = clients.map((_, i) => {
  const body = Buffer.alloc(16 + ((i * 37) % 400));
  for (let j = 0; j < body.length; j++) body[j] = (i * 131 + j * 7) & 0xff;
  return Buffer.concat([Buffer.from('client ' + i + ':'), body]);
});
clients.forEach((c, i) => c.sock.write(messages[i]));
await until(() => clients.every((c, i) => c.error || c.chunks.reduce((a, b) => a + b.length, 0) >= messages[i].length), 30_000, 'echoes');
let exact = 0;
clients.forEach((c, i) => { if (Buffer.concat(c.chunks).equals(messages[i])) exact++; });
clients.forEach((c) => c.sock.end());
const echoed = await Promise.all(handlers);
await until(() => clients.every((c) => c.closed), 30_000, 'clients to close');
const echoMs = performance.now() - t1;
const served = echoed.filter((n, i) => n === messages[i].length).length;

console.log(JSON.stringify({
  clients: N,
  threadpool: process.env.UV_THREADPOOL_SIZE ?? null,
  connectErrors: clients.filter((c) => c.error).map((c) => c.error).slice(0, 5),
  serverErrors: serverErrors.slice(0, 5),
  idle,
  sideWork,
  sideMs,
  afterSide,
  exact,
  served,
  connectMs: Math.round(connectMs),
  echoMs: Math.round(echoMs),
  end: addon.reactorStats(),
}));
`;

/** The hard descriptor limit as the shell reports it ('unlimited' or a number). */
function hardFdLimit(): number {
  const out = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  return out === 'unlimited' ? Infinity : Number(out);
}

interface Report {
  clients: number;
  threadpool: string | null;
  connectErrors: string[];
  serverErrors: string[];
  idle: { waiting: number; pending: number; poolThreads: number };
  sideWork: [number, number, number] | null;
  sideMs: number;
  afterSide: { waiting: number };
  exact: number;
  served: number;
  connectMs: number;
  echoMs: number;
  end: { waiting: number; pending: number; descriptors: number };
}

function runServer(threadpool: string | undefined): Promise<Report> {
  const file = join(dir, 'echo-server.mjs');
  writeFileSync(file, SERVER);
  const env = { ...process.env };
  delete env.UV_THREADPOOL_SIZE;
  if (threadpool !== undefined) env.UV_THREADPOOL_SIZE = threadpool;
  return new Promise((resolve, reject) => {
    // The soft limit is raised for the child alone; the hard limit allows it (checked).
    const child = spawn('sh', ['-c', `ulimit -n ${FD_LIMIT} && exec "$0" "$@"`, process.execPath, file, String(CLIENTS)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 55_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`echo server exited with ${code ?? signal}: ${stderr}`));
      else resolve(JSON.parse(stdout) as Report);
    });
  });
}

function check(r: Report, threadpool: string | undefined) {
  expect(r.threadpool).toBe(threadpool ?? null);
  expect(r.connectErrors).toEqual([]);
  expect(r.serverErrors).toEqual([]);
  // All clients connected and idle in recv at the same moment, each waiting
  // in the poller: no thread is occupied by an idle client.
  expect(r.idle.waiting).toBeGreaterThanOrEqual(CLIENTS);
  expect(r.idle.pending).toBe(0);
  // The side work completed within the bound, while all recvs still waited.
  expect(r.sideWork).not.toBeNull();
  for (const ms of r.sideWork!) expect(ms).toBeLessThan(SIDE_WORK_BOUND_MS);
  expect(r.afterSide.waiting).toBeGreaterThanOrEqual(CLIENTS);
  // Every client got its own message back, byte for byte, and every handler
  // echoed exactly that many bytes before seeing the client's close.
  expect(r.exact).toBe(CLIENTS);
  expect(r.served).toBe(CLIENTS);
  expect(r.end).toMatchObject({ waiting: 0, pending: 0 });
  console.log(
    `threadpool ${threadpool ?? 'default'}: ${r.served}/${r.clients} clients served; ` +
      `all idle in recv after ${r.connectMs} ms (waiting ${r.idle.waiting}, on threads ${r.idle.pending}); ` +
      `side work while they waited: readFile ${r.sideWork![0]} ms, dns.lookup ${r.sideWork![1]} ms, pbkdf2 ${r.sideWork![2]} ms; ` +
      `echo round ${r.echoMs} ms`,
  );
}

describe('many clients', () => {
  it('the_descriptor_limit_can_be_raised_for_the_clients', () => {
    expect(hardFdLimit()).toBeGreaterThanOrEqual(FD_LIMIT);
  });

  it('thousand_idle_clients_in_recv_do_not_starve_fs_dns_or_crypto_with_the_default_threadpool', async () => {
    check(await runServer(undefined), undefined);
  }, 60_000);

  it('thousand_idle_clients_in_recv_do_not_starve_fs_dns_or_crypto_with_a_threadpool_of_one', async () => {
    check(await runServer('1'), '1');
  }, 60_000);
});
