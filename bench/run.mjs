// npm run bench [-- --rounds N] [--only W1,W3] [--impl c,async,...] [--placement same,split]
//                  [--baseline DIR] [--scale X] [--out NAME]
//
// Runs every workload for every implementation in one invocation, interleaved
// (round 1: A B C D E, round 2: B C D E A, ...), each side in its own process,
// over 127.0.0.1 with kernel-chosen ports. W1 and W3 run once per placement,
// each side pinned with taskset: both on one vCPU ("same"), or on two
// ("split"); W2 and W4 run unpinned. Beside C, node:net, koffi and
// posix-sockets run two floors built here (bench/floor/): the sync floor (an
// addon call doing only recv/send) and the event-loop floor (the least a
// Promise API can do under this library's rule). --baseline DIR adds another
// built checkout of posix-sockets, run with its own peers in the same rounds.
// Every ratio is the median over rounds of same-round ratios (value in round r
// / the reference's value in round r), not a ratio of medians. Prints medians,
// spreads and ratios, checks issue 15's targets (met / MISS), and writes
// bench/results/NAME.{json,txt} (NAME defaults to "latest"). Environment:
// BENCH_ROUNDS, BENCH_ONLY, BENCH_IMPL, BENCH_PLACEMENT, BENCH_BASELINE,
// BENCH_SCALE, CC.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bin, buildC, buildFloor } from './build.mjs';
import { placements, UNPINNED } from './placement.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const peers = join(here, 'peers');

// ---------------------------------------------------------------------------
// Options

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '5' },
        only: { type: 'string', default: process.env.BENCH_ONLY ?? '' },
        impl: { type: 'string', default: process.env.BENCH_IMPL ?? '' },
        placement: { type: 'string', default: process.env.BENCH_PLACEMENT ?? '' },
        baseline: { type: 'string', default: process.env.BENCH_BASELINE ?? '' },
        scale: { type: 'string', default: process.env.BENCH_SCALE ?? '1' },
        out: { type: 'string', default: 'latest' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new Error(`bench: ${e.message}`);
  }
  if (values.help) {
    console.log(`usage: npm run bench -- [options]   (each also as an environment variable)
  --rounds N            rounds per workload, interleaved (BENCH_ROUNDS, default 5)
  --only LIST           workloads: W1,W2,W3,W4,W4S,W4P,W4E (BENCH_ONLY, default all)
  --impl LIST           implementations besides C: ${IMPLS.filter((i) => i.id !== 'c' && !i.base).map((i) => i.id).join(',')}
                        (BENCH_IMPL, default all)
  --placement LIST      W1 and W3 placements: same (both sides on one vCPU), split (one vCPU
                        each), none (unpinned) (BENCH_PLACEMENT, default same,split; same on one CPU)
  --baseline DIR        also run DIR, another built checkout of posix-sockets, with its own
                        peers: "base" beside async, "base-sync" beside sync (BENCH_BASELINE)
  --scale X             work per run × X (BENCH_SCALE, default 1)
  --out NAME            write bench/results/NAME.{json,txt} (default latest)`);
    process.exit(0);
  }
  const o = {
    rounds: Number(values.rounds),
    only: values.only,
    impl: values.impl,
    placement: values.placement,
    baseline: values.baseline,
    scale: Number(values.scale),
    out: values.out,
  };
  if (!(Number.isInteger(o.rounds) && o.rounds >= 1)) throw new Error('bench: --rounds must be a positive integer');
  if (!(o.scale > 0)) throw new Error('bench: --scale must be positive');
  if (!/^[\w.-]+$/.test(o.out)) throw new Error('bench: --out must be a plain file name');
  return o;
}

// ---------------------------------------------------------------------------
// What is measured

const MiB = 1024 * 1024;

const IMPLS = [
  { id: 'c', name: 'C (cc -O2)' },
  { id: 'async', name: 'posix-sockets async', peer: 'posix-async.mjs' },
  {
    id: 'sync',
    name: 'posix-sockets sync',
    peer: 'posix-sync.mjs',
    skip: { w4: 'a server blocked in a Sync call serves one client at a time' },
  },
  { id: 'net', name: 'node:net', peer: 'net.mjs' },
  // The floors (bench/floor/floor.c): W3 would time posix-sockets' own
  // connect and accept, which their peers borrow for setup.
  { id: 'floor-sync', name: 'sync floor', peer: 'floor-sync.mjs', floor: true, only: ['w1', 'w2'] },
  { id: 'floor-async', name: 'event-loop floor', peer: 'floor-async.mjs', floor: true, only: ['w1', 'w2', 'w4'] },
  // The I/O-model chapter's servers (select, poll, epoll), for the W4S/W4P/W4E workloads only.
  { id: 'mux', name: 'posix-sockets mux', peer: 'posix-mux.mjs', only: ['w4s', 'w4p', 'w4e'] },
  {
    id: 'koffi',
    name: 'koffi .async()',
    peer: 'koffi.mjs',
    // Each waiting koffi call holds a libuv threadpool thread (4 by default).
    serverEnv: { w4: { UV_THREADPOOL_SIZE: '260' } },
  },
];

/**
 * The baseline's implementations: another built checkout of posix-sockets run
 * with its own peers (their command line is the same since 761c910), each
 * taking part where its counterpart of this checkout does.
 */
function baselineImpls(dir) {
  const root = resolve(dir);
  const peer = (f) => join(root, 'bench', 'peers', f);
  if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(peer('posix-async.mjs'))) {
    throw new Error(`bench: --baseline ${dir}: not a built posix-sockets checkout (needs dist/index.js and bench/peers/posix-async.mjs; run npm ci && npm run build there)`);
  }
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {}
  const of = (id) => IMPLS.find((i) => i.id === id);
  const impls = [{ ...of('async'), id: 'base', name: `base ${commit} async`, peerPath: peer('posix-async.mjs'), base: 'async' }];
  if (existsSync(peer('posix-sync.mjs'))) {
    impls.push({ ...of('sync'), id: 'base-sync', name: `base ${commit} sync`, peerPath: peer('posix-sync.mjs'), base: 'sync' });
  }
  return { root, commit, impls };
}

// W4, whose load the I/O-model servers' workloads share.
const W4 = {
  id: 'w4',
  title: 'W4 fan-in: 256 concurrent clients doing 512-byte ping-pong (C epoll load generator)',
  unit: 'round trips/s',
  better: 'higher',
  params: { clients: 256, n: 400, size: 512, limit: 20 },
  scaled: ['n'],
  value: (r) => r.ops / r.seconds,
  rss: true,
  // One load generator for every server, so only the server differs.
  client: 'c',
};

// `scaled` parameters grow with --scale; `limit` bounds each side in seconds.
const WORKLOADS = [
  {
    id: 'w1',
    title: 'W1 ping-pong: 512-byte messages, one connection',
    pinned: true,
    unit: 'µs/round trip',
    better: 'lower',
    params: { n: 20000, warmup: 2000, size: 512, limit: 15 },
    scaled: ['n'],
    value: (r) => (r.seconds * 1e6) / r.ops,
  },
  {
    id: 'w2',
    title: 'W2 bulk one-way stream: 64 KiB sends',
    unit: 'MB/s',
    better: 'higher',
    params: { bytes: 1024 * MiB, warmup: 64 * MiB, chunk: 65536, limit: 15 },
    scaled: ['bytes'],
    value: (r) => r.bytes / r.seconds / 1e6,
  },
  {
    id: 'w3',
    title: 'W3 connection churn: connect + accept + one 64-byte echo + close',
    pinned: true,
    unit: 'connections/s',
    better: 'higher',
    params: { n: 4000, warmup: 400, size: 64, limit: 15 },
    scaled: ['n'],
    value: (r) => r.ops / r.seconds,
  },
  W4,
  // W4's load on the I/O-model chapter's servers: a C server and its port on
  // each of select, poll and epoll (the multiplexer awaited, accept and recv
  // their Sync twins), driven by the same C load generator.
  ...[
    ['w4s', 'select()'],
    ['w4p', 'poll()'],
    ...(process.platform === 'linux' ? [['w4e', 'epoll']] : []),
  ].map(([id, call]) => ({
    ...W4,
    id,
    title: `${id.toUpperCase()} fan-in on ${call}: W4's 256 clients, the I/O-model chapter's ${call} server in C and its port`,
    clientWorkload: 'w4',
    impls: ['c', 'mux'],
  })),
];

/** Whether an implementation takes part in a workload. */
const takesPart = (w, i) => (!w.impls || w.impls.includes(i.id)) && (!i.only || i.only.includes(w.id));

// Issue 15's targets, each on the median of same-round ratios of `id` to
// `ref` and checked in every placement (`placements` limits one):
// [id, ref, '≤' | '≥' | '>', factor, { field: 'rss_kb' (the server's peak RSS), placements }].
const TARGETS = {
  w1: [['async', 'floor-async', '≤', 1.05], ['async', 'net', '≤', 0.85], ['sync', 'floor-sync', '≤', 1.05]],
  w2: [['async', 'c', '≥', 0.9], ['async', 'net', '>', 1], ['sync', 'c', '≥', 0.9], ['sync', 'net', '>', 1]],
  w3: [['async', 'c', '≥', 0.7, { placements: ['split', 'none'] }], ['async', 'net', '>', 1]],
  w4: [['async', 'net', '≥', 1.5], ['async', 'net', '≤', 1.0, { field: 'rss_kb' }]],
  w4s: [['mux', 'c', '≥', 0.8]],
  w4p: [['mux', 'c', '≥', 0.8]],
  w4e: [['mux', 'c', '≥', 0.8]],
};

function machine(cc) {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {}
  const ccVersion = (() => {
    try {
      return execFileSync(cc, ['--version'], { encoding: 'utf8' }).split('\n')[0];
    } catch {
      return 'unknown';
    }
  })();
  const commit = (() => {
    try {
      return execFileSync('git', ['describe', '--always', '--dirty'], { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return process.env.BENCH_COMMIT ?? 'unknown';
    }
  })();
  const koffiVersion = JSON.parse(readFileSync(join(here, '..', 'node_modules', 'koffi', 'package.json'), 'utf8')).version;
  return {
    cpu,
    cores: os.availableParallelism(),
    memory_gib: +(os.totalmem() / 1024 ** 3).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    cc: ccVersion,
    koffi: koffiVersion,
    commit,
  };
}

// ---------------------------------------------------------------------------
// One run: a server process and a client process

/** The command for one side: its placement's taskset prefix, then the peer. */
function command(impl, role, workload, kv, pin = []) {
  const args = [workload, ...Object.entries(kv).map(([k, v]) => `${k}=${v}`)];
  const [cmd, ...rest] =
    impl.id === 'c' ? [join(bin, role), ...args] : [process.execPath, impl.peerPath ?? join(peers, impl.peer), role, ...args];
  return pin.length ? [pin[0], [...pin.slice(1), cmd, ...rest]] : [cmd, rest];
}

const live = new Set();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

function start(cmd, args, env) {
  const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  live.add(p);
  p.out = '';
  p.err = '';
  p.stdout.setEncoding('utf8').on('data', (d) => (p.out += d));
  p.stderr.setEncoding('utf8').on('data', (d) => (p.err += d));
  p.done = new Promise((resolve) => p.on('close', (code, signal) => (live.delete(p), resolve({ code, signal }))));
  return p;
}

function lastJson(text) {
  const lines = text.trim().split('\n').filter((l) => l.startsWith('{'));
  return lines.length ? JSON.parse(lines[lines.length - 1]) : null;
}

async function runOne(w, impl, params, clientImpl) {
  const deadline = (params.limit + 20) * 1000;
  const [scmd, sargs] = command(impl, 'server', w.id, params, w.placement.server);
  const server = start(scmd, sargs, impl.serverEnv?.[w.id]);
  const timer = setTimeout(() => {
    for (const p of live) p.kill('SIGKILL');
  }, deadline);
  try {
    const port = await new Promise((resolve, reject) => {
      const check = () => {
        const m = /^port (\d+)$/m.exec(server.out);
        if (m) resolve(Number(m[1]));
      };
      server.stdout.on('data', check);
      server.done.then(() => reject(new Error(`server exited before listening: ${server.err.trim()}`)));
    });
    const [ccmd, cargs] = command(clientImpl ?? impl, 'client', w.clientWorkload ?? w.id, { ...params, port }, w.placement.client);
    const client = start(ccmd, cargs);
    const cexit = await client.done;
    if (cexit.code !== 0) server.kill('SIGKILL');
    const sexit = await server.done;
    const failed = (p, e) => e.code !== 0 && `${p === client ? 'client' : 'server'} ${e.signal ?? `exit ${e.code}`}: ${p.err.trim()}`;
    const why = failed(client, cexit) || failed(server, sexit);
    if (why) throw new Error(why);
    const r = lastJson(client.out);
    const s = lastJson(server.out);
    return { value: w.value(r), ops: r.ops, seconds: r.seconds, rss_kb: s?.peak_rss_kb ?? null };
  } finally {
    clearTimeout(timer);
    server.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------------------
// Statistics, targets, table

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function summarize(runs) {
  const vals = runs.filter((r) => r.value != null).map((r) => r.value);
  if (vals.length === 0) return null;
  const med = median(vals);
  const rss = runs.filter((r) => r.rss_kb != null).map((r) => r.rss_kb);
  return {
    median: med,
    min: Math.min(...vals),
    max: Math.max(...vals),
    spread_pct: ((Math.max(...vals) - Math.min(...vals)) / med) * 100,
    rss_kb: rss.length ? median(rss) : null,
  };
}

/**
 * The median over rounds of runs[id][r][field] / runs[ref][r][field], over
 * the rounds where both ran: the machine's drift between rounds cancels out.
 */
function sameRoundRatio(runs, id, ref, field = 'value') {
  const a = runs[id], b = runs[ref];
  if (!a || !b) return null;
  const ratios = [];
  for (let r = 0; r < Math.min(a.length, b.length); r++) {
    if (a[r][field] != null && b[r][field] != null && b[r][field] > 0) ratios.push(a[r][field] / b[r][field]);
  }
  return ratios.length ? { ratio: median(ratios), rounds: ratios.length } : null;
}

// The references every implementation's ratio is shown to, where they ran,
// and the baseline: each implementation of this checkout to its own former self.
const REFS = [
  { id: 'c', head: '×C' },
  { id: 'net', head: '×net' },
  { id: 'floor-sync', head: '×sfloor' },
  { id: 'floor-async', head: '×efloor' },
];
const baseOf = (impls, id) => impls.find((i) => i.base === id)?.id;

function ratiosOf(runs, impls, id) {
  const out = {};
  for (const ref of REFS) if (runs[ref.id]) out[ref.id] = sameRoundRatio(runs, id, ref.id);
  const base = baseOf(impls, id);
  if (base && runs[base]) out.base = { of: base, ...sameRoundRatio(runs, id, base) };
  return out;
}

function checkTargets(w, runs, impls) {
  const lower = w.better === 'lower';
  const name = (id) => impls.find((i) => i.id === id).name;
  const ran = (id) => impls.some((i) => i.id === id && runs[i.id]);
  const list = (TARGETS[w.id] ?? []).filter(([, , , , opt]) => !opt?.placements || opt.placements.includes(w.placement.id));
  // No slower than the baseline checkout (issue 10): ≤ 1 where lower is better, ≥ 1 where higher.
  for (const id of ['async', 'sync']) {
    const base = baseOf(impls, id);
    if (base) list.push([id, base, lower ? '≤' : '≥', 1, { before: true }]);
  }
  const out = [];
  for (const [id, ref, cmp, factor, opt = {}] of list) {
    if (!ran(id) || !ran(ref)) continue;
    const field = opt.field ?? 'value';
    const r = sameRoundRatio(runs, id, ref, field);
    const what = field === 'rss_kb' ? `${name(id)} server RSS` : name(id);
    const target =
      cmp === '>' && factor === 1 ? `${what} ${lower ? 'faster than' : 'above'} ${name(ref)}`
      : opt.before ? `${what} no slower than ${name(ref)}`
      : `${what} ${cmp} ${Number.isInteger(factor) ? factor.toFixed(1) : factor}× ${name(ref)}${field === 'rss_kb' ? "'s" : ''}`;
    let met = null, detail = 'not measured';
    if (r) {
      met = cmp === '≤' ? r.ratio <= factor : cmp === '≥' ? r.ratio >= factor : r.ratio > factor;
      detail = `${r.ratio.toFixed(3)}× (${r.rounds} rounds)`;
    }
    out.push({ target, id, ref, field, cmp, factor, met, ratio: r?.ratio ?? null, detail });
  }
  return out;
}

function fmtValue(x) {
  if (x == null) return '-';
  if (x >= 1000) return Math.round(x).toLocaleString('en-US');
  if (x >= 100) return x.toFixed(0);
  return x.toFixed(1);
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

function table(w, stats, ratios, targets, impls, params) {
  const shown = Object.entries(params)
    .filter(([k]) => k !== 'limit')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const refs = REFS.filter((r) => impls.some((i) => i.id === r.id && stats[i.id]));
  const hasBase = impls.some((i) => i.base);
  const width = 24;
  const lines = [`${w.title}`, `  ${w.unit}, ${w.better} is better; per run: ${shown}`];
  let head = `  ${pad('implementation', width)}${lpad('median', 10)}${lpad('min', 10)}${lpad('max', 10)}${lpad('spread', 8)}`;
  head += refs.map((r) => lpad(r.head, 9)).join('') + (hasBase ? lpad('×before', 9) : '');
  const rssNet = w.rss && stats.net;
  lines.push(head + (w.rss ? lpad('server RSS', 12) : '') + (rssNet ? lpad('RSS×net', 9) : ''));
  const x = (r) => (r ? r.ratio.toFixed(2) : '-');
  for (const impl of impls) {
    const s = stats[impl.id];
    let row = `  ${pad(impl.name, width)}`;
    if (impl.skip?.[w.id]) row += `  n/a: ${impl.skip[w.id]}`;
    else if (!s) row += '  failed (see errors)';
    else {
      const q = ratios[impl.id];
      row += `${lpad(fmtValue(s.median), 10)}${lpad(fmtValue(s.min), 10)}${lpad(fmtValue(s.max), 10)}${lpad(s.spread_pct.toFixed(1) + '%', 8)}`;
      row += refs.map((r) => lpad(x(q[r.id]), 9)).join('') + (hasBase ? lpad(q.base ? x(q.base) : '', 9) : '');
      if (w.rss) row += lpad(s.rss_kb ? `${(s.rss_kb / 1024).toFixed(1)} MiB` : '-', 12);
      if (rssNet) row += lpad(x(q.rss_net), 9);
    }
    lines.push(row);
  }
  if (targets.length) {
    lines.push('  targets (median of same-round ratios):');
    for (const t of targets) lines.push(`    [${t.met == null ? ' ?  ' : t.met ? ' met' : 'MISS'}] ${pad(t.target, 58)} ${t.detail}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------

/** The workloads to run, W1 and W3 once per placement. */
function expand(workloads, chosen) {
  return workloads.flatMap((w) =>
    w.pinned
      ? chosen.map((p) => {
          const [name, what] = w.title.split(/ (.*)/s);
          return { ...w, key: `${w.id}-${p.id}`, placement: p, title: `${name} ${p.label} — ${what}` };
        })
      : [{ ...w, key: w.id, placement: UNPINNED }],
  );
}

async function main() {
  const o = options();
  const only = o.only ? o.only.toLowerCase().split(',') : null;
  const wanted = o.impl ? o.impl.split(',') : null;
  const notes = [];
  const chosen = placements(o.placement, notes);
  const workloads = expand(WORKLOADS.filter((w) => !only || only.includes(w.id)), chosen);
  if (workloads.length === 0) throw new Error(`bench: --only ${o.only} names no workload (W1..W4, W4S, W4P, W4E)`);
  const baseline = o.baseline ? baselineImpls(o.baseline) : null;
  // The baseline's async and sync run where this checkout's do (or when named).
  const pick = (i) => !wanted || wanted.includes(i.id) || i.id === 'c' || (i.base && wanted.includes(i.base));
  const impls = [...IMPLS, ...(baseline?.impls ?? [])].filter(pick);
  for (const id of wanted ?? []) {
    if (!IMPLS.some((i) => i.id === id) && !(baseline && ['base', 'base-sync'].includes(id))) throw new Error(`bench: --impl ${id}: not an implementation`);
  }

  const cc = buildC();
  if (impls.some((i) => i.floor && workloads.some((w) => takesPart(w, i)))) buildFloor();
  const m = machine(cc);
  const started = new Date();
  const head = [
    `posix-sockets benchmark, ${started.toISOString()}`,
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB; ${m.os}; node ${m.node}; ${m.cc}; koffi ${m.koffi}`,
    `posix-sockets ${m.commit}` + (baseline ? `; baseline: posix-sockets ${baseline.commit}, another checkout, with its own peers` : ''),
    `${o.rounds} rounds, interleaved; median of the rounds, spread = (max - min) / median; loopback 127.0.0.1`,
    'ratios: the median over rounds of (value / the reference\'s value in the same round); ×sfloor: to the sync floor, ×efloor: to the event-loop floor' +
      (baseline ? ', ×before: to the same implementation in the baseline' : ''),
  ].join('\n');
  console.log(head + '\n');

  const caveats = [...notes];
  const ids = new Set(workloads.map((w) => w.id));
  if (impls.some((i) => i.floor)) {
    caveats.push('floors (bench/floor/floor.c): recv and send do only the syscall; the event-loop floor waits for readiness in a private epoll watched by one uv_poll handle (EPOLLONESHOT re-armed per call, the descriptor left blocking) and sends at once; socket, connect and (sync floor) accept are posix-sockets\' Sync calls');
    if (ids.has('w2') && impls.some((i) => i.id === 'floor-async')) {
      caveats.push('W2: the event-loop floor\'s send is send(2) on the JS thread, which blocks when the socket buffer is full (a floor for the receiving side)');
    }
  }
  if (workloads.some((w) => w.id.startsWith('w4') && w.id !== 'w4')) {
    caveats.push('W4S/W4P/W4E: the C server and its port (posix-sockets mux) make the same calls: the multiplexer (awaited in the port, on a pool thread), then accept and recv, which cannot block then');
  }
  if (ids.has('w4')) {
    caveats.push('W4: every server is driven by the same C epoll load generator; server RSS is its peak resident set (VmHWM)');
    if (impls.some((i) => i.id === 'async')) {
      caveats.push('W4: the posix-sockets async server runs without UV_THREADPOOL_SIZE: its waiting calls hold no thread (readiness-gated dispatch)');
    }
  }
  for (const impl of impls) {
    for (const [wid, env] of Object.entries(impl.serverEnv ?? {})) {
      if (ids.has(wid)) caveats.push(`${wid.toUpperCase()}: the ${impl.name} server runs with ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    }
  }

  const result = {
    date: started.toISOString(),
    machine: m,
    rounds: o.rounds,
    scale: o.scale,
    placements: chosen,
    baseline: baseline && { commit: baseline.commit },
    caveats,
    workloads: [],
  };
  const text = [head, ''];
  const errors = [];
  for (const w of workloads) {
    const params = { ...w.params };
    for (const k of w.scaled) params[k] = Math.max(1, Math.round(params[k] * o.scale));
    const wImpls = impls.filter((i) => takesPart(w, i));
    const runnable = wImpls.filter((i) => !i.skip?.[w.id]);
    const client = w.client && IMPLS.find((i) => i.id === w.client);
    const runs = Object.fromEntries(runnable.map((i) => [i.id, []]));
    for (let r = 0; r < o.rounds; r++) {
      const order = runnable.map((_, k) => runnable[(k + r) % runnable.length]);
      const shown = [];
      for (const impl of order) {
        try {
          const x = await runOne(w, impl, params, client);
          runs[impl.id].push(x);
          shown.push(`${impl.id} ${fmtValue(x.value)}`);
        } catch (e) {
          runs[impl.id].push({ value: null, error: e.message });
          errors.push(`${w.key} round ${r + 1} ${impl.id}: ${e.message}`);
          shown.push(`${impl.id} FAILED`);
        }
      }
      process.stderr.write(`${w.key} round ${r + 1}/${o.rounds} (${w.unit}): ${shown.join(', ')}\n`);
    }
    const stats = Object.fromEntries(Object.entries(runs).map(([id, rs]) => [id, summarize(rs)]));
    const ratios = Object.fromEntries(
      Object.keys(runs).map((id) => [id, { ...ratiosOf(runs, wImpls, id), ...(w.rss && runs.net ? { rss_net: sameRoundRatio(runs, id, 'net', 'rss_kb') } : {}) }]),
    );
    const targets = checkTargets(w, runs, wImpls);
    const t = table(w, stats, ratios, targets, wImpls, params);
    console.log(t + '\n');
    text.push(t, '');
    result.workloads.push({
      id: w.id,
      key: w.key,
      title: w.title,
      placement: w.placement,
      unit: w.unit,
      better: w.better,
      params,
      client: w.client ? `${w.client} for every server` : 'same implementation as the server',
      results: Object.fromEntries(
        wImpls.map((i) => [
          i.id,
          i.skip?.[w.id]
            ? { name: i.name, skipped: i.skip[w.id] }
            : { name: i.name, ...stats[i.id], ratios: ratios[i.id], runs: runs[i.id] },
        ]),
      ),
      targets,
    });
  }
  const seconds = (Date.now() - started.getTime()) / 1000;
  const tail = [];
  if (caveats.length) tail.push('caveats:', ...caveats.map((c) => `  ${c}`));
  if (errors.length) tail.push('errors:', ...errors.map((e) => `  ${e}`));
  tail.push(`total ${seconds.toFixed(0)} s`);
  console.log(tail.join('\n'));
  text.push(...tail);
  result.errors = errors;
  result.seconds = seconds;

  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${o.out}.json`), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(dir, `${o.out}.txt`), text.join('\n') + '\n');
  console.log(`written: ${relative(process.cwd(), join(dir, o.out))}.{json,txt}`);
  if (errors.length) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
