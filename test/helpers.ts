// Shared test fixtures: real sockets on loopback, port 0 (the kernel picks a
// free port), so test files can run in parallel.
import { mkdtempSync } from 'node:fs';
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
