// The Promise forms: the event loop stays free while a call waits, a waiting
// call costs no CPU, each async call makes the same syscall as its *Sync
// twin, and errno after each `await` belongs to that call.
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  EAGAIN,
  EBADF,
  ECONNREFUSED,
  ECONNRESET,
  ENOPROTOOPT,
  MSG_DONTWAIT,
  MSG_PEEK,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_LINGER,
  SO_RCVTIMEO,
  accept,
  bind,
  c_int,
  close,
  connect,
  connectSync,
  errno,
  linger,
  send,
  recv,
  recvSync,
  sendSync,
  setsockopt,
  sizeof,
  sockaddr_in,
  socket,
  timeval,
} from '../../src/index.js';
import { connectedPair, listenLoopback, local, loopback4, ok } from '../support/sockets.js';
import { sleep, waitUntil } from '../support/kernel.js';
import { straceInPairScript } from '../support/child.js';

/** A descriptor number this process does not have open. */
const BAD_FD = 999_999;

/** A loopback port that refuses connections: bound, never listening. */
function refusingPort(): { fd: number; port: number } {
  const fd = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
  ok(bind(fd, loopback4(), sizeof(sockaddr_in)), 'bind');
  return { fd, port: local(fd).port };
}

describe('async calls and the event loop', () => {
  it('pending_accept_leaves_the_event_loop_free_and_burns_no_cpu', async () => {
    const l = listenLoopback();
    let settled = false;
    const accepting = accept(l.fd, null, null).then((fd) => {
      settled = true;
      return fd;
    });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const cpuBefore = process.cpuUsage();
    await sleep(1000);
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(timer);

    // accept is still waiting for a client...
    expect(settled).toBe(false);
    // ...while timers kept firing (about 100 in 1 s; half is plenty of proof)...
    expect(ticks).toBeGreaterThanOrEqual(50);
    // ...and the waiting thread is asleep in the kernel, not spinning.
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(100);

    // A client releases it.
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    ok(await connect(c, l.addr, sizeof(l.addr)), 'connect');
    const s = await accepting;
    expect(s).toBeGreaterThanOrEqual(0);
    for (const fd of [c, s, l.fd]) close(fd);
  });

  it('pending_recv_leaves_the_event_loop_free', async () => {
    const p = await connectedPair();
    const buf = Buffer.alloc(4);
    const receiving = recv(p.server, buf, 4, 0);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await sleep(200);
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(10);
    // The loop being free is what lets this send run while recv waits.
    expect(sendSync(p.client, 'ping', 4, 0)).toBe(4);
    expect(await receiving).toBe(4);
    expect(buf.toString()).toBe('ping');
    p.closeAll();
  });
});

// After a recv that waited and a send, the next recv goes to the poller with
// no poll(2) first (the reply is usually not there yet: docs/threading.md).
// Where the reply is there already, or the peer resets, that recv still
// returns what C's returns, at once.
describe('a recv after a send (request and reply)', () => {
  /** A pair whose server-side recv waited once and then sent: the hint holds for its next recv. */
  async function afterRequestReply() {
    const p = await connectedPair();
    const buf = Buffer.alloc(4);
    const first = recv(p.server, buf, 4, 0);
    await sleep(5);
    expect(sendSync(p.client, 'ping', 4, 0)).toBe(4);
    expect(await first).toBe(4);
    expect(await send(p.server, 'pong', 4, 0)).toBe(4);
    return { p, buf };
  }

  const within = <T>(ms: number, p: Promise<T>) =>
    Promise.race([p, sleep(ms).then(() => 'still waiting' as const)]);

  it('a_reply_already_there_is_received_at_once', async () => {
    const { p, buf } = await afterRequestReply();
    expect(sendSync(p.client, 'next', 4, 0)).toBe(4);
    expect(recvSync(p.server, Buffer.alloc(4), 4, MSG_PEEK | MSG_DONTWAIT)).toBe(4); // there before the recv
    expect(await within(2000, recv(p.server, buf, 4, 0))).toBe(4);
    expect(buf.toString()).toBe('next');
    p.closeAll();
  });

  it('a_reply_that_comes_later_is_received_when_it_comes', async () => {
    const { p, buf } = await afterRequestReply();
    const waiting = recv(p.server, buf, 4, 0);
    expect(await within(50, waiting)).toBe('still waiting');
    expect(sendSync(p.client, 'late', 4, 0)).toBe(4);
    expect(await waiting).toBe(4);
    expect(buf.toString()).toBe('late');
    p.closeAll();
  });

  it('a_peer_reset_ends_the_recv_with_econnreset', async () => {
    const { p, buf } = await afterRequestReply();
    const waiting = recv(p.server, buf, 4, 0);
    const l = new linger();
    l.l_onoff = 1;
    l.l_linger = 0;
    expect(setsockopt(p.client, SOL_SOCKET, SO_LINGER, l, sizeof(l))).toBe(0);
    close(p.client); // RST
    expect(await within(2000, waiting)).toBe(-1);
    expect(errno).toBe(ECONNRESET);
    p.closeAll();
  });
});

describe('sync and async twins', () => {
  it('sync_and_async_twins_give_identical_results', async () => {
    const p = await connectedPair();
    const data = 'abcdefghijkl';
    expect(sendSync(p.client, data, 12, 0)).toBe(12);
    expect(await waitUntil(() => recvSync(p.server, Buffer.alloc(12), 12, MSG_PEEK | MSG_DONTWAIT) === 12, 1000)).toBe(true);

    // Peeking: both see the same first 6 bytes.
    const a = Buffer.alloc(6);
    const b = Buffer.alloc(6);
    expect(recvSync(p.server, a, 6, MSG_PEEK)).toBe(6);
    expect(await recv(p.server, b, 6, MSG_PEEK)).toBe(6);
    expect(a.equals(b)).toBe(true);
    // Taking: each takes the next 6 bytes of the same stream.
    expect(recvSync(p.server, a, 6, 0)).toBe(6);
    expect(await recv(p.server, b, 6, 0)).toBe(6);
    expect(a.toString() + b.toString()).toBe(data);
    // Failing alike: an empty buffer with MSG_DONTWAIT, and a bad descriptor.
    expect(recvSync(p.server, a, 6, MSG_DONTWAIT)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    expect(await recv(p.server, a, 6, MSG_DONTWAIT)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    expect(recvSync(BAD_FD, a, 6, 0)).toBe(-1);
    expect(errno).toBe(EBADF);
    expect(await recv(BAD_FD, a, 6, 0)).toBe(-1);
    expect(errno).toBe(EBADF);
    // connect to a refusing port.
    const refusing = refusingPort();
    const c1 = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    const c2 = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    expect(connectSync(c1, loopback4(refusing.port), sizeof(sockaddr_in))).toBe(-1);
    expect(errno).toBe(ECONNREFUSED);
    expect(await connect(c2, loopback4(refusing.port), sizeof(sockaddr_in))).toBe(-1);
    expect(errno).toBe(ECONNREFUSED);
    for (const fd of [c1, c2, refusing.fd]) close(fd);
    p.closeAll();
  });

  it('sync_and_async_twins_make_the_same_syscall_under_strace', () => {
    // A child process runs each call twice, sync then async; strace shows the
    // kernel's view. The lines must match but for buffer addresses.
    const { trace } = straceInPairScript(
      `const buf = Buffer.alloc(16);
s.sendSync(c, 'hello', 5, 0);
await s.send(c, 'hello', 5, 0);
s.recvSync(srv, buf, 10, s.MSG_PEEK);
await s.recv(srv, buf, 10, s.MSG_PEEK);
s.recvSync(srv, buf, 5, s.MSG_WAITALL);
await s.recv(srv, buf, 5, s.MSG_WAITALL);
s.recvSync(srv, buf, 16, s.MSG_DONTWAIT);
await s.recv(srv, buf, 16, s.MSG_DONTWAIT);
s.close(c); s.close(srv); s.close(l);
`,
      'sendto,recvfrom',
      10_000,
    );
    const lines = trace
      .split('\n')
      .filter((line) => /^\d+\s+(sendto|recvfrom)\(/.test(line))
      .map((line) => {
        const [, tid, call] = /^(\d+)\s+(.*)$/.exec(line)!;
        return { tid, call: call.replace(/0x[0-9a-f]+/g, 'ADDR') };
      });
    expect(lines).toHaveLength(8);
    for (let i = 0; i < lines.length; i += 2) {
      const [syncCall, asyncCall] = [lines[i], lines[i + 1]];
      expect(asyncCall.call).toBe(syncCall.call);
    }
    // No flag added behind the caller's back (no MSG_NOSIGNAL), and C's results.
    expect(lines[0].call).toMatch(/^sendto\(\d+, "hello", 5, 0, NULL, 0\) = 5$/);
    expect(lines[2].call).toMatch(/^recvfrom\(\d+, "hellohello", 10, MSG_PEEK, NULL, NULL\) = 10$/);
    expect(lines[6].call).toMatch(/^recvfrom\(\d+, ADDR, 16, MSG_DONTWAIT, NULL, NULL\) = -1 EAGAIN/);
  });

  it('errno_after_each_await_is_that_calls_own', async () => {
    // Three async calls in flight at once, failing with different errnos at
    // different times, two of them at once (they cannot block).
    const refusing = refusingPort();
    const p = await connectedPair();
    const tv = new timeval();
    tv.tv_usec = 200_000;
    ok(setsockopt(p.server, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(tv)), 'setsockopt');
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    const buf = Buffer.alloc(8);
    const badBuf = Buffer.alloc(8);

    const own = async (call: Promise<number>) => {
      const r = await call;
      return [r, errno];
    };
    const timedOut = own(recv(p.server, buf, 8, 0)); // EAGAIN after 200 ms
    const refused = own(connect(c, loopback4(refusing.port), sizeof(sockaddr_in))); // ECONNREFUSED at once
    const badFd = own(recv(BAD_FD, badBuf, 8, 0)); // EBADF at once
    // A sync failure meanwhile sets errno to something else again.
    expect(setsockopt(p.server, SOL_SOCKET, 0x7fff, new c_int(1), sizeof(c_int))).toBe(-1);
    expect(errno).toBe(ENOPROTOOPT);

    expect(await timedOut).toEqual([-1, EAGAIN]);
    expect(await refused).toEqual([-1, ECONNREFUSED]);
    expect(await badFd).toEqual([-1, EBADF]);
    // The slowest finished last, so errno now is its EAGAIN; a successful call leaves it so.
    expect(errno).toBe(EAGAIN);
    const fd = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    expect(errno).toBe(EAGAIN);
    for (const d of [fd, c, refusing.fd]) close(d);
    p.closeAll();
  });
});
