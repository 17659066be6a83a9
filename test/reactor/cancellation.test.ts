// The last argument of the calls that can block, { signal?, timeout? }
// (docs/threading.md, "Cancellation and timeouts"): a call still waiting for
// its socket ends with -1/ECANCELED or -1/EAGAIN without reaching the kernel,
// so the socket stays usable and no byte is lost (a call inside its syscall on
// a pool thread: interruption.test.ts); bad options are programming errors.
import { getEventListeners } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  AF_UNIX,
  EAGAIN,
  ECANCELED,
  MSG_DONTWAIT,
  MSG_WAITALL,
  SOCK_DGRAM,
  SOCK_STREAM,
  accept,
  accept4,
  bind,
  close,
  connect,
  errno,
  listen,
  ntohs,
  recv,
  recvSync,
  recvfrom,
  send,
  sendSync,
  sendto,
  sizeof,
  sockaddr_in,
  socket,
  socklen_t,
} from '../../src/index.js';
import { addon } from '../../src/addon.js';
import { closedAfterEach, listenLoopback, local, loopback4, ok, tempDir, unixAddr } from '../support/sockets.js';
import { sleep } from '../support/kernel.js';
import { straceInPairScript } from '../support/child.js';

const { fds: toClose, pair } = closedAfterEach();

/** Everything `fd` has queued right now, without waiting. */
function drain(fd: number): Buffer {
  const parts: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    const n = recvSync(fd, buf, buf.length, MSG_DONTWAIT);
    if (n <= 0) return Buffer.concat(parts);
    parts.push(Buffer.from(buf.subarray(0, n)));
  }
}

describe('abort and timeout of a call waiting for its socket', () => {
  it('abort_ends_a_waiting_recv_with_ecanceled_and_the_next_recv_gets_all_data_in_order', async () => {
    const p = await pair();
    const ac = new AbortController();
    const buf = Buffer.alloc(64);
    const receiving = recv(p.server, buf, 64, 0, { signal: ac.signal });
    await sleep(20);
    expect(addon.reactorStats().waiting).toBe(1);
    ac.abort();
    expect(await receiving).toBe(-1);
    expect(errno).toBe(ECANCELED);
    expect(addon.reactorStats().waiting).toBe(0);
    // Nothing was read: data sent afterwards arrives whole, in order.
    const msg = 'after the abort: 0123456789';
    expect(sendSync(p.client, msg, msg.length, 0)).toBe(msg.length);
    const got = Buffer.alloc(64);
    expect(await recv(p.server, got, msg.length, MSG_WAITALL)).toBe(msg.length);
    expect(got.subarray(0, msg.length).toString()).toBe(msg);
    // The aborted call's buffer was never written.
    expect(buf.every((b) => b === 0)).toBe(true);
  });

  it('timeout_ends_a_waiting_recv_with_eagain_no_sooner_than_asked_and_the_socket_stays_usable', async () => {
    const p = await pair();
    const t0 = performance.now();
    const r = await recv(p.server, Buffer.alloc(8), 8, 0, { timeout: 100 });
    const ms = performance.now() - t0;
    expect(r).toBe(-1);
    expect(errno).toBe(EAGAIN);
    // Timers have millisecond granularity; allow one for rounding.
    expect(ms).toBeGreaterThanOrEqual(99);
    expect(ms).toBeLessThan(5000);
    const msg = 'still here';
    const buf = Buffer.alloc(32);
    const receiving = recv(p.server, buf, 32, 0, { timeout: 5000 });
    await sleep(10);
    expect(sendSync(p.client, msg, msg.length, 0)).toBe(msg.length);
    expect(await receiving).toBe(msg.length);
    expect(buf.subarray(0, msg.length).toString()).toBe(msg);
  });

  it('timeout_ends_a_send_waiting_for_buffer_space_and_sends_nothing', async () => {
    // A unix stream socket: its buffer only empties when the peer reads, so
    // "full" stays full (TCP frees space on its own schedule).
    const dir = tempDir();
    try {
      const addr = unixAddr(join(dir, 's'));
      const l = ok(socket(AF_UNIX, SOCK_STREAM, 0), 'socket');
      toClose.push(l);
      ok(bind(l, addr, sizeof(addr)), 'bind');
      ok(listen(l, 1), 'listen');
      const c = ok(socket(AF_UNIX, SOCK_STREAM, 0), 'socket');
      toClose.push(c);
      ok(await connect(c, addr, sizeof(addr)), 'connect');
      const s = ok(await accept(l, null, null), 'accept');
      toClose.push(s);
      const chunk = Buffer.alloc(4096, 0x61);
      let queued = 0;
      for (const size of [4096, 1]) {
        for (;;) {
          const n = sendSync(c, chunk, size, MSG_DONTWAIT);
          if (n === -1) break;
          queued += n;
        }
        expect(errno).toBe(EAGAIN);
      }
      const t0 = performance.now();
      const r = await send(c, 'Z', 1, 0, { timeout: 50 });
      expect(r).toBe(-1);
      expect(errno).toBe(EAGAIN);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(49);
      // The peer reads everything that was queued, and no 'Z'.
      const received = drain(s);
      expect(received.length).toBe(queued);
      expect(received.includes('Z')).toBe(false);
      // The socket still sends.
      expect(await send(c, 'Z', 1, 0, { timeout: 5000 })).toBe(1);
      expect(drain(s).toString()).toBe('Z');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accept_timeout_gives_eagain_and_a_later_accept_gets_the_connection', async () => {
    const l = listenLoopback();
    toClose.push(l.fd);
    expect(await accept(l.fd, null, null, { timeout: 50 })).toBe(-1);
    expect(errno).toBe(EAGAIN);
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    toClose.push(c);
    const accepting = accept(l.fd, null, null, { timeout: 5000 });
    ok(await connect(c, l.addr, sizeof(l.addr)), 'connect');
    const s = await accepting;
    expect(s).toBeGreaterThanOrEqual(0);
    toClose.push(s);
    expect(sendSync(c, 'hi', 2, 0)).toBe(2);
    const buf = Buffer.alloc(2);
    expect(await recv(s, buf, 2, MSG_WAITALL)).toBe(2);
    expect(buf.toString()).toBe('hi');
  });

  it('abort_ends_a_waiting_recvfrom_and_the_next_datagram_arrives_with_its_address', async () => {
    const u = ok(socket(AF_INET, SOCK_DGRAM, 0), 'socket');
    const v = ok(socket(AF_INET, SOCK_DGRAM, 0), 'socket');
    toClose.push(u, v);
    ok(bind(u, loopback4(), sizeof(sockaddr_in)), 'bind');
    ok(bind(v, loopback4(), sizeof(sockaddr_in)), 'bind');
    const ac = new AbortController();
    const buf = Buffer.alloc(64);
    const src = new sockaddr_in();
    const alen = socklen_t(sizeof(src));
    const receiving = recvfrom(u, buf, 64, 0, src, alen, { signal: ac.signal });
    await sleep(10);
    ac.abort();
    expect(await receiving).toBe(-1);
    expect(errno).toBe(ECANCELED);
    // Nothing was written through the out-arguments.
    expect(alen.value).toBe(sizeof(src));
    expect(src.bytes.every((b) => b === 0)).toBe(true);
    expect(await sendto(v, 'dgram', 5, 0, loopback4(local(u).port), sizeof(sockaddr_in))).toBe(5);
    expect(await recvfrom(u, buf, 64, 0, src, alen, { timeout: 5000 })).toBe(5);
    expect(buf.subarray(0, 5).toString()).toBe('dgram');
    expect(ntohs(src.sin_port)).toBe(local(v).port);
  });

  it('cancelling_the_first_of_two_waiting_recvs_lets_the_second_take_the_data', async () => {
    const p = await pair();
    const ac = new AbortController();
    const first = Buffer.alloc(8);
    const second = Buffer.alloc(8);
    const r1 = recv(p.server, first, 8, 0, { signal: ac.signal });
    const r2 = recv(p.server, second, 8, 0);
    await sleep(10);
    expect(addon.reactorStats().waiting).toBe(2);
    ac.abort();
    expect(await r1).toBe(-1);
    expect(errno).toBe(ECANCELED);
    expect(sendSync(p.client, 'second', 6, 0)).toBe(6);
    expect(await r2).toBe(6);
    expect(second.subarray(0, 6).toString()).toBe('second');
    expect(first.every((b) => b === 0)).toBe(true);
  });

  it('no_byte_is_lost_when_aborts_and_timeouts_race_with_arriving_data', async () => {
    const p = await pair();
    const total = 200_000;
    const stream = Buffer.alloc(total);
    for (let i = 0; i < total; i++) stream[i] = (i * 7 + (i >> 8)) & 0xff;
    let sent = 0;
    // The sender trickles chunks of varying sizes at varying moments...
    const sender = (async () => {
      while (sent < total) {
        const n = Math.min(total - sent, 1 + Math.floor(Math.random() * 4000));
        const r = await send(p.client, stream.subarray(sent, sent + n), n, 0);
        expect(r).toBeGreaterThan(0);
        sent += r;
        if (Math.random() < 0.3) await sleep(Math.random() < 0.5 ? 0 : 1);
        else await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // ...while the receiver's calls are aborted or time out at random moments.
    const got = Buffer.alloc(total);
    let received = 0;
    let cancelled = 0;
    while (received < total) {
      const ac = new AbortController();
      const buf = Buffer.alloc(1 + Math.floor(Math.random() * 3000));
      const options = Math.random() < 0.5 ? { signal: ac.signal } : { timeout: Math.floor(Math.random() * 2) };
      const call = recv(p.server, buf, buf.length, 0, options);
      if (Math.random() < 0.5) queueMicrotask(() => ac.abort());
      else setImmediate(() => ac.abort());
      const n = await call;
      if (n === -1) {
        expect([ECANCELED, EAGAIN]).toContain(errno);
        cancelled++;
        continue;
      }
      expect(n).toBeGreaterThan(0);
      buf.copy(got, received, 0, n);
      received += n;
    }
    await sender;
    expect(received).toBe(total);
    expect(got.equals(stream)).toBe(true);
    // The race was real: some calls were cancelled.
    expect(cancelled).toBeGreaterThan(0);
  });

  it('a_call_that_completes_removes_its_abort_listener_and_timer', async () => {
    const p = await pair();
    const ac = new AbortController();
    const buf = Buffer.alloc(4);
    for (let i = 0; i < 50; i++) {
      const receiving = recv(p.server, buf, 4, 0, { signal: ac.signal, timeout: 60_000 });
      expect(sendSync(p.client, 'ping', 4, 0)).toBe(4);
      expect(await receiving).toBe(4);
    }
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    // Aborting now touches nothing.
    ac.abort();
    expect(sendSync(p.client, 'pong', 4, 0)).toBe(4);
    expect(await recv(p.server, buf, 4, MSG_WAITALL, { signal: new AbortController().signal })).toBe(4);
    expect(buf.toString()).toBe('pong');
  });
});

describe('an already aborted signal', () => {
  it('already_aborted_signal_gives_ecanceled_and_leaves_queued_data_unread', async () => {
    const p = await pair();
    expect(sendSync(p.client, 'queued', 6, 0)).toBe(6);
    await sleep(10);
    const buf = Buffer.alloc(6);
    // The socket is readable: any recv(2) would have taken the bytes.
    expect(await recv(p.server, buf, 6, 0, { signal: AbortSignal.abort() })).toBe(-1);
    expect(errno).toBe(ECANCELED);
    expect(buf.every((b) => b === 0)).toBe(true);
    expect(drain(p.server).toString()).toBe('queued');
    // A listener with a queued connection keeps it.
    const l = listenLoopback();
    toClose.push(l.fd);
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    toClose.push(c);
    ok(await connect(c, l.addr, sizeof(l.addr)), 'connect');
    expect(await accept(l.fd, null, null, { signal: AbortSignal.abort() })).toBe(-1);
    expect(errno).toBe(ECANCELED);
    const s = await accept(l.fd, null, null, { timeout: 5000 });
    expect(s).toBeGreaterThanOrEqual(0);
    toClose.push(s);
  });

  it('already_aborted_signal_makes_no_syscall_on_the_descriptor_under_strace', () => {
    // F_GETFD calls on fd -2 mark the start and the end in the trace.
    const { stdout: out, trace } = straceInPairScript(
      `s.sendSync(c, 'data', 4, 0);
const buf = Buffer.alloc(4);
const signal = AbortSignal.abort();
s.fcntl(-2, s.F_GETFD);
const r1 = await s.recv(srv, buf, 4, 0, { signal });
const e1 = s.errno;
const r2 = await s.accept(l, null, null, { signal });
const e2 = s.errno;
const r3 = await s.send(c, 'x', 1, 0, { signal });
const e3 = s.errno;
s.fcntl(-2, s.F_GETFD);
console.log(JSON.stringify({ fds: [l, c, srv], results: [r1, e1, r2, e2, r3, e3] }));
s.close(c); s.close(srv); s.close(l);
`,
      'network,poll,ppoll,ioctl,fcntl,epoll_ctl',
      20_000,
    );
    const { fds, results } = JSON.parse(out) as { fds: number[]; results: number[] };
    expect(results).toEqual([-1, ECANCELED, -1, ECANCELED, -1, ECANCELED]);
    const lines = trace.split('\n');
    const marks = lines.map((line, i) => (/fcntl\(-2, F_GETFD\)/.test(line) ? i : -1)).filter((i) => i >= 0);
    expect(marks).toHaveLength(2);
    const between = lines.slice(marks[0] + 1, marks[1]);
    const mentions = (line: string, fd: number) =>
      new RegExp(`\\(${fd}[,)]|fd=${fd}[,}]|EPOLL_CTL_\\w+, ${fd},`).test(line);
    for (const fd of fds) {
      expect(between.filter((line) => mentions(line, fd))).toEqual([]);
    }
    // The check is able to see a call: the sendSync before the first mark is there.
    expect(lines.slice(0, marks[0]).some((line) => mentions(line, fds[1]) && /sendto/.test(line))).toBe(true);
  });
});

describe('bad options', () => {
  const buf = Buffer.alloc(4);
  const addr = loopback4();
  const len = socklen_t(sizeof(sockaddr_in));
  const calls: [string, (options: unknown) => Promise<number>][] = [
    ['recv', (o) => recv(-1, buf, 4, 0, o as never)],
    ['send', (o) => send(-1, buf, 4, 0, o as never)],
    ['accept', (o) => accept(-1, null, null, o as never)],
    ['connect', (o) => connect(-1, addr, sizeof(addr), o as never)],
    ['sendto', (o) => sendto(-1, buf, 4, 0, addr, sizeof(addr), o as never)],
    ['recvfrom', (o) => recvfrom(-1, buf, 4, 0, addr, len, o as never)],
    ...(accept4 ? [['accept4', (o: unknown) => accept4!(-1, null, null, 0, o as never)] as [string, (options: unknown) => Promise<number>]] : []),
  ];
  const bad: [unknown, ErrorConstructor, RegExp][] = [
    [null, TypeError, /'options' must be an object, got null/],
    [5, TypeError, /'options' must be an object, got number/],
    ['fast', TypeError, /'options' must be an object, got string/],
    [{ signal: {} }, TypeError, /'options\.signal' must be an AbortSignal/],
    [{ signal: new AbortController() }, TypeError, /'options\.signal' must be an AbortSignal/],
    [{ signal: null }, TypeError, /'options\.signal' must be an AbortSignal/],
    [{ timeout: '100' }, TypeError, /'options\.timeout' must be a number, got string/],
    [{ timeout: 10n }, TypeError, /'options\.timeout' must be a number/],
    [{ timeout: -1 }, RangeError, /'options\.timeout' must be from 0 to 2147483647 ms, got -1/],
    [{ timeout: NaN }, RangeError, /'options\.timeout'.*got NaN/],
    [{ timeout: Infinity }, RangeError, /'options\.timeout'.*got Infinity/],
    [{ timeout: 2 ** 31 }, RangeError, /'options\.timeout'.*got 2147483648/],
  ];
  for (const [name, call] of calls) {
    it(`${name}_throws_synchronously_naming_a_bad_option`, () => {
      for (const [options, type, message] of bad) {
        let thrown: unknown;
        try {
          call(options);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `${name}(…, ${String(options)})`).toBeInstanceOf(type);
        expect((thrown as Error).message).toMatch(new RegExp(`^${name}\\(\\): `));
        expect((thrown as Error).message).toMatch(message);
      }
    });
  }

  it('a_bad_option_throws_before_any_syscall', async () => {
    const p = await pair();
    expect(sendSync(p.client, 'kept', 4, 0)).toBe(4);
    await sleep(10);
    const got = Buffer.alloc(4);
    expect(() => recv(p.server, got, 4, 0, { timeout: -5 })).toThrow(RangeError);
    expect(got.every((b) => b === 0)).toBe(true);
    expect(drain(p.server).toString()).toBe('kept');
  });
});
