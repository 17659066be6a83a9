// errno after `await` (README, "errno"): one test per sentence of the rule.
// 1. Right after `await p` (or in `p.then(f)`), errno is p's own, whatever
//    order calls completed and were awaited in.
// 2. Concurrent async functions each read their own call's errno right after
//    their await.
// 3. `p.errno` is always p's own, also where the global errno cannot be
//    (after `await Promise.all([...])`, or once other code ran a failing call).
// 4. A successful call leaves errno alone, as in C.
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  EBADF,
  ECONNREFUSED,
  ENOTCONN,
  SOCK_STREAM,
  type CallPromise,
  bind,
  close,
  connect,
  errno,
  getsockname,
  recv,
  recvSync,
  send,
  sizeof,
  socket,
  socklen_t,
} from '../../src/index.js';
import { closedAfterEach, loopback4, ok } from '../support/sockets.js';
import { sleep } from '../support/kernel.js';

const { fds: toClose, pair } = closedAfterEach();

/** 127.0.0.1 at a port nobody listens on: a connect there is refused. */
function refusedAddr() {
  const t = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
  const a = loopback4();
  ok(bind(t, a, sizeof(a)), 'bind');
  ok(getsockname(t, a, socklen_t(sizeof(a))), 'getsockname');
  close(t);
  return a;
}

/** A TCP socket whose blocking connect is refused on a pool thread (it completes later). */
function refusedConnect(): CallPromise {
  const fd = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
  toClose.push(fd);
  const a = refusedAddr();
  return connect(fd, a, sizeof(a));
}

const buf = Buffer.alloc(8);

describe('errno after await', () => {
  it('errno_right_after_await_is_that_calls_own_whatever_order_they_completed_in', async () => {
    // The case: a recv that fails at once, then a connect refused later.
    const early = recv(-1, buf, 8, 0); // EBADF, settles first
    const late = refusedConnect(); // ECONNREFUSED, settles after
    expect(await late).toBe(-1);
    expect(errno).toBe(ECONNREFUSED);
    expect(await early).toBe(-1);
    expect(errno).toBe(EBADF);
    // And in completion order.
    const a = recv(-1, buf, 8, 0);
    const b = refusedConnect();
    expect(await a).toBe(-1);
    expect(errno).toBe(EBADF);
    expect(await b).toBe(-1);
    expect(errno).toBe(ECONNREFUSED);
  });

  it('errno_in_a_then_reaction_is_that_calls_own', async () => {
    const p = recv(-1, buf, 8, 0);
    await sleep(5); // settled
    const q = refusedConnect();
    await q;
    const seen = await p.then((r) => [r, errno]);
    expect(seen).toEqual([-1, EBADF]);
  });

  it('a_queued_call_awaited_only_after_it_failed_sets_its_own_errno', async () => {
    // Pending when made (a native Promise then), failed later, awaited after
    // another failing call changed errno: the await still reads its own.
    const q = refusedConnect();
    while (q.errno === 0) await sleep(1);
    expect(recvSync(-1, buf, 8, 0)).toBe(-1);
    expect(errno).toBe(EBADF);
    expect(await q).toBe(-1);
    expect(errno).toBe(ECONNREFUSED);
    expect(recvSync(-1, buf, 8, 0)).toBe(-1);
    expect(await q.then((r) => [r, errno])).toEqual([-1, ECONNREFUSED]);
  });

  it('concurrent_async_functions_each_read_their_own_errno_right_after_their_await', async () => {
    await pair();
    const unconnected = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket'); // unconnected: ENOTCONN
    toClose.push(unconnected);
    const seen: Record<string, number> = {};
    const worker = async (name: string, call: () => CallPromise, delay: number) => {
      await sleep(delay);
      const r = await call();
      seen[name] = r === -1 ? errno : 0;
    };
    await Promise.all([
      worker('badf', () => recv(-1, buf, 8, 0), 0),
      worker('refused', () => refusedConnect(), 0),
      worker('notconn', () => recv(unconnected, buf, 8, 0), 1),
      worker('badf-late', () => send(987654, 'x', 1, 0), 2),
    ]);
    expect(seen).toEqual({ badf: EBADF, refused: ECONNREFUSED, notconn: ENOTCONN, 'badf-late': EBADF });
  });

  it('p_errno_is_always_the_calls_own_also_after_promise_all_and_other_failing_calls', async () => {
    const p = recv(-1, buf, 8, 0);
    const q = refusedConnect();
    const [rp, rq] = await Promise.all([p, q]);
    expect([rp, rq]).toEqual([-1, -1]);
    expect(p.errno).toBe(EBADF);
    expect(q.errno).toBe(ECONNREFUSED);
    // Other code's failing call changes the global errno, never p.errno.
    expect(recvSync(-1, buf, 8, 0)).toBe(-1);
    expect(errno).toBe(EBADF);
    expect(q.errno).toBe(ECONNREFUSED);
    expect(p).toBeInstanceOf(Promise);
  });

  it('a_successful_call_leaves_errno_as_it_was', async () => {
    const p = await pair();
    expect(recvSync(-1, buf, 8, 0)).toBe(-1);
    expect(errno).toBe(EBADF);
    const sending = send(p.client, 'hi', 2, 0);
    expect(await sending).toBe(2);
    expect(sending.errno).toBe(0);
    expect(errno).toBe(EBADF);
  });
});
