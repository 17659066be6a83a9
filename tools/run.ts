// Runs a lesson's programs — C executables and TypeScript ports — as child
// processes over loopback, optionally under strace, and watches them from
// outside: a server is never probed with a connection (that would change its
// transcript), its sockets are read from /proc instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants as fsConstants, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { AF_INET, AF_INET6, FD_CLOEXEC, F_GETFL, F_SETFD, F_SETFL, O_NONBLOCK, SOCK_DGRAM, SOCK_STREAM, bind, close, errno, fcntl, getsockname, sizeof, socket, socklen_t, sockaddr_in6, strerror, type sockaddr_in } from 'posix-sockets';
import { loopback4, loopback6, portOf, wildcard } from './loopback.js';
import { socketInodes, tcpTable, udpTable, TCP_STATE } from './procfs.js';
import { sleep, waitUntil } from './wait.js';

/** The package root, found by the package's own name (from tools/ or tools/dist/ alike): examples/ is found relative to it. */
export const packageRoot = dirname(createRequire(import.meta.url).resolve('posix-sockets/package.json'));

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
export function straceOptions(out: string, also: readonly string[] = []): string[] {
  const opts = ['-f', '-qq', '-ttt', '-T', '-e', `trace=${[traceFilter, ...also].join(',')}`, '-e', 'signal=none', '-o', out];
  // Stop the traced program only at the traced calls: node makes thousands of others.
  return seccompBpf() ? ['--seccomp-bpf', ...opts] : opts;
}

let seccomp: boolean | undefined;
function seccompBpf(): boolean {
  seccomp ??= spawnSync(tools.strace!, ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=close', '-o', '/dev/null', 'true'], { stdio: 'ignore' }).status === 0;
  return seccomp;
}

/**
 * What strace records: its whole network class (every socket call, getsockopt
 * included: whatever the library did behind the caller's back would show), and
 * close, which compare keeps for the program's own sockets only.
 */
export const traceFilter = '%network,close';

// ---------------------------------------------------------------------------
// Ports

export type Transport = 'tcp' | 'udp';

function boundSocket(addr: sockaddr_in | sockaddr_in6, transport: Transport): { fd: number; port: number } {
  const fd = socket(addr instanceof sockaddr_in6 ? AF_INET6 : AF_INET, transport === 'udp' ? SOCK_DGRAM : SOCK_STREAM, 0);
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
 * servers bind; on IPv6, dual-stack, so free for IPv4 too), read back, closed.
 * Someone may take it before the server does; callers check where the server
 * listens and retry.
 */
export function freePort(v6: boolean, transport: Transport = 'tcp'): number {
  const { fd, port } = boundSocket(wildcard(v6), transport);
  close(fd);
  return port;
}

/** A port held by a bound socket of ours (on loopback), so that a server's bind() of it fails. */
export function holdPort(v6: boolean, transport: Transport = 'tcp'): { port: number; release(): void } {
  const { fd, port } = boundSocket(v6 ? loopback6() : loopback4(), transport);
  return { port, release: () => void close(fd) };
}

/** The kernel's ephemeral port range (ip_local_port_range): the ports it picks for an unbound socket. */
export const ephemeralPorts: [number, number] = (() => {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return [lo, hi];
  } catch {
    return [49152, 65535]; // IANA's range, which macOS uses
  }
})();

// ---------------------------------------------------------------------------
// A process's sockets, from /proc (Linux)

const hasProc = existsSync('/proc/self/fd') && existsSync('/proc/net/tcp');

interface InetSocket {
  transport: Transport;
  port: number;
  listening: boolean;
}

/** The TCP and UDP sockets the process holds (its stdio socketpairs are neither and are left out). */
function inetSockets(pid: number): InetSocket[] {
  const inodes = socketInodes(pid);
  const found: InetSocket[] = [];
  for (const table of ['tcp', 'tcp6'] as const) {
    let rows: ReturnType<typeof tcpTable> = [];
    try {
      rows = tcpTable(table);
    } catch {
      continue; // no IPv6 in this kernel
    }
    for (const row of rows) if (inodes.has(row.inode)) found.push({ transport: 'tcp', port: row.localPort, listening: row.state === TCP_STATE.LISTEN });
  }
  for (const table of ['udp', 'udp6'] as const) {
    let rows: ReturnType<typeof udpTable> = [];
    try {
      rows = udpTable(table);
    } catch {
      continue;
    }
    for (const row of rows) if (inodes.has(row.inode)) found.push({ transport: 'udp', port: row.localPort, listening: false });
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

export interface Launch {
  /** The executable and its arguments. */
  argv: string[];
  /** A C program: run under `stdbuf -o0` where stdbuf exists. */
  unbuffered: boolean;
  /** Written into the program's stdin pipe, which is then closed; 'open': the pipe kept open for write() and closeStdin(). */
  input: Buffer | 'open';
  /** strace's output file: run under `strace -f` for the traced syscalls. */
  straceOut?: string;
  /** Syscalls strace traces besides its network class and close (a lesson role's `trace`). */
  alsoTraced?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How a process ended, as a shell would put it: `0`, `1`, `SIGTERM`. */
export const exitText = (e: Exit) => (e.code !== null ? String(e.code) : (e.signal ?? '?'));

/**
 * Pipes between this process and a program, one per end given: FIFOs in a fresh directory,
 * opened at both ends and unlinked at once (Node has no pipe(2)). The
 * program's end is blocking, as a shell's pipe is; ours is read or written
 * through a net.Socket, which takes a pipe's descriptor.
 */
function pipes(programEnds: ('in' | 'out')[]): { childFd: number; stream: Socket }[] {
  const dir = mkdtempSync(join(tmpdir(), 'posix-sockets-pipe-'));
  const paths = programEnds.map((_, i) => join(dir, `fifo${i}`));
  try {
    // One mkfifo for all of a program's pipes: a process started per program, not per pipe.
    const made = spawnSync('mkfifo', ['-m', '600', ...paths], { stdio: 'ignore' });
    if (made.status !== 0) throw new Error('mkfifo failed: cannot give the program a pipe');
    const { O_RDONLY, O_WRONLY } = fsConstants;
    return programEnds.map((programEnd, i) => {
      // The read end first, non-blocking, so that opening the write end does not wait.
      const readFd = openSync(paths[i], O_RDONLY | fsConstants.O_NONBLOCK);
      const writeFd = openSync(paths[i], O_WRONLY);
      if (programEnd === 'in') {
        // The program reads: its end must block, as a shell's pipe does.
        fcntl(readFd, F_SETFL, fcntl(readFd, F_GETFL, 0) & ~O_NONBLOCK);
        return { childFd: readFd, stream: new Socket({ fd: writeFd, readable: false, writable: true }) };
      }
      return { childFd: writeFd, stream: new Socket({ fd: readFd, readable: true, writable: false }) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One program. C programs run under `stdbuf -o0` where stdbuf exists: their
 * stdout is a pipe, fully buffered, and a server is only ever stopped by a
 * signal, which would lose what it printed. The TypeScript ports write each
 * printf straight to fd 1 (posix-sockets/libc), so both sides' output is
 * complete when killed.
 */
export class Program {
  readonly child: ChildProcess;
  /** The writing end of the program's stdin pipe. */
  readonly stdin: Socket;
  readonly out: Buffer[] = [];
  readonly err: Buffer[] = [];
  readonly exited: Promise<Exit>;
  #exit: Exit | null = null;
  #pid: number | null = null;

  constructor(readonly launch: Launch) {
    let argv = launch.argv;
    if (launch.unbuffered && tools.stdbuf !== null) argv = [tools.stdbuf, '-o0', ...argv];
    if (launch.straceOut !== undefined) {
      if (tools.strace === null) throw new Error('strace is not available');
      argv = [tools.strace, ...straceOptions(launch.straceOut, launch.alsoTraced), ...argv];
    }
    // The program's stdio are pipes, as a shell gives them, not the socketpairs
    // of Node's stdio: 'pipe': on a socket Node's start-up makes getsockname
    // and getsockopt calls of its own, which strace's network class would show.
    const [stdin, stdout, stderr] = pipes(['in', 'out', 'out']);
    try {
      this.child = spawn(argv[0], argv.slice(1), {
        stdio: [stdin.childFd, stdout.childFd, stderr.childFd],
        env: { ...process.env, POSIX_SOCKETS_TRACE: '', ...launch.env },
      });
    } finally {
      for (const p of [stdin, stdout, stderr]) closeSync(p.childFd);
    }
    this.stdin = stdin.stream;
    this.stdin.on('error', () => {}); // a program that exits before reading its input
    if (launch.input !== 'open') this.stdin.end(launch.input);
    const drained = [stdout, stderr].map(
      (p, i) =>
        new Promise<void>((resolve) => {
          p.stream.on('data', (b: Buffer) => (i === 0 ? this.out : this.err).push(b));
          p.stream.on('error', () => resolve());
          p.stream.on('close', () => resolve());
        }),
    );
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.err.push(Buffer.from(String(e)));
        for (const p of [stdin, stdout, stderr]) p.stream.destroy();
        resolve((this.#exit = { code: 127, signal: null }));
      });
      // Once the program has ended and its output is all read.
      this.child.on('exit', (code, signal) => void Promise.all(drained).then(() => resolve((this.#exit = { code, signal }))));
    });
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

  /** Writes to the program's stdin (kept open). */
  write(data: Buffer): void {
    if (this.stdin.writable) this.stdin.write(data);
  }

  /** Closes the program's stdin: its next read gets end of file. */
  closeStdin(): void {
    this.stdin.end();
  }

  /** The program's own pid: under strace, the traced child, not strace (which passes no signals on). */
  async pid(): Promise<number | null> {
    if (this.#pid !== null) return this.#pid;
    const own = this.child.pid ?? null;
    if (this.launch.straceOut === undefined || own === null) return (this.#pid = own);
    // strace forks short-lived children of its own to probe ptrace first: the
    // program is the child that has exec'd the program's executable.
    const exe = realpathSync(this.launch.argv[0]);
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

  /**
   * Waits until the program holds `count` listening TCP sockets (`bound` UDP
   * sockets with transport 'udp'); returns their ports, or null if it never
   * did (or without /proc: after a pause).
   */
  async ready(transport: Transport, count: number, ms = 10_000): Promise<number[] | null> {
    const pid = await this.pid();
    if (!hasProc || pid === null) {
      await sleep(500);
      return null;
    }
    let ports: number[] = [];
    const ok = await waitUntil(() => {
      ports = inetSockets(pid)
        .filter((s) => s.transport === transport && (transport === 'udp' || s.listening))
        .map((s) => s.port);
      return ports.length >= count || !this.running;
    }, ms);
    return ok && ports.length >= count ? ports : null;
  }

  /** Waits until a server holds no TCP connection (all its TCP sockets listen): it is back in accept(). */
  async idle(ms = 5000): Promise<boolean> {
    const pid = await this.pid();
    if (!hasProc || pid === null) {
      await sleep(300);
      return true;
    }
    return waitUntil(() => !this.running || inetSockets(pid).every((s) => s.transport !== 'tcp' || s.listening), ms);
  }

  /** Waits until stdout contains `text` `times` times. */
  async printed(text: string, times = 1, ms = 10_000): Promise<boolean> {
    const want = Buffer.from(text);
    const count = () => {
      const out = this.stdout;
      let n = 0;
      for (let at = out.indexOf(want); at !== -1 && n < times; at = out.indexOf(want, at + want.length)) n++;
      return n;
    };
    return waitUntil(() => count() >= times, ms);
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
    await this.kill();
    return this.exited;
  }

  /** SIGKILL to the program and, under strace, to every child of strace: the program must not outlive it (it would keep our pipes open). */
  async kill(): Promise<void> {
    const pid = await this.pid();
    const own = this.child.pid;
    let kids: number[] = [];
    try {
      if (this.launch.straceOut !== undefined) kids = readFileSync(`/proc/${own}/task/${own}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
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
  }
}
