#!/usr/bin/env node
// posix-sockets: the lecture notes' echo server and client, in C and in
// TypeScript, run, paired and compared. The programs live in examples/
// (examples/c/bin for C, examples/dist for the TypeScript ports), found
// relative to the package root; build them with `npm run build:examples`.
import { spawn } from 'node:child_process';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
// Terminal columns from Unicode's East Asian Width and emoji data, kept current as Unicode grows.
import stringWidth from 'string-width';
import {
  compareScenario,
  differences,
  pairingName,
  renderDiffs,
  renderNotes,
  renderTable,
  runPairing,
  sampleLines,
  scenario,
  scenarios,
  toJSON,
  type Row,
} from './echo-compare.js';
import { checkPrograms, exitText, packageRoot, programPath, tools, type Impl } from './echo-run.js';

const usage = `usage: posix-sockets <command> [options]

commands:
  echo-server [--port N] [--ipv6]               run the TypeScript echo server (port 9000 by default)
  echo-client [--host H] [--port N] [--ipv6]    run the TypeScript echo client (reads lines from stdin)
  echo-pair [--server c|ts] [--client c|ts] [--ipv6]
                                                start a server and a client on a free port, feed them
                                                sample lines, show both transcripts side by side
  compare [--json] [--scenario NAME]... [--no-strace]
                                                run every pairing of C and TypeScript programs, IPv4 and
                                                IPv6, and compare stdout, exit status and syscalls
                                                (scenarios: ${scenarios.map((s) => s.name).join(', ')})
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

async function echoPair(serverImpl: Impl, clientImpl: Impl, v6: boolean): Promise<number> {
  checkPrograms();
  const run = await runPairing(scenario('echo'), serverImpl, clientImpl, v6, { strace: false });
  const name = (i: Impl, role: 'server' | 'client') => `${i === 'c' ? 'C' : 'TS'} ${role} (${relative(packageRoot, programPath(i, role, v6))})`;
  const input = sampleLines.map((x) => (x.text.length > 20 ? `${x.name}` : `${x.name} "${x.text}"`)).join(', ');
  process.stdout.write(
    [
      `echo pair: ${pairingName(serverImpl, clientImpl)} over ${v6 ? 'IPv6 (::1)' : 'IPv4 (127.0.0.1)'}, port ${run.port}`,
      `client input: ${sampleLines.length} lines: ${input} ([A ×511] below stands for 511 A's)`,
      tools.stdbuf === null && serverImpl === 'c' ? 'stdbuf not found: the C server\'s output may be lost when it is stopped' : '',
      '',
      sideBySide(name(serverImpl, 'server'), run.server!.stdout, name(clientImpl, 'client'), run.client!.stdout),
      '',
      `server: ${exitText(run.server!.exit)} (a server never ends by itself: stopped after the client finished)`,
      `client: exit ${exitText(run.client!.exit)}`,
      '',
    ]
      .filter((x, k) => x !== '' || k !== 2)
      .join('\n'),
  );
  const ok = run.client!.exit.code === 0 && !run.client!.timedOut;
  return ok ? 0 : 1;
}

// ---------------------------------------------------------------------------

async function compare(json: boolean, names: string[], strace: boolean): Promise<number> {
  checkPrograms();
  const chosen = names.length === 0 ? scenarios : names.map(scenario);
  const useStrace = strace && tools.strace !== null;
  const rows: Row[] = [];
  for (const s of chosen)
    for (const v6 of [false, true]) {
      const got = await compareScenario(s, v6, { strace: useStrace });
      rows.push(...got);
    }
  const diffs = differences(rows);
  if (json) {
    process.stdout.write(`${JSON.stringify(toJSON(rows), null, 2)}\n`);
  } else {
    const summary =
      diffs.length === 0
        ? `All ${rows.length - rows.filter((r) => r.reference).length} runs match the C × C reference.`
        : `${diffs.length} difference${diffs.length === 1 ? '' : 's'} from the C × C reference:\n\n${renderDiffs(rows)}`;
    process.stdout.write(`${renderTable(rows)}\n\n${renderNotes()}\n\n${summary}\n`);
  }
  return diffs.length === 0 ? 0 : 1;
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
    help: { type: 'boolean', short: 'h', default: false },
  } as const;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage);
    return command === undefined ? 2 : 0;
  }
  let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
  try {
    ({ values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false }));
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
    compare: ['json', 'scenario', 'no-strace'],
  };
  if (!(command in allowed)) fail(`unknown command '${command}'`);
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && v !== false && k !== 'help' && !allowed[command].includes(k)) fail(`${command} takes no --${k}`);
  }
  const v6 = values.ipv6 === true;
  switch (command) {
    case 'echo-server':
    case 'echo-client': {
      checkPrograms();
      const role = command === 'echo-server' ? 'server' : 'client';
      const port = values.port ?? '9000';
      // The programs' own optional arguments: server [port], client [ip [port]].
      const args = role === 'server' ? [port] : [values.host ?? (v6 ? '::1' : '127.0.0.1'), port];
      runPort(programPath('ts', role, v6), args);
      return -1; // ends with the program
    }
    case 'echo-pair':
      return echoPair(impl(values.server, 'server'), impl(values.client, 'client'), v6);
    default:
      return compare(values.json === true, values.scenario ?? [], values['no-strace'] !== true);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: Error) => {
    process.stderr.write(`posix-sockets: ${e.message}\n`);
    process.exitCode = 1;
  },
);
