// npm run bench [-- --rounds N] [--only W1,W3] [--impl c,async,...] [--scale X] [--out NAME]
//
// Runs every workload for every implementation in one invocation, interleaved
// (round 1: A B C D E, round 2: B C D E A, ...), each side in its own process,
// over 127.0.0.1 with kernel-chosen ports. Prints medians, spreads and ratios
// against C, checks the targets, and writes bench/results/NAME.{json,txt}
// (NAME defaults to "latest"). Environment: BENCH_ROUNDS, BENCH_ONLY,
// BENCH_IMPL, BENCH_SCALE, CC.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stale } from '../scripts/stale.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, 'bin');
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
        scale: { type: 'string', default: process.env.BENCH_SCALE ?? '1' },
        out: { type: 'string', default: 'latest' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new Error(`bench: ${e.message}`);
  }
  if (values.help) {
    console.log('usage: npm run bench -- [--rounds N] [--only W1,W2,W3,W4,W4S,W4P,W4E] [--impl c,async,sync,net,koffi,mux] [--scale X] [--out NAME]');
    process.exit(0);
  }
  const o = { rounds: Number(values.rounds), only: values.only, impl: values.impl, scale: Number(values.scale), out: values.out };
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

// Targets, checked on the medians. kind: 'c' (ratio to C), 'beats', 'rss'.
const TARGETS = {
  w1: [['async', 'c', 1.15], ['async', 'beats', 'net'], ['sync', 'c', 1.05], ['async', 'beats', 'koffi'], ['sync', 'beats', 'koffi']],
  w2: [['async', 'c', 0.9], ['async', 'beats', 'net'], ['sync', 'c', 0.9], ['sync', 'beats', 'net'], ['async', 'beats', 'koffi'], ['sync', 'beats', 'koffi']],
  w3: [['async', 'c', 0.7], ['async', 'beats', 'net'], ['sync', 'c', 0.7], ['sync', 'beats', 'net'], ['async', 'beats', 'koffi'], ['sync', 'beats', 'koffi']],
  w4: [['async', 'atleast', 'net'], ['async', 'rss', 'net', 1.5], ['async', 'beats', 'koffi']],
};

// ---------------------------------------------------------------------------
// Building the C peers

function buildC() {
  mkdirSync(bin, { recursive: true });
  const cc = process.env.CC || 'cc';
  const header = join(here, 'c', 'common.h');
  for (const prog of ['server', 'client']) {
    const src = join(here, 'c', `${prog}.c`);
    const out = join(bin, prog);
    if (stale([out], [src, header])) {
      const args = ['-O2', '-Wall', '-o', out, src];
      process.stderr.write(`${cc} ${args.map((a) => relative(process.cwd(), a) || a).join(' ')}\n`);
      execFileSync(cc, args, { stdio: 'inherit' });
    }
  }
  // The koffi peer's constants and sockaddr_in layout, from the system headers.
  writeFileSync(join(bin, 'constants.json'), execFileSync(join(bin, 'client'), ['constants']));
  return cc;
}

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

function command(implId, role, workload, kv) {
  const args = [workload, ...Object.entries(kv).map(([k, v]) => `${k}=${v}`)];
  if (implId === 'c') return [join(bin, role), args];
  const impl = IMPLS.find((i) => i.id === implId);
  return [process.execPath, [join(peers, impl.peer), role, ...args]];
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

async function runOne(w, impl, params) {
  const deadline = (params.limit + 20) * 1000;
  const [scmd, sargs] = command(impl.id, 'server', w.id, params);
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
    const [ccmd, cargs] = command(w.client ?? impl.id, 'client', w.clientWorkload ?? w.id, { ...params, port });
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

function checkTargets(w, stats, impls) {
  const lower = w.better === 'lower';
  const name = (id) => IMPLS.find((i) => i.id === id).name;
  const fmt = (x) => fmtValue(x);
  const out = [];
  const ran = (id) => impls.some((i) => i.id === id);
  for (const [id, kind, other, factor] of TARGETS[w.id] ?? []) {
    if (!ran(id) || (kind !== 'c' && !ran(other))) continue;
    const a = stats[id];
    const b = kind === 'c' ? stats.c : stats[other];
    let text, ok = null, detail = 'not measured';
    if (kind === 'c') {
      text = `${name(id)} ${lower ? '≤' : '≥'} ${other}× C`;
      if (a && b) {
        const ratio = a.median / b.median;
        ok = lower ? ratio <= other : ratio >= other;
        detail = `${ratio.toFixed(3)}× C`;
      }
    } else if (kind === 'rss') {
      text = `${name(id)} server RSS ≤ ${factor}× ${name(other)}'s`;
      if (a?.rss_kb && b?.rss_kb) {
        const ratio = a.rss_kb / b.rss_kb;
        ok = ratio <= factor;
        detail = `${(a.rss_kb / 1024).toFixed(1)} vs ${(b.rss_kb / 1024).toFixed(1)} MiB = ${ratio.toFixed(2)}×`;
      }
    } else {
      const strict = kind === 'beats';
      text = `${name(id)} ${strict ? (lower ? 'faster than' : 'above') : 'at least'} ${name(other)}`;
      if (a && b) {
        ok = lower ? (strict ? a.median < b.median : a.median <= b.median) : strict ? a.median > b.median : a.median >= b.median;
        detail = `${fmt(a.median)} vs ${fmt(b.median)} ${w.unit}`;
      }
    }
    out.push({ target: text, met: ok, detail });
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

function table(w, stats, targets, impls, params) {
  const shown = Object.entries(params)
    .filter(([k]) => k !== 'limit')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const lines = [`${w.title}`, `  ${w.unit}, ${w.better} is better; per run: ${shown}`];
  const head = `  ${pad('implementation', 22)}${lpad('median', 10)}${lpad('min', 10)}${lpad('max', 10)}${lpad('spread', 8)}${lpad('× C', 7)}`;
  lines.push(head + (w.rss ? `${lpad('server RSS', 12)}` : ''));
  for (const impl of impls) {
    const s = stats[impl.id];
    let row = `  ${pad(impl.name, 22)}`;
    if (impl.skip?.[w.id]) row += `  n/a: ${impl.skip[w.id]}`;
    else if (!s) row += '  failed (see errors)';
    else {
      const ratio = stats.c ? (s.median / stats.c.median).toFixed(2) : '-';
      row += `${lpad(fmtValue(s.median), 10)}${lpad(fmtValue(s.min), 10)}${lpad(fmtValue(s.max), 10)}${lpad(s.spread_pct.toFixed(1) + '%', 8)}${lpad(ratio, 7)}`;
      if (w.rss) row += lpad(s.rss_kb ? `${(s.rss_kb / 1024).toFixed(1)} MiB` : '-', 12);
    }
    lines.push(row);
  }
  if (targets.length) {
    lines.push('  targets:');
    for (const t of targets) lines.push(`    [${t.met == null ? ' ?  ' : t.met ? ' met' : 'MISS'}] ${pad(t.target, 52)} ${t.detail}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------

async function main() {
  const o = options();
  const only = o.only ? o.only.toLowerCase().split(',') : null;
  const wanted = o.impl ? o.impl.split(',') : null;
  const workloads = WORKLOADS.filter((w) => !only || only.includes(w.id));
  const impls = IMPLS.filter((i) => !wanted || wanted.includes(i.id) || i.id === 'c');
  if (workloads.length === 0) throw new Error(`bench: --only ${o.only} names no workload (W1..W4, W4S, W4P, W4E)`);

  const cc = buildC();
  const m = machine(cc);
  const started = new Date();
  const head = [
    `posix-sockets benchmark, ${started.toISOString()}`,
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB; ${m.os}; node ${m.node}; ${m.cc}; koffi ${m.koffi}`,
    `posix-sockets ${m.commit}`,
    `${o.rounds} rounds, interleaved; median of the rounds, spread = (max - min) / median; loopback 127.0.0.1`,
  ].join('\n');
  console.log(head + '\n');

  const caveats = [];
  if (workloads.some((w) => w.id.startsWith('w4') && w.id !== 'w4')) {
    caveats.push('W4S/W4P/W4E: the C server and its port (posix-sockets mux) make the same calls: the multiplexer (awaited in the port, on a pool thread), then accept and recv, which cannot block then');
  }
  if (workloads.some((w) => w.id === 'w4')) {
    caveats.push('W4: every server is driven by the same C epoll load generator; server RSS is its peak resident set (VmHWM)');
    if (impls.some((i) => i.id === 'async')) {
      caveats.push('W4: the posix-sockets async server runs without UV_THREADPOOL_SIZE: its waiting calls hold no thread (readiness-gated dispatch)');
    }
  }
  for (const impl of impls) {
    for (const [wid, env] of Object.entries(impl.serverEnv ?? {})) {
      if (workloads.some((w) => w.id === wid)) {
        caveats.push(`${wid.toUpperCase()}: the ${impl.name} server runs with ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      }
    }
  }

  const result = { date: started.toISOString(), machine: m, rounds: o.rounds, scale: o.scale, caveats, workloads: [] };
  const text = [head, ''];
  const errors = [];
  for (const w of workloads) {
    const params = { ...w.params };
    for (const k of w.scaled) params[k] = Math.max(1, Math.round(params[k] * o.scale));
    const wImpls = impls.filter((i) => takesPart(w, i));
    const runnable = wImpls.filter((i) => !i.skip?.[w.id]);
    const runs = Object.fromEntries(runnable.map((i) => [i.id, []]));
    for (let r = 0; r < o.rounds; r++) {
      const order = runnable.map((_, k) => runnable[(k + r) % runnable.length]);
      const shown = [];
      for (const impl of order) {
        try {
          const x = await runOne(w, impl, params);
          runs[impl.id].push(x);
          shown.push(`${impl.id} ${fmtValue(x.value)}`);
        } catch (e) {
          runs[impl.id].push({ value: null, error: e.message });
          errors.push(`${w.id} round ${r + 1} ${impl.id}: ${e.message}`);
          shown.push(`${impl.id} FAILED`);
        }
      }
      process.stderr.write(`${w.id} round ${r + 1}/${o.rounds} (${w.unit}): ${shown.join(', ')}\n`);
    }
    const stats = Object.fromEntries(Object.entries(runs).map(([id, rs]) => [id, summarize(rs)]));
    const targets = checkTargets(w, stats, wImpls);
    const t = table(w, stats, targets, wImpls, params);
    console.log(t + '\n');
    text.push(t, '');
    result.workloads.push({
      id: w.id,
      title: w.title,
      unit: w.unit,
      better: w.better,
      params,
      client: w.client ? `${w.client} for every server` : 'same implementation as the server',
      results: Object.fromEntries(
        wImpls.map((i) => [
          i.id,
          i.skip?.[w.id]
            ? { name: i.name, skipped: i.skip[w.id] }
            : {
                name: i.name,
                ...stats[i.id],
                ratio_to_c: stats[i.id] && stats.c ? stats[i.id].median / stats.c.median : null,
                runs: runs[i.id],
              },
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
