// socket/bind/listen/accept/connect: descriptors, local and remote addresses,
// the backlog queue, and connect errors, against the real kernel on loopback.
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  EALREADY,
  ECONNREFUSED,
  EINPROGRESS,
  ENOTCONN,
  F_GETFD,
  F_GETFL,
  F_SETFL,
  O_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_ERROR,
  accept,
  acceptSync,
  bind,
  c_int,
  close,
  connect,
  connectSync,
  errno,
  fcntl,
  getpeername,
  getsockname,
  getsockopt,
  inet_ntop,
  ntohs,
  sizeof,
  sockaddr,
  sockaddr_in,
  sockaddr_storage,
  socket,
  socklen_t,
  strerror,
} from '../../src/index.js';
import { listenLoopback, local, loopback4, ok, peer } from '../support/sockets.js';
import { runC } from '../support/c.js';
import { ephemeralPortRange, fdTarget, TCP_STATE, tcpRows, waitUntil } from '../support/kernel.js';

describe('socket, bind, listen, accept', () => {
  it('listener_stays_open_while_each_client_gets_its_own_descriptor', async () => {
    const l = listenLoopback();
    const c1 = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    const c2 = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    expect(await connect(c1, l.addr, sizeof(l.addr))).toBe(0);
    expect(await connect(c2, l.addr, sizeof(l.addr))).toBe(0);
    const s1 = await accept(l.fd, null, null);
    const s2 = await accept(l.fd, null, null);

    // Two clients: three sockets on the server, all different and all open.
    const server = [l.fd, s1, s2];
    expect(new Set(server).size).toBe(3);
    for (const fd of server) expect(fcntl(fd, F_GETFD)).not.toBe(-1);
    const inodes = server.map(fdTarget);
    for (const t of inodes) expect(t).toMatch(/^socket:\[\d+\]$/);
    expect(new Set(inodes).size).toBe(3);

    // One port, several sockets: both accepted sockets use the listener's port.
    expect(local(s1).port).toBe(l.port);
    expect(local(s2).port).toBe(l.port);
    // The listener still accepts: a third client gets in after the first two.
    const c3 = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    expect(await connect(c3, l.addr, sizeof(l.addr))).toBe(0);
    const s3 = await accept(l.fd, null, null);
    expect(s3).toBeGreaterThanOrEqual(0);
    expect(new Set([...server, s3]).size).toBe(4);

    for (const fd of [c1, c2, c3, s1, s2, s3, l.fd]) expect(close(fd)).toBe(0);
    // Closed means closed: the descriptor is gone.
    expect(fcntl(s1, F_GETFD)).toBe(-1);
  });

  it('accepted_socket_and_client_see_mirrored_local_and_remote_addresses', async () => {
    const l = listenLoopback();
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    ok(await connect(c, l.addr, sizeof(l.addr)), 'connect');
    const s = ok(await accept(l.fd, null, null), 'accept');

    const serverLocal = local(s);
    const serverRemote = peer(s);
    const clientLocal = local(c);
    const clientRemote = peer(c);
    // Server's accepted socket: local = the listener's port, remote = the client's port.
    expect(serverLocal.port).toBe(l.port);
    expect(serverRemote.port).toBe(clientLocal.port);
    // The client's: the mirror.
    expect(clientRemote.port).toBe(l.port);
    expect(clientLocal.port).not.toBe(l.port);
    for (const e of [serverLocal, serverRemote, clientLocal, clientRemote]) {
      expect(e.family).toBe(AF_INET);
      expect(e.addrlen).toBe(sizeof(sockaddr_in));
    }
    // The listener has a local address but no peer.
    const a = new sockaddr_in();
    expect(getpeername(l.fd, a, socklen_t(sizeof(a)))).toBe(-1);
    expect(errno).toBe(ENOTCONN);

    close(c);
    close(s);
    close(l.fd);
  });

  it('client_without_bind_gets_an_ephemeral_port_at_connect', async () => {
    const l = listenLoopback();
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    // Before connect the socket has no local port...
    expect(local(c).port).toBe(0);
    ok(await connect(c, l.addr, sizeof(l.addr)), 'connect');
    // ...connect has the kernel choose one from its ephemeral range.
    const [lo, hi] = ephemeralPortRange();
    const port = local(c).port;
    expect(port).toBeGreaterThanOrEqual(lo);
    expect(port).toBeLessThanOrEqual(hi);
    close(c);
    close(l.fd);
  });

  it('accept_fills_client_addr_and_sets_addrlen_to_sizeof_sockaddr_in', async () => {
    const l = listenLoopback();
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    ok(await connect(c, l.addr, sizeof(l.addr)), 'connect');
    const c2 = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    ok(await connect(c2, l.addr, sizeof(l.addr)), 'connect');

    // As in the notes: addrlen = sizeof(clientAddr); accept(sock, &clientAddr, &addrlen).
    const clientAddr = new sockaddr_in();
    const addrlen = socklen_t(sizeof(clientAddr));
    const s = await accept(l.fd, clientAddr, addrlen);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(addrlen.value).toBe(sizeof(sockaddr_in));
    expect(clientAddr.sin_family).toBe(AF_INET);
    expect(new sockaddr(clientAddr).sa_family).toBe(AF_INET); // the (struct sockaddr *) view
    expect(inet_ntop(AF_INET, clientAddr.sin_addr)).toBe('127.0.0.1');
    expect(ntohs(clientAddr.sin_port)).toBe(local(c).port);

    // A bigger buffer: addrlen comes back as the size the kernel actually filled.
    const ss = new sockaddr_storage();
    const sslen = socklen_t(sizeof(ss));
    const s2 = acceptSync(l.fd, ss, sslen);
    expect(s2).toBeGreaterThanOrEqual(0);
    expect(sizeof(ss)).toBeGreaterThan(sizeof(sockaddr_in));
    expect(sslen.value).toBe(sizeof(sockaddr_in));
    expect(ss.ss_family).toBe(AF_INET);
    expect(ntohs(new sockaddr_in(ss).sin_port)).toBe(local(c2).port);

    for (const fd of [c, c2, s, s2, l.fd]) close(fd);
  });

  it('accept_with_null_addr_and_addrlen_accepts', async () => {
    const l = listenLoopback();
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    ok(await connect(c, l.addr, sizeof(l.addr)), 'connect');
    const s = await accept(l.fd, null, null);
    expect(s).toBeGreaterThanOrEqual(0);
    // The address is still there to ask for afterwards.
    expect(peer(s).port).toBe(local(c).port);

    const c2 = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    ok(await connect(c2, l.addr, sizeof(l.addr)), 'connect');
    const s2 = acceptSync(l.fd, null, null);
    expect(s2).toBeGreaterThanOrEqual(0);
    expect(peer(s2).port).toBe(local(c2).port);
    for (const fd of [c, c2, s, s2, l.fd]) close(fd);
  });

  it('bind_through_the_sockaddr_view_uses_the_same_bytes', () => {
    // bind(sock, (struct sockaddr *)&serverAddr, sizeof(serverAddr)): the cast is a view.
    const serverAddr = loopback4();
    const generic = new sockaddr(serverAddr);
    expect(generic.sa_family).toBe(AF_INET);
    const fd = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    expect(bind(fd, generic, sizeof(serverAddr))).toBe(0);
    const got = new sockaddr_in();
    const len = socklen_t(sizeof(got));
    expect(getsockname(fd, got, len)).toBe(0);
    expect(inet_ntop(AF_INET, got.sin_addr)).toBe('127.0.0.1');
    expect(ntohs(got.sin_port)).toBeGreaterThan(0); // port 0 asked the kernel to choose
    close(fd);
  });
});

describe('connect and the backlog queue', () => {
  it('connect_completes_before_the_server_calls_accept', async () => {
    const l = listenLoopback();
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    // No accept is pending: connect returns once the kernel queued the connection.
    expect(await connect(c, l.addr, sizeof(l.addr))).toBe(0);
    expect(peer(c).port).toBe(l.port);
    // The connection waits in the listener's accept queue (rx_queue of a LISTEN row).
    const listenRow = () => tcpRows(l.port).find((r) => r.state === TCP_STATE.LISTEN);
    expect(await waitUntil(() => listenRow()?.rxQueue === 1, 1000)).toBe(true);
    const s = await accept(l.fd, null, null);
    expect(peer(s).port).toBe(local(c).port);
    expect(listenRow()?.rxQueue).toBe(0);
    close(c);
    close(s);
    close(l.fd);
  });

  it('backlog_n_admits_n_plus_one_pending_connections', async () => {
    const backlog = 2;
    const l = listenLoopback(AF_INET, backlog);
    const listenRow = () => tcpRows(l.port).find((r) => r.state === TCP_STATE.LISTEN);
    const clients: number[] = [];
    for (let i = 0; i < backlog + 1; i++) {
      const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
      clients.push(c);
      expect(await connect(c, l.addr, sizeof(l.addr))).toBe(0);
    }
    // Linux admits backlog + 1: the queue is full only when it holds *more*
    // than backlog (sk_acceptq_is_full). Wait until the server has all three,
    // so the next SYN meets a full queue rather than racing the last ACK.
    expect(await waitUntil(() => listenRow()?.rxQueue === backlog + 1, 1000)).toBe(true);

    // The next client: a non-blocking connect so the test never blocks.
    const extra = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    clients.push(extra);
    ok(fcntl(extra, F_SETFL, fcntl(extra, F_GETFL) | O_NONBLOCK), 'fcntl');
    expect(connectSync(extra, l.addr, sizeof(l.addr))).toBe(-1);
    expect(errno).toBe(EINPROGRESS);

    // With a full accept queue the listener drops the SYN (with
    // tcp_abort_on_overflow=1 it would answer with a RST instead), so the
    // handshake cannot complete: the client stays in SYN_SENT. Checked with
    // calls that never wait: no pending error, no peer yet, and a second
    // connect reports the first still in progress.
    await new Promise((r) => setTimeout(r, 300));
    const err = new c_int(-1);
    const errlen = socklen_t(sizeof(err));
    expect(getsockopt(extra, SOL_SOCKET, SO_ERROR, err, errlen)).toBe(0);
    expect(err.value).toBe(0);
    const a = new sockaddr_in();
    expect(getpeername(extra, a, socklen_t(sizeof(a)))).toBe(-1);
    expect(errno).toBe(ENOTCONN);
    expect(connectSync(extra, l.addr, sizeof(l.addr))).toBe(-1);
    expect(errno).toBe(EALREADY);
    const extraPort = local(extra).port;
    // The row of this connection: local port and the listener's port (an old
    // TIME_WAIT row of another test may share the ephemeral port).
    expect(tcpRows(extraPort).find((r) => r.localPort === extraPort && r.remotePort === l.port)?.state).toBe(
      TCP_STATE.SYN_SENT,
    );
    expect(listenRow()?.rxQueue).toBe(backlog + 1);

    // Accepting one frees a place: the retransmitted SYN (after the initial
    // 1 s RTO) now completes the handshake.
    const s = acceptSync(l.fd, null, null);
    expect(s).toBeGreaterThanOrEqual(0);
    const connected = await waitUntil(() => getpeername(extra, a, socklen_t(sizeof(a))) === 0, 2500, 20);
    expect(connected).toBe(true);
    expect(ntohs(a.sin_port)).toBe(l.port);

    close(s);
    for (const c of clients) close(c);
    close(l.fd);
  });

  it('connect_to_a_closed_port_is_refused_with_the_c_library_message', async () => {
    // A port that is bound but not listening: the kernel answers the SYN with a RST.
    const holder = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    ok(bind(holder, loopback4(), sizeof(sockaddr_in)), 'bind');
    const port = local(holder).port;

    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    const r = await connect(c, loopback4(port), sizeof(sockaddr_in));
    const e = errno;
    expect(r).toBe(-1);
    expect(e).toBe(ECONNREFUSED);

    // The same failing connect from C on this machine: same errno, same text.
    const out = runC(
      `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
int main(int argc, char **argv) {
  int sock = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in serverAddr;
  memset(&serverAddr, 0, sizeof(serverAddr));
  serverAddr.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &serverAddr.sin_addr);
  serverAddr.sin_port = htons(atoi(argv[1]));
  int retval = connect(sock, (struct sockaddr *)&serverAddr, sizeof(serverAddr));
  printf("%d\\n%d\\n%d\\n%s", retval, errno, ECONNREFUSED, strerror(errno));
  close(sock);
  return 0;
}
`,
      [String(port)],
    );
    const [cRet, cErrno, cRefused, cText] = out.split('\n');
    expect(Number(cRet)).toBe(r);
    expect(Number(cErrno)).toBe(e);
    expect(Number(cRefused)).toBe(ECONNREFUSED);
    expect(strerror(e)).toBe(cText);

    close(c);
    close(holder);
  });
});
