// Shared test fixtures: real sockets on loopback, port 0 (the kernel picks a
// free port), so test files can run in parallel.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  INADDR_LOOPBACK,
  SOCK_STREAM,
  accept,
  bind,
  close,
  connect,
  errno,
  getsockname,
  htonl,
  htons,
  in6addr_loopback,
  listen,
  ntohs,
  sizeof,
  sockaddr_in,
  sockaddr_in6,
  sockaddr_un,
  socket,
  socklen_t,
  strerror,
} from '../src/index.js';

/** Fails the test with C's view of the error when a call returned -1. */
export function ok(ret: number, what: string): number {
  if (ret === -1) throw new Error(`${what} failed: ${strerror(errno)} (errno ${errno})`);
  return ret;
}

export function loopback4(port = 0): sockaddr_in {
  const a = new sockaddr_in();
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

export function loopback6(port = 0): sockaddr_in6 {
  const a = new sockaddr_in6();
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  a.sin6_addr = in6addr_loopback;
  return a;
}

export interface Listener {
  fd: number;
  /** The bound address, with the port the kernel chose. */
  addr: sockaddr_in | sockaddr_in6;
  port: number;
}

/** A listening TCP socket on 127.0.0.1 (or ::1) with a kernel-chosen port. */
export function listenLoopback(family: number = AF_INET, backlog = 16): Listener {
  const fd = ok(socket(family, SOCK_STREAM, 0), 'socket');
  const addr = family === AF_INET6 ? loopback6() : loopback4();
  ok(bind(fd, addr, sizeof(addr)), 'bind');
  ok(listen(fd, backlog), 'listen');
  const len = socklen_t(sizeof(addr));
  ok(getsockname(fd, addr, len), 'getsockname');
  const port = ntohs(addr instanceof sockaddr_in ? addr.sin_port : addr.sin6_port);
  return { fd, addr, port };
}

export interface Pair {
  listener: Listener;
  client: number;
  server: number;
  closeAll(): void;
}

/** A connected TCP pair over loopback: client side and the accepted server side. */
export async function connectedPair(family: number = AF_INET): Promise<Pair> {
  const listener = listenLoopback(family);
  const client = ok(socket(family, SOCK_STREAM, 0), 'socket');
  ok(await connect(client, listener.addr, sizeof(listener.addr)), 'connect');
  const server = ok(await accept(listener.fd, null, null), 'accept');
  return {
    listener,
    client,
    server,
    closeAll() {
      close(client);
      close(server);
      close(listener.fd);
    },
  };
}

/** A fresh temp directory for unix-domain socket paths. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'posix-sockets-'));
}

export function unixAddr(path: string): sockaddr_un {
  const a = new sockaddr_un();
  a.sun_family = AF_UNIX;
  a.sun_path = path;
  return a;
}

/**
 * Compiles a C program with the system's `cc` and runs it; returns its stdout.
 * The truth a test compares with: what C gets on this machine. A missing
 * compiler is an error, never a reason to skip.
 */
export function runC(source: string, args: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'posix-sockets-c-'));
  try {
    const src = join(dir, 'prog.c');
    const exe = join(dir, 'prog');
    writeFileSync(src, source);
    execFileSync('cc', ['-Werror=implicit-function-declaration', '-o', exe, src], { stdio: ['ignore', 'pipe', 'pipe'] });
    return execFileSync(exe, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether `cc` compiles `source` (e.g. whether a struct has a field on this platform). */
export function compilesC(source: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'posix-sockets-c-'));
  try {
    const src = join(dir, 'probe.c');
    writeFileSync(src, source);
    try {
      execFileSync('cc', ['-c', '-o', join(dir, 'probe.o'), src], { stdio: ['ignore', 'pipe', 'pipe'] });
      return true;
    } catch (e) {
      // A compiler that cannot be run is an error, not a missing field.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw e;
      return false;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The socket headers a C program comparing with this library includes. */
export const C_HEADERS = [
  'sys/types.h',
  'sys/socket.h',
  'netinet/in.h',
  'netinet/tcp.h',
  'arpa/inet.h',
  'fcntl.h',
  'errno.h',
  'sys/un.h',
  'sys/time.h',
  'unistd.h',
  'stdio.h',
  'stdlib.h',
  'string.h',
  'stddef.h',
  'stdint.h',
]
  .map((h) => `#include <${h}>`)
  .join('\n') +
  // I/O multiplexing (select, poll, signal masks; epoll on Linux).
  '\n#include <sys/select.h>\n#include <poll.h>\n#include <signal.h>\n#ifdef __linux__\n#include <sys/epoll.h>\n#endif';
