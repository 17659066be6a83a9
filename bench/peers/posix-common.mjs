// Setup shared by the posix-sockets peers (async and sync): the calls that
// never block, exactly as the C peers make them. The loopback address and
// listener are the project's one fixture (tools/loopback.ts, built by
// `npm run bench`'s setup into tools/dist).
import { setsockopt, c_int, sizeof, AF_INET, SOMAXCONN, IPPROTO_TCP, TCP_NODELAY, errno, strerror } from '../../dist/index.js';
import { listenLoopback as listener, loopback4 } from '../../tools/dist/loopback.js';
import { fail } from './common.mjs';

export function check(r, what) {
  if (r === -1) fail(`${what}: ${strerror(errno)}`);
  return r;
}

/** 127.0.0.1:`port`. */
export const loopback = loopback4;

const one = new c_int(1);
export const nodelay = (fd) => check(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, one, sizeof(one)), 'setsockopt');

/** A listening socket on 127.0.0.1, port chosen by the kernel, with the C peers' backlog. */
export function listenLoopback() {
  try {
    const { fd, port } = listener(AF_INET, SOMAXCONN);
    return { fd, port };
  } catch (e) {
    fail(e.message);
  }
}
