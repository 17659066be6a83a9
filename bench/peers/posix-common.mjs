// Setup shared by the posix-sockets peers (async and sync): the calls that
// never block, exactly as the C peers make them.
import {
  socket, bind, listen, setsockopt, getsockname, sockaddr_in, socklen_t, sizeof, c_int,
  htons, htonl, ntohs, AF_INET, SOCK_STREAM, SOMAXCONN, INADDR_LOOPBACK, IPPROTO_TCP, TCP_NODELAY,
  errno, strerror,
} from '../../dist/index.js';
import { fail } from './common.mjs';

export function check(r, what) {
  if (r === -1) fail(`${what}: ${strerror(errno)}`);
  return r;
}

export function loopback(port) {
  const addr = new sockaddr_in();
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

const one = new c_int(1);
export const nodelay = (fd) => check(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, one, sizeof(one)), 'setsockopt');

/** A listening socket on 127.0.0.1, port chosen by the kernel. */
export function listenLoopback() {
  const fd = check(socket(AF_INET, SOCK_STREAM, 0), 'socket');
  const addr = loopback(0);
  check(bind(fd, addr, sizeof(addr)), 'bind');
  check(listen(fd, SOMAXCONN), 'listen');
  const len = socklen_t(sizeof(addr));
  check(getsockname(fd, addr, len), 'getsockname');
  return { fd, port: ntohs(addr.sin_port) };
}
