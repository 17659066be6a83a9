// Test fixtures that read the kernel's own view (procfs) and small waiting
// utilities, for tests that check socket state the library cannot report.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  AF_INET,
  AF_INET6,
  errno,
  getpeername,
  getsockname,
  ntohs,
  sizeof,
  sockaddr_in,
  sockaddr_in6,
  sockaddr_storage,
  socklen_t,
  strerror,
} from '../src/index.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `pred` every `stepMs` until it holds or `timeoutMs` passes; returns its last value. */
export async function waitUntil(pred: () => boolean, timeoutMs: number, stepMs = 10): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (pred()) return true;
    if (Date.now() >= end) return false;
    await sleep(stepMs);
  }
}

export interface Endpoint {
  family: number;
  /** Host byte order. */
  port: number;
  addrlen: number;
}

function endpoint(which: 'getsockname' | 'getpeername', fd: number): Endpoint {
  const ss = new sockaddr_storage();
  const len = socklen_t(sizeof(ss));
  const r = (which === 'getsockname' ? getsockname : getpeername)(fd, ss, len);
  if (r === -1) throw new Error(`${which}(${fd}) failed: ${strerror(errno)}`);
  const port =
    ss.ss_family === AF_INET
      ? ntohs(new sockaddr_in(ss).sin_port)
      : ss.ss_family === AF_INET6
        ? ntohs(new sockaddr_in6(ss).sin6_port)
        : -1;
  return { family: ss.ss_family, port, addrlen: len.value };
}

/** getsockname(2): the local address of `fd`. */
export const local = (fd: number) => endpoint('getsockname', fd);
/** getpeername(2): the remote address of `fd`. */
export const peer = (fd: number) => endpoint('getpeername', fd);

/** TCP states as /proc/net/tcp prints them (include/net/tcp_states.h). */
export const TCP_STATE = { ESTABLISHED: 0x01, SYN_SENT: 0x02, TIME_WAIT: 0x06, LISTEN: 0x0a } as const;

export interface TcpRow {
  localPort: number;
  remotePort: number;
  state: number;
  txQueue: number;
  /** For a LISTEN socket: the number of connections in the accept queue. */
  rxQueue: number;
}

/** The rows of /proc/net/tcp (or tcp6) whose local or remote port is `port`. */
export function tcpRows(port: number, file: 'tcp' | 'tcp6' = 'tcp'): TcpRow[] {
  return readFileSync(`/proc/net/${file}`, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const f = line.trim().split(/\s+/);
      const [tx, rx] = f[4].split(':');
      return {
        localPort: parseInt(f[1].split(':')[1], 16),
        remotePort: parseInt(f[2].split(':')[1], 16),
        state: parseInt(f[3], 16),
        txQueue: parseInt(tx, 16),
        rxQueue: parseInt(rx, 16),
      };
    })
    .filter((row) => row.localPort === port || row.remotePort === port);
}

/** The kernel's ephemeral port range (ip(7), ip_local_port_range). */
export function ephemeralPortRange(): [number, number] {
  const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  return [lo, hi];
}

/** The inode of the open file behind `fd` in this process, e.g. 'socket:[12345]'. */
export const fdTarget = (fd: number) => readlinkSync(`/proc/self/fd/${fd}`);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The URL of the built library entry (dist/index.js), for code that cannot
 * load TypeScript (a worker, a child process). Compiles src/ first when dist
 * is missing or older than a source file, as `npm test` would.
 */
export function distEntry(): string {
  const entry = join(root, 'dist', 'index.js');
  const srcDir = join(root, 'src');
  const stale =
    !existsSync(entry) ||
    readdirSync(srcDir)
      .filter((f) => f.endsWith('.ts'))
      .some((f) => {
        const out = join(root, 'dist', f.replace(/\.ts$/, '.js'));
        return !existsSync(out) || statSync(out).mtimeMs < statSync(join(srcDir, f)).mtimeMs;
      });
  if (stale) {
    try {
      execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'tsconfig.json')], { stdio: 'pipe' });
    } catch (e) {
      // tsc still emits on type errors; only a missing entry is fatal.
      if (!existsSync(entry)) throw e;
    }
  }
  return pathToFileURL(entry).href;
}

/**
 * The start of a child-process script (for strace): imports the built package
 * as `s` and makes a connected loopback pair, `l` listening, `c` the client,
 * `srv` the accepted socket, `addr` the listener's address.
 */
export function pairScriptPrelude(): string {
  return `import * as s from ${JSON.stringify(distEntry())};
const addr = new s.sockaddr_in();
addr.sin_family = s.AF_INET;
addr.sin_addr.s_addr = s.htonl(s.INADDR_LOOPBACK);
const l = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
s.bind(l, addr, s.sizeof(addr));
s.listen(l, 4);
s.getsockname(l, addr, s.socklen_t(s.sizeof(addr)));
const c = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
s.connectSync(c, addr, s.sizeof(addr));
const srv = s.acceptSync(l, null, null);`;
}
