// Loopback addresses and the listener + connected-pair fixture, shared by the
// tools, the tests (in process and in child scripts) and the bench peers:
// real sockets on 127.0.0.1 or ::1, port 0 (the kernel picks a free port), so
// that runs never collide.
import {
  AF_INET,
  AF_INET6,
  INADDR_ANY,
  INADDR_LOOPBACK,
  SOCK_STREAM,
  accept,
  acceptSync,
  bind,
  close,
  connect,
  connectSync,
  errno,
  getsockname,
  htonl,
  htons,
  in6addr_any,
  in6addr_loopback,
  listen,
  ntohs,
  sizeof,
  sockaddr_in,
  sockaddr_in6,
  socket,
  socklen_t,
  strerror,
} from 'posix-sockets';

/** Throws with C's view of the error when a call returned -1. */
export function ok(ret: number, what: string): number {
  if (ret === -1) throw new Error(`${what} failed: ${strerror(errno)} (errno ${errno})`);
  return ret;
}

/** 127.0.0.1:`port`. */
export function loopback4(port = 0): sockaddr_in {
  const a = new sockaddr_in();
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

/** [::1]:`port`. */
export function loopback6(port = 0): sockaddr_in6 {
  const a = new sockaddr_in6();
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  a.sin6_addr = in6addr_loopback;
  return a;
}

/** The wildcard address (INADDR_ANY or in6addr_any), where the echo servers bind. */
export function wildcard(v6: boolean, port = 0): sockaddr_in | sockaddr_in6 {
  if (v6) {
    const a = new sockaddr_in6();
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_addr = in6addr_any;
    return a;
  }
  const a = new sockaddr_in();
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  return a;
}

/** The port of an inet address, in host byte order. */
export const portOf = (addr: sockaddr_in | sockaddr_in6) => ntohs(addr instanceof sockaddr_in6 ? addr.sin6_port : addr.sin_port);

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
  ok(getsockname(fd, addr, socklen_t(sizeof(addr))), 'getsockname');
  return { fd, addr, port: portOf(addr) };
}

export interface Pair {
  listener: Listener;
  client: number;
  server: number;
  closeAll(): void;
}

function pair(listener: Listener, client: number, server: number): Pair {
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

/** A connected TCP pair over loopback: client side and the accepted server side. */
export async function connectedPair(family: number = AF_INET, backlog = 16): Promise<Pair> {
  const listener = listenLoopback(family, backlog);
  const client = ok(socket(family, SOCK_STREAM, 0), 'socket');
  ok(await connect(client, listener.addr, sizeof(listener.addr)), 'connect');
  return pair(listener, client, ok(await accept(listener.fd, null, null), 'accept'));
}

/** connectedPair with the blocking twins, for a script that must make no awaited call first. */
export function connectedPairSync(family: number = AF_INET, backlog = 16): Pair {
  const listener = listenLoopback(family, backlog);
  const client = ok(socket(family, SOCK_STREAM, 0), 'socket');
  ok(connectSync(client, listener.addr, sizeof(listener.addr)), 'connect');
  return pair(listener, client, ok(acceptSync(listener.fd, null, null), 'accept'));
}
