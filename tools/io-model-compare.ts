// The I/O-model chapter's programs side by side: the echo servers on select,
// poll and epoll, C original and TypeScript port, each driven through the same
// scenario by C echo clients (several clients at once, a client that
// disconnects while others stay, a line longer than the server's buffer), and
// the non-blocking-connect client, accepted and refused. The server's stdout,
// exit status and, under strace, its whole network class of syscalls plus the
// multiplexing calls must be the C program's.
//
// A scenario is a fixed sequence of steps, each waiting for the previous one's
// effect (the server printed the connection, the client printed the echo), so
// that a server's transcript does not depend on timing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCalls } from './echo-compare.js';
import { Program, exitText, freePort, type Exit, type Impl } from './echo-run.js';
import { waitUntil } from './wait.js';

/** The servers: the epoll one only where epoll exists. */
export const ioModelServers: string[] = ['select_server', 'poll_server', ...(process.platform === 'linux' ? ['epoll_server'] : [])];

/** strace's set: the whole network class, close, and every multiplexing call (glibc makes select as pselect6). */
export const ioModelSyscalls = ['%network', 'close', 'select', 'pselect6', 'poll', 'ppoll', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_pwait'];

/** One step of a server scenario: client `k` connects, sends a line, or closes its end. */
type Step = { connect: number } | { send: number; line: string } | { close: number };

export interface ServerScenario {
  name: string;
  title: string;
  steps: Step[];
}

export const serverScenarios: ServerScenario[] = [
  {
    name: 'several-clients',
    title: 'three clients at once',
    steps: [
      { connect: 0 },
      { connect: 1 },
      { connect: 2 },
      { send: 0, line: 'hello' },
      { send: 1, line: '안녕하세요' },
      { send: 2, line: 'world' },
      { send: 0, line: 'again' },
      { close: 1 },
      { close: 0 },
      { close: 2 },
    ],
  },
  {
    name: 'disconnect',
    title: 'a client disconnects, the other stays',
    steps: [{ connect: 0 }, { connect: 1 }, { send: 0, line: 'first' }, { close: 0 }, { send: 1, line: 'still here' }, { connect: 2 }, { send: 2, line: 'new' }, { close: 1 }, { close: 2 }],
  },
  {
    // 600 characters: the client sends 512 bytes then 88; the server reads 511 and then 1.
    name: 'long-line',
    title: 'a line longer than the buffer',
    steps: [{ connect: 0 }, { send: 0, line: 'L'.repeat(600) }, { send: 0, line: 'short' }, { close: 0 }],
  },
];

export interface Run {
  port: number;
  stdout: Buffer;
  exit: Exit;
  strace: string | null;
  stoppedAt: number | null;
  /** What each echo client printed. */
  clients: Buffer[];
}

const count = (b: Buffer, text: string) => b.toString('utf8').split(text).length - 1;
const CONNECTED = '클라이언트 접속';
const CLOSED = '클라이언트 종료';
const ECHOED = '바이트를 받았습니다';

/** How many times the echo client prints its echo line for one input line: one per 512-byte fgets. */
const chunks = (line: string) => Math.floor(Buffer.byteLength(line) / 512) + 1;

function stepFailed(what: string, server: Program): never {
  throw new Error(`${what} (server said: ${server.stdout.toString('utf8').slice(-300)})`);
}

/** Runs one server through one scenario with C echo clients; `strace` traces the server. */
export async function runServerScenario(server: string, impl: Impl, s: ServerScenario, opts: { strace: boolean }): Promise<Run> {
  const dir = opts.strace ? mkdtempSync(join(tmpdir(), 'posix-sockets-io-model-')) : null;
  const straceOut = dir === null ? undefined : join(dir, 'server');
  const started: Program[] = [];
  try {
    let srv: Program;
    let port: number;
    // A free port may be taken before the server binds it: try another.
    for (let attempt = 1; ; attempt++) {
      port = freePort(false);
      srv = new Program({ impl, role: 'server', v6: false, program: server, args: [String(port)], straceOut, syscalls: ioModelSyscalls });
      started.push(srv);
      const at = await srv.listening();
      if (at === null || at === port || attempt === 5) break;
      await srv.stop('SIGKILL');
    }
    const clients: Program[] = [];
    const echoes: number[] = [];
    for (const step of s.steps) {
      if ('connect' in step) {
        const before = count(srv.stdout, CONNECTED);
        const c = new Program({ impl: 'c', role: 'client', v6: false, args: ['127.0.0.1', String(port)], interactive: true });
        started.push(c);
        clients[step.connect] = c;
        echoes[step.connect] = 0;
        if (!(await waitUntil(() => count(srv.stdout, CONNECTED) > before || !srv.running, 10_000))) stepFailed(`client ${step.connect} not accepted`, srv);
      } else if ('send' in step) {
        const c = clients[step.send];
        echoes[step.send] += chunks(step.line);
        c.input(`${step.line}\n`);
        if (!(await waitUntil(() => count(c.stdout, ECHOED) >= echoes[step.send] || !c.running, 10_000))) stepFailed(`no echo for client ${step.send}`, srv);
      } else {
        const before = count(srv.stdout, CLOSED);
        clients[step.close].endInput();
        await clients[step.close].wait(10_000);
        if (!(await waitUntil(() => count(srv.stdout, CLOSED) > before || !srv.running, 10_000))) stepFailed(`client ${step.close}'s end not seen`, srv);
      }
    }
    await srv.idle();
    await srv.stop('SIGTERM');
    const exit = await srv.exited;
    return {
      port,
      stdout: srv.stdout,
      exit,
      strace: straceOut === undefined ? null : readFileSync(straceOut, 'utf8'),
      stoppedAt: srv.stoppedAt,
      clients: clients.map((c) => c.stdout),
    };
  } finally {
    for (const p of started) if (p.running) await p.stop('SIGKILL');
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

/** The non-blocking-connect client, against the C select server (accepted) or a port nobody listens on (refused). */
export async function runClientScenario(impl: Impl, outcome: 'accepted' | 'refused', opts: { strace: boolean }): Promise<Run> {
  const dir = opts.strace ? mkdtempSync(join(tmpdir(), 'posix-sockets-io-model-')) : null;
  const straceOut = dir === null ? undefined : join(dir, 'client');
  const started: Program[] = [];
  try {
    let port = freePort(false);
    if (outcome === 'accepted') {
      const srv = new Program({ impl: 'c', role: 'server', v6: false, program: 'select_server', args: [String(port)] });
      started.push(srv);
      port = (await srv.listening()) ?? port;
    }
    const c = new Program({ impl, role: 'client', v6: false, program: 'nonblocking_client', args: ['127.0.0.1', String(port)], straceOut, syscalls: ioModelSyscalls });
    started.push(c);
    const exit = await c.wait();
    return { port, stdout: c.stdout, exit, strace: straceOut === undefined ? null : readFileSync(straceOut, 'utf8'), stoppedAt: null, clients: [] };
  } finally {
    for (const p of started) if (p.running) await p.stop('SIGKILL');
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Normalisation

/** Server stdout with the clients' ephemeral ports numbered in order of appearance: `포트 번호=<client 1>`, `:<client 1>]`. */
export function normaliseServerStdout(b: Buffer): string {
  const text = b.toString('utf8');
  const ports: string[] = [];
  for (const m of text.matchAll(/포트 번호=(\d+)/g)) if (!ports.includes(m[1])) ports.push(m[1]);
  return text.replace(/(포트 번호=|:)(\d+)(\]|\n|$)/g, (all, pre: string, port: string, post: string) => {
    const k = ports.indexOf(port);
    return k === -1 ? all : `${pre}<client ${k + 1}>${post}`;
  });
}

const creating = new Set(['socket', 'accept', 'accept4', 'epoll_create', 'epoll_create1']);
const noFdFirst = new Set(['socket', 'epoll_create', 'epoll_create1', 'select', 'pselect6']);

/**
 * A program's traced calls, comparable across languages: the program's own
 * descriptors are numbered FD1, FD2... in the order they were made, wherever
 * a call names one (its first argument, select's nfds and sets, poll's
 * entries, epoll_ctl's target); the server's port is PORT, client ports
 * CLIENT_PORT, the time left in a timeout `…`.
 *
 * Not the program's, and left out: the runtime's start-up (everything before
 * the program's first socket(): node's own epoll instances), descriptors a
 * call made but no later call but close names (the library's own poller, made
 * when the first awaited call needs the reactor), and calls on other descriptors.
 * Calls still in progress when the program was stopped are left out, as in
 * normaliseCalls.
 */
export function normaliseIoModelCalls(text: string, serverPort: number, stoppedAt: number | null = null): string[] {
  const calls = parseCalls(text)
    .filter((c) => stoppedAt === null || c.end === undefined || c.end < stoppedAt)
    .map((c) => /^(\w+)\((.*)\) = (.*)$/.exec(c.text)!)
    // The descriptor a call names first ('' for socket(), epoll_create*() and select's nfds).
    .map(([, name, args, result]) => ({ name, args, result, fd: noFdFirst.has(name) ? '' : (/^-?\d+/.exec(args)?.[0] ?? '') }));
  const first = calls.findIndex((c) => c.name === 'socket');
  if (first === -1) return [];
  const own = calls.slice(first);
  // A made descriptor counts only if a later call other than close names it before the number is made again.
  const used = (i: number) => {
    const fd = own[i].result;
    for (let j = i + 1; j < own.length; j++) {
      if (own[j].fd === fd && own[j].name !== 'close') return true;
      if (creating.has(own[j].name) && own[j].result === fd) return false;
    }
    return false;
  };
  const fds = new Map<string, string>();
  let made = 0;
  const out: string[] = [];
  const mapFd = (n: string) => fds.get(n) ?? n;
  own.forEach((c, i) => {
    const isMade = creating.has(c.name) && /^\d+$/.test(c.result);
    if (isMade && !used(i)) return;
    const known = c.fd === '' ? undefined : fds.get(c.fd);
    if (c.fd !== '' && known === undefined && Number(c.fd) >= 0) return; // not one of the program's descriptors
    let a = c.args;
    let r = c.result;
    if (c.name === 'select' || c.name === 'pselect6') {
      if (![...a.matchAll(/\[([\d ]*)\]/g)].some((m) => m[1].split(' ').some((n) => fds.has(n)))) return; // none of the program's
      // nfds is the highest descriptor + 1 in both programs.
      a = a.replace(/^(\d+)/, (n) => (fds.has(String(Number(n) - 1)) ? `${fds.get(String(Number(n) - 1))}+1` : n));
      a = a.replace(/\[([\d ]*)\]/g, (_, list: string) => `[${list.split(' ').filter(Boolean).map(mapFd).join(' ')}]`);
      r = r.replace(/\[([\d ]*)\]/g, (_, list: string) => `[${list.split(' ').filter(Boolean).map(mapFd).join(' ')}]`);
      r = r.replace(/left \{[^}]*\}/, 'left {…}');
    } else {
      if (known !== undefined) a = known + a.slice(c.fd.length);
      if (c.name === 'poll' || c.name === 'ppoll') {
        a = a.replace(/fd=(\d+)/g, (_, n: string) => `fd=${mapFd(n)}`);
        r = r.replace(/fd=(\d+)/g, (_, n: string) => `fd=${mapFd(n)}`);
      }
      if (c.name === 'epoll_ctl') a = a.replace(/^(\w+, \w+, )(\d+)/, (_, pre: string, n: string) => `${pre}${mapFd(n)}`);
    }
    if (c.name === 'close') fds.delete(c.fd);
    if (isMade) {
      r = `FD${++made}`;
      fds.set(c.result, r);
    }
    a = a.replaceAll(`htons(${serverPort})`, 'htons(PORT)');
    if (c.name === 'accept' || c.name === 'accept4') a = a.replace(/(sin6?_port=htons\()\d+\)/, '$1CLIENT_PORT)');
    a = a.replace(/0x(?:[0-9a-f]+|\.\.\.)/g, '0x…');
    out.push(`${c.name}(${a}) = ${r}`);
  });
  return out;
}

/** What a run is compared by: stdout (ports normalised), exit status, calls (null without strace). */
export function measureRun(run: Run): { stdout: string; exit: string; calls: string[] | null; clients: string[] } {
  return {
    stdout: normaliseServerStdout(run.stdout),
    exit: exitText(run.exit),
    calls: run.strace === null ? null : normaliseIoModelCalls(run.strace, run.port, run.stoppedAt),
    clients: run.clients.map((b) => b.toString('utf8')),
  };
}
