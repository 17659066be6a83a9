// Other address families and socket types: TCP over IPv6 (::1) with
// sockaddr_in6, unix stream sockets in a temp dir with sockaddr_un, and UDP
// datagrams with sendto/recvfrom on 127.0.0.1.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  IPPROTO_IPV6,
  IPV6_V6ONLY,
  MSG_DONTWAIT,
  MSG_PEEK,
  MSG_TRUNC,
  MSG_WAITALL,
  SOCK_DGRAM,
  SOCK_STREAM,
  EAGAIN,
  accept,
  bind,
  c_int,
  close,
  connect,
  errno,
  getpeername,
  getsockname,
  getsockopt,
  inet_ntop,
  listen,
  ntohs,
  recv,
  recvSync,
  recvfrom,
  recvfromSync,
  send,
  sendSync,
  sendto,
  sendtoSync,
  setsockopt,
  sizeof,
  sockaddr_in,
  sockaddr_in6,
  sockaddr_un,
  socket,
  socklen_t,
} from '../../src/index.js';
import { connectedPair, listenLoopback, local, loopback4, ok, tempDir, unixAddr } from '../support/sockets.js';
import { waitUntil } from '../support/kernel.js';

describe('TCP over IPv6', () => {
  it('ipv6_echo_over_loopback_fills_sockaddr_in6', async () => {
    const l = listenLoopback(AF_INET6);
    const c = ok(socket(AF_INET6, SOCK_STREAM, 0), 'socket');
    expect(await connect(c, l.addr, sizeof(sockaddr_in6))).toBe(0);

    const clientAddr = new sockaddr_in6();
    const addrlen = socklen_t(sizeof(clientAddr));
    const s = await accept(l.fd, clientAddr, addrlen);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(addrlen.value).toBe(sizeof(sockaddr_in6));
    expect(clientAddr.sin6_family).toBe(AF_INET6);
    expect(inet_ntop(AF_INET6, clientAddr.sin6_addr)).toBe('::1');
    expect(ntohs(clientAddr.sin6_port)).toBe(local(c).port);
    expect(local(s)).toMatchObject({ family: AF_INET6, port: l.port, addrlen: sizeof(sockaddr_in6) });

    // Echo, as the IPv4 server in the notes does.
    expect(await send(c, 'over ::1', 8, 0)).toBe(8);
    const buf = Buffer.alloc(64);
    const n = await recv(s, buf, 63, 0);
    expect(n).toBe(8);
    expect(await send(s, buf, n, 0)).toBe(n);
    const back = Buffer.alloc(8);
    expect(await recv(c, back, 8, MSG_WAITALL)).toBe(8);
    expect(back.toString()).toBe('over ::1');
    for (const fd of [c, s, l.fd]) close(fd);
  });

  it('ipv6_v6only_reads_back_the_system_default_and_can_be_set', () => {
    const fd = ok(socket(AF_INET6, SOCK_STREAM, 0), 'socket');
    const v = new c_int(-1);
    const len = socklen_t(sizeof(v));
    expect(getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, v, len)).toBe(0);
    expect(len.value).toBe(sizeof(c_int));
    // A new socket starts from net.ipv6.bindv6only (ipv6(7)).
    const systemDefault = Number(readFileSync('/proc/sys/net/ipv6/bindv6only', 'utf8').trim());
    expect(v.value).toBe(systemDefault);
    const want = systemDefault === 0 ? 1 : 0;
    expect(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, new c_int(want), sizeof(c_int))).toBe(0);
    expect(getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, v, len)).toBe(0);
    expect(v.value).toBe(want);
    close(fd);
  });
});

describe('unix stream sockets', () => {
  it('unix_stream_echo_in_a_temp_dir', async () => {
    const dir = tempDir();
    try {
      const path = join(dir, 'echo.sock');
      const addr = unixAddr(path);
      const l = ok(socket(AF_UNIX, SOCK_STREAM, 0), 'socket');
      expect(bind(l, addr, sizeof(addr))).toBe(0);
      expect(statSync(path).isSocket()).toBe(true); // bind created the socket file
      expect(listen(l, 4)).toBe(0);

      const c = ok(socket(AF_UNIX, SOCK_STREAM, 0), 'socket');
      expect(await connect(c, addr, sizeof(addr))).toBe(0);
      const from = new sockaddr_un();
      const fromlen = socklen_t(sizeof(from));
      const s = await accept(l, from, fromlen);
      expect(s).toBeGreaterThanOrEqual(0);

      // Address lengths count only what is used (unix(7)): the family, then the
      // path with its NUL; an unbound client is just the family.
      const pathOffset = from.sun_path_bytes.byteOffset - from.bytes.byteOffset;
      expect(from.sun_family).toBe(AF_UNIX);
      expect(fromlen.value).toBe(pathOffset);
      const named = new sockaddr_un();
      const namedlen = socklen_t(sizeof(named));
      expect(getsockname(s, named, namedlen)).toBe(0);
      expect(named.sun_path).toBe(path);
      expect(namedlen.value).toBe(pathOffset + Buffer.byteLength(path) + 1);
      expect(getpeername(c, named, namedlen)).toBe(0);
      expect(named.sun_path).toBe(path);

      expect(await send(c, 'via a path', 10, 0)).toBe(10);
      const buf = Buffer.alloc(64);
      const n = await recv(s, buf, 63, 0);
      expect(n).toBe(10);
      expect(sendSync(s, buf, n, 0)).toBe(n);
      const back = Buffer.alloc(10);
      expect(recvSync(c, back, 10, MSG_WAITALL)).toBe(10);
      expect(back.toString()).toBe('via a path');

      close(c);
      expect(await recv(s, buf, 63, 0)).toBe(0);
      close(s);
      close(l);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('UDP datagrams', () => {
  function udpLoopback(): { fd: number; port: number } {
    const fd = ok(socket(AF_INET, SOCK_DGRAM, 0), 'socket');
    ok(bind(fd, loopback4(), sizeof(sockaddr_in)), 'bind');
    return { fd, port: local(fd).port };
  }
  const pattern = (n: number, seed: number) => Buffer.alloc(n, seed);

  it('udp_sendto_recvfrom_keeps_boundaries_and_fills_the_sender', async () => {
    const rx = udpLoopback();
    const tx = udpLoopback();
    const dest = loopback4(rx.port);
    const sizes = [100, 200, 300];
    expect(sendtoSync(tx.fd, pattern(100, 1), 100, 0, dest, sizeof(dest))).toBe(100);
    expect(await sendto(tx.fd, pattern(200, 2), 200, 0, dest, sizeof(dest))).toBe(200);
    expect(sendtoSync(tx.fd, pattern(300, 3), 300, 0, dest, sizeof(dest))).toBe(300);

    // Each recvfrom returns exactly one datagram, however large len is.
    const got: number[] = [];
    for (const [i, size] of sizes.entries()) {
      const buf = Buffer.alloc(600);
      const from = new sockaddr_in();
      const fromlen = socklen_t(sizeof(from));
      const n = i === 1 ? await recvfrom(rx.fd, buf, 600, 0, from, fromlen) : recvfromSync(rx.fd, buf, 600, 0, from, fromlen);
      got.push(n);
      expect(buf.subarray(0, n).equals(pattern(size, i + 1))).toBe(true);
      expect(fromlen.value).toBe(sizeof(sockaddr_in));
      expect(from.sin_family).toBe(AF_INET);
      expect(inet_ntop(AF_INET, from.sin_addr)).toBe('127.0.0.1');
      expect(ntohs(from.sin_port)).toBe(tx.port);
    }
    expect(got).toEqual(sizes);
    expect(recvfromSync(rx.fd, Buffer.alloc(1), 1, MSG_DONTWAIT, null, null)).toBe(-1);
    expect(errno).toBe(EAGAIN);

    // The same three sends over TCP: one recv returns all 600 bytes.
    const p = await connectedPair();
    for (const [i, size] of sizes.entries()) sendSync(p.client, pattern(size, i + 1), size, 0);
    expect(await waitUntil(() => recvSync(p.server, Buffer.alloc(600), 600, MSG_PEEK | MSG_DONTWAIT) === 600, 1000)).toBe(true);
    expect(recvSync(p.server, Buffer.alloc(600), 600, 0)).toBe(600);
    p.closeAll();
    close(rx.fd);
    close(tx.fd);
  });

  it('udp_datagram_longer_than_len_is_truncated_and_msg_trunc_reports_its_size', async () => {
    const rx = udpLoopback();
    const tx = udpLoopback();
    const dest = loopback4(rx.port);
    expect(sendtoSync(tx.fd, pattern(100, 7), 100, 0, dest, sizeof(dest))).toBe(100);
    expect(sendtoSync(tx.fd, pattern(100, 8), 100, 0, dest, sizeof(dest))).toBe(100);
    expect(sendtoSync(tx.fd, pattern(20, 9), 20, 0, dest, sizeof(dest))).toBe(20);

    // Only len bytes are copied; the rest of that datagram is discarded.
    const buf = Buffer.alloc(50);
    expect(await recv(rx.fd, buf, 50, 0)).toBe(50);
    expect(buf.equals(pattern(50, 7))).toBe(true);
    // With MSG_TRUNC Linux returns the datagram's real length (udp(7)), still copying only len.
    const big = Buffer.alloc(64, 0);
    expect(await recv(rx.fd, big.subarray(0, 50), 50, MSG_TRUNC)).toBe(100);
    expect(big.subarray(0, 50).equals(pattern(50, 8))).toBe(true);
    expect(big.subarray(50).every((b) => b === 0)).toBe(true);
    // The next datagram is whole: nothing of the previous one leaks into it.
    expect(recvSync(rx.fd, buf, 50, 0)).toBe(20);
    expect(buf.subarray(0, 20).equals(pattern(20, 9))).toBe(true);
    close(rx.fd);
    close(tx.fd);
  });
});
