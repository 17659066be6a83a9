// select, pselect, poll, ppoll and epoll against the real kernel over
// loopback: readiness reported as C's calls report it, the sets and arrays
// rewritten as the kernel rewrites them, C's results and errno for the error
// cases (from a C program making the same calls).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AF_INET,
  SOCK_STREAM,
  socket,
  EBADF,
  EEXIST,
  EINVAL,
  ENOENT,
  EPOLLIN,
  EPOLLOUT,
  EPOLL_CLOEXEC,
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLL_CTL_MOD,
  FD_ISSET,
  FD_SET,
  FD_ZERO,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  SIGUSR1,
  SIGUSR2,
  SIGCHLD,
  EINTR,
  array,
  close,
  epoll_create,
  epoll_create1,
  epoll_ctl,
  epoll_event,
  epoll_pwaitSync,
  epoll_waitSync,
  errno,
  fd_set,
  pollSync,
  pollfd,
  ppollSync,
  pselectSync,
  selectSync,
  sendSync,
  shutdown,
  SHUT_WR,
  sigaddset,
  sigemptyset,
  sigset_t,
  timespec,
  timeval,
} from '../../src/index.js';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { C_HEADERS, runC } from '../support/c.js';
import { closedAfterEach } from '../support/sockets.js';
import { sleep } from '../support/kernel.js';

const linux = process.platform === 'linux';
const { pair } = closedAfterEach();

function setOf(...fds: number[]): fd_set {
  const s = new fd_set();
  FD_ZERO(s);
  for (const fd of fds) FD_SET(fd, s);
  return s;
}

const members = (s: fd_set, nfds: number) => Array.from({ length: nfds }, (_, fd) => fd).filter((fd) => FD_ISSET(fd, s));

describe('select', () => {
  it('select_keeps_only_the_ready_descriptors_in_each_set', async () => {
    const p = await pair();
    sendSync(p.client, 'x', 1, 0);
    const nfds = Math.max(p.client, p.server) + 1;
    const r = setOf(p.client, p.server);
    const w = setOf(p.client);
    const tv = new timeval();
    tv.tv_sec = 1;
    expect(selectSync(nfds, r, w, null, tv)).toBe(2);
    expect(members(r, nfds)).toEqual([p.server]);
    expect(members(w, nfds)).toEqual([p.client]);
  });

  it('select_timeout_returns_0_and_linux_writes_the_time_left_into_the_timeval', async () => {
    const p = await pair();
    const r = setOf(p.server);
    const tv = new timeval();
    tv.tv_usec = 30_000;
    const t0 = performance.now();
    expect(selectSync(p.server + 1, r, null, null, tv)).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(members(r, p.server + 1)).toEqual([]);
    if (linux) expect([tv.tv_sec, tv.tv_usec]).toEqual([0, 0]);
  });

  it('pselect_takes_a_timespec_it_leaves_alone_and_a_signal_mask', async () => {
    const p = await pair();
    const mask = new sigset_t();
    sigemptyset(mask);
    sigaddset(mask, SIGUSR1);
    const ts = new timespec();
    ts.tv_nsec = 20_000_000;
    const r = setOf(p.server);
    expect(pselectSync(p.server + 1, r, null, null, ts, mask)).toBe(0);
    expect([ts.tv_sec, ts.tv_nsec]).toEqual([0, 20_000_000]);
    sendSync(p.client, 'x', 1, 0);
    FD_SET(p.server, r);
    expect(pselectSync(p.server + 1, r, null, null, ts, null)).toBe(1);
    expect(FD_ISSET(p.server, r)).toBe(1);
  });

  it('select_nfds_past_FD_SETSIZE_or_a_short_set_throws_before_any_syscall', () => {
    expect(() => selectSync(1025, null, null, null, null)).toThrow(/selectSync\(\): argument 'nfds'/);
    expect(() => selectSync(1, new Uint8Array(8) as unknown as fd_set, null, null, null)).toThrow(RangeError);
    expect(() => selectSync(1, null, null, null, {} as timeval)).toThrow(TypeError);
  });
});

describe('poll', () => {
  it('poll_writes_revents_for_every_entry_readable_writable_hangup_and_invalid', async () => {
    const p = await pair();
    const q = await pair();
    sendSync(p.client, 'x', 1, 0);
    shutdown(q.client, SHUT_WR);
    const fds = array(pollfd, 4);
    fds[0].fd = p.server;
    fds[0].events = POLLIN;
    fds[1].fd = p.client;
    fds[1].events = POLLIN | POLLOUT;
    fds[2].fd = 1000; // not open
    fds[2].events = POLLIN;
    fds[3].fd = -1; // ignored, revents 0
    fds[3].events = POLLIN;
    fds[3].revents = 0x7f;
    expect(pollSync(fds, 4, 1000)).toBe(3);
    expect(fds[0].revents).toBe(POLLIN);
    expect(fds[1].revents).toBe(POLLOUT);
    expect(fds[2].revents).toBe(POLLNVAL);
    expect(fds[3].revents).toBe(0);
    const one = new pollfd();
    one.fd = q.server;
    one.events = POLLIN;
    expect(pollSync(one, 1, 0)).toBe(1);
    expect(one.revents & POLLIN).toBe(POLLIN); // end of stream reads as readable
    expect(() => pollSync(one, 2, 0)).toThrow(/argument 'nfds' \(2\) exceeds the 1 pollfd in 'fds'/);
  });

  it.runIf(linux)('ppoll_times_out_with_0_and_leaves_its_timespec_alone', async () => {
    const p = await pair();
    const fds = array(pollfd, 1);
    fds[0].fd = p.server;
    fds[0].events = POLLIN;
    const ts = new timespec();
    ts.tv_nsec = 20_000_000;
    expect(ppollSync!(fds, 1, ts, null)).toBe(0);
    expect(ts.tv_nsec).toBe(20_000_000);
    shutdown(p.client, SHUT_WR); // the peer's end of stream reads as readable
    expect(ppollSync!(fds, 1, null, null)).toBe(1);
    expect(fds[0].revents & POLLIN).toBe(POLLIN);
  });
});

describe.runIf(linux)('epoll', () => {
  it('epoll_wait_returns_the_ready_entries_with_their_data', async () => {
    const p = await pair();
    const ep = epoll_create1!(EPOLL_CLOEXEC);
    expect(ep).toBeGreaterThan(2);
    const ev = new epoll_event();
    ev.events = EPOLLIN!;
    ev.data.fd = p.server;
    expect(epoll_ctl!(ep, EPOLL_CTL_ADD!, p.server, ev)).toBe(0);
    ev.events = EPOLLOUT!;
    ev.data.u64 = 0x0123456789abcdefn;
    expect(epoll_ctl!(ep, EPOLL_CTL_ADD!, p.client, ev)).toBe(0);
    const events = array(epoll_event, 8);
    expect(epoll_waitSync!(ep, events, 8, 1000)).toBe(1); // only the client is writable
    expect(events[0].events).toBe(EPOLLOUT);
    expect(events[0].data.u64).toBe(0x0123456789abcdefn);
    sendSync(p.client, 'hi', 2, 0);
    expect(epoll_waitSync!(ep, events, 8, 1000)).toBe(2);
    const byData = events.slice(0, 2).map((e) => [e.events, e.data.fd]);
    expect(byData).toContainEqual([EPOLLIN, p.server]);
    expect(epoll_ctl!(ep, EPOLL_CTL_ADD!, p.server, ev)).toBe(-1);
    expect(errno).toBe(EEXIST);
    expect(epoll_ctl!(ep, EPOLL_CTL_DEL!, p.server, null)).toBe(0);
    expect(epoll_ctl!(ep, EPOLL_CTL_MOD!, p.server, ev)).toBe(-1);
    expect(errno).toBe(ENOENT);
    const mask = new sigset_t();
    sigemptyset(mask);
    expect(epoll_pwaitSync!(ep, events, 1, 0, mask)).toBe(1);
    expect(close(ep)).toBe(0);
  });

  it('epoll_create_of_a_size_below_1_is_EINVAL_and_a_closed_epfd_is_EBADF', () => {
    expect(epoll_create!(0)).toBe(-1);
    expect(errno).toBe(EINVAL);
    const ep = epoll_create!(1);
    expect(ep).toBeGreaterThan(2);
    close(ep);
    expect(epoll_waitSync!(ep, array(epoll_event, 1), 1, 0)).toBe(-1);
    expect(errno).toBe(EBADF);
  });
});

describe('signals', () => {
  // A signal from another process while the call blocks the thread.
  // Sent to this thread (tgkill), not to the process: a process-directed
  // signal may be taken by another thread, and the call would not be interrupted.
  let tgkill = '';
  const dir = mkdtempSync(join(tmpdir(), 'posix-sockets-tgkill-'));
  beforeAll(() => {
    tgkill = join(dir, 'tgkill');
    writeFileSync(
      `${tgkill}.c`,
      '#define _GNU_SOURCE\n#include <stdlib.h>\n#include <sys/syscall.h>\n#include <unistd.h>\n' +
        'int main(int argc, char **argv) { usleep(atoi(argv[3]) * 1000); return syscall(SYS_tgkill, atoi(argv[1]), atoi(argv[1]), atoi(argv[2])) == 0 ? 0 : 1; }\n',
    );
    execFileSync('cc', ['-o', tgkill, `${tgkill}.c`]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  function signalSoon(signal: number, ms: number) {
    return spawn(tgkill, [String(process.pid), String(signal), String(ms)], { stdio: 'ignore' });
  }
  // Bounded: a call the signal failed to interrupt fails the test instead of hanging it.
  const fiveSeconds = () => {
    const tv = new timeval();
    tv.tv_sec = 5;
    return tv;
  };

  it('a_signal_ends_a_blocked_select_with_EINTR_unless_pselect_masks_it', async () => {
    const seen: string[] = [];
    const onSignal = () => seen.push('SIGUSR2');
    process.on('SIGUSR2', onSignal);
    try {
      const p = await pair();
      let child = signalSoon(SIGUSR2, 50);
      const r = setOf(p.server);
      expect(selectSync(p.server + 1, r, null, null, fiveSeconds())).toBe(-1);
      expect(errno).toBe(EINTR);
      await new Promise((resolve) => child.on('exit', resolve));
      await sleep(20);
      expect(seen).toEqual(['SIGUSR2']);
      // Blocked by pselect's mask: the wait runs to its timeout, the signal is delivered after.
      const mask = new sigset_t();
      sigemptyset(mask);
      sigaddset(mask, SIGUSR2);
      sigaddset(mask, SIGCHLD); // the signalling child's exit
      const ts = new timespec();
      ts.tv_nsec = 300_000_000;
      child = signalSoon(SIGUSR2, 50);
      FD_SET(p.server, r);
      const masked = pselectSync(p.server + 1, r, null, null, ts, mask);
      expect([masked, masked === -1 ? errno : 0]).toEqual([0, 0]);
      await new Promise((resolve) => child.on('exit', resolve));
      await sleep(20);
      expect(seen).toEqual(['SIGUSR2', 'SIGUSR2']);
      // And poll, like select, is never restarted.
      child = signalSoon(SIGUSR2, 50);
      const one = new pollfd();
      one.fd = p.server;
      one.events = POLLIN;
      expect(pollSync(one, 1, 5000)).toBe(-1);
      expect(errno).toBe(EINTR);
      await new Promise((resolve) => child.on('exit', resolve));
    } finally {
      await sleep(20);
      process.off('SIGUSR2', onSignal);
    }
  });
});

describe('errors', () => {
  it('error_results_and_errno_equal_c', () => {
    // The same calls in C and here: result and errno of each.
    const c = runC(`${C_HEADERS}
static void show(const char *name, long r) { printf("%s %ld %d\\n", name, r, r == -1 ? errno : 0); }
int main(void) {
  int gone = socket(AF_INET, SOCK_STREAM, 0);
  close(gone);
  fd_set r; FD_ZERO(&r); FD_SET(gone, &r);
  struct timeval tv = {0, 0};
  show("select_negative", select(-1, NULL, NULL, NULL, &tv));
  show("select_closed", select(gone + 1, &r, NULL, NULL, &tv));
  struct timeval bad = {0, -1};
  show("select_bad_timeout", select(0, NULL, NULL, NULL, &bad));
  struct pollfd p = {900, POLLIN, 0};
  show("poll_closed", poll(&p, 1, 0));
  printf("poll_closed_revents %d\\n", p.revents);
#ifdef __linux__
  show("epoll_create0", epoll_create(0));
  show("epoll_create1_bad", epoll_create1(-1));
  int ep = epoll_create1(0);
  struct epoll_event ev[1];
  show("epoll_wait_max0", epoll_wait(ep, ev, 0, 0));
  show("epoll_ctl_self", epoll_ctl(ep, EPOLL_CTL_ADD, ep, ev));
  show("epoll_ctl_closed", epoll_ctl(ep, EPOLL_CTL_ADD, 900, ev));
  close(ep);
#endif
  return 0;
}
`);
    const mine: string[] = [];
    const show = (name: string, r: number) => mine.push(`${name} ${r} ${r === -1 ? errno : 0}`);
    const gone = socket(AF_INET, SOCK_STREAM, 0);
    close(gone);
    const r = setOf(gone);
    show('select_negative', selectSync(-1, null, null, null, new timeval()));
    show('select_closed', selectSync(gone + 1, r, null, null, new timeval()));
    const bad = new timeval();
    bad.tv_usec = -1;
    show('select_bad_timeout', selectSync(0, null, null, null, bad));
    const p = new pollfd();
    p.fd = 900;
    p.events = POLLIN;
    show('poll_closed', pollSync(p, 1, 0));
    mine.push(`poll_closed_revents ${p.revents}`);
    if (linux) {
      show('epoll_create0', epoll_create!(0));
      show('epoll_create1_bad', epoll_create1!(-1));
      const ep = epoll_create1!(0);
      const ev = array(epoll_event, 1);
      show('epoll_wait_max0', epoll_waitSync!(ep, ev, 0, 0));
      show('epoll_ctl_self', epoll_ctl!(ep, EPOLL_CTL_ADD!, ep, ev[0]));
      show('epoll_ctl_closed', epoll_ctl!(ep, EPOLL_CTL_ADD!, 900, ev[0]));
      close(ep);
    }
    expect(mine.join('\n')).toBe(c.trimEnd());
    expect(mine.join('\n')).toContain(`select_negative -1 ${EINVAL}`);
    expect(mine.join('\n')).toContain(`select_closed -1 ${EBADF}`);
  });
});
