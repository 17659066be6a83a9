// The awaited select, poll and epoll_wait: the syscall is made on a thread of
// the library's pool while the event loop runs on; what the kernel wrote
// (sets, revents, events, the time left) is in the caller's memory when the
// Promise settles; a zero timeout is made at once; and the interplay with the
// library's own awaited calls on the same descriptors.
import { describe, expect, it } from 'vitest';
import {
  EAGAIN,
  ECANCELED,
  EBADF,
  EPOLLIN,
  EPOLL_CTL_ADD,
  FD_ISSET,
  FD_SET,
  FD_ZERO,
  POLLIN,
  SIGUSR1,
  array,
  close,
  epoll_create1,
  epoll_ctl,
  epoll_event,
  epoll_pwait,
  epoll_wait,
  errno,
  fd_set,
  poll,
  pollfd,
  ppoll,
  pselect,
  recv,
  recvSync,
  select,
  sendSync,
  sigaddset,
  sigemptyset,
  sigset_t,
  timespec,
  timeval,
  AF_INET,
  SOCK_STREAM,
  socket,
} from '../../src/index.js';
import { addon } from '../../src/addon.js';
import { closedAfterEach } from '../support/sockets.js';
import { sleep } from '../support/kernel.js';

const linux = process.platform === 'linux';
const { pair } = closedAfterEach();

function readable(fd: number): pollfd {
  const p = new pollfd();
  p.fd = fd;
  p.events = POLLIN;
  return p;
}

describe('awaited forms', () => {
  it('await_select_waits_on_a_pool_thread_while_timers_run_and_writes_the_set_back', async () => {
    const p = await pair();
    const r = new fd_set();
    FD_ZERO(r);
    FD_SET(p.server, r);
    FD_SET(p.client, r);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const waiting = select(Math.max(p.server, p.client) + 1, r, null, null, null);
    await sleep(50);
    expect(addon.reactorStats().pending).toBe(1); // on a pool thread, not the event loop
    expect(FD_ISSET(p.client, r)).toBe(1); // untouched until the kernel answers
    sendSync(p.client, 'x', 1, 0);
    expect(await waiting).toBe(1);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
    expect(FD_ISSET(p.server, r)).toBe(1);
    expect(FD_ISSET(p.client, r)).toBe(0);
    expect(addon.reactorStats().pending).toBe(0);
  });

  it('await_select_timeout_resolves_0_with_the_time_left_written_on_linux', async () => {
    const p = await pair();
    const r = new fd_set();
    FD_SET(p.server, r);
    const tv = new timeval();
    tv.tv_usec = 30_000;
    expect(await select(p.server + 1, r, null, null, tv)).toBe(0);
    expect(FD_ISSET(p.server, r)).toBe(0);
    if (linux) expect([tv.tv_sec, tv.tv_usec]).toEqual([0, 0]);
  });

  it('await_pselect_with_a_mask_resolves_when_data_arrives', async () => {
    const p = await pair();
    const r = new fd_set();
    FD_SET(p.server, r);
    const mask = new sigset_t();
    sigemptyset(mask);
    sigaddset(mask, SIGUSR1);
    const ts = new timespec();
    ts.tv_sec = 5;
    const waiting = pselect(p.server + 1, r, null, null, ts, mask);
    setTimeout(() => sendSync(p.client, 'x', 1, 0), 20);
    expect(await waiting).toBe(1);
    expect(FD_ISSET(p.server, r)).toBe(1);
    expect(ts.tv_sec).toBe(5);
  });

  it('await_poll_writes_every_revents_back', async () => {
    const p = await pair();
    const fds = array(pollfd, 2);
    fds[0].fd = p.server;
    fds[0].events = POLLIN;
    fds[1].fd = p.client;
    fds[1].events = POLLIN;
    fds[1].revents = 0x55; // the kernel overwrites it with 0
    const waiting = poll(fds, 2, -1);
    setTimeout(() => sendSync(p.client, 'hi', 2, 0), 20);
    expect(await waiting).toBe(1);
    expect(fds[0].revents).toBe(POLLIN);
    expect(fds[1].revents).toBe(0);
  });

  it.runIf(linux)('await_ppoll_and_await_epoll_wait_resolve_when_data_arrives', async () => {
    const p = await pair();
    const fds = array(pollfd, 1);
    fds[0].fd = p.server;
    fds[0].events = POLLIN;
    const ep = epoll_create1!(0);
    const ev = new epoll_event();
    ev.events = EPOLLIN!;
    ev.data.fd = p.server;
    epoll_ctl!(ep, EPOLL_CTL_ADD!, p.server, ev);
    const events = array(epoll_event, 4);
    const polled = ppoll!(fds, 1, null, null);
    const waited = epoll_wait!(ep, events, 4, -1);
    const pwaited = epoll_pwait!(ep, array(epoll_event, 1), 1, 5000, null);
    await sleep(30);
    expect(addon.reactorStats().pending).toBe(3);
    sendSync(p.client, 'x', 1, 0);
    expect(await polled).toBe(1);
    expect(await waited).toBe(1);
    expect(await pwaited).toBe(1);
    expect(fds[0].revents).toBe(POLLIN);
    expect(events[0].events).toBe(EPOLLIN);
    expect(events[0].data.fd).toBe(p.server);
    expect(events[1].events).toBe(0); // only the ready events are written
    close(ep);
  });

  it('a_zero_timeout_is_made_at_once_on_the_event_loop_thread', async () => {
    const p = await pair();
    const one = readable(p.server);
    const polled = poll(one, 1, 0);
    const r = new fd_set();
    FD_SET(p.server, r);
    const selected = select(p.server + 1, r, null, null, new timeval());
    expect(addon.reactorStats().pending).toBe(0);
    expect(await polled).toBe(0);
    expect(await selected).toBe(0);
    if (linux) {
      const ep = epoll_create1!(0);
      const waited = epoll_wait!(ep, array(epoll_event, 1), 1, 0);
      expect(addon.reactorStats().pending).toBe(0);
      expect(await waited).toBe(0);
      close(ep);
    }
  });

  it('await_select_with_a_closed_descriptor_in_a_set_is_EBADF', async () => {
    const gone = socket(AF_INET, SOCK_STREAM, 0);
    close(gone);
    const r = new fd_set();
    FD_SET(gone, r);
    expect(await select(gone + 1, r, null, null, null)).toBe(-1);
    expect(errno).toBe(EBADF);
  });

  it('an_aborted_signal_before_the_call_resolves_ECANCELED_without_a_syscall', async () => {
    const p = await pair();
    const ac = new AbortController();
    ac.abort();
    expect(await poll(readable(p.server), 1, -1, { signal: ac.signal })).toBe(-1);
    expect(errno).toBe(addon.constants.ECANCELED);
    expect(addon.reactorStats().pending).toBe(0);
  });
});

describe('{ timeout, signal } inside the syscall', () => {
  it('a_timeout_takes_an_awaited_poll_out_of_its_syscall_with_EAGAIN_and_writes_the_revents', async () => {
    const p = await pair();
    const fds = array(pollfd, 1);
    fds[0].fd = p.server;
    fds[0].events = POLLIN;
    fds[0].revents = 0x55;
    const t0 = performance.now();
    const polled = poll(fds, 1, -1, { timeout: 30 });
    expect(await polled).toBe(-1);
    expect(errno).toBe(EAGAIN);
    expect(polled.errno).toBe(EAGAIN); // the call's own, whatever completes after it
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(fds[0].revents).toBe(0); // the kernel wrote every revents before it returned EINTR
    expect(addon.reactorStats().pending).toBe(0);
  });

  it('an_abort_takes_an_awaited_select_out_with_ECANCELED_leaving_the_sets_as_they_were', async () => {
    const p = await pair();
    const r = new fd_set();
    FD_SET(p.server, r);
    const ac = new AbortController();
    const waiting = select(p.server + 1, r, null, null, null, { signal: ac.signal });
    await sleep(30);
    expect(addon.reactorStats().pending).toBe(1);
    ac.abort();
    expect(await waiting).toBe(-1);
    expect(errno).toBe(ECANCELED);
    expect(FD_ISSET(p.server, r)).toBe(1); // a failed select writes no set
    // The descriptor is as it was: data sent now is there for the next call.
    sendSync(p.client, 'x', 1, 0);
    expect(await select(p.server + 1, r, null, null, null)).toBe(1);
  });

  it.runIf(linux)('a_timeout_ends_an_awaited_epoll_wait_and_a_completion_before_it_is_kept', async () => {
    const p = await pair();
    const ep = epoll_create1!(0);
    const ev = new epoll_event();
    ev.events = EPOLLIN!;
    ev.data.fd = p.server;
    epoll_ctl!(ep, EPOLL_CTL_ADD!, p.server, ev);
    const events = array(epoll_event, 2);
    expect(await epoll_wait!(ep, events, 2, -1, { timeout: 20 })).toBe(-1);
    expect(errno).toBe(EAGAIN);
    sendSync(p.client, 'x', 1, 0);
    expect(await epoll_wait!(ep, events, 2, -1, { timeout: 5000 })).toBe(1);
    expect(events[0].data.fd).toBe(p.server);
    close(ep);
  });
});

describe('interplay with the library\'s own awaited calls', () => {
  it('a_descriptor_poll_reports_readable_is_read_by_recvSync_and_await_recv_without_waiting', async () => {
    const p = await pair();
    sendSync(p.client, 'abcd', 4, 0);
    const one = readable(p.server);
    expect(await poll(one, 1, -1)).toBe(1);
    const buf = Buffer.alloc(2);
    expect(recvSync(p.server, buf, 2, 0)).toBe(2);
    expect(await poll(one, 1, -1)).toBe(1);
    const receiving = recv(p.server, buf, 2, 0);
    // Made at once: never queued in the reactor, never on a pool thread.
    expect(addon.reactorStats()).toMatchObject({ waiting: 0, pending: 0 });
    expect(await receiving).toBe(2);
    expect(buf.toString()).toBe('cd');
  });

  it('a_pending_await_recv_does_not_steal_the_readiness_a_poll_on_the_same_descriptor_reports', async () => {
    // As with two C threads, one in recv and one in poll on the same socket:
    // the data's arrival wakes both. (With a single byte, whichever reads
    // first takes it, as in C; two bytes make the outcome certain.)
    const p = await pair();
    const buf = Buffer.alloc(1);
    const receiving = recv(p.server, buf, 1, 0);
    const one = readable(p.server);
    const polled = poll(one, 1, 5000);
    await sleep(30);
    expect(addon.reactorStats()).toMatchObject({ waiting: 1, pending: 1 });
    sendSync(p.client, 'xy', 2, 0);
    expect(await receiving).toBe(1);
    expect(await polled).toBe(1);
    expect(one.revents).toBe(POLLIN);
    expect(buf.toString()).toBe('x');
    if (linux) {
      // The same with the caller's own epoll instance watching the descriptor.
      const ep = epoll_create1!(0);
      const ev = new epoll_event();
      ev.events = EPOLLIN!;
      ev.data.fd = p.server;
      epoll_ctl!(ep, EPOLL_CTL_ADD!, p.server, ev);
      expect(recvSync(p.server, buf, 1, 0)).toBe(1); // drain the 'y'
      const again = recv(p.server, buf, 1, 0);
      const events = array(epoll_event, 1);
      const waited = epoll_wait!(ep, events, 1, 5000);
      await sleep(30);
      sendSync(p.client, 'zw', 2, 0);
      expect(await again).toBe(1);
      expect(await waited).toBe(1);
      expect(events[0].data.fd).toBe(p.server);
      close(ep);
    }
  });
});
