// The socket fixtures of the in-process tests: the loopback listener and
// connected pair (one definition, tools/loopback.ts, shared with the tools,
// the child scripts and the bench), unix-domain addresses in a temp dir, and
// a socket's own address as the kernel reports it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  close,
  errno,
  getpeername,
  getsockname,
  ntohs,
  sizeof,
  sockaddr_in,
  sockaddr_in6,
  sockaddr_storage,
  sockaddr_un,
  socklen_t,
  strerror,
} from '../../src/index.js';

import { connectedPair } from '../../tools/loopback.js';

export { connectedPair, listenLoopback, loopback4, loopback6, ok, type Listener, type Pair } from '../../tools/loopback.js';

/**
 * Descriptors closed after each test of the file: push them as they are made.
 * `pair()` makes a connected loopback pair whose three descriptors are closed so.
 */
export function closedAfterEach() {
  const fds: number[] = [];
  afterEach(() => {
    for (const fd of fds.splice(0)) close(fd);
  });
  const pair = async () => {
    const p = await connectedPair();
    fds.push(p.client, p.server, p.listener.fd);
    return p;
  };
  return { fds, pair };
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
