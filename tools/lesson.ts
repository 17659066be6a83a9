// The lesson file (docs/lessons.md): a JSON description of a C program and its
// TypeScript port (or several, one per role: server, client, ...), how they are
// started, fed and stopped, and the scenarios compare runs them in. This module
// reads and checks a lesson file and resolves it into plain values (paths made
// absolute, placeholders kept, default steps filled in); running it is
// compare's job. Every mistake in a file is reported with the file and the
// field, e.g. `01-echo.lesson.json: scenarios[1].steps[2].wait: unknown instance 'clinet'`.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** When a started program counts as ready for the next step. */
export type Ready =
  | { kind: 'none' }
  /** It holds `count` listening TCP sockets (seen in /proc, never probed with a connection). */
  | { kind: 'listening'; count: number }
  /** It holds `count` bound UDP sockets. */
  | { kind: 'bound'; count: number }
  /** Its stdout contains the text. */
  | { kind: 'printed'; text: string };

/** How a program's run ends when the steps do not say: by itself, or stopped with SIGTERM once idle. */
export type Stop = 'exit' | 'idle';

/** One program of a role, in both languages. */
export interface Program {
  /** The C side: a source file compiled by compare (into a cache), or a ready binary. */
  c: { source: string; cflags: string[] } | { binary: string };
  /** The TypeScript port as written, and the JavaScript file run (the same file when it is .js). */
  ts: { source: string; run: string };
  /** Arguments, with {port} and {host} placeholders. */
  args: string[];
  ready: Ready;
  stop: Stop;
  /** Calls traced and compared besides the socket calls (`trace`): the multiplexing calls. */
  alsoTraced: string[];
}

export interface Variant {
  /** 'IPv4', 'IPv6', or a name the lesson gives. */
  name: string;
  ip: 4 | 6;
  /** The loopback address {host} stands for. */
  host: string;
  programs: Record<string, Program>;
}

/** A running copy of a role's program in a scenario (several clients are several instances of one role). */
export interface Instance {
  name: string;
  role: string;
  /** Replaces the role's arguments when given. */
  args?: string[];
}

export type Until = { kind: 'exit' } | { kind: 'idle' } | { kind: 'ready' } | { kind: 'printed'; text: string; times: number };

export type Step =
  | { start: string }
  | { write: string; data: Buffer }
  | { close: string }
  | { wait: string; until: Until; timeout: number }
  | { stop: string; signal: NodeJS.Signals }
  | { sleep: number };

export interface Scenario {
  name: string;
  title: string;
  run: Instance[];
  /** What each instance reads on stdin (written at its start, then closed, unless a step writes to it). */
  stdin: Record<string, Buffer>;
  steps: Step[];
  /** Hold {port} with a bound socket of compare's own, so that the program's bind() of it fails. */
  holdPort: boolean;
}

export interface Replace {
  pattern: string;
  with: string;
}

export interface Lesson {
  /** The lesson file, absolute. */
  file: string;
  name: string;
  title: string;
  description: string;
  transport: 'tcp' | 'udp';
  roles: string[];
  variants: Variant[];
  /** Replacements applied to every stdout before comparing (what legitimately differs between runs). */
  stdoutReplace: Replace[];
  /**
   * How the socket calls are compared: 'in-order' (one sequence, as strace saw them), or
   * 'per-descriptor' (each descriptor's calls in order, descriptors one after the other) for
   * programs whose threads make calls at the same time, where the order between threads is not the program's.
   */
  syscallOrder: 'in-order' | 'per-descriptor';
  /** The platforms the lesson runs on (process.platform names), or null for every one. */
  platforms: string[] | null;
  /** The pairings run, one language per role in `roles` order; the first is all C, the reference. */
  pairings: Impl[][];
  scenarios: Scenario[];
}

export type Impl = 'c' | 'ts';

/** What a role's `trace` may add to the socket calls: the multiplexing syscalls, as strace names them (glibc makes select(3) as pselect6). */
export const TRACEABLE = ['select', 'pselect6', 'poll', 'ppoll', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_pwait'] as const;

/** A mistake in a lesson file. */
export class LessonError extends Error {
  override name = 'LessonError';
}

// ---------------------------------------------------------------------------
// Checking JSON values, each mistake named by its path in the file

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

class At {
  constructor(
    readonly file: string,
    readonly path: string,
  ) {}

  fail(msg: string): never {
    throw new LessonError(`${this.file}: ${this.path === '' ? '' : `${this.path}: `}${msg}`);
  }

  key(k: string): At {
    return new At(this.file, this.path === '' ? k : `${this.path}.${k}`);
  }

  index(i: number): At {
    return new At(this.file, `${this.path}[${i}]`);
  }

  object(v: Json | undefined, allowed: string[]): { [k: string]: Json } {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(`must be an object, got ${kind(v)}`);
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.key(k).fail(`unknown field (known: ${allowed.join(', ')})`);
    return v;
  }

  string(v: Json | undefined): string {
    if (typeof v !== 'string') this.fail(`must be a string, got ${kind(v)}`);
    return v;
  }

  integer(v: Json | undefined, min: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(`must be an integer of at least ${min}, got ${JSON.stringify(v)}`);
    return v;
  }

  array(v: Json | undefined, nonEmpty = false): Json[] {
    if (!Array.isArray(v) || (nonEmpty && v.length === 0)) this.fail(`must be a${nonEmpty ? ' non-empty' : 'n'} array, got ${kind(v)}`);
    return v;
  }

  strings(v: Json | undefined): string[] {
    if (!Array.isArray(v)) this.fail(`must be an array of strings, got ${kind(v)}`);
    return v.map((x, i) => this.index(i).string(x));
  }

  oneOf<T extends string>(v: Json | undefined, values: readonly T[]): T {
    if (typeof v !== 'string' || !values.includes(v as T)) this.fail(`must be one of ${values.map((x) => `'${x}'`).join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  }
}

function kind(v: Json | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

// ---------------------------------------------------------------------------
// The parts of a lesson

/** Bytes: a string (UTF-8), { "repeat": s, "times": n }, { "file": path }, or an array of these, joined. */
function bytes(at: At, v: Json | undefined, dir: string): Buffer {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (Array.isArray(v)) return Buffer.concat(v.map((x, i) => bytes(at.index(i), x, dir)));
  const o = at.object(v, ['repeat', 'times', 'file']);
  if (o.file !== undefined) {
    if (Object.keys(o).length !== 1) at.fail("'file' stands alone");
    const p = resolve(dir, at.key('file').string(o.file));
    if (!existsSync(p)) at.key('file').fail(`no such file: ${p}`);
    return readFileSync(p);
  }
  const s = at.key('repeat').string(o.repeat);
  return Buffer.from(s.repeat(at.key('times').integer(o.times, 0)), 'utf8');
}

function ready(at: At, v: Json | undefined): Ready {
  if (v === undefined) return { kind: 'none' };
  if (v === 'listening' || v === 'bound') return { kind: v, count: 1 };
  const o = at.object(v, ['listening', 'bound', 'printed']);
  const keys = Object.keys(o);
  if (keys.length !== 1) at.fail("must be 'listening', 'bound', or an object with one of listening, bound, printed");
  if (o.printed !== undefined) return { kind: 'printed', text: at.key('printed').string(o.printed) };
  const k = keys[0] as 'listening' | 'bound';
  return { kind: k, count: at.key(k).integer(o[k], 1) };
}

const programFields = ['c', 'cflags', 'ts', 'js', 'args', 'ready', 'stop', 'trace'];

/** A role's program; `base` is the lesson-level one a variant overrides field by field. */
function program(at: At, v: Json | undefined, dir: string, base?: Program): Program {
  const o = at.object(v, programFields);
  const file = (k: string, must: boolean) => {
    const p = resolve(dir, at.key(k).string(o[k]));
    if (must && !existsSync(p)) at.key(k).fail(`no such file: ${p}`);
    return p;
  };
  let c: Program['c'];
  if (o.c !== undefined) {
    const p = file('c', true);
    const cflags = o.cflags === undefined ? ['-O2', '-Wall'] : at.key('cflags').strings(o.cflags);
    c = /\.(c|cc|cpp|cxx)$/.test(p) ? { source: p, cflags } : { binary: p };
  } else if (base !== undefined) {
    c = o.cflags !== undefined && 'source' in base.c ? { source: base.c.source, cflags: at.key('cflags').strings(o.cflags) } : base.c;
  } else return at.key('c').fail('missing (the C source or binary)');
  let ts: Program['ts'];
  if (o.ts !== undefined) {
    const source = file('ts', true);
    // The file node runs: "js" when given (a compiled port; it may not be built yet), else the source itself.
    ts = { source, run: o.js !== undefined ? file('js', false) : source };
  } else if (base !== undefined && o.js === undefined) ts = base.ts;
  else return at.key('ts').fail('missing (the TypeScript port)');
  return {
    c,
    ts,
    args: o.args !== undefined ? at.key('args').strings(o.args) : (base?.args ?? []),
    ready: o.ready !== undefined ? ready(at.key('ready'), o.ready) : (base?.ready ?? { kind: 'none' }),
    stop: o.stop !== undefined ? at.key('stop').oneOf(o.stop, ['exit', 'idle'] as const) : (base?.stop ?? 'exit'),
    alsoTraced: o.trace !== undefined ? at.key('trace').array(o.trace).map((x, i) => at.key('trace').index(i).oneOf(x, TRACEABLE)) : (base?.alsoTraced ?? []),
  };
}

const signals = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGKILL', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE'] as const;

function until(at: At, v: Json | undefined): Until {
  if (v === 'exit' || v === 'idle' || v === 'ready') return { kind: v };
  const o = at.object(v, ['printed', 'times']);
  return { kind: 'printed', text: at.key('printed').string(o.printed), times: o.times === undefined ? 1 : at.key('times').integer(o.times, 1) };
}

function step(at: At, v: Json | undefined, names: Set<string>, dir: string): Step {
  const o = at.object(v, ['start', 'write', 'stdin', 'close', 'wait', 'until', 'timeout', 'stop', 'signal', 'sleep']);
  const instance = (k: string) => {
    const name = at.key(k).string(o[k]);
    if (!names.has(name)) at.key(k).fail(`unknown instance '${name}' (this scenario runs ${[...names].join(', ')})`);
    return name;
  };
  const only = (...keys: string[]) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) at.key(k).fail(`does not go with '${keys[0]}'`);
  };
  if (o.start !== undefined) {
    only('start');
    return { start: instance('start') };
  }
  if (o.write !== undefined) {
    only('write', 'stdin');
    return { write: instance('write'), data: bytes(at.key('stdin'), o.stdin, dir) };
  }
  if (o.close !== undefined) {
    only('close');
    return { close: instance('close') };
  }
  if (o.wait !== undefined) {
    only('wait', 'until', 'timeout');
    return { wait: instance('wait'), until: until(at.key('until'), o.until), timeout: o.timeout === undefined ? 10_000 : at.key('timeout').integer(o.timeout, 1) };
  }
  if (o.stop !== undefined) {
    only('stop', 'signal');
    return { stop: instance('stop'), signal: o.signal === undefined ? 'SIGTERM' : at.key('signal').oneOf(o.signal, signals) };
  }
  if (o.sleep !== undefined) {
    only('sleep');
    return { sleep: at.key('sleep').integer(o.sleep, 0) };
  }
  return at.fail('a step is one of start, write, close, wait, stop, sleep');
}

/**
 * The steps when a scenario gives none: start every instance in order (each
 * waited for until ready), wait for those that end by themselves, then stop
 * the others (servers) with SIGTERM once they are idle.
 */
export function defaultSteps(run: Instance[], programs: Record<string, Program>): Step[] {
  const steps: Step[] = run.map((i) => ({ start: i.name }));
  for (const i of run) if (programs[i.role].stop === 'exit') steps.push({ wait: i.name, until: { kind: 'exit' }, timeout: 15_000 });
  for (const i of run) {
    if (programs[i.role].stop === 'idle') {
      steps.push({ wait: i.name, until: { kind: 'idle' }, timeout: 5000 }, { stop: i.name, signal: 'SIGTERM' });
    }
  }
  return steps;
}

function scenario(at: At, v: Json | undefined, roles: Record<string, Program>, dir: string): Scenario {
  const o = at.object(v, ['name', 'title', 'run', 'stdin', 'steps', 'hold']);
  const name = at.key('name').string(o.name);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) at.key('name').fail(`must be lower-case letters, digits and dashes, got '${name}'`);
  let run: Instance[];
  if (o.run === undefined) run = Object.keys(roles).map((r) => ({ name: r, role: r }));
  else {
    run = at.key('run').array(o.run, true).map((x, i) => {
      const a = at.key('run').index(i);
      const inst: Instance = typeof x === 'string' ? { name: x, role: x } : (() => {
        const r = a.object(x, ['name', 'role', 'args']);
        return { name: a.key('name').string(r.name), role: a.key('role').string(r.role), ...(r.args === undefined ? {} : { args: a.key('args').strings(r.args) }) };
      })();
      if (!(inst.role in roles)) a.fail(`unknown role '${inst.role}' (roles: ${Object.keys(roles).join(', ')})`);
      return inst;
    });
  }
  const names = new Set<string>();
  for (const [i, inst] of run.entries()) {
    if (names.has(inst.name)) at.key('run').index(i).fail(`instance '${inst.name}' twice`);
    names.add(inst.name);
  }
  const stdin: Record<string, Buffer> = {};
  if (o.stdin !== undefined) {
    for (const [k, x] of Object.entries(at.key('stdin').object(o.stdin, [...names]))) stdin[k] = bytes(at.key('stdin').key(k), x, dir);
  }
  const steps = o.steps === undefined ? defaultSteps(run, roles) : at.key('steps').array(o.steps).map((x, i) => step(at.key('steps').index(i), x, names, dir));
  for (const [i, s] of steps.entries()) {
    if ('write' in s && s.write in stdin) at.key('steps').index(i).fail(`'${s.write}' has stdin given up front; give it either there or in write steps`);
  }
  return {
    name,
    title: o.title === undefined ? name : at.key('title').string(o.title),
    run,
    stdin,
    steps,
    holdPort: o.hold === undefined ? false : at.key('hold').oneOf(o.hold, ['port'] as const) === 'port',
  };
}

/** Reads and checks a lesson file. */
export function loadLesson(path: string): Lesson {
  const file = resolve(path);
  const dir = dirname(file);
  const label = path;
  let json: Json;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (e) {
    throw new LessonError(`${label}: ${(e as Error).message}`);
  }
  const at = new At(label, '');
  const o = at.object(json, ['$schema', 'name', 'title', 'description', 'transport', 'roles', 'variants', 'stdout', 'syscalls', 'platforms', 'pairings', 'scenarios']);
  const rolesAt = at.key('roles');
  const roleDefs = rolesAt.object(o.roles, Object.keys(o.roles ?? {}));
  if (Object.keys(roleDefs).length === 0) rolesAt.fail('must name at least one role');
  const base: Record<string, Program> = {};
  for (const [r, p] of Object.entries(roleDefs)) base[r] = program(rolesAt.key(r), p, dir);

  const variants: Variant[] = [];
  if (o.variants === undefined) variants.push({ name: 'IPv4', ip: 4, host: '127.0.0.1', programs: base });
  else {
    const vAt = at.key('variants');
    for (const [name, x] of Object.entries(vAt.object(o.variants, Object.keys(o.variants as object)))) {
      const a = vAt.key(name);
      const vo = a.object(x, ['ip', 'host', 'roles']);
      const ip = vo.ip === undefined ? 4 : vo.ip === 4 || vo.ip === 6 ? vo.ip : a.key('ip').fail(`must be 4 or 6, got ${JSON.stringify(vo.ip)}`);
      const programs = { ...base };
      if (vo.roles !== undefined) {
        for (const [r, p] of Object.entries(a.key('roles').object(vo.roles, Object.keys(base)))) programs[r] = program(a.key('roles').key(r), p, dir, base[r]);
      }
      variants.push({ name, ip, host: vo.host === undefined ? (ip === 6 ? '::1' : '127.0.0.1') : a.key('host').string(vo.host), programs });
    }
    if (variants.length === 0) vAt.fail('must name at least one variant');
  }

  const stdoutReplace: Replace[] = [];
  if (o.stdout !== undefined) {
    const so = at.key('stdout').object(o.stdout, ['replace']);
    const ra = at.key('stdout').key('replace');
    for (const [i, x] of ra.array(so.replace).entries()) {
      const r = ra.index(i).object(x, ['pattern', 'with']);
      const pattern = ra.index(i).key('pattern').string(r.pattern);
      try {
        new RegExp(pattern);
      } catch (e) {
        ra.index(i).key('pattern').fail((e as Error).message);
      }
      stdoutReplace.push({ pattern, with: ra.index(i).key('with').string(r.with) });
    }
  }

  const sAt = at.key('scenarios');
  const scenarios = sAt.array(o.scenarios, true).map((x, i) => scenario(sAt.index(i), x, base, dir));
  const seen = new Set<string>();
  for (const [i, s] of scenarios.entries()) {
    if (seen.has(s.name)) sAt.index(i).key('name').fail(`scenario '${s.name}' twice`);
    seen.add(s.name);
  }
  const roles = Object.keys(base);
  const reference = roles.map((): Impl => 'c');
  let pairings: Impl[][];
  if (o.pairings === undefined) {
    // Every combination, C first: for two roles C×C, C×TS, TS×C, TS×TS.
    pairings = [[]];
    for (let k = 0; k < roles.length; k++) pairings = pairings.flatMap((p) => [[...p, 'c' as Impl], [...p, 'ts' as Impl]]);
  } else {
    const pa = at.key('pairings');
    pairings = pa.array(o.pairings, true).map((x, i) => {
      const p = pa.index(i).array(x).map((y, j) => pa.index(i).index(j).oneOf(y, ['c', 'ts'] as const));
      if (p.length !== roles.length) pa.index(i).fail(`must give one language per role (${roles.join(', ')})`);
      return p;
    });
    pairings = [reference, ...pairings.filter((p) => p.some((x) => x !== 'c'))];
  }
  const name = at.key('name').string(o.name);
  return {
    file,
    name,
    title: o.title === undefined ? name : at.key('title').string(o.title),
    description: o.description === undefined ? '' : at.key('description').string(o.description),
    transport: o.transport === undefined ? 'tcp' : at.key('transport').oneOf(o.transport, ['tcp', 'udp'] as const),
    roles,
    variants,
    stdoutReplace,
    syscallOrder: o.syscalls === undefined ? 'in-order' : at.key('syscalls').oneOf(o.syscalls, ['in-order', 'per-descriptor'] as const),
    platforms: o.platforms === undefined ? null : at.key('platforms').strings(o.platforms),
    pairings,
    scenarios,
  };
}

/** The bundled lessons' files: examples/*.lesson.json under the package root, in name order (numbered in the course's order). */
export function bundledLessonFiles(packageRoot: string): string[] {
  const dir = join(packageRoot, 'examples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.lesson.json'))
    .sort()
    .map((f) => join(dir, f));
}

/** `{port}` and `{host}` in a program's arguments (or a pattern) replaced. */
export function substitute(s: string, values: { port: number; host: string }): string {
  return s.replaceAll('{port}', String(values.port)).replaceAll('{host}', values.host);
}

/** The bundled lesson called `name` (its "name" field), or undefined. */
export function bundledLesson(packageRoot: string, name: string): Lesson | undefined {
  for (const f of bundledLessonFiles(packageRoot)) {
    const l = loadLesson(f);
    if (l.name === name) return l;
  }
  return undefined;
}
