// The dispatcher remembers what it learned about a descriptor (blocking, no
// timeouts, an established stream) to save syscalls; every call of this
// library that changes one of those must be honoured by the next call.
import { closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  EAGAIN,
  F_GETFL,
  F_SETFL,
  O_NONBLOCK,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOL_SOCKET,
  SO_RCVTIMEO,
  bind,
  close,
  errno,
  fcntl,
  recv,
  send,
  sendSync,
  setsockopt,
  sizeof,
  sockaddr_in,
  socket,
  timeval,
} from '../../src/index.js';
import { connectedPair, loopback4, ok } from '../support/sockets.js';
import { sleep } from '../support/kernel.js';

/** Settles within `ms`, or reports that it is still waiting. */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  return Promise.race([p, sleep(ms).then(() => 'still waiting' as const)]);
}

describe('mode changes between calls', () => {
  it('o_nonblock_set_after_a_blocking_recv_makes_the_next_recv_fail_with_eagain_at_once', async () => {
    const p = await connectedPair();
    const buf = Buffer.alloc(8);
    // A blocking recv that waits, then completes: the socket is known blocking.
    const first = recv(p.server, buf, 8, 0);
    await sleep(20);
    expect(sendSync(p.client, 'one', 3, 0)).toBe(3);
    expect(await first).toBe(3);
    const flags = ok(fcntl(p.server, F_GETFL), 'fcntl');
    ok(fcntl(p.server, F_SETFL, flags | O_NONBLOCK), 'fcntl');
    expect(await within(recv(p.server, buf, 8, 0), 1000)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    // And back to blocking: the call waits again.
    ok(fcntl(p.server, F_SETFL, flags), 'fcntl');
    const waiting = recv(p.server, buf, 8, 0);
    expect(await within(waiting, 100)).toBe('still waiting');
    expect(sendSync(p.client, 'two', 3, 0)).toBe(3);
    expect(await waiting).toBe(3);
    p.closeAll();
  });

  it('so_rcvtimeo_set_after_a_recv_without_one_makes_the_next_recv_time_out', async () => {
    const p = await connectedPair();
    const buf = Buffer.alloc(8);
    const first = recv(p.server, buf, 8, 0);
    await sleep(20);
    expect(sendSync(p.client, 'one', 3, 0)).toBe(3);
    expect(await first).toBe(3);
    const tv = new timeval();
    tv.tv_usec = 100_000;
    ok(setsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(tv)), 'setsockopt');
    const started = performance.now();
    expect(await within(recv(p.server, buf, 8, 0), 3000)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    p.closeAll();
  });

  it('a_new_socket_with_a_reused_number_is_not_taken_for_the_old_one', async () => {
    const p = await connectedPair();
    const buf = Buffer.alloc(8);
    const first = recv(p.server, buf, 8, 0);
    await sleep(20);
    expect(await send(p.client, 'one', 3, 0)).toBe(3);
    expect(await first).toBe(3);
    const number = p.server;
    // Closed behind the library's back, so only socket() can tell the number is new.
    closeSync(number);
    // The lowest free number is the one just closed: a non-blocking UDP socket
    // gets it, and an empty non-blocking socket's recv fails at once.
    const fresh = ok(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK!, 0), 'socket');
    expect(fresh).toBe(number);
    ok(bind(fresh, loopback4(0), sizeof(sockaddr_in)), 'bind');
    expect(await within(recv(fresh, buf, 8, 0), 1000)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    close(fresh);
    close(p.client);
    close(p.listener.fd);
  });
});
