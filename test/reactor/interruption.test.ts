// { timeout, signal } of a call inside its syscall on a pool thread
// (native/reactor/interrupt.h): the thread is interrupted by a signal, and the
// call completes as C's interrupted call does — the bytes already moved as the
// count, or -1 with the option's errno (EAGAIN for a timeout, ECANCELED for an
// abort) where C's gives EINTR — and the socket stays usable.
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  EAGAIN,
  ECANCELED,
  MSG_DONTWAIT,
  MSG_WAITALL,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_RCVTIMEO,
  accept,
  acceptSync,
  connect,
  errno,
  listen,
  recv,
  recvSync,
  send,
  sendSync,
  setsockopt,
  sizeof,
  socket,
  timeval,
} from '../../src/index.js';
import { addon } from '../../src/addon.js';
import { closedAfterEach, listenLoopback, ok } from '../support/sockets.js';
import { runC, C_HEADERS } from '../support/c.js';
import { sleep } from '../support/kernel.js';

const { fds: toClose, pair } = closedAfterEach();

/**
 * A listener whose accept queue (of one) is full, and a fresh socket `c`: the
 * kernel drops c's SYN, so a blocking connect waits for the retransmission.
 */
async function fullBacklog() {
  const l = listenLoopback();
  toClose.push(l.fd);
  ok(listen(l.fd, 0), 'listen');
  const first = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
  toClose.push(first);
  ok(await connect(first, l.addr, sizeof(l.addr)), 'connect');
  const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
  toClose.push(c);
  return { l, c };
}

// C's interrupted MSG_WAITALL recv: a SIGALRM handler without SA_RESTART
// interrupts recv(fd, buf, 100, MSG_WAITALL) after 100 ms, with `queued` bytes
// there before it. Prints "ret errno-name".
function cInterruptedWaitall(queued: number): string {
  return runC(`${C_HEADERS}
#include <signal.h>
#include <sys/time.h>
static void on_alarm(int sig) { (void)sig; }
int main(void) {
  struct sockaddr_in a; socklen_t al = sizeof(a);
  memset(&a, 0, sizeof(a)); a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  bind(l, (struct sockaddr *)&a, sizeof(a)); listen(l, 1); getsockname(l, (struct sockaddr *)&a, &al);
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof(a));
  int s = accept(l, NULL, NULL);
  char buf[100] = {0};
  send(c, "0123456789", ${queued}, 0);
  struct sigaction sa; memset(&sa, 0, sizeof(sa)); sa.sa_handler = on_alarm; sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 0}, {0, 100000}}; setitimer(ITIMER_REAL, &it, NULL);
  ssize_t r = recv(s, buf, 100, MSG_WAITALL);
  printf("%zd %s %.*s\\n", r, r == -1 ? (errno == EINTR ? "EINTR" : "other") : "0", r > 0 ? (int)r : 0, buf);
  return 0;
}
`).trim();
}

describe('a call inside its syscall on a pool thread honours { timeout, signal }', () => {
  it('timeout_of_a_waitall_recv_short_of_len_delivers_the_partial_count_and_the_bytes_as_c', async () => {
    expect(cInterruptedWaitall(10)).toBe('10 0 0123456789');
    const p = await pair();
    expect(sendSync(p.client, '0123456789', 10, 0)).toBe(10);
    const buf = Buffer.alloc(100);
    const t0 = performance.now();
    const r = await recv(p.server, buf, 100, MSG_WAITALL, { timeout: 100 });
    const ms = performance.now() - t0;
    expect(r).toBe(10);
    expect(buf.subarray(0, 10).toString()).toBe('0123456789');
    expect(ms).toBeGreaterThanOrEqual(99);
    expect(ms).toBeLessThan(2000);
    expect(addon.reactorStats().pending).toBe(0);
    // The socket stays usable: the next bytes arrive whole.
    expect(sendSync(p.client, 'abc', 3, 0)).toBe(3);
    expect(await recv(p.server, buf, 3, MSG_WAITALL, { timeout: 5000 })).toBe(3);
    expect(buf.subarray(0, 3).toString()).toBe('abc');
  });

  it('timeout_of_a_waitall_recv_that_got_nothing_gives_eagain_where_c_gives_eintr', async () => {
    expect(cInterruptedWaitall(0)).toBe('-1 EINTR');
    const p = await pair();
    // SO_RCVTIMEO makes even a plain recv wait inside its syscall.
    const tv = new timeval();
    tv.tv_sec = 10;
    ok(setsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(tv)), 'setsockopt');
    const buf = Buffer.alloc(100);
    const t0 = performance.now();
    const receiving = recv(p.server, buf, 100, MSG_WAITALL, { timeout: 100 });
    await sleep(20);
    expect(addon.reactorStats().pending).toBe(1); // on a pool thread, not in the poller
    expect(await receiving).toBe(-1);
    expect(errno).toBe(EAGAIN);
    expect(performance.now() - t0).toBeLessThan(2000); // not the kernel's 10 s
    expect(sendSync(p.client, 'x', 1, 0)).toBe(1);
    expect(recvSync(p.server, buf, 1, 0)).toBe(1);
    expect(buf.subarray(0, 1).toString()).toBe('x');
  });

  it('abort_of_a_waitall_recv_on_a_pool_thread_delivers_what_it_got', async () => {
    const p = await pair();
    expect(sendSync(p.client, '0123', 4, 0)).toBe(4);
    const ac = new AbortController();
    const buf = Buffer.alloc(10);
    const receiving = recv(p.server, buf, 10, MSG_WAITALL, { signal: ac.signal });
    await sleep(30);
    expect(addon.reactorStats().pending).toBe(1);
    ac.abort();
    expect(await receiving).toBe(4);
    expect(buf.subarray(0, 4).toString()).toBe('0123');
    // Nothing was lost or reordered behind it.
    expect(sendSync(p.client, '456789', 6, 0)).toBe(6);
    expect(await recv(p.server, buf, 6, MSG_WAITALL, { timeout: 5000 })).toBe(6);
    expect(buf.subarray(0, 6).toString()).toBe('456789');
  });

  it('a_shorter_timeout_ends_a_recv_on_an_so_rcvtimeo_socket_and_a_shorter_so_rcvtimeo_ends_it_first', async () => {
    const p = await pair();
    const tv = new timeval();
    tv.tv_sec = 5;
    ok(setsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(tv)), 'setsockopt');
    const buf = Buffer.alloc(8);
    let t0 = performance.now();
    expect(await recv(p.server, buf, 8, 0, { timeout: 80 })).toBe(-1);
    expect(errno).toBe(EAGAIN);
    let ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(79);
    expect(ms).toBeLessThan(2000);
    // The kernel's own timer, when it is the shorter: C's EAGAIN from the syscall.
    tv.tv_sec = 0;
    tv.tv_usec = 80_000;
    ok(setsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(tv)), 'setsockopt');
    t0 = performance.now();
    expect(await recv(p.server, buf, 8, 0, { timeout: 5000 })).toBe(-1);
    expect(errno).toBe(EAGAIN);
    ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(75);
    expect(ms).toBeLessThan(2000);
    // Still usable.
    expect(sendSync(p.client, 'ok', 2, 0)).toBe(2);
    expect(await recv(p.server, buf, 2, MSG_WAITALL)).toBe(2);
    expect(buf.subarray(0, 2).toString()).toBe('ok');
  });

  it('a_blocking_connect_to_a_full_backlog_honours_its_timeout_and_the_connection_goes_on', async () => {
    const { l, c } = await fullBacklog();
    const t0 = performance.now();
    expect(await connect(c, l.addr, sizeof(l.addr), { timeout: 100 })).toBe(-1);
    expect(errno).toBe(EAGAIN);
    const ms = performance.now() - t0;
    expect(ms).toBeGreaterThanOrEqual(99);
    expect(ms).toBeLessThan(900); // before the SYN's first retransmission (1 s)
    // As after C's interrupted connect, the handshake goes on: once the queue
    // has room, the retransmitted SYN is accepted and the socket works.
    toClose.push(ok(acceptSync(l.fd, null, null), 'accept'));
    const s = ok(await accept(l.fd, null, null, { timeout: 5000 }), 'accept');
    toClose.push(s);
    expect(await send(c, 'late', 4, 0, { timeout: 5000 })).toBe(4);
    const buf = Buffer.alloc(4);
    expect(await recv(s, buf, 4, MSG_WAITALL, { timeout: 5000 })).toBe(4);
    expect(buf.toString()).toBe('late');
  });

  it('abort_of_a_blocking_connect_gives_ecanceled', async () => {
    const { l, c } = await fullBacklog();
    const ac = new AbortController();
    const connecting = connect(c, l.addr, sizeof(l.addr), { signal: ac.signal });
    await sleep(30);
    expect(addon.reactorStats().pending).toBe(1);
    ac.abort();
    expect(await connecting).toBe(-1);
    expect(errno).toBe(ECANCELED);
  });

  it('interrupting_many_calls_in_a_row_never_interrupts_the_next_call_on_the_thread', async () => {
    // Timeouts of 0-1 ms land before, inside and just after the syscall; a
    // signal left over would make a later pooled recv fail with EINTR.
    const p = await pair();
    const tv = new timeval();
    tv.tv_sec = 10;
    ok(setsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(tv)), 'setsockopt');
    const buf = Buffer.alloc(4);
    let interrupted = 0;
    for (let i = 0; i < 200; i++) {
      const r = await recv(p.server, buf, 4, 0, { timeout: i % 2 });
      if (r === -1) {
        expect(errno).toBe(EAGAIN);
        interrupted++;
      }
      // A call that is not cancelled completes with its data, never EINTR.
      const receiving = recv(p.server, buf, 4, MSG_WAITALL);
      expect(sendSync(p.client, 'ping', 4, 0)).toBe(4);
      expect(await receiving).toBe(4);
    }
    expect(interrupted).toBe(200);
    expect(recvSync(p.server, buf, 4, MSG_DONTWAIT)).toBe(-1);
    expect(errno).toBe(EAGAIN);
  });
});
