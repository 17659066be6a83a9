// node bench/profile.mjs [--workload w1|w3] [--impl c,async,sync,net,koffi,floor-sync,floor-async]
//                        [--placement same|split|none] [--n 4000]
//
// Where W1 (512-byte ping-pong) or W3 (connection churn) spends its time, per
// round trip or connection, and per side:
// CPU time, context switches and syscalls by name, counted by `perf stat` on
// the kernel's syscall tracepoints (strace -c would slow each call enough that
// the peer's answer is already there when recv asks, which hides the waiting
// path). Each pair runs twice, with 1000 and 1000 + n round trips, and the
// difference is divided by n, so process start-up and module loading cancel
// out. Each side is pinned as in `npm run bench` (--placement, default same:
// both on the first allowed CPU; split: the client on the second). Needs perf;
// builds the C peers and the floor addon when missing or stale.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildC, buildFloor } from './build.mjs';
import { placements } from './placement.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const PEERS = {
  async: 'posix-async.mjs',
  sync: 'posix-sync.mjs',
  net: 'net.mjs',
  koffi: 'koffi.mjs',
  'floor-sync': 'floor-sync.mjs',
  'floor-async': 'floor-async.mjs',
};

const { values: opts } = parseArgs({
  options: {
    workload: { type: 'string', default: 'w1' },
    impl: { type: 'string', default: 'c,async,sync' },
    placement: { type: 'string', default: 'same' },
    n: { type: 'string', default: '4000' },
  },
});
const workload = opts.workload.toLowerCase();
if (!['w1', 'w3'].includes(workload)) throw new Error('bench/profile: --workload is w1 or w3');
const unit = workload === 'w1' ? 'round trip (512 B each way)' : 'connection (connect, accept, 64-byte echo, close)';
const impls = opts.impl.split(',');
for (const impl of impls) if (impl !== 'c' && !PEERS[impl]) throw new Error(`bench/profile: --impl ${impl}: not an implementation`);
const n = Number(opts.n);
const base = 1000;
buildC();
if (impls.some((i) => i.startsWith('floor-'))) buildFloor();

// One placement, as the bench pins it (unpinned, and said, without taskset).
if (opts.placement.includes(',')) throw new Error('bench/profile: --placement is one of same, split, none');
const [pins] = placements(opts.placement, []);

function command(impl, role, kv) {
  const args = [workload, ...Object.entries(kv).map(([k, v]) => `${k}=${v}`)];
  if (impl === 'c') return [join(here, 'bin', role), ...args];
  return [process.execPath, join(here, 'peers', PEERS[impl]), role, ...args];
}

function run(cmd) {
  const p = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  p.out = '';
  p.stdout.setEncoding('utf8').on('data', (d) => (p.out += d));
  p.done = new Promise((resolve, reject) =>
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd.join(' ')}: exit ${code}`)))),
  );
  return p;
}

// One server/client pair, each wrapped by `wrap(side)` (a command prefix).
async function pair(impl, rounds, wrap) {
  const server = run([...wrap('server'), ...command(impl, 'server', { limit: 120 })]);
  const port = await new Promise((resolve, reject) => {
    server.stdout.on('data', () => {
      const m = /^port (\d+)$/m.exec(server.out);
      if (m) resolve(Number(m[1]));
    });
    server.done.catch(reject);
  });
  const client = run([...wrap('client'), ...command(impl, 'client', { port, n: rounds, warmup: 0, limit: 120 })]);
  await Promise.all([client.done, server.done]);
}

function parsePerf(file) {
  const r = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const f = line.split(',');
    if (f.length > 3 && f[0] !== '' && !line.startsWith('#')) r[f[2]] = Number(f[0]);
  }
  return r;
}

const diff = (a, b) => Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, ((b[k] ?? 0) - (a[k] ?? 0)) / n]));

const SYSCALLS = ['socket', 'connect', 'accept', 'accept4', 'setsockopt', 'close', 'sendto', 'recvfrom', 'read', 'write', 'poll', 'fcntl', 'getsockopt', 'ioctl', 'epoll_ctl', 'epoll_wait', 'epoll_pwait', 'futex', 'mmap', 'munmap', 'madvise', 'mprotect'];
const EVENTS = ['task-clock', 'context-switches', 'raw_syscalls:sys_enter', ...SYSCALLS.map((c) => `syscalls:sys_enter_${c}`)];

const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
try {
  console.log(`${workload.toUpperCase()} per ${unit}, difference of runs of ${base} and ${base + n}, ${pins.label}\n`);
  for (const impl of impls) {
    for (const rounds of [base, base + n]) {
      await pair(impl, rounds, (side) => [...pins[side], 'perf', 'stat', '-x,', '-e', EVENTS.join(','), '-o', join(dir, `${impl}-${side}-${rounds}.perf`)]);
    }
    console.log(`${impl}`);
    for (const side of ['client', 'server']) {
      const p = diff(parsePerf(join(dir, `${impl}-${side}-${base}.perf`)), parsePerf(join(dir, `${impl}-${side}-${base + n}.perf`)));
      const named = SYSCALLS.map((c) => [c, p[`syscalls:sys_enter_${c}`] ?? 0]);
      const other = p['raw_syscalls:sys_enter'] - named.reduce((t, [, v]) => t + v, 0);
      const calls = [...named, ['other', other]]
        .filter(([, v]) => v >= 0.05)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ');
      console.log(
        `  ${side.padEnd(7)} CPU ${(p['task-clock'] * 1000).toFixed(1).padStart(5)} µs, ` +
          `${p['context-switches'].toFixed(2)} context switches, ${p['raw_syscalls:sys_enter'].toFixed(2)} syscalls: ${calls}`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
