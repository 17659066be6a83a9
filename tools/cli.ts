#!/usr/bin/env node
// posix-sockets: the course's C programs and their TypeScript ports, run,
// paired and compared. A lesson file (docs/lessons.md) names the programs and
// the scenarios; the bundled ones are examples/*.lesson.json, found relative
// to the package root. The C side is compiled on first use into the user's
// cache (tools/cbuild.ts); the TypeScript ports are examples/dist (npm run
// build:examples in a clone, shipped compiled in the package).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
// Terminal columns from Unicode's East Asian Width and emoji data, kept current as Unicode grows.
import stringWidth from 'string-width';
import { CompileError } from './cbuild.js';
import { compareLesson, differences, lessonPath, pairingName, renderDiffs, renderNotes, renderTable, runScenario, toJSON, type Impl, type Row } from './compare.js';
import { LessonError, bundledLesson, bundledLessonFiles, loadLesson, type Lesson } from './lesson.js';
import { exitText, packageRoot, tools } from './run.js';

const usage = `usage: posix-sockets <command> [options]

commands:
  lessons                                       list the bundled lessons
  compare [LESSON]... [--json] [--scenario NAME]... [--ts ROLE=FILE]... [--no-strace]
                                                run every pairing of each lesson's C programs and TypeScript
                                                ports in every scenario, and compare stdout, exit status and
                                                socket calls with the all-C run; exit 1 if any differs.
                                                LESSON: a bundled lesson's name or a .lesson.json file
                                                (none: every bundled lesson); --ts: run FILE (a .js
                                                port) as ROLE's TypeScript side instead
  echo-server [--port N] [--ipv6]               run the TypeScript echo server (port 9000 by default)
  echo-client [--host H] [--port N] [--ipv6]    run the TypeScript echo client (reads lines from stdin)
  echo-pair [--server c|ts] [--client c|ts] [--ipv6]
                                                start a server and a client on a free port, feed them
                                                sample lines, show both transcripts side by side
`;

function fail(msg: string): never {
  process.stderr.write(`posix-sockets: ${msg}\n\n${usage}`);
  process.exit(2);
}

function impl(value: string | undefined, what: string): Impl {
  if (value === undefined || value === 'ts') return 'ts';
  if (value === 'c') return 'c';
  return fail(`--${what} must be c or ts, got '${value}'`);
}

/** Runs a TypeScript port in the foreground and ends as it ends (same code, same signal). */
function runPort(file: string, args: string[]): void {
  const child = spawn(process.execPath, [file, ...args], { stdio: 'inherit' });
  // The program handles its own signals (none): pass them on rather than die first.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  child.on('close', (code, signal) => {
    if (signal !== null) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}

// ---------------------------------------------------------------------------
// Side-by-side transcripts

const widthOf = (s: string) => stringWidth(s);

/** `s` in pieces of at most `width` columns. */
function wrap(s: string, width: number): string[] {
  const pieces: string[] = [];
  let cur = '';
  let w = 0;
  for (const ch of s) {
    const cw = stringWidth(ch);
    if (w + cw > width) {
      pieces.push(cur);
      cur = '';
      w = 0;
    }
    cur += ch;
    w += cw;
  }
  pieces.push(cur);
  return pieces;
}

/** A run of one character, 16 or more long, as `[A ×511]`. */
const runs = (s: string) => s.replace(/(.)\1{15,}/gu, (run, ch: string) => `[${ch} ×${[...run].length}]`);

function sideBySide(leftTitle: string, left: Buffer, rightTitle: string, right: Buffer): string {
  const total = Math.max(80, Math.min(process.stdout.columns ?? 120, 160));
  const lines = (b: Buffer) => b.toString('utf8').split('\n').map(runs);
  // The left column as wide as its widest line, leaving the right one at least 30 columns.
  const w = Math.min(Math.max(stringWidth(leftTitle), ...lines(left).map(widthOf)), total - 33);
  const wr = total - 3 - w;
  const l = lines(left).flatMap((line) => wrap(line, w));
  const r = lines(right).flatMap((line) => wrap(line, wr));
  const pad = (s: string) => s + ' '.repeat(Math.max(0, w - stringWidth(s)));
  const rows = [`${pad(leftTitle)} │ ${rightTitle}`, `${'─'.repeat(w)}─┼─${'─'.repeat(Math.max(stringWidth(rightTitle), ...r.map(widthOf)))}`];
  for (let k = 0; k < Math.max(l.length, r.length); k++) rows.push(`${pad(l[k] ?? '')} │ ${r[k] ?? ''}`.trimEnd());
  return rows.join('\n');
}

/** The bundled echo lesson, whose programs echo-server, echo-client and echo-pair run. */
function echoLesson(): Lesson {
  return bundledLesson(packageRoot, 'echo')!;
}

async function echoPair(serverImpl: Impl, clientImpl: Impl, v6: boolean): Promise<number> {
  const lesson = echoLesson();
  const variant = lesson.variants.find((v) => v.ip === (v6 ? 6 : 4))!;
  const scenario = lesson.scenarios.find((s) => s.name === 'echo')!;
  const run = await runScenario(lesson, variant, scenario, [serverImpl, clientImpl], { strace: false });
  const side = (role: string) => run.instances.find((i) => i.role === role)!;
  const name = (i: Impl, role: string) => {
    const p = variant.programs[role];
    const file = i === 'c' ? ('source' in p.c ? p.c.source : p.c.binary) : p.ts.source;
    return `${i === 'c' ? 'C' : 'TS'} ${role} (${relative(packageRoot, file)})`;
  };
  const lines = scenario.stdin.client.toString('utf8').split('\n').slice(0, -1);
  const input = lines.map((x) => (x.length > 20 ? `${x.length} bytes` : `"${x}"`)).join(', ');
  process.stdout.write(
    [
      `echo pair: ${pairingName(lesson, [serverImpl, clientImpl])} over ${v6 ? 'IPv6 (::1)' : 'IPv4 (127.0.0.1)'}, port ${run.port}`,
      `client input: ${lines.length} lines: ${input} ([A ×511] below stands for 511 A's)`,
      tools.stdbuf === null && serverImpl === 'c' ? "stdbuf not found: the C server's output may be lost when it is stopped" : '',
      '',
      sideBySide(name(serverImpl, 'server'), side('server').stdout, name(clientImpl, 'client'), side('client').stdout),
      '',
      `server: ${exitText(side('server').exit)} (a server never ends by itself: stopped after the client finished)`,
      `client: exit ${exitText(side('client').exit)}`,
      '',
    ]
      .filter((x, k) => x !== '' || k !== 2)
      .join('\n'),
  );
  const ok = side('client').exit.code === 0 && !side('client').timedOut;
  return ok ? 0 : 1;
}

// ---------------------------------------------------------------------------

/** A lesson named on the command line: a lesson file, or a bundled lesson's name. */
function lessonNamed(arg: string): Lesson {
  if (existsSync(arg)) return loadLesson(arg);
  return bundledLesson(packageRoot, arg) ?? fail(`no lesson '${arg}': neither a file nor a bundled lesson (posix-sockets lessons lists them)`);
}

function listLessons(): number {
  const lessons = bundledLessonFiles(packageRoot).map((f) => loadLesson(f));
  const w = Math.max(...lessons.map((l) => l.name.length));
  for (const l of lessons) process.stdout.write(`${l.name.padEnd(w)}  ${l.title}\n${' '.repeat(w)}  ${relative(process.cwd(), l.file)}\n`);
  return 0;
}

/**
 * `--ts ROLE=FILE`: another port of a role, e.g. a student's, run in the lesson's place in every
 * variant; the same C program and scenarios judge it.
 */
function withPorts(lesson: Lesson, ports: string[]): Lesson {
  for (const spec of ports) {
    const m = /^([^=]+)=(.+)$/.exec(spec);
    if (m === null) fail(`--ts takes ROLE=FILE, got '${spec}'`);
    const [, role, file] = m;
    if (!lesson.roles.includes(role)) fail(`--ts ${spec}: ${lesson.name} has no role '${role}' (roles: ${lesson.roles.join(', ')})`);
    if (!existsSync(file)) fail(`--ts ${spec}: no such file`);
    const run = resolve(file);
    for (const v of lesson.variants) v.programs[role] = { ...v.programs[role], ts: { source: run, run } };
  }
  return lesson;
}

async function compare(files: string[], json: boolean, scenarios: string[], ports: string[], strace: boolean): Promise<number> {
  const bundled = bundledLessonFiles(packageRoot).map((f) => loadLesson(f));
  // A bundled lesson for another platform (epoll is Linux's) is left out of the whole run, not failed.
  const named = files.length === 0 ? bundled.filter((l) => l.platforms === null || l.platforms.includes(process.platform)) : files.map(lessonNamed);
  if (ports.length > 0 && named.length !== 1) fail('--ts goes with exactly one LESSON');
  const lessons = named.map((l) => withPorts(l, ports));
  const useStrace = strace && tools.strace !== null;
  const results: { lesson: Lesson; rows: Row[] }[] = [];
  for (const lesson of lessons) {
    const chosen = scenarios.filter((n) => lesson.scenarios.some((s) => s.name === n));
    if (scenarios.length > 0 && chosen.length === 0 && lessons.length > 1) continue; // --scenario of another lesson
    const rows = await compareLesson(lesson, { strace: useStrace, scenarios: scenarios.length === 0 ? undefined : lessons.length > 1 ? chosen : scenarios });
    results.push({ lesson, rows });
    if (!json) {
      const diffs = differences(rows);
      const runs = rows.filter((r) => !r.reference).length;
      const summary =
        diffs.length === 0
          ? `All ${runs} runs match the all-C reference.`
          : `${diffs.length} difference${diffs.length === 1 ? '' : 's'} from the all-C reference:\n\n${renderDiffs(rows)}`;
      process.stdout.write(`${lesson.name}${lesson.title === lesson.name ? '' : `: ${lesson.title}`} (${lessonPath(lesson)})\n\n${renderTable(lesson, rows)}\n\n${summary}\n\n`);
    }
  }
  if (results.length === 0) fail(`no lesson has a scenario ${scenarios.map((n) => `'${n}'`).join(', ')}`);
  if (json) process.stdout.write(`${JSON.stringify(toJSON(results), null, 2)}\n`);
  else process.stdout.write(`${renderNotes()}\n`);
  return results.every((r) => differences(r.rows).length === 0) ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const options = {
    port: { type: 'string' },
    host: { type: 'string' },
    ipv6: { type: 'boolean', default: false },
    server: { type: 'string' },
    client: { type: 'string' },
    json: { type: 'boolean', default: false },
    scenario: { type: 'string', multiple: true },
    'no-strace': { type: 'boolean', default: false },
    ts: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false },
  } as const;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage);
    return command === undefined ? 2 : 0;
  }
  let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: rest, options, strict: true, allowPositionals: true }));
  } catch (e) {
    return fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const allowed: Record<string, string[]> = {
    'echo-server': ['port', 'ipv6'],
    'echo-client': ['port', 'host', 'ipv6'],
    'echo-pair': ['server', 'client', 'ipv6'],
    compare: ['json', 'scenario', 'ts', 'no-strace'],
    lessons: [],
  };
  if (!(command in allowed)) fail(`unknown command '${command}'`);
  if (command !== 'compare' && positionals.length > 0) fail(`${command} takes no argument '${positionals[0]}'`);
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && v !== false && k !== 'help' && !allowed[command].includes(k)) fail(`${command} takes no --${k}`);
  }
  const v6 = values.ipv6 === true;
  switch (command) {
    case 'echo-server':
    case 'echo-client': {
      const role = command === 'echo-server' ? 'server' : 'client';
      const port = values.port ?? '9000';
      // The programs' own optional arguments: server [port], client [ip [port]].
      const args = role === 'server' ? [port] : [values.host ?? (v6 ? '::1' : '127.0.0.1'), port];
      const program = echoLesson().variants.find((v) => v.ip === (v6 ? 6 : 4))!.programs[role];
      if (!existsSync(program.ts.run)) throw new Error(`${program.ts.run} does not exist: npm run build:examples`);
      runPort(program.ts.run, args);
      return -1; // ends with the program
    }
    case 'echo-pair':
      return echoPair(impl(values.server, 'server'), impl(values.client, 'client'), v6);
    case 'lessons':
      return listLessons();
    default:
      return compare(positionals, values.json === true, values.scenario ?? [], values.ts ?? [], values['no-strace'] !== true);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: Error) => {
    process.stderr.write(`posix-sockets: ${e.message}\n`);
    // A lesson that cannot be read or built is not a difference: 2, as for a usage error.
    process.exitCode = e instanceof LessonError || e instanceof CompileError ? 2 : 1;
  },
);
