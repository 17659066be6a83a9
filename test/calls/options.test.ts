// setsockopt/getsockopt and fcntl: SO_REUSEADDR against TIME_WAIT, SO_RCVTIMEO,
// buffer sizes and non-blocking sockets.
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  EADDRINUSE,
  EAGAIN,
  F_GETFL,
  F_SETFL,
  MSG_WAITALL,
  O_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_RCVBUF,
  SO_RCVTIMEO,
  SO_REUSEADDR,
  SO_SNDBUF,
  accept,
  acceptSync,
  bind,
  c_int,
  close,
  connect,
  errno,
  fcntl,
  getsockopt,
  listen,
  recv,
  recvSync,
  sendSync,
  setsockopt,
  sizeof,
  sockaddr_in,
  socket,
  socklen_t,
  timeval,
} from '../../src/index.js';
import { connectedPair, listenLoopback, local, loopback4, ok } from '../support/sockets.js';
import { TCP_STATE, tcpRows, waitUntil } from '../support/kernel.js';

function getInt(fd: number, level: number, optname: number): number {
  const v = new c_int(-1);
  const len = socklen_t(sizeof(v));
  ok(getsockopt(fd, level, optname, v, len), 'getsockopt');
  expect(len.value).toBe(sizeof(c_int));
  return v.value;
}

function setReuseAddr(fd: number): void {
  ok(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, new c_int(1), sizeof(c_int)), 'setsockopt');
}

/** bind() of a fresh socket to 127.0.0.1:port; returns [result, errno or 0 on success]. */
function tryBind(port: number, reuse: boolean): [number, number] {
  const fd = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
  if (reuse) setReuseAddr(fd);
  const r = bind(fd, loopback4(port), sizeof(sockaddr_in));
  const e = r === -1 ? errno : 0; // a successful call leaves errno alone, as in C
  close(fd);
  return [r, e];
}

/**
 * A connection on a listener bound to a known port, closed by the server
 * first: the accepted socket (local port = the listener's) is the active
 * closer and ends in TIME_WAIT. Returns the listener's and client's ports.
 */
async function serverClosesFirst(listenerReuse: boolean): Promise<{ port: number; clientPort: number }> {
  const l = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
  if (listenerReuse) setReuseAddr(l);
  const addr = loopback4();
  ok(bind(l, addr, sizeof(addr)), 'bind');
  ok(listen(l, 4), 'listen');
  const port = local(l).port;
  const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
  ok(await connect(c, loopback4(port), sizeof(sockaddr_in)), 'connect');
  const s = ok(await accept(l, null, null), 'accept');
  const clientPort = local(c).port;
  expect(close(s)).toBe(0); // the server closes first
  expect(close(l)).toBe(0);
  expect(close(c)).toBe(0); // then the client answers with its own FIN
  const timeWait = () => tcpRows(port).some((r) => r.localPort === port && r.state === TCP_STATE.TIME_WAIT);
  expect(await waitUntil(timeWait, 1000)).toBe(true);
  return { port, clientPort };
}

describe('SO_REUSEADDR and TIME_WAIT', () => {
  it('reuseaddr_reads_back_nonzero_through_getsockopt', () => {
    const fd = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    expect(getInt(fd, SOL_SOCKET, SO_REUSEADDR)).toBe(0);
    setReuseAddr(fd);
    expect(getInt(fd, SOL_SOCKET, SO_REUSEADDR)).not.toBe(0);
    ok(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, new c_int(0), sizeof(c_int)), 'setsockopt');
    expect(getInt(fd, SOL_SOCKET, SO_REUSEADDR)).toBe(0);
    close(fd);
  });

  it('active_closer_leaves_time_wait_that_blocks_rebinding_its_port', async () => {
    const { port, clientPort } = await serverClosesFirst(false);
    // The side that closed first holds the port in TIME_WAIT.
    expect(tryBind(port, false)).toEqual([-1, EADDRINUSE]);
    // On Linux SO_REUSEADDR on the new socket alone is not enough: the
    // TIME_WAIT socket keeps the flag of the socket it came from (the accepted
    // socket inherits the listener's), and both must have it.
    expect(tryBind(port, true)).toEqual([-1, EADDRINUSE]);
    // The passive closer does not go through TIME_WAIT: its end of the
    // connection is gone entirely while the server's end remains.
    const clientEnd = () => tcpRows(clientPort).filter((r) => r.localPort === clientPort && r.remotePort === port);
    expect(await waitUntil(() => clientEnd().length === 0, 1000)).toBe(true);
    expect(tcpRows(port).some((r) => r.localPort === port && r.remotePort === clientPort && r.state === TCP_STATE.TIME_WAIT)).toBe(true);
  });

  it('reuseaddr_lets_a_new_socket_bind_over_time_wait', async () => {
    const { port } = await serverClosesFirst(true);
    expect(tryBind(port, false)).toEqual([-1, EADDRINUSE]);
    const [r] = tryBind(port, true);
    expect(r).toBe(0);
    // TIME_WAIT is still there: the bind went past it, it did not wait it out.
    expect(tcpRows(port).some((row) => row.localPort === port && row.state === TCP_STATE.TIME_WAIT)).toBe(true);
  });
});

describe('SO_RCVTIMEO', () => {
  it('rcvtimeo_makes_a_blocked_recv_fail_with_eagain_after_the_timeout', async () => {
    const p = await connectedPair();
    const tv = new timeval();
    tv.tv_sec = 0;
    tv.tv_usec = 300_000;
    expect(setsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(tv))).toBe(0);
    const back = new timeval();
    const backlen = socklen_t(sizeof(back));
    expect(getsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, back, backlen)).toBe(0);
    expect(backlen.value).toBe(sizeof(timeval));
    expect(back.tv_sec * 1e6 + back.tv_usec).toBe(300_000);

    const buf = Buffer.alloc(16);
    let start = performance.now();
    expect(await recv(p.server, buf, 16, 0)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(3000);

    // The sync twin times out the same way (and MSG_WAITALL does not override it).
    start = performance.now();
    expect(recvSync(p.server, buf, 16, MSG_WAITALL)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    expect(performance.now() - start).toBeGreaterThanOrEqual(300);

    // Data that arrives in time is returned as usual.
    expect(sendSync(p.client, 'late', 4, 0)).toBe(4);
    expect(await recv(p.server, buf, 16, 0)).toBe(4);
    p.closeAll();
  });
});

describe('non-blocking sockets (fcntl O_NONBLOCK)', () => {
  it('nonblocking_send_returns_a_partial_count_then_eagain', async () => {
    const l = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    // A small receive buffer on the listener is inherited by the accepted socket
    // (and sets the window at the handshake); a small send buffer on the client.
    ok(setsockopt(l, SOL_SOCKET, SO_RCVBUF, new c_int(4096), sizeof(c_int)), 'setsockopt');
    ok(bind(l, loopback4(), sizeof(sockaddr_in)), 'bind');
    ok(listen(l, 1), 'listen');
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    ok(setsockopt(c, SOL_SOCKET, SO_SNDBUF, new c_int(4096), sizeof(c_int)), 'setsockopt');
    ok(await connect(c, loopback4(local(l).port), sizeof(sockaddr_in)), 'connect');
    const s = ok(await accept(l, null, null), 'accept');

    const flags = fcntl(c, F_GETFL);
    expect(flags & O_NONBLOCK).toBe(0);
    expect(fcntl(c, F_SETFL, flags | O_NONBLOCK)).toBe(0);
    expect(fcntl(c, F_GETFL) & O_NONBLOCK).toBe(O_NONBLOCK);

    const len = 64 * 1024;
    const data = Buffer.alloc(len, 0x61);
    const results: number[] = [];
    for (let i = 0; i < 100; i++) {
      const r = sendSync(c, data, len, 0);
      results.push(r);
      if (r === -1) break;
    }
    const err = errno;
    // Copies what fits in the send buffer and returns that count (1..len)...
    expect(results.some((n) => n > 0 && n < len)).toBe(true);
    // ...and once the buffer is full, -1 with EAGAIN instead of waiting.
    expect(results.at(-1)).toBe(-1);
    expect(err).toBe(EAGAIN);

    // The counts are the truth: exactly that many bytes reach the peer.
    const sent = results.filter((n) => n > 0).reduce((a, b) => a + b, 0);
    let received = 0;
    const buf = Buffer.alloc(len);
    while (received < sent) {
      const n = await recv(s, buf, Math.min(len, sent - received), 0);
      expect(n).toBeGreaterThan(0);
      received += n;
    }
    expect(received).toBe(sent);
    close(c);
    expect(await recv(s, buf, len, 0)).toBe(0); // nothing beyond the counted bytes
    close(s);
    close(l);
  });

  it('nonblocking_accept_and_recv_return_eagain_instead_of_waiting', async () => {
    const l = listenLoopback();
    ok(fcntl(l.fd, F_SETFL, fcntl(l.fd, F_GETFL) | O_NONBLOCK), 'fcntl');
    expect(acceptSync(l.fd, null, null)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    expect(await accept(l.fd, null, null)).toBe(-1);
    expect(errno).toBe(EAGAIN);

    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    ok(await connect(c, l.addr, sizeof(l.addr)), 'connect');
    expect(await waitUntil(() => tcpRows(l.port).some((r) => r.state === TCP_STATE.LISTEN && r.rxQueue === 1), 1000)).toBe(true);
    const s = acceptSync(l.fd, null, null);
    expect(s).toBeGreaterThanOrEqual(0);
    // Linux: the accepted socket does not inherit O_NONBLOCK from the listener.
    expect(fcntl(s, F_GETFL) & O_NONBLOCK).toBe(0);
    ok(fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK), 'fcntl');
    const buf = Buffer.alloc(8);
    expect(recvSync(s, buf, 8, 0)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    for (const fd of [c, s, l.fd]) close(fd);
  });
});
