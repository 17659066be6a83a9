// The echo programs side by side: every pairing of the C originals and the
// TypeScript ports (C×C, C×TS, TS×C, TS×TS), IPv4 and IPv6, on the same inputs.
// Each side's stdout and exit status must be byte for byte the C×C run's, and,
// under strace, its socket syscalls the same calls with the same arguments.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffArrays } from 'diff';
import { Program, exitText, freePort, holdPort, loopbackHost, straceOptions, tools, tracedSyscalls, type Exit, type Impl } from './echo-run.js';

// ---------------------------------------------------------------------------
// Inputs and scenarios

/** The sample lines fed to the client, each followed by a newline. */
export const sampleLines: { name: string; text: string }[] = [
  { name: 'ASCII', text: 'hello, world' },
  { name: 'Korean', text: '안녕하세요' },
  // 511 + '\n' is exactly 512 bytes: sent with its newline (no chop), echoed as 511 + 1.
  { name: '511 bytes', text: 'A'.repeat(511) },
  // 513 + '\n': fgets takes 512 (sent whole), then "B\n" is sent as one byte.
  { name: '513 bytes', text: 'B'.repeat(513) },
];

export const sampleInput = Buffer.from(sampleLines.map((l) => `${l.text}\n`).join(''));

/** What the client prints right before recv(sock, buf, 0, MSG_WAITALL), where it hangs. */
const zeroSent = '총 0바이트를 보냈습니다.\n';

export type ScenarioName = 'echo' | 'empty-line' | 'refused' | 'port-taken';

export interface Scenario {
  name: ScenarioName;
  title: string;
  /** Which programs run: both, the client alone, or the server alone. */
  runs: 'pair' | 'client' | 'server';
  input: Buffer;
}

export const scenarios: Scenario[] = [
  { name: 'echo', title: 'echo lines', runs: 'pair', input: sampleInput },
  // An empty line makes the client send 0 bytes, then block in recv(..., 0,
  // MSG_WAITALL): the kernel waits for a byte that never comes. Both clients
  // are stopped (SIGTERM) once they print the send, and compared up to there.
  { name: 'empty-line', title: 'empty line (hang)', runs: 'pair', input: Buffer.from('hello\n\nnever sent\n') },
  // No server: connect() is refused, "[connect()] Connection refused", exit 1.
  { name: 'refused', title: 'connect refused', runs: 'client', input: sampleInput },
  // The port is taken: bind() fails (EADDRINUSE, unchecked), listen() binds an
  // ephemeral port; the server prints nothing and waits; stopped once it listens.
  { name: 'port-taken', title: 'port taken', runs: 'server', input: Buffer.alloc(0) },
];

export function scenario(name: string): Scenario {
  const s = scenarios.find((x) => x.name === name);
  if (s === undefined) throw new Error(`unknown scenario '${name}' (${scenarios.map((x) => x.name).join(', ')})`);
  return s;
}

/** The pairings run for a scenario, reference (C) first: [server, client], null where that side does not run. */
export function pairings(s: Scenario): [Impl | null, Impl | null][] {
  if (s.runs === 'client') return [[null, 'c'], [null, 'ts']];
  if (s.runs === 'server') return [['c', null], ['ts', null]];
  return [['c', 'c'], ['c', 'ts'], ['ts', 'c'], ['ts', 'ts']];
}

// ---------------------------------------------------------------------------
// Running

export interface SideRun {
  impl: Impl;
  stdout: Buffer;
  stderr: Buffer;
  exit: Exit;
  /** strace's output, or null when not traced. */
  strace: string | null;
  timedOut: boolean;
  /** When it was sent a signal (seconds since the epoch), or null. */
  stoppedAt: number | null;
}

export interface PairRun {
  /** The port given to the programs. */
  port: number;
  server?: SideRun;
  client?: SideRun;
}

export interface RunOptions {
  /** Run each program under strace (needs strace). */
  strace: boolean;
  /** Extra environment for the programs (e.g. POSIX_SOCKETS_TRACE=1). */
  env?: NodeJS.ProcessEnv;
}

async function finish(p: Program, straceOut: string | undefined): Promise<SideRun> {
  const exit = await p.exited;
  return {
    impl: p.opts.impl,
    stdout: p.stdout,
    stderr: p.stderr,
    exit,
    strace: straceOut === undefined ? null : readFileSync(straceOut, 'utf8'),
    timedOut: p.timedOut,
    stoppedAt: p.stoppedAt,
  };
}

/** Runs one pairing of a scenario over loopback; every wait is bounded. */
export async function runPairing(s: Scenario, serverImpl: Impl | null, clientImpl: Impl | null, v6: boolean, opts: RunOptions): Promise<PairRun> {
  const dir = opts.strace ? mkdtempSync(join(tmpdir(), 'posix-sockets-compare-')) : null;
  const out = (name: string) => (dir === null ? undefined : join(dir, name));
  const started: Program[] = [];
  try {
    const start = (o: ConstructorParameters<typeof Program>[0]) => {
      const p = new Program({ ...o, env: opts.env });
      started.push(p);
      return p;
    };
    if (serverImpl === null) {
      // The client alone, on a port nobody listens on.
      const port = freePort(v6);
      const client = start({ impl: clientImpl!, role: 'client', v6, args: [loopbackHost(v6), String(port)], input: s.input, straceOut: out('client') });
      await client.wait();
      return { port, client: await finish(client, out('client')) };
    }
    if (clientImpl === null) {
      // The server alone, on a port we hold.
      const held = holdPort(v6);
      try {
        const server = start({ impl: serverImpl, role: 'server', v6, args: [String(held.port)], straceOut: out('server') });
        await server.listening();
        await server.stop('SIGTERM');
        return { port: held.port, server: await finish(server, out('server')) };
      } finally {
        held.release();
      }
    }
    // Both. A free port may be taken before the server binds it (the server
    // then quietly listens elsewhere): try another.
    let server: Program;
    let port: number;
    for (let attempt = 1; ; attempt++) {
      port = freePort(v6);
      server = start({ impl: serverImpl, role: 'server', v6, args: [String(port)], straceOut: out('server') });
      const at = await server.listening();
      if (at === null || at === port || attempt === 5) break;
      await server.stop('SIGKILL');
    }
    const client = start({ impl: clientImpl, role: 'client', v6, args: [loopbackHost(v6), String(port)], input: s.input, straceOut: out('client') });
    if (s.name === 'empty-line') {
      await client.printed(zeroSent);
      await new Promise((r) => setTimeout(r, 150)); // let it reach the recv it hangs in
      await client.stop('SIGTERM');
    } else {
      await client.wait();
    }
    // The server sees the client's end (recv returns 0), prints "0" and closes;
    // it is stopped once it is back in accept(), as a user would stop it.
    await server.idle();
    await server.stop('SIGTERM');
    return { port, server: await finish(server, out('server')), client: await finish(client, out('client')) };
  } finally {
    for (const p of started) if (p.running) await p.stop('SIGKILL');
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Normalisation

const bannerPort = new RegExp(`(${Buffer.from('포트 번호=').toString('latin1')})\\d+`, 'g');

/** stdout with the one thing that differs between runs, the client's ephemeral port in the server's banner, replaced. */
export function normaliseStdout(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').replace(bannerPort, '$1<client port>'), 'latin1');
}

/** One completed call: `name(args) = result`, and when it returned (strace -ttt -T), if known. */
export interface Call {
  text: string;
  end?: number;
}

/**
 * The completed calls in an strace output file (or a POSIX_SOCKETS_TRACE
 * stderr), in order, without pids. A call split by another thread's
 * (`<unfinished ...>` ... `<... name resumed>`) is joined; one never resumed,
 * or ended by a signal (`= ?`), is left out.
 */
export function parseCalls(text: string): Call[] {
  const pending = new Map<string, { head: string; start?: number }>();
  const calls: Call[] = [];
  for (const raw of text.split('\n')) {
    const m = /^(?:(\d+)\s+)?(?:(\d+\.\d+)\s+)?(.*?)(?:\s+<(\d+\.\d+|unavailable)>)?$/.exec(raw)!;
    const pid = m[1] ?? '';
    let start = m[2] === undefined ? undefined : Number(m[2]);
    let line = m[3];
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(line);
    if (resumed) {
      const head = pending.get(pid);
      if (head === undefined) continue;
      pending.delete(pid);
      line = head.head + resumed[1];
      start = head.start;
    } else if (line.endsWith('<unfinished ...>')) {
      // strace writes one space before the marker: `epoll_wait(4,  <unfinished ...>` resumes as `[...], 64, -1) = 1`.
      pending.set(pid, { head: line.slice(0, -' <unfinished ...>'.length), start });
      continue;
    }
    const call = /^(\w+)\((.*)\)\s+= (.*)$/.exec(line);
    if (call === null || call[3].startsWith('?')) continue;
    const took = m[4] === undefined || m[4] === 'unavailable' ? undefined : Number(m[4]);
    calls.push({ text: `${call[1]}(${call[2]}) = ${call[3]}`, end: start === undefined || took === undefined ? undefined : start + took });
  }
  return calls;
}

/**
 * The socket calls of one program, comparable across runs and languages:
 * only the traced socket syscalls; close only of socket descriptors (the
 * runtime and the dynamic loader close files too); descriptors numbered in the
 * order they were made (the first socket is FD1); the server's port as PORT,
 * the client's ephemeral port (in accept's result) as CLIENT_PORT; addresses
 * of memory as 0x….
 *
 * Calls still in progress when the program was stopped (`stoppedAt`, from
 * strace's -ttt -T times) are left out: the program never saw them return.
 * Where the C program sleeps inside a syscall, the TypeScript port sleeps in
 * its epoll poller before making the call at all (docs/threading.md), so only
 * the calls that had returned can be compared. A C server stopped in accept()
 * shows `accept(...) = ? ERESTARTSYS`; a C client hung in
 * recv(sock, buf, 0, MSG_WAITALL) shows `recvfrom(..., 0, MSG_WAITALL, ...) = 0`:
 * with nothing to copy, the kernel's wait ends on the SIGTERM and returns 0 to
 * a process that is already being killed. The TypeScript client has no such line.
 */
export function normaliseCalls(text: string, serverPort: number, stoppedAt: number | null = null): string[] {
  const fds = new Map<string, string>();
  let made = 0;
  const out: string[] = [];
  for (const call of parseCalls(text)) {
    if (stoppedAt !== null && call.end !== undefined && call.end >= stoppedAt) continue;
    const m = /^(\w+)\((.*)\) = (.*)$/.exec(call.text)!;
    const [, name, args, result] = m;
    if (!tracedSyscalls.includes(name)) continue;
    const fd = /^-?\d+/.exec(args)?.[0] ?? '';
    const known = fds.get(fd);
    if (name !== 'socket' && known === undefined && Number(fd) >= 0) continue; // not one of the program's sockets
    let a = known === undefined || name === 'socket' ? args : known + args.slice(fd.length);
    let r = result;
    if (name === 'close') fds.delete(fd);
    if ((name === 'socket' || name === 'accept' || name === 'accept4') && /^\d+$/.test(result)) {
      r = `FD${++made}`;
      fds.set(result, r);
    }
    a = a.replaceAll(`htons(${serverPort})`, 'htons(PORT)');
    if (name === 'accept' || name === 'accept4') a = a.replace(/(sin6?_port=htons\()\d+\)/, '$1CLIENT_PORT)');
    a = a.replace(/0x(?:[0-9a-f]+|\.\.\.)/g, '0x…');
    out.push(`${name}(${a}) = ${r}`);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Differences

/** Lines of bytes, as latin1 strings (one char per byte) so that equality is byte equality. */
const byteLines = (b: Buffer) => b.toString('latin1').split('\n');

function shown(line: string, bytes: boolean): string {
  const s = bytes ? Buffer.from(line, 'latin1').toString('utf8') : line;
  const max = 120;
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} chars)`;
}

/**
 * A unified-style diff of the first place two line lists differ: the first
 * hunk, with two lines of context, at most `max` changed lines.
 */
export function firstHunk(a: string[], b: string[], labelA: string, labelB: string, bytes = false, max = 12): string {
  // The edit script, from jsdiff's Myers diff; `i`, `j` are the positions in a and b before each step.
  const ops: { op: ' ' | '-' | '+'; line: string; i: number; j: number }[] = [];
  let i = 0;
  let j = 0;
  for (const change of diffArrays(a, b)) {
    for (const line of change.value) {
      if (change.added) ops.push({ op: '+', line, i, j: j++ });
      else if (change.removed) ops.push({ op: '-', line, i: i++, j });
      else ops.push({ op: ' ', line, i: i++, j: j++ });
    }
  }
  const first = ops.findIndex((o) => o.op !== ' ');
  if (first === -1) return '';
  const from = Math.max(0, first - 2);
  // The hunk: up to `max` changes, ending after two unchanged lines.
  let to = first;
  let changed = 0;
  while (to < ops.length && changed < max) {
    if (ops[to].op !== ' ') changed++;
    else if (to + 1 < ops.length && ops.slice(to, to + 3).every((o) => o.op === ' ')) break;
    to++;
  }
  to = Math.min(ops.length, to + 2);
  const hunk = ops.slice(from, to);
  const countA = hunk.filter((o) => o.op !== '+').length;
  const countB = hunk.filter((o) => o.op !== '-').length;
  const more = ops.slice(to).some((o) => o.op !== ' ') ? ['(more differences follow)'] : [];
  return [
    `--- ${labelA}`,
    `+++ ${labelB}`,
    `@@ -${ops[from].i + 1},${countA} +${ops[from].j + 1},${countB} @@`,
    ...hunk.map((o) => `${o.op}${shown(o.line, bytes)}`),
    ...more,
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Comparison

export interface Cell {
  /** true: same as the reference; false: differs; null: this is the reference, or not compared. */
  same: boolean | null;
  text: string;
  diff?: string;
}

export interface SideCells {
  stdout: Cell;
  exit: Cell;
  syscalls: Cell;
}

export interface Row {
  scenario: ScenarioName;
  title: string;
  ip: 'IPv4' | 'IPv6';
  server: Impl | null;
  client: Impl | null;
  reference: boolean;
  sides: { server?: SideCells; client?: SideCells };
}

const implName = (i: Impl | null) => (i === null ? '-' : i === 'c' ? 'C' : 'TS');
export const pairingName = (server: Impl | null, client: Impl | null) =>
  server === null ? `${implName(client)} client` : client === null ? `${implName(server)} server` : `${implName(server)} × ${implName(client)}`;

interface Measured {
  stdout: Buffer;
  exit: string;
  calls: string[] | null;
  timedOut: boolean;
}

function measure(side: SideRun, port: number): Measured {
  return {
    stdout: normaliseStdout(side.stdout),
    exit: exitText(side.exit),
    calls: side.strace === null ? null : normaliseCalls(side.strace, port, side.stoppedAt),
    timedOut: side.timedOut,
  };
}

function cells(ref: Measured, got: Measured, isRef: boolean, label: (what: string) => [string, string]): SideCells {
  const bytes = `${ref.stdout.length} B`;
  const stdout: Cell = isRef
    ? { same: null, text: bytes }
    : ref.stdout.equals(got.stdout)
      ? { same: true, text: 'same' }
      : { same: false, text: 'DIFFERS', diff: firstHunk(byteLines(ref.stdout), byteLines(got.stdout), ...label('stdout'), true) };
  const timeout = got.timedOut ? ' (timed out)' : '';
  const exit: Cell = isRef
    ? { same: null, text: ref.exit + timeout }
    : ref.exit === got.exit && !got.timedOut
      ? { same: true, text: 'same' }
      : { same: false, text: `DIFFERS${timeout}`, diff: [`--- ${label('exit')[0]}`, `+++ ${label('exit')[1]}`, `-${ref.exit}`, `+${got.exit}${timeout}`].join('\n') };
  let syscalls: Cell;
  if (ref.calls === null || got.calls === null) syscalls = { same: null, text: 'n/a (no strace)' };
  else if (isRef) syscalls = { same: null, text: `${ref.calls.length} calls` };
  else if (ref.calls.join('\n') === got.calls.join('\n')) syscalls = { same: true, text: 'same' };
  else syscalls = { same: false, text: 'DIFFERS', diff: firstHunk(ref.calls, got.calls, ...label('syscalls')) };
  return { stdout, exit, syscalls };
}

/** Runs every pairing of one scenario for one IP version and compares each with the C run. */
export async function compareScenario(s: Scenario, v6: boolean, opts: RunOptions): Promise<Row[]> {
  const ip = v6 ? 'IPv6' : 'IPv4';
  const runs: { server: Impl | null; client: Impl | null; run: PairRun }[] = [];
  for (const [server, client] of pairings(s)) runs.push({ server, client, run: await runPairing(s, server, client, v6, opts) });
  const ref = runs[0];
  const refServer = ref.run.server && measure(ref.run.server, ref.run.port);
  const refClient = ref.run.client && measure(ref.run.client, ref.run.port);
  return runs.map(({ server, client, run }, k) => {
    const label = (role: string) => (what: string): [string, string] => [
      `${pairingName(ref.server, ref.client)} ${ip} ${s.title}: ${role} ${what}`,
      `${pairingName(server, client)} ${ip} ${s.title}: ${role} ${what}`,
    ];
    const sides: Row['sides'] = {};
    if (run.server && refServer) sides.server = cells(refServer, measure(run.server, run.port), k === 0, label('server'));
    if (run.client && refClient) sides.client = cells(refClient, measure(run.client, run.port), k === 0, label('client'));
    return { scenario: s.name, title: s.title, ip, server, client, reference: k === 0, sides };
  });
}

/** The cells that differ from the reference. */
export function differences(rows: Row[]): Cell[] {
  const found: Cell[] = [];
  for (const r of rows)
    for (const side of [r.sides.server, r.sides.client])
      if (side) for (const c of [side.stdout, side.exit, side.syscalls]) if (c.same === false) found.push(c);
  return found;
}

// ---------------------------------------------------------------------------
// Output

/** The table, as printed by `posix-sockets compare`. */
export function renderTable(rows: Row[]): string {
  const head = ['scenario', 'IP', 'pairing', '|', 'server stdout', 'exit', 'syscalls', '|', 'client stdout', 'exit', 'syscalls'];
  const side = (c: SideCells | undefined) => (c ? [c.stdout.text, c.exit.text, c.syscalls.text] : ['', '', '']);
  const body = rows.map((r) => [r.title, r.ip, pairingName(r.server, r.client), '|', ...side(r.sides.server), '|', ...side(r.sides.client)]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cols: string[]) => cols.map((x, i) => x.padEnd(width[i])).join('  ').trimEnd();
  const rule = width.map((w, i) => (head[i] === '|' ? '+' : '-'.repeat(w))).join('--');
  return [line(head), rule, ...body.map(line)].join('\n');
}

/** What the table's cells mean, and how the programs were run. */
export function renderNotes(): string {
  const notes = [
    'Each scenario\'s first row is the reference (C server, C client); the other rows say whether each side\'s',
    'stdout (bytes; the client\'s ephemeral port in the server banner normalised), exit status and socket syscalls',
    '(descriptors as FD1..., ports as PORT/CLIENT_PORT, calls still in progress when stopped left out) are the same.',
    tools.stdbuf !== null
      ? 'C programs run under stdbuf -o0, so a server stopped by SIGTERM has printed everything.'
      : 'stdbuf not found: the C programs\' stdout is fully buffered, and a killed C server\'s output is lost.',
    tools.strace !== null
      ? `Syscalls: strace ${straceOptions('FILE').join(' ')} PROGRAM.`
      : 'strace not found: syscalls are not compared (n/a); stdout and exit status are.',
  ];
  return notes.join('\n');
}

/** The diffs of every cell that differs. */
export function renderDiffs(rows: Row[]): string {
  return differences(rows)
    .map((c) => c.diff ?? c.text)
    .join('\n\n');
}

export function toJSON(rows: Row[]): object {
  return {
    ok: differences(rows).length === 0,
    strace: tools.strace !== null,
    stdbuf: tools.stdbuf !== null,
    rows,
  };
}
