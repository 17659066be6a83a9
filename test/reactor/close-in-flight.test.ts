// close(2) of a descriptor that has a call in flight (docs/threading.md,
// "close while a call is in flight"): a call still waiting for readiness
// completes with -1/EBADF; a call inside its syscall on a pool thread is woken
// by shutdown(2) and the descriptor number stays taken until it is out, so no
// new socket can be given the number under it.
import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AF_INET,
  EBADF,
  EINVAL,
  EPIPE,
  F_GETFD,
  MSG_NOSIGNAL,
  MSG_DONTWAIT,
  MSG_WAITALL,
  SHUT_RDWR,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_RCVTIMEO,
  accept,
  close,
  errno,
  fcntl,
  getsockname,
  recv,
  recvSync,
  send,
  sendSync,
  setsockopt,
  shutdown,
  sizeof,
  sockaddr_in,
  socket,
  socklen_t,
  timeval,
  selectSync,
  fd_set,
  FD_SET,
  epoll_create1,
  epoll_ctl,
  epoll_event,
  EPOLLIN,
  EPOLL_CTL_ADD,
} from '../../src/index.js';
import { addon } from '../../src/addon.js';
import { connectedPair, listenLoopback, ok } from '../support/sockets.js';
import { runC } from '../support/c.js';
import { fdTarget, sleep, waitUntil } from '../support/kernel.js';

/**
 * close(2) while a call on `fd` is inside its syscall: it succeeds, and the
 * number stays taken (new sockets get every other number up to it).
 * Returns the sockets made to show it.
 */
function closeInFlight(fd: number): number[] {
  expect(close(fd)).toBe(0);
  const taken = takeNumbersUpTo(fd);
  expect(taken).not.toContain(fd);
  return taken;
}

/** Once the call is out, the next socket gets the number; closes what was taken. */
function expectReleased(fd: number, taken: number[]): void {
  const again = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
  taken.push(again);
  expect(again).toBe(fd);
  for (const s of taken) close(s);
}

/** How long a woken call may take to complete: correctness, not speed. */
const PROMPT_MS = 2000;

// Syscall numbers as this machine's C library sees them, for reading
// /proc/self/task/*/syscall (which thread is inside which call).
const SYS = JSON.parse(
  runC(`#include <stdio.h>
#include <sys/syscall.h>
#ifndef SYS_accept
#define SYS_accept -1
#endif
int main(void) {
  printf("{\\"recvfrom\\": %ld, \\"sendto\\": %ld, \\"accept\\": %ld, \\"accept4\\": %ld}",
         (long)SYS_recvfrom, (long)SYS_sendto, (long)SYS_accept, (long)SYS_accept4);
  return 0;
}`),
) as Record<'recvfrom' | 'sendto' | 'accept' | 'accept4', number>;

/** Whether some thread of this process is inside syscall `nrs` with `fd` as first argument. */
function threadInSyscall(fd: number, nrs: number[]): boolean {
  for (const tid of readdirSync('/proc/self/task')) {
    let fields: string[];
    try {
      fields = readFileSync(`/proc/self/task/${tid}/syscall`, 'utf8').trim().split(' ');
    } catch {
      continue; // the thread exited meanwhile
    }
    if (nrs.includes(Number(fields[0])) && parseInt(fields[1], 16) === fd) return true;
  }
  return false;
}

/** Waits until a pool thread is inside the syscall on `fd`; fails the test otherwise. */
async function inside(fd: number, nrs: number[]): Promise<void> {
  expect(await waitUntil(() => threadInSyscall(fd, nrs), 5000, 5), `a thread is inside the syscall on ${fd}`).toBe(true);
  const stats = addon.reactorStats();
  expect(stats.pending).toBeGreaterThanOrEqual(1);
}

/**
 * Takes every free descriptor number up to and including `fd` (the kernel
 * gives the lowest free number), so whether `fd` itself is free shows in the
 * numbers handed out. Returns the sockets taken; the caller closes them.
 */
function takeNumbersUpTo(fd: number): number[] {
  const taken: number[] = [];
  for (;;) {
    const s = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    taken.push(s);
    if (s >= fd) return taken;
  }
}

const timed = async <T>(p: Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await p;
  return [r, performance.now() - t0];
};

const toClose: number[] = [];
afterEach(() => {
  for (const fd of toClose.splice(0)) close(fd);
});

describe('close of a descriptor a call is waiting on', () => {
  it('close_wakes_a_recv_waiting_for_data_with_ebadf', async () => {
    const p = await connectedPair();
    toClose.push(p.client, p.listener.fd);
    const receiving = timed(recv(p.server, Buffer.alloc(16), 16, 0));
    await sleep(20);
    expect(addon.reactorStats().waiting).toBe(1);
    expect(close(p.server)).toBe(0);
    const [r, ms] = await receiving;
    expect(r).toBe(-1);
    expect(errno).toBe(EBADF);
    expect(ms).toBeLessThan(PROMPT_MS);
    expect(addon.reactorStats().waiting).toBe(0);
    // Nothing was waiting in the kernel: the number is released at once.
    expect(fcntl(p.server, F_GETFD)).toBe(-1);
    expect(errno).toBe(EBADF);
  });

  it('close_wakes_an_accept_waiting_for_a_connection_with_ebadf', async () => {
    const l = listenLoopback();
    const accepting = timed(accept(l.fd, null, null));
    await sleep(20);
    expect(addon.reactorStats().waiting).toBe(1);
    expect(close(l.fd)).toBe(0);
    const [r, ms] = await accepting;
    expect(r).toBe(-1);
    expect(errno).toBe(EBADF);
    expect(ms).toBeLessThan(PROMPT_MS);
    expect(close(l.fd)).toBe(-1);
    expect(errno).toBe(EBADF);
  });

  it('close_fails_every_call_waiting_on_the_descriptor_and_no_other', async () => {
    const a = await connectedPair();
    const b = await connectedPair();
    toClose.push(a.client, a.listener.fd, b.client, b.server, b.listener.fd);
    const onA = [recv(a.server, Buffer.alloc(4), 4, 0), recv(a.server, Buffer.alloc(4), 4, 0), send(a.server, 'x', 1, 0)];
    const bBuf = Buffer.alloc(4);
    const onB = recv(b.server, bBuf, 4, 0);
    await sleep(20);
    expect(close(a.server)).toBe(0);
    const results: [number, number][] = [];
    for (const call of onA) results.push([await call, errno]);
    // The send could run at once (the buffer had room); the recvs waited and fail.
    expect(results[0]).toEqual([-1, EBADF]);
    expect(results[1]).toEqual([-1, EBADF]);
    expect(results[2][0]).toBe(1);
    // The other socket's call still waits and still works.
    expect(sendSync(b.client, 'live', 4, 0)).toBe(4);
    expect(await onB).toBe(4);
    expect(bBuf.toString()).toBe('live');
  });
});

describe('close of a descriptor a pool thread is inside a syscall on', () => {
  it('close_wakes_a_waitall_recv_with_the_bytes_it_had_and_holds_the_number_until_it_is_out', async () => {
    const p = await connectedPair();
    toClose.push(p.client, p.listener.fd);
    const fd = p.server;
    const before = fdTarget(fd);
    expect(sendSync(p.client, '0123456789', 10, 0)).toBe(10);
    const buf = Buffer.alloc(100);
    // 10 of 100 bytes are there: MSG_WAITALL waits inside recv(2) on a pool thread.
    const receiving = timed(recv(fd, buf, 100, MSG_WAITALL));
    await inside(fd, [SYS.recvfrom]);

    expect(close(fd)).toBe(0);
    // The number is still the same open socket: a new socket cannot get it.
    expect(fdTarget(fd)).toBe(before);
    const taken = takeNumbersUpTo(fd);
    expect(taken).not.toContain(fd);
    // As far as the caller is concerned fd is closed.
    expect(close(fd)).toBe(-1);
    expect(errno).toBe(EBADF);

    const [r, ms] = await receiving;
    // Observed on Linux: shutdown(2) ends the MSG_WAITALL wait and recv returns the partial count.
    expect(r).toBe(10);
    expect(buf.subarray(0, 10).toString()).toBe('0123456789');
    expect(ms).toBeLessThan(PROMPT_MS);
    // Once the call is out, the number is free: the next socket gets it.
    expectReleased(fd, taken);
    expect(close(fd)).toBe(-1);
    expect(errno).toBe(EBADF);
  });

  it('close_wakes_a_recv_waiting_inside_so_rcvtimeo_with_end_of_file', async () => {
    const p = await connectedPair();
    toClose.push(p.client, p.listener.fd);
    const fd = p.server;
    const tv = new timeval();
    tv.tv_sec = 60;
    ok(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(tv)), 'setsockopt');
    const receiving = timed(recv(fd, Buffer.alloc(16), 16, 0));
    await inside(fd, [SYS.recvfrom]);

    const taken = closeInFlight(fd);

    const [r, ms] = await receiving;
    // Observed on Linux: recv woken by shutdown(SHUT_RDWR) returns 0, as at end of file.
    expect(r).toBe(0);
    expect(ms).toBeLessThan(PROMPT_MS);
    expectReleased(fd, taken);
  });

  it('close_wakes_an_accept_inside_its_syscall', async () => {
    const l = listenLoopback();
    const tv = new timeval();
    tv.tv_sec = 60;
    ok(setsockopt(l.fd, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(tv)), 'setsockopt');
    const accepting = timed(accept(l.fd, null, null));
    await inside(l.fd, [SYS.accept, SYS.accept4]);

    const taken = closeInFlight(l.fd);

    const [r, ms] = await accepting;
    expect(r).toBe(-1);
    // Linux fails an accept woken by shutdown(2) with EINVAL (docs/threading.md).
    if (process.platform === 'linux') expect(errno).toBe(EINVAL);
    expect(ms).toBeLessThan(PROMPT_MS);
    expectReleased(l.fd, taken);
  });

  it('close_wakes_a_send_blocked_on_a_full_buffer', async () => {
    const p = await connectedPair();
    toClose.push(p.server, p.listener.fd);
    const fd = p.client;
    // Far more than both socket buffers hold; the peer never reads.
    const big = Buffer.alloc(64 << 20, 0x5a);
    // Node ignores SIGPIPE anyway; MSG_NOSIGNAL where the platform has it.
    const sending = timed(send(fd, big, big.length, MSG_NOSIGNAL ?? 0));
    await inside(fd, [SYS.sendto]);

    const taken = closeInFlight(fd);

    const [r, ms] = await sending;
    // Observed on Linux: the count queued before the shutdown (C's partial send);
    // a send that had queued nothing would fail with EPIPE.
    if (r === -1) expect(errno).toBe(EPIPE);
    else {
      expect(r).toBeGreaterThan(0);
      expect(r).toBeLessThan(big.length);
    }
    expect(ms).toBeLessThan(PROMPT_MS);
    expectReleased(fd, taken);
  });

  it('calls_made_on_a_descriptor_closed_in_flight_fail_with_ebadf', async () => {
    const p = await connectedPair();
    toClose.push(p.client, p.listener.fd);
    const fd = p.server;
    expect(sendSync(p.client, 'abc', 3, 0)).toBe(3);
    const receiving = recv(fd, Buffer.alloc(10), 10, MSG_WAITALL);
    await inside(fd, [SYS.recvfrom]);
    expect(close(fd)).toBe(0);
    // The number is still open in the kernel, but closed for the caller.
    expect(await recv(fd, Buffer.alloc(4), 4, 0)).toBe(-1);
    expect(errno).toBe(EBADF);
    expect(await send(fd, 'x', 1, 0)).toBe(-1);
    expect(errno).toBe(EBADF);
    expect(await receiving).toBe(3);
  });

  it('sync_calls_on_a_descriptor_closed_in_flight_fail_with_ebadf_without_reaching_the_socket', async () => {
    const p = await connectedPair();
    toClose.push(p.client, p.listener.fd);
    const fd = p.server;
    expect(sendSync(p.client, 'abc', 3, 0)).toBe(3);
    const receiving = recv(fd, Buffer.alloc(10), 10, MSG_WAITALL);
    await inside(fd, [SYS.recvfrom]);
    expect(close(fd)).toBe(0);
    // Each would reach the shut-down socket if made; closed for the caller, each fails as C's would.
    const calls: Array<[string, () => number]> = [
      ['recvSync', () => recvSync(fd, Buffer.alloc(4), 4, MSG_DONTWAIT)],
      ['sendSync', () => sendSync(fd, 'x', 1, MSG_NOSIGNAL ?? 0)],
      ['fcntl', () => fcntl(fd, F_GETFD)],
      ['getsockname', () => getsockname(fd, new sockaddr_in(), socklen_t(sizeof(sockaddr_in)))],
      ['shutdown', () => shutdown(fd, SHUT_RDWR)],
      ['setsockopt', () => setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, new timeval(), sizeof(timeval))],
      ['selectSync', () => selectSync(fd + 1, readSet(fd), null, null, new timeval())],
      ...(epoll_create1 ? [['epoll_ctl', () => epollAdd(fd)] as [string, () => number]] : []),
    ];
    for (const [name, call] of calls) {
      expect([name, call(), errno]).toEqual([name, -1, EBADF]);
    }
    expect(await receiving).toBe(3);
    // Once the call is out the number is released: fcntl now sees a closed descriptor too.
    expect(fcntl(fd, F_GETFD)).toBe(-1);
    expect(errno).toBe(EBADF);
  });
});

/** An fd_set holding `fd`. */
function readSet(fd: number): fd_set {
  const set = new fd_set();
  FD_SET(fd, set);
  return set;
}

/** epoll_ctl(EPOLL_CTL_ADD) of `fd` to a new epoll instance, which is closed again. */
function epollAdd(fd: number): number {
  const ep = epoll_create1!(0);
  const ev = new epoll_event();
  ev.events = EPOLLIN!;
  const r = epoll_ctl!(ep, EPOLL_CTL_ADD!, fd, ev);
  const saved = errno;
  close(ep);
  expect(errno).toBe(saved);
  return r;
}
