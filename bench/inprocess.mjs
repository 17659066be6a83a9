// node bench/inprocess.mjs [--impl async|floor-async] [--root DIR] [--n N] [--warmup N] [--heap]
//
// Both sides of W1's 512-byte ping-pong in one Node process, so that the
// scheduler cannot place them apart: what one round trip costs the process
// (both sides: two sends, two recvs, two completions), for comparing commits
// and the event-loop floor without the noise of two processes.
// - default: CPU µs per round trip (process.cpuUsage), best pinned:
//   `taskset -c 0 node bench/inprocess.mjs`;
// - --heap: bytes of V8 heap allocated per round trip; run it with a young
//   generation large enough that no scavenge runs during the loop:
//   `node --min-semi-space-size=64 --max-semi-space-size=64 bench/inprocess.mjs --heap`;
// - user-space instructions, repeatable on a busy machine: the difference of
//   two runs under `valgrind --tool=callgrind` (e.g. --n 1000 and --n 5000,
//   --warmup 6000), divided by the difference in round trips.
// The floor's addon is built by `npm run bench` (bench/floor/). `--root DIR`
// measures another built checkout of posix-sockets (its dist/ and addon, e.g.
// a commit from before a change): only calls every version has are used.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    impl: { type: 'string', default: 'async' },
    n: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2000' },
    heap: { type: 'boolean', default: false },
    root: { type: 'string' },
  },
});
const entry = values.root === undefined ? new URL('../dist/index.js', import.meta.url) : pathToFileURL(resolve(values.root, 'dist', 'index.js'));
if (values.root !== undefined) process.env.POSIX_SOCKETS_ADDON ??= resolve(values.root, 'build', 'Release', 'posix_sockets.node');
const { AF_INET, INADDR_LOOPBACK, SOCK_STREAM, accept, bind, connect, getsockname, htonl, listen, recv, send, sizeof, sockaddr_in, socket, socklen_t } = await import(entry.href);
const n = Number(values.n);
const warmup = Number(values.warmup);
if (!['async', 'floor-async'].includes(values.impl)) throw new Error('inprocess: --impl must be async or floor-async');

let io = { recv, send };
if (values.impl === 'floor-async') {
  const floor = createRequire(import.meta.url)('./floor/build/Release/floor.node');
  io = { recv: floor.recv, send: floor.send };
}

// 127.0.0.1, a port the kernel chooses.
const addr = new sockaddr_in();
addr.sin_family = AF_INET;
addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
const l = socket(AF_INET, SOCK_STREAM, 0);
if (l < 0 || bind(l, addr, sizeof(addr)) < 0 || listen(l, 16) < 0 || getsockname(l, addr, socklen_t(sizeof(addr))) < 0) {
  throw new Error('inprocess: cannot listen on 127.0.0.1');
}
const c = socket(AF_INET, SOCK_STREAM, 0);
const connecting = connect(c, addr, sizeof(addr));
const s = await accept(l, null, null);
if ((await connecting) !== 0 || s < 0) throw new Error('inprocess: cannot connect');

const serverBuf = Buffer.alloc(512);
const clientBuf = Buffer.alloc(512);
async function server() {
  for (;;) {
    const r = await io.recv(s, serverBuf, 512, 0);
    if (r <= 0) return;
    await io.send(s, serverBuf, r, 0);
  }
}
async function roundTrips(count) {
  for (let i = 0; i < count; i++) {
    await io.send(c, clientBuf, 512, 0);
    for (let got = 0; got < 512; ) got += await io.recv(c, got === 0 ? clientBuf : clientBuf.subarray(got), 512 - got, 0);
  }
}

server();
await roundTrips(warmup);
const heap0 = process.memoryUsage().heapUsed;
const cpu0 = process.cpuUsage();
await roundTrips(n);
const cpu = process.cpuUsage(cpu0);
const heap = process.memoryUsage().heapUsed - heap0;
console.log(
  JSON.stringify(
    values.heap
      ? { impl: values.impl, round_trips: n, heap_bytes_per_round_trip: Math.round(heap / n) }
      : { impl: values.impl, round_trips: n, cpu_us_per_round_trip: Number(((cpu.user + cpu.system) / n).toFixed(2)) },
  ),
);
// The server's last recv still waits (the floor's poller does not see a close): end here.
process.exit(0);
