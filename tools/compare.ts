// compare: a lesson's programs side by side (docs/lessons.md). Every pairing
// of the C originals and the TypeScript ports runs every scenario in every
// variant; each instance's stdout, exit status and socket calls must be the
// all-C run's: stdout byte for byte, the calls with the same arguments once
// descriptors and ports are numbered alike.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { diffArrays } from 'diff';
import { buildC } from './cbuild.js';
import { LessonError, TRACEABLE, substitute, type Impl, type Lesson, type Program as LessonProgram, type Scenario, type Step, type Variant } from './lesson.js';
import { Program, ephemeralPorts, exitText, freePort, holdPort, packageRoot, straceOptions, tools, type Exit } from './run.js';
import { sleep } from './wait.js';

export { type Impl } from './lesson.js';

// ---------------------------------------------------------------------------
// Building: the executable of each side

/** What runs for one role in one language: the argv before the program's own arguments. */
export interface Runnable {
  argv: string[];
  c: boolean;
}

/** The C executable (built into the cache if need be) or the port's node command line. */
export function runnable(p: LessonProgram, impl: Impl): Runnable {
  if (impl === 'c') return { argv: ['source' in p.c ? buildC(p.c.source, p.c.cflags) : p.c.binary], c: true };
  if (!existsSync(p.ts.run)) {
    const hint = p.ts.run.startsWith(join(packageRoot, 'examples')) ? 'npm run build:examples' : `compile ${p.ts.source} (tsc)`;
    throw new LessonError(`${p.ts.run} does not exist: ${hint}`);
  }
  // A .ts file run as it is needs a Node.js that strips types.
  const strip = /\.[mc]?ts$/.test(p.ts.run) ? ['--experimental-strip-types', '--no-warnings'] : [];
  return { argv: [process.execPath, ...strip, p.ts.run], c: false };
}

/** Builds (or finds in the cache) every C side and checks every port exists; throws what is missing. */
export function prepare(lesson: Lesson): void {
  for (const v of lesson.variants) for (const r of lesson.roles) for (const impl of ['c', 'ts'] as const) runnable(v.programs[r], impl);
}

// ---------------------------------------------------------------------------
// Running one pairing of one scenario

export interface InstanceRun {
  name: string;
  role: string;
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

export interface ScenarioRun {
  /** The port given to the programs as {port}. */
  port: number;
  instances: InstanceRun[];
  /** Steps that did not happen as the lesson says (a wait that timed out), in order. */
  problems: string[];
}

export interface RunOptions {
  /** Run each program under strace (needs strace). */
  strace: boolean;
  env?: NodeJS.ProcessEnv;
}

class WrongPort extends Error {}

/** Runs one pairing of a scenario over loopback; every wait is bounded, and nothing outlives it. */
export async function runScenario(lesson: Lesson, variant: Variant, s: Scenario, pairing: (Impl | null)[], opts: RunOptions): Promise<ScenarioRun> {
  const impls = Object.fromEntries(lesson.roles.map((r, k) => [r, pairing[k] ?? 'c']));
  const runnables = Object.fromEntries(s.run.map((i) => [i.name, runnable(variant.programs[i.role], impls[i.role])]));
  // A free port may be taken before the server binds it (the server then quietly listens elsewhere): try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptScenario(lesson, variant, s, impls, runnables, opts, attempt === 5);
    } catch (e) {
      if (!(e instanceof WrongPort)) throw e;
    }
  }
}

async function attemptScenario(
  lesson: Lesson,
  variant: Variant,
  s: Scenario,
  impls: Record<string, Impl>,
  runnables: Record<string, Runnable>,
  opts: RunOptions,
  lastAttempt: boolean,
): Promise<ScenarioRun> {
  const v6 = variant.ip === 6;
  const dir = opts.strace ? mkdtempSync(join(tmpdir(), 'posix-sockets-compare-')) : null;
  const held = s.holdPort ? holdPort(v6, lesson.transport) : null;
  const port = held?.port ?? freePort(v6, lesson.transport);
  const started = new Map<string, Program>();
  const problems: string[] = [];
  const opened = new Set(s.steps.flatMap((x) => ('write' in x ? [x.write] : 'close' in x ? [x.close] : [])));
  const instance = (name: string) => s.run.find((i) => i.name === name)!;
  const program = (name: string) => {
    const p = started.get(name);
    if (p === undefined) throw new Error(`${lesson.file}: scenario '${s.name}': '${name}' is used before its start step`);
    return p;
  };
  const lessonProgram = (name: string) => variant.programs[instance(name).role];
  try {
    const act = async (step: Step): Promise<void> => {
      if ('start' in step) {
        const i = instance(step.start);
        const args = (i.args ?? lessonProgram(i.name).args).map((a) => substitute(a, { port, host: variant.host }));
        const r = runnables[i.name];
        const p = new Program({
          argv: [...r.argv, ...args],
          unbuffered: r.c,
          input: opened.has(i.name) ? 'open' : (s.stdin[i.name] ?? Buffer.alloc(0)),
          straceOut: dir === null ? undefined : join(dir, i.name),
          alsoTraced: lessonProgram(i.name).alsoTraced,
          env: opts.env,
        });
        started.set(i.name, p);
        await ready(i.name, p, 10_000);
      } else if ('write' in step) program(step.write).write(step.data);
      else if ('close' in step) program(step.close).closeStdin();
      else if ('stop' in step) await program(step.stop).stop(step.signal);
      else if ('sleep' in step) await sleep(step.sleep);
      else {
        const p = program(step.wait);
        const u = step.until;
        let ok: boolean;
        if (u.kind === 'exit') {
          await p.wait(step.timeout);
          ok = !p.timedOut;
        } else if (u.kind === 'idle') ok = await p.idle(step.timeout);
        else if (u.kind === 'ready') ok = await ready(step.wait, p, step.timeout);
        else ok = await p.printed(u.text, u.times, step.timeout);
        if (!ok) problems.push(`${step.wait}: ${JSON.stringify(step.until)} did not happen within ${step.timeout} ms`);
      }
    };
    const ready = async (name: string, p: Program, ms: number): Promise<boolean> => {
      const r = lessonProgram(name).ready;
      if (r.kind === 'none') return true;
      if (r.kind === 'printed') return p.printed(r.text, 1, ms);
      const ports = await p.ready(r.kind === 'listening' ? 'tcp' : 'udp', r.count, ms);
      if (ports === null) return false;
      if (!s.holdPort && !lastAttempt && ports.some((x) => x !== port)) throw new WrongPort();
      return true;
    };
    for (const step of s.steps) await act(step);
    // What still runs ends as its role says.
    for (const [name, p] of started) {
      if (!p.running) continue;
      if (lessonProgram(name).stop === 'idle') {
        await p.idle();
        await p.stop('SIGTERM');
      } else await p.wait();
    }
    const instances: InstanceRun[] = [];
    for (const i of s.run) {
      const p = started.get(i.name);
      if (p === undefined) continue;
      const exit = await p.exited;
      instances.push({
        name: i.name,
        role: i.role,
        impl: impls[i.role],
        stdout: p.stdout,
        stderr: p.stderr,
        exit,
        strace: dir === null ? null : readFileSync(join(dir, i.name), 'utf8'),
        timedOut: p.timedOut,
        stoppedAt: p.stoppedAt,
      });
    }
    return { port, instances, problems };
  } finally {
    for (const p of started.values()) if (p.running) await p.kill();
    await Promise.all([...started.values()].map((p) => p.exited));
    held?.release();
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Normalisation

/** A pattern or replacement for the latin1 view of stdout: each non-ASCII character as its UTF-8 bytes. */
const asBytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

/** stdout with the lesson's replacements made (what legitimately differs between runs, like a client's ephemeral port). */
export function normaliseStdout(b: Buffer, lesson: Lesson, port: number): Buffer {
  let s = b.toString('latin1');
  for (const r of lesson.stdoutReplace) s = s.replace(new RegExp(asBytes(substitute(r.pattern, { port, host: '' })), 'g'), asBytes(r.with));
  return Buffer.from(s, 'latin1');
}

/** One completed call: `name(args) = result`, and when it returned (strace -ttt -T), if known. */
export interface Call {
  text: string;
  /** strace's -ttt time of the call's start (of its `<unfinished ...>` part when split). */
  start?: number;
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
      // `accept(3, <unfinished ...>` + `<... accept resumed>{sa_family=...`: the head's space after a comma is strace's.
      line = head.head + (head.head.endsWith(',') ? ' ' : '') + resumed[1];
      start = head.start;
    } else if (line.endsWith('<unfinished ...>')) {
      pending.set(pid, { head: line.slice(0, -'<unfinished ...>'.length).trimEnd(), start });
      continue;
    }
    const call = /^(\w+)\((.*)\)\s+= (.*)$/.exec(line);
    if (call === null || call[3].startsWith('?')) continue;
    const took = m[4] === undefined || m[4] === 'unavailable' ? undefined : Number(m[4]);
    calls.push({ text: `${call[1]}(${call[2]}) = ${call[3]}`, start, end: start === undefined || took === undefined ? undefined : start + took });
  }
  return calls;
}

const isEphemeral = (p: number) => p >= ephemeralPorts[0] && p <= ephemeralPorts[1];

/**
 * The socket calls of one program, comparable across runs and languages:
 * every call of strace's network class; close only of socket descriptors (the
 * runtime and the dynamic loader close files too); descriptors numbered in the
 * order they were made (the first socket is FD1); the scenario's port as PORT,
 * any other port from the kernel's ephemeral range (a client's) as CLIENT_PORT;
 * addresses of memory as 0x…. With `order` 'per-descriptor', each
 * descriptor's calls in order, descriptor after descriptor.
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
 *
 * `also` (a role's `trace`) adds the multiplexing calls: the program's
 * descriptors are numbered wherever such a call names one (select's nfds and
 * sets, poll's entries, epoll_ctl's target), the time left in a timeout is
 * `left {…}`, and an epoll instance counts as the program's as programsEpoll
 * says (the runtime's and the library's own are left out).
 */
export function normaliseCalls(text: string, port: number, stoppedAt: number | null = null, order: Lesson['syscallOrder'] = 'in-order', also: readonly string[] = []): string[] {
  const extra = new Set(also);
  const calls = parseCalls(text)
    .filter((c) => stoppedAt === null || c.end === undefined || c.end < stoppedAt)
    .map((c) => ({ m: /^(\w+)\((.*)\) = (.*)$/.exec(c.text)!, start: c.start, end: c.end }))
    .map(({ m: [, name, args, result], start, end }) => ({ name, args, result, start, end, fd: NO_FD_FIRST.has(name) ? '' : (/^-?\d+/.exec(args)?.[0] ?? '') }));
  const firstSocket = calls.findIndex((c) => c.name === 'socket');
  // An epoll instance is the program's only if it was made after the program's
  // first socket() (node's event loop makes its own at start-up) and a later
  // call other than close names it (the library's own poller, made when the
  // first awaited call needs the reactor, is named by no call of the program).
  const programsEpoll = (i: number) => {
    if (firstSocket === -1 || i < firstSocket || !/^\d+$/.test(calls[i].result)) return false;
    for (const c of calls.slice(i + 1)) {
      if (c.fd === calls[i].result && c.name !== 'close') return true;
      if (MAKES_FD.has(c.name) && c.result === calls[i].result) return false;
    }
    return false;
  };
  const fds = new Map<string, string>();
  // When each of the program's numbers was made: another thread's close that
  // began before then (the kernel frees a number before close returns) closed
  // the number's previous holder, though strace prints it after.
  const madeAt = new Map<string, number | undefined>();
  const mapFd = (n: string) => fds.get(n) ?? n;
  const mapSets = (t: string) => t.replace(/\[([\d ]*)\]/g, (_, list: string) => `[${list.split(' ').filter(Boolean).map(mapFd).join(' ')}]`);
  let made = 0;
  const out: { fd: number; call: string }[] = [];
  calls.forEach(({ name, args, result, fd, start, end }, i) => {
    const madeTime = madeAt.get(fd);
    const earlierHolder = name === 'close' && madeTime !== undefined && start !== undefined && start < madeTime;
    const known = fd === '' || earlierHolder ? undefined : fds.get(fd);
    let a = args;
    let r = result;
    if (MULTIPLEXING.has(name) && !extra.has(name)) return; // traced for another role only
    if (extra.has(name)) {
      // A multiplexing call (the role's `trace`) counts only on the program's own descriptors.
      if (name.startsWith('epoll_create')) {
        if (!programsEpoll(i)) return;
      } else if (name === 'select' || name === 'pselect6') {
        // nfds is the highest descriptor + 1 in both languages.
        if (![...a.matchAll(/\[([\d ]*)\]/g)].some((m) => m[1].split(' ').some((n) => fds.has(n)))) return;
        a = mapSets(a.replace(/^(\d+)/, (n) => (fds.has(String(Number(n) - 1)) ? `${fds.get(String(Number(n) - 1))}+1` : n)));
        r = mapSets(r);
      } else if (name === 'poll' || name === 'ppoll') {
        if (![...a.matchAll(/fd=(\d+)/g)].some((m) => fds.has(m[1]))) return;
        a = a.replace(/fd=(\d+)/g, (_, n: string) => `fd=${mapFd(n)}`);
        r = r.replace(/fd=(\d+)/g, (_, n: string) => `fd=${mapFd(n)}`);
      } else {
        if (known === undefined) return; // the runtime's epoll instance
        a = known + a.slice(fd.length);
        if (name === 'epoll_ctl') a = a.replace(/^(\w+, \w+, )(\d+)/, (_, head: string, n: string) => `${head}${mapFd(n)}`);
      }
      r = r.replace(/left \{[^}]*\}/, 'left {…}'); // the time left in a timeout
    } else {
      // Every network call counts, on any descriptor (one the program never
      // made keeps its number, so a call the runtime makes on its own stdio
      // differs from C's); close only for the program's own sockets.
      if (name === 'close' && known === undefined) return;
      if (known !== undefined && name !== 'socket') a = known + args.slice(fd.length);
    }
    if (name === 'close') fds.delete(fd);
    if (MAKES_FD.has(name) && /^\d+$/.test(result)) {
      r = `FD${++made}`;
      fds.set(result, r);
      madeAt.set(result, end);
    }
    if (name === 'socketpair' && result === '0') {
      // socketpair(AF_UNIX, SOCK_STREAM, 0, [3, 4]): both numbers are the program's.
      a = a.replace(/\[(\d+), (\d+)\]$/, (_all, x: string, y: string) => {
        const names = [x, y].map((n) => {
          const named = `FD${++made}`;
          fds.set(n, named);
          return named;
        });
        return `[${names.join(', ')}]`;
      });
    }
    a = a.replace(/htons\((\d+)\)/g, (all, p: string) => (Number(p) === port ? 'htons(PORT)' : isEphemeral(Number(p)) ? 'htons(CLIENT_PORT)' : all));
    a = a.replace(/0x(?:[0-9a-f]+|\.\.\.)/g, '0x…');
    const own = MAKES_FD.has(name) && !name.startsWith('accept') ? r : (known ?? '');
    out.push({ fd: Number(own.slice(2)) || 0, call: `${name}(${a}) = ${r}` });
  });
  if (order === 'per-descriptor') out.sort((x, y) => x.fd - y.fd); // stable: each descriptor's calls keep their order
  return out.map((x) => x.call);
}

const MULTIPLEXING = new Set<string>(TRACEABLE);
/** The calls that make a descriptor the program then names. */
const MAKES_FD = new Set(['socket', 'accept', 'accept4', 'epoll_create', 'epoll_create1']);
/** The calls whose first argument is not a descriptor (select's is nfds, poll's the array). */
const NO_FD_FIRST = new Set(['socket', 'epoll_create', 'epoll_create1', 'select', 'pselect6', 'poll', 'ppoll']);

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
 * A unified diff of the first place two line lists differ: the first hunk,
 * with two lines of context and the line numbers, at most `max` changed lines.
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
    `@@ -${ops[from].i + 1},${countA} +${ops[from].j + 1},${countB} @@ first difference at line ${ops[first].i + 1}`,
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

export interface InstanceCells {
  name: string;
  role: string;
  stdout: Cell;
  exit: Cell;
  syscalls: Cell;
}

export interface Row {
  lesson: string;
  scenario: string;
  title: string;
  variant: string;
  /** One language per role, in the lesson's role order; null for a role this scenario does not run. */
  pairing: (Impl | null)[];
  reference: boolean;
  instances: InstanceCells[];
  /** Steps of this run that did not happen (a wait that timed out): each one a difference. */
  problems: string[];
}

const implName = (i: Impl) => (i === 'c' ? 'C' : 'TS');

/** `C × TS` for two roles, `TS client` where only one runs. */
export function pairingName(lesson: Lesson, pairing: (Impl | null)[]): string {
  const run = pairing.flatMap((i, k) => (i === null ? [] : [{ impl: i, role: lesson.roles[k] }]));
  return run.length === 1 ? `${implName(run[0].impl)} ${run[0].role}` : run.map((x) => implName(x.impl)).join(' × ');
}

/**
 * The lesson's pairings as far as a scenario can tell them apart: the roles it
 * does not run are null, and pairings that then look the same are run once
 * (a client alone: C client, TS client).
 */
export function scenarioPairings(lesson: Lesson, s: Scenario): (Impl | null)[][] {
  const used = new Set(s.run.map((i) => i.role));
  const seen = new Set<string>();
  const out: (Impl | null)[][] = [];
  for (const p of lesson.pairings) {
    const q = p.map((impl, k) => (used.has(lesson.roles[k]) ? impl : null));
    if (seen.has(q.join())) continue;
    seen.add(q.join());
    out.push(q);
  }
  return out;
}

interface Measured {
  stdout: Buffer;
  exit: string;
  calls: string[] | null;
  timedOut: boolean;
}

function measure(lesson: Lesson, variant: Variant, side: InstanceRun, port: number): Measured {
  return {
    stdout: normaliseStdout(side.stdout, lesson, port),
    exit: exitText(side.exit),
    calls: side.strace === null ? null : normaliseCalls(side.strace, port, side.stoppedAt, lesson.syscallOrder, variant.programs[side.role].alsoTraced),
    timedOut: side.timedOut,
  };
}

function cells(ref: Measured, got: Measured, isRef: boolean, label: (what: string) => [string, string]): Omit<InstanceCells, 'name' | 'role'> {
  const bytes = `${ref.stdout.length} B`;
  const stdout: Cell = isRef
    ? { same: null, text: bytes }
    : ref.stdout.equals(got.stdout)
      ? { same: true, text: 'same' }
      : { same: false, text: 'DIFFERS', diff: firstHunk(byteLines(ref.stdout), byteLines(got.stdout), ...label('stdout'), true) };
  const timeout = got.timedOut ? ' (timed out)' : '';
  const exit: Cell = isRef
    ? { same: got.timedOut ? false : null, text: ref.exit + timeout }
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

/** Runs every pairing of one scenario in one variant and compares each instance with the all-C run. */
export async function compareScenario(lesson: Lesson, variant: Variant, s: Scenario, opts: RunOptions): Promise<Row[]> {
  const runs: { pairing: (Impl | null)[]; run: ScenarioRun }[] = [];
  for (const pairing of scenarioPairings(lesson, s)) runs.push({ pairing, run: await runScenario(lesson, variant, s, pairing, opts) });
  const ref = runs[0];
  const refBy = new Map(ref.run.instances.map((i) => [i.name, measure(lesson, variant, i, ref.run.port)]));
  return runs.map(({ pairing, run }, k) => {
    const where = (p: (Impl | null)[], name: string, what: string) => `${lesson.name} ${s.name} ${variant.name} ${pairingName(lesson, p)}: ${name} ${what}`;
    const instances: InstanceCells[] = [];
    for (const i of run.instances) {
      const r = refBy.get(i.name);
      if (r === undefined) continue;
      const label = (what: string): [string, string] => [where(ref.pairing, i.name, what), where(pairing, i.name, what)];
      instances.push({ name: i.name, role: i.role, ...cells(r, measure(lesson, variant, i, run.port), k === 0, label) });
    }
    return { lesson: lesson.name, scenario: s.name, title: s.title, variant: variant.name, pairing, reference: k === 0, instances, problems: run.problems };
  });
}

/** Runs a whole lesson (or the scenarios named). */
export async function compareLesson(lesson: Lesson, opts: RunOptions & { scenarios?: string[] }): Promise<Row[]> {
  const unknown = (opts.scenarios ?? []).filter((n) => !lesson.scenarios.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`${lesson.name}: no scenario ${unknown.map((n) => `'${n}'`).join(', ')} (scenarios: ${lesson.scenarios.map((s) => s.name).join(', ')})`);
  prepare(lesson);
  const rows: Row[] = [];
  for (const s of lesson.scenarios) {
    if (opts.scenarios !== undefined && opts.scenarios.length > 0 && !opts.scenarios.includes(s.name)) continue;
    for (const v of lesson.variants) rows.push(...(await compareScenario(lesson, v, s, opts)));
  }
  return rows;
}

/** Each difference: a cell that differs, or a step that did not happen. */
export function differences(rows: Row[]): { row: Row; what: string; diff: string }[] {
  const found: { row: Row; what: string; diff: string }[] = [];
  for (const r of rows) {
    for (const p of r.problems) found.push({ row: r, what: 'steps', diff: `${r.lesson} ${r.scenario} ${r.variant} ${r.pairing.map((i) => (i === null ? '-' : implName(i))).join(' × ')}: ${p}` });
    for (const i of r.instances)
      for (const [what, c] of [['stdout', i.stdout], ['exit', i.exit], ['syscalls', i.syscalls]] as const) if (c.same === false) found.push({ row: r, what: `${i.name} ${what}`, diff: c.diff ?? c.text });
  }
  return found;
}

// ---------------------------------------------------------------------------
// Output

/** The table of one lesson's rows: a column group per role (several instances of a role: one cell for all). */
export function renderTable(lesson: Lesson, rows: Row[]): string {
  const roles = lesson.roles;
  const head = ['scenario', 'variant', 'pairing', ...roles.flatMap((r) => ['|', `${r} stdout`, 'exit', 'syscalls'])];
  const merge = (cs: Cell[]): string => {
    if (cs.length === 0) return '';
    if (cs.length === 1) return cs[0].text;
    const texts = [...new Set(cs.map((c) => c.text))];
    return texts.length === 1 ? `${texts[0]} ×${cs.length}` : texts.join(', ');
  };
  const body = rows.map((r) => [
    r.title + (r.problems.length > 0 ? ' (STEPS FAILED)' : ''),
    r.variant,
    pairingName(lesson, r.pairing),
    ...roles.flatMap((role) => {
      const is = r.instances.filter((i) => i.role === role);
      return ['|', merge(is.map((i) => i.stdout)), merge(is.map((i) => i.exit)), merge(is.map((i) => i.syscalls))];
    }),
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cols: string[]) => cols.map((x, i) => x.padEnd(width[i])).join('  ').trimEnd();
  const rule = width.map((w, i) => (head[i] === '|' ? '+' : '-'.repeat(w))).join('--');
  return [line(head), rule, ...body.map(line)].join('\n');
}

/** What the table's cells mean, and how the programs were run. */
export function renderNotes(): string {
  return [
    "Each scenario's first row is the reference (every program in C); the other rows say whether each program's",
    'stdout (bytes, after the lesson\'s replacements), exit status and socket calls (descriptors as FD1..., ports as',
    'PORT/CLIENT_PORT, calls still in progress when stopped left out) are the same. Several instances of a role share a cell.',
    tools.stdbuf !== null
      ? 'C programs run under stdbuf -o0, so a program stopped by a signal has printed everything.'
      : "stdbuf not found: the C programs' stdout is fully buffered, and a killed C program's output is lost.",
    tools.strace !== null ? `Syscalls: strace ${straceOptions('FILE').join(' ')} PROGRAM (a role's \`trace\` calls added to trace=).` : 'strace not found: syscalls are not compared (n/a); stdout and exit status are.',
  ].join('\n');
}

/** The diffs of every difference. */
export function renderDiffs(rows: Row[]): string {
  return differences(rows)
    .map((d) => d.diff)
    .join('\n\n');
}

/** The lesson's file, as the user would name it: relative to the working directory when inside it. */
export const lessonPath = (lesson: Lesson) => (lesson.file.startsWith(process.cwd()) ? relative(process.cwd(), lesson.file) : lesson.file);

export function toJSON(results: { lesson: Lesson; rows: Row[] }[]): object {
  return {
    ok: results.every((r) => differences(r.rows).length === 0),
    strace: tools.strace !== null,
    stdbuf: tools.stdbuf !== null,
    lessons: results.map(({ lesson, rows }) => ({ name: lesson.name, file: lesson.file, roles: lesson.roles, ok: differences(rows).length === 0, rows })),
  };
}
