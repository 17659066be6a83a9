// Runs the echo programs — the C originals (examples/c/bin) and their TypeScript
// ports (examples/dist) — as child processes over loopback, optionally under
// strace, and watches them from outside: a server is never probed with a
// connection (that would change its transcript), its sockets are read from
// /proc instead. Used by the command-line tool (cli.ts) and the tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { AF_INET, AF_INET6, FD_CLOEXEC, F_SETFD, SOCK_STREAM, bind, close, errno, fcntl, getsockname, sizeof, socket, socklen_t, sockaddr_in6, strerror, type sockaddr_in } from 'posix-sockets';
import { loopback4, loopback6, portOf, wildcard } from './loopback.js';
import { socketInodes, tcpTable, TCP_STATE } from './procfs.js';
import { sleep, waitUntil } from './wait.js';

/** The package root, found by the package's own name (from tools/ or tools/dist/ alike): examples/ is found relative to it. */
export const packageRoot = dirname(createRequire(import.meta.url).resolve('posix-sockets/package.json'));

export type Impl = 'c' | 'ts';
export type Role = 'server' | 'client';

/** The notes' defaults: the client talks to 127.0.0.1 or ::1. */
export const loopbackHost = (v6: boolean) => (v6 ? '::1' : '127.0.0.1');

/** The program file: examples/c/bin/echo_server6, examples/dist/echo_client.js, ... */
export function programPath(impl: Impl, role: Role, v6: boolean): string {
  return examplePath(impl, `echo_${role}${v6 ? '6' : ''}`);
}

/** Any example program by name: examples/c/bin/NAME or examples/dist/NAME.js. */
export function examplePath(impl: Impl, name: string): string {
  return impl === 'c' ? join(packageRoot, 'examples', 'c', 'bin', name) : join(packageRoot, 'examples', 'dist', `${name}.js`);
}

/** Throws, saying how to build them, if any of the eight echo programs is missing. */
export function checkPrograms(): void {
  const missing: string[] = [];
  for (const impl of ['c', 'ts'] as const)
    for (const role of ['server', 'client'] as const)
      for (const v6 of [false, true]) {
        const p = programPath(impl, role, v6);
        if (!existsSync(p)) missing.push(p);
      }
  if (missing.length > 0) {
    throw new Error(`echo programs not built (missing ${missing.join(', ')}); run: npm run build:examples`);
  }
}

/** An executable on PATH, or null. */
export function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** strace (Linux only) and stdbuf, where present. */
export const tools = {
  strace: process.platform === 'linux' ? which('strace') : null,
  stdbuf: which('stdbuf') ?? which('gstdbuf'),
};

/** strace's options: -ttt -T time each call (to tell which calls were still in progress when a program was stopped). */
export function straceOptions(out: string, syscalls: string[] = tracedSyscalls): string[] {
  const opts = ['-f', '-qq', '-ttt', '-T', '-e', `trace=${syscalls.join(',')}`, '-e', 'signal=none', '-o', out];
  // Stop the traced program only at the traced calls: node makes thousands of others.
  return seccompBpf() ? ['--seccomp-bpf', ...opts] : opts;
}

let seccomp: boolean | undefined;
function seccompBpf(): boolean {
  seccomp ??= spawnSync(tools.strace!, ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=close', '-o', '/dev/null', 'true'], { stdio: 'ignore' }).status === 0;
  return seccomp;
}

/** The socket syscalls compared; close is kept for socket descriptors only. */
export const tracedSyscalls = ['socket', 'bind', 'listen', 'accept', 'accept4', 'connect', 'sendto', 'recvfrom', 'shutdown', 'setsockopt', 'close'];

// ---------------------------------------------------------------------------
// Ports

function boundSocket(addr: sockaddr_in | sockaddr_in6): { fd: number; port: number } {
  const fd = socket(addr instanceof sockaddr_in6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (fd === -1) throw new Error(`socket(): ${strerror(errno)}`);
  // Not inherited by the programs started while it is open.
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  const len = socklen_t(sizeof(addr));
  if (bind(fd, addr, sizeof(addr)) === -1 || getsockname(fd, addr, len) === -1) {
    const msg = strerror(errno);
    close(fd);
    throw new Error(`bind(): ${msg}`);
  }
  return { fd, port: portOf(addr) };
}

/**
 * A port that is free now: bound to port 0 on the wildcard address (where the
 * servers bind), read back, closed. Someone may take it before the server
 * does; callers check where the server listens and retry.
 */
export function freePort(v6: boolean): number {
  const { fd, port } = boundSocket(wildcard(v6));
  close(fd);
  return port;
}

/** A port held by a bound socket of ours (on loopback), so that a server's bind() of it fails. */
export function holdPort(v6: boolean): { port: number; release(): void } {
  const { fd, port } = boundSocket(v6 ? loopback6() : loopback4());
  return { port, release: () => void close(fd) };
}

// ---------------------------------------------------------------------------
// A process's TCP sockets, from /proc (Linux)

const hasProc = existsSync('/proc/self/fd') && existsSync('/proc/net/tcp');

interface TcpSocket {
  port: number;
  listening: boolean;
}

/** The TCP sockets the process holds (its stdio socketpairs are not TCP and are left out). */
function tcpSockets(pid: number): TcpSocket[] {
  const inodes = socketInodes(pid);
  const found: TcpSocket[] = [];
  for (const table of ['tcp', 'tcp6'] as const) {
    let rows: ReturnType<typeof tcpTable> = [];
    try {
      rows = tcpTable(table);
    } catch {
      continue; // no IPv6 in this kernel
    }
    for (const row of rows) if (inodes.has(row.inode)) found.push({ port: row.localPort, listening: row.state === TCP_STATE.LISTEN });
  }
  return found;
}

/** Every thread of the process asleep in the kernel: none running, none held by strace at a syscall stop. */
function asleep(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).every((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return stat[stat.lastIndexOf(')') + 2] === 'S';
    });
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Running one program

export interface RunOptions {
  impl: Impl;
  role: Role;
  v6: boolean;
  args: string[];
  /** Written to the program's stdin, which is then closed. */
  input?: Buffer;
  /** strace's output file: run under `strace -f -qq -e trace=<tracedSyscalls>`. */
  straceOut?: string;
  /** The syscalls strace traces, instead of tracedSyscalls. */
  syscalls?: string[];
  /** Another example than the echo program of `role` and `v6`: its name (examples/c/bin/NAME, examples/dist/NAME.js). */
  program?: string;
  /** Keep stdin open for input(); `input` is then not used. */
  interactive?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How a process ended, as a shell would put it: `0`, `1`, `SIGTERM`. */
export const exitText = (e: Exit) => (e.code !== null ? String(e.code) : (e.signal ?? '?'));

/**
 * One echo program. C programs run under `stdbuf -o0` where stdbuf exists: their
 * stdout is a pipe, fully buffered, and a server is only ever stopped by a
 * signal, which would lose what it printed. The TypeScript ports write each
 * printf straight to fd 1, so both sides' output is complete when killed.
 */
export class Program {
  readonly child: ChildProcess;
  readonly out: Buffer[] = [];
  readonly err: Buffer[] = [];
  readonly exited: Promise<Exit>;
  #exit: Exit | null = null;
  #pid: number | null = null;

  /** The executable the program's process runs: the C binary, or node. */
  readonly executable: string;

  constructor(readonly opts: RunOptions) {
    const file = opts.program === undefined ? programPath(opts.impl, opts.role, opts.v6) : examplePath(opts.impl, opts.program);
    this.executable = opts.impl === 'c' ? file : process.execPath;
    let argv = opts.impl === 'c' ? [file, ...opts.args] : [process.execPath, file, ...opts.args];
    if (opts.impl === 'c' && tools.stdbuf !== null) argv = [tools.stdbuf, '-o0', ...argv];
    if (opts.straceOut !== undefined) {
      if (tools.strace === null) throw new Error('strace is not available');
      argv = [tools.strace, ...straceOptions(opts.straceOut, opts.syscalls), ...argv];
    }
    this.child = spawn(argv[0], argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, POSIX_SOCKETS_TRACE: '', ...opts.env },
    });
    this.child.stdout!.on('data', (b: Buffer) => this.out.push(b));
    this.child.stderr!.on('data', (b: Buffer) => this.err.push(b));
    this.child.stdin!.on('error', () => {}); // a program that exits before reading its input
    if (!opts.interactive) this.child.stdin!.end(opts.input ?? Buffer.alloc(0));
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.err.push(Buffer.from(String(e)));
        resolve((this.#exit = { code: 127, signal: null }));
      });
      this.child.on('close', (code, signal) => resolve((this.#exit = { code, signal })));
    });
  }

  /** Writes to the stdin of an interactive program. */
  input(data: string | Buffer): void {
    this.child.stdin!.write(data);
  }

  /** Closes the stdin of an interactive program: its fgets() then returns NULL. */
  endInput(): void {
    this.child.stdin!.end();
  }

  get stdout(): Buffer {
    return Buffer.concat(this.out);
  }

  get stderr(): Buffer {
    return Buffer.concat(this.err);
  }

  get running(): boolean {
    return this.#exit === null;
  }

  /** The program's own pid: under strace, the traced child, not strace (which passes no signals on). */
  async pid(): Promise<number | null> {
    if (this.#pid !== null) return this.#pid;
    const own = this.child.pid ?? null;
    if (this.opts.straceOut === undefined || own === null) return (this.#pid = own);
    // strace forks short-lived children of its own to probe ptrace first: the
    // program is the child that has exec'd the program's executable.
    const exe = realpathSync(this.executable);
    let child: number | null = null;
    await waitUntil(() => {
      try {
        for (const kid of readFileSync(`/proc/${own}/task/${own}/children`, 'utf8').trim().split(/\s+/)) {
          if (kid !== '' && readlinkSync(`/proc/${kid}/exe`) === exe) child = Number(kid);
        }
      } catch {
        // a child gone meanwhile, or strace itself
      }
      return child !== null || !this.running;
    }, 5000);
    return (this.#pid = child);
  }

  /** Waits until the program listens on a TCP port; returns the port (null without /proc: after a pause). */
  async listening(ms = 10_000): Promise<number | null> {
    const pid = await this.pid();
    if (!hasProc || pid === null) {
      await sleep(500);
      return null;
    }
    let port: number | null = null;
    await waitUntil(() => {
      port = tcpSockets(pid).find((s) => s.listening)?.port ?? null;
      return port !== null || !this.running;
    }, ms);
    return port;
  }

  /** Waits until a server holds no connection any more (all its TCP sockets listen): it is back in accept(). */
  async idle(ms = 5000): Promise<boolean> {
    const pid = await this.pid();
    if (!hasProc || pid === null) {
      await sleep(300);
      return true;
    }
    return waitUntil(() => !this.running || tcpSockets(pid).every((s) => s.listening), ms);
  }

  /** Waits until stdout contains `text`. */
  async printed(text: string, ms = 10_000): Promise<boolean> {
    const want = Buffer.from(text);
    return waitUntil(() => this.stdout.includes(want) || !this.running, ms);
  }

  /** When the program was sent a signal, in seconds since the epoch (strace -ttt's clock); null if never. */
  stoppedAt: number | null = null;

  /**
   * Sends `signal` to the program (not to strace) and waits for it to end; SIGKILL after `ms`.
   * The signal is sent once every thread sleeps (for at most 2 s): strace has then seen every
   * call that returned before it, so `stoppedAt` separates the calls that returned from the
   * one the signal interrupts.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', ms = 5000): Promise<Exit> {
    const pid = await this.pid();
    if (hasProc && pid !== null) await waitUntil(() => !this.running || asleep(pid), 2000);
    if (this.running && pid !== null) {
      try {
        this.stoppedAt = (performance.timeOrigin + performance.now()) / 1000;
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
    return this.wait(ms);
  }

  /** Waits for the program to end by itself; after `ms` it is killed (SIGKILL) and `timedOut` is set. */
  timedOut = false;
  async wait(ms = 15_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), ms)));
    const e = await Promise.race([this.exited, late]);
    clearTimeout(timer);
    if (e !== null) return e;
    this.timedOut = true;
    const pid = await this.pid();
    // Every child of strace too: the program must not outlive it (it would keep our pipes open).
    const own = this.child.pid;
    let kids: number[] = [];
    try {
      if (this.opts.straceOut !== undefined) kids = readFileSync(`/proc/${own}/task/${own}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      // gone
    }
    for (const p of [pid, ...kids, own]) {
      try {
        if (p != null) process.kill(p, 'SIGKILL');
      } catch {
        // gone
      }
    }
    return this.exited;
  }
}
