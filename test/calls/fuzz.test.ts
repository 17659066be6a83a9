// Hostile input: every exported function, driven with adversarial arguments
// (wrong types, NaN, ±Infinity, -1, 2^31, 2^53, lengths past the end,
// detached, shared and resizable buffers, frozen and getter-backed objects,
// descriptors 0-2, a regular file's, a closed one), either throws a
// TypeError/RangeError naming the function or argument, or returns (or
// resolves to) its documented result: for the socket calls a number, -1 with
// errno set. Never another exception, a crash or a hang.
//
// The fuzzing runs in a child process (test/fuzz-driver.mjs); the seed comes
// from FUZZ_SEED or is random, and is printed so a failure can be replayed:
//   FUZZ_SEED=1234 npx vitest run test/fuzz.test.ts
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AF_INET,
  EAGAIN,
  EBADF,
  ENOTCONN,
  MSG_DONTWAIT,
  MSG_OOB,
  SOCK_STREAM,
  accept,
  acceptSync,
  close,
  connect,
  errno,
  recv,
  recvfrom,
  sendSync,
  sizeof,
  sockaddr_in,
  socket,
  socklen_t,
} from '../../src/index.js';
import { addon } from '../../src/addon.js';
import { connectedPair, listenLoopback, ok, tempDir } from '../support/sockets.js';
import { runC } from '../support/c.js';
import { sleep } from '../support/kernel.js';
import { distEntry } from '../support/child.js';

const ITERATIONS = 20_000;
const SEED = process.env.FUZZ_SEED !== undefined && process.env.FUZZ_SEED !== '' ? Number(process.env.FUZZ_SEED) >>> 0 : Math.floor(Math.random() * 2 ** 32);

const driver = fileURLToPath(new URL('./fuzz-driver.mjs', import.meta.url));

// Values from the system headers the driver needs to stay harmless (see the
// top of fuzz-driver.mjs): fcntl commands, O_ASYNC, and the socket options
// that join multicast groups (which would send reports on a real interface).
const HEADERS = JSON.parse(
  runC(`#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#ifndef IPV6_JOIN_ANYCAST
#define IPV6_JOIN_ANYCAST -1
#endif
#ifndef MCAST_JOIN_GROUP
#define MCAST_JOIN_GROUP -1
#endif
#ifndef MCAST_JOIN_SOURCE_GROUP
#define MCAST_JOIN_SOURCE_GROUP -1
#endif
#ifndef IP_ADD_SOURCE_MEMBERSHIP
#define IP_ADD_SOURCE_MEMBERSHIP -1
#endif
int main(void) {
  printf("{\\"F_DUPFD\\": %d, \\"F_DUPFD_CLOEXEC\\": %d, \\"O_ASYNC\\": %d, \\"IPPROTO_UDP\\": %d,"
         " \\"ipJoin\\": [%d, %d, %d, %d], \\"ip6Join\\": [%d, %d, %d, %d]}",
         F_DUPFD, F_DUPFD_CLOEXEC, O_ASYNC, IPPROTO_UDP,
         IP_ADD_MEMBERSHIP, IP_ADD_SOURCE_MEMBERSHIP, MCAST_JOIN_GROUP, MCAST_JOIN_SOURCE_GROUP,
         IPV6_ADD_MEMBERSHIP, IPV6_JOIN_ANYCAST, MCAST_JOIN_GROUP, MCAST_JOIN_SOURCE_GROUP);
  return 0;
}`),
) as Record<string, unknown>;

interface FuzzReport {
  seed: number;
  iterations: number;
  uncovered: string[];
  calls: Record<string, number>;
  outcomes: Record<string, number>;
  errnos: Record<string, number>;
  violations: { kind: string; call: string; detail: string }[];
  fds: { atStart: number; atEnd: number };
  stats: { waiting: number; pending: number; descriptors: number };
}

describe('hostile input', () => {
  it('every_exported_function_survives_adversarial_arguments', () => {
    console.log(`fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${ITERATIONS} iterations`);
    const cwd = tempDir();
    const lib = distEntry();
    try {
      const t0 = performance.now();
      const r = spawnSync(
        process.execPath,
        [driver, lib, new URL('./addon.js', lib).href, String(SEED), String(ITERATIONS), JSON.stringify(HEADERS)],
        // Tracing, which the fuzz turns on and off, writes to stderr.
        { cwd, encoding: 'utf8', timeout: 100_000, maxBuffer: 1 << 30, env: { ...process.env, POSIX_SOCKETS_TRACE: '' } },
      );
      const seconds = (performance.now() - t0) / 1000;
      expect(r.error, 'the fuzz driver ran and finished in time').toBeUndefined();
      expect(r.stderr).not.toMatch(/Sanitizer|runtime error:|FATAL ERROR|Assertion/);
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout) as FuzzReport;
      expect(report.seed).toBe(SEED);
      // Nothing exported was left out, and everything was called many times.
      expect(report.uncovered).toEqual([]);
      for (const [name, n] of Object.entries(report.calls)) expect(n, name).toBeGreaterThan(100);
      expect(report.violations).toEqual([]);
      // Every kind of outcome happened: the arguments reached the kernel, too.
      for (const kind of ['returned', 'failed', 'threw', 'resolved', 'resolvedFailed']) {
        expect(report.outcomes[kind], kind).toBeGreaterThan(50);
      }
      // Nothing leaked: the descriptors the driver created are closed again,
      // and the reactor holds no call and no descriptor.
      expect(report.fds.atEnd).toBe(report.fds.atStart);
      expect(report.stats).toMatchObject({ waiting: 0, pending: 0 });
      // The reactor may still count a few numbers that were never open (-1,
      // 2^31-1, ...): a MSG_OOB recv on them went to a pool thread and left an
      // entry that only close() of that number would remove.
      expect(report.stats.descriptors).toBeLessThanOrEqual(5);
      const total = Object.values(report.calls).reduce((a, b) => a + b, 0);
      console.log(
        `fuzz seed ${SEED}: ${total} calls to ${Object.keys(report.calls).length} functions in ${seconds.toFixed(1)} s; ` +
          `outcomes ${JSON.stringify(report.outcomes)}; ${Object.keys(report.errnos).length} distinct errnos; ` +
          `trace output ${r.stderr.length} bytes; fds ${report.fds.atStart} before, ${report.fds.atEnd} after; violations ${report.violations.length}`,
      );
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('hostile input found by fuzzing', () => {
  const toClose: number[] = [];
  afterEach(() => {
    for (const fd of toClose.splice(0)) close(fd);
  });

  it('a_read_only_socklen_t_is_a_type_error_before_the_syscall', async () => {
    const l = listenLoopback();
    toClose.push(l.fd);
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    toClose.push(c);
    ok(await connect(c, l.addr, sizeof(l.addr)), 'connect');
    const frozen = Object.freeze(socklen_t(sizeof(sockaddr_in)));
    const getterOnly = { get value() { return 16; } };
    for (const ref of [frozen, getterOnly]) {
      expect(() => acceptSync(l.fd, new sockaddr_in(), ref)).toThrow(/^acceptSync\(\): argument 'addrlen' must be writable/);
      expect(() => accept(l.fd, new sockaddr_in(), ref)).toThrow(/^accept\(\): argument 'addrlen' must be writable/);
    }
    // The connection was not taken (and lost) by a call that then threw.
    const s = await accept(l.fd, null, null, { timeout: 5000 });
    expect(s).toBeGreaterThanOrEqual(0);
    toClose.push(s);
  });

  it('addrlen_is_read_once_so_a_getter_cannot_pass_the_check_and_reach_the_call_with_another_value', async () => {
    const p = await connectedPair();
    toClose.push(p.client, p.server, p.listener.fd);
    let reads = 0;
    const flipping = {
      get value() {
        return reads++ < 3 ? 16 : 2 ** 31;
      },
      set value(_: number) {},
    };
    // Promise forms neither throw late nor reject: the checked value is the one used.
    const sent = sendSync(p.client, 'x', 1, 0);
    expect(sent).toBe(1);
    const receiving = recvfrom(p.server, Buffer.alloc(4), 4, 0, new sockaddr_in(), flipping);
    await expect(receiving).resolves.toBe(1);
    reads = 0;
    const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    toClose.push(c);
    const accepting = accept(p.listener.fd, new sockaddr_in(), flipping);
    ok(await connect(c, p.listener.addr, sizeof(p.listener.addr)), 'connect');
    const s = await accepting;
    expect(s).toBeGreaterThanOrEqual(0);
    toClose.push(s);
  });

  // recv(2) with MSG_DONTWAIT returns at once in C, whatever other threads are
  // blocked in on the same socket; here it must not queue behind them.
  it('a_dontwait_recv_behind_a_recv_waiting_for_data_fails_with_eagain_at_once', async () => {
    const p = await connectedPair();
    toClose.push(p.client, p.listener.fd);
    const waiting = recv(p.server, Buffer.alloc(4), 4, 0);
    const r = await Promise.race([recv(p.server, Buffer.alloc(4), 4, MSG_DONTWAIT), sleep(2000).then(() => 'still waiting')]);
    expect(r).toBe(-1);
    expect(errno).toBe(EAGAIN);
    close(p.server);
    expect(await waiting).toBe(-1);
  });

  it('a_dontwait_recv_behind_a_call_on_a_pool_thread_fails_with_eagain_at_once', async () => {
    // A listener is never readable for recv; MSG_OOB sends the first call to a pool thread.
    const l = listenLoopback();
    const oob = recv(l.fd, Buffer.alloc(4), 4, MSG_OOB);
    const dontwait = recv(l.fd, Buffer.alloc(4), 4, MSG_DONTWAIT);
    const r = await Promise.race([dontwait, sleep(2000).then(() => 'still waiting')]);
    close(l.fd);
    expect(await oob).toBe(-1);
    expect(r).toBe(-1);
    expect([EAGAIN, ENOTCONN]).toContain(dontwait.errno);
  });

  it('options_are_read_once_so_a_getter_cannot_swap_the_signal_mid_call', async () => {
    const p = await connectedPair();
    toClose.push(p.client, p.server, p.listener.fd);
    const ac = new AbortController();
    let reads = 0;
    const options = {
      get signal() {
        reads++;
        return reads === 1 ? ac.signal : undefined;
      },
    };
    const buf = Buffer.alloc(4);
    const receiving = recv(p.server, buf, 4, 0, options);
    await sleep(10);
    expect(addon.reactorStats().waiting).toBe(1);
    // The completion removes its listener from the signal it was given.
    expect(sendSync(p.client, 'data', 4, 0)).toBe(4);
    expect(await receiving).toBe(4);
    expect(reads).toBe(1);
    expect(buf.toString()).toBe('data');
  });

  it('a_frozen_addrlen_after_the_call_started_still_delivers_the_descriptor', async () => {
    const l = listenLoopback();
    const len = socklen_t(sizeof(sockaddr_in));
    const accepting = accept(l.fd, new sockaddr_in(), len);
    Object.freeze(len);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const c = socket(AF_INET, SOCK_STREAM, 0);
    expect(await connect(c, l.addr, sizeof(l.addr))).toBe(0);
    const fd = await accepting;
    expect(fd).toBeGreaterThanOrEqual(0);
    await sleep(10); // warnings are emitted on the next tick
    process.off('warning', onWarning);
    expect(warnings.some((m) => m.startsWith('accept(): '))).toBe(true);
    for (const d of [fd, c, l.fd]) close(d);
  });

  it('an_oob_recv_on_a_bad_descriptor_fails_at_once_and_leaves_no_bookkeeping', async () => {
    const before = addon.reactorStats().descriptors;
    expect(await recv(-1, Buffer.alloc(4), 4, MSG_OOB)).toBe(-1);
    expect(errno).toBe(EBADF);
    expect(addon.reactorStats().descriptors).toBe(before);
  });
});
