// posix-sockets, the I/O-model chapter's servers: the C reference's select,
// poll and epoll loops (bench/c/server.c: serve_w4s, serve_w4p, serve_w4),
// line for line. The multiplexer is awaited (on a thread of the library's
// pool, the event loop free); accept and recv after it cannot block, so they
// are the Sync twins, as in C. Server role only: the W4 load generator is C's.
import {
  acceptSync, recvSync, sendSync, close, select, poll, epoll_create1, epoll_ctl, epoll_wait,
  fd_set, FD_ZERO, FD_SET, FD_ISSET, FD_SETSIZE, array, pollfd, epoll_event,
  POLLIN, POLLHUP, POLLERR, EPOLLIN, EPOLL_CTL_ADD, EPOLL_CTL_DEL,
} from '../../dist/index.js';
import { role, workload, num, printPort, reportRss, fail, selfStop } from './common.mjs';
import { check, nodelay, listenLoopback } from './posix-common.mjs';

const size = num('size', 512);
const clients = num('clients', 256);

function sendAll(fd, buf, len) {
  for (let off = 0; off < len; ) off += check(sendSync(fd, off === 0 ? buf : buf.subarray(off), len - off, 0), 'send');
}

const servers = {
  async w4s(lfd) {
    const fds = [];
    const buf = Buffer.alloc(size);
    let accepted = 0;
    const rset = new fd_set();
    while (accepted < clients || fds.length > 0) {
      FD_ZERO(rset);
      let maxfd = -1;
      if (accepted < clients) {
        FD_SET(lfd, rset);
        maxfd = lfd;
      }
      for (const fd of fds) {
        FD_SET(fd, rset);
        if (fd > maxfd) maxfd = fd;
      }
      check(await select(maxfd + 1, rset, null, null, null), 'select');
      if (accepted < clients && FD_ISSET(lfd, rset)) {
        const cfd = check(acceptSync(lfd, null, null), 'accept');
        if (cfd >= FD_SETSIZE) fail('accept: descriptor past FD_SETSIZE');
        nodelay(cfd);
        fds.push(cfd); // not in this call's set: FD_ISSET is 0 for it below
        accepted++;
      }
      for (let i = 0; i < fds.length; i++) {
        if (!FD_ISSET(fds[i], rset)) continue;
        const r = check(recvSync(fds[i], buf, size, 0), 'recv');
        if (r === 0) {
          close(fds[i]);
          fds[i--] = fds[fds.length - 1];
          fds.pop();
          continue;
        }
        sendAll(fds[i], buf, r);
      }
    }
  },

  async w4p(lfd) {
    const fds = array(pollfd, clients + 1);
    const buf = Buffer.alloc(size);
    let accepted = 0;
    let nfds = 1;
    fds[0].fd = lfd;
    fds[0].events = POLLIN;
    while (accepted < clients || nfds > 1) {
      check(await poll(fds, nfds, -1), 'poll');
      if (fds[0].revents & POLLIN) {
        const cfd = check(acceptSync(lfd, null, null), 'accept');
        nodelay(cfd);
        fds[nfds].fd = cfd;
        fds[nfds].events = POLLIN;
        fds[nfds].revents = 0;
        nfds++;
        if (++accepted === clients) fds[0].fd = -1;
      }
      for (let i = 1; i < nfds; i++) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const r = check(recvSync(fds[i].fd, buf, size, 0), 'recv');
        if (r === 0) {
          close(fds[i].fd);
          fds[i].bytes.set(fds[--nfds].bytes); // fds[i--] = fds[--nfds]
          i--;
          continue;
        }
        sendAll(fds[i].fd, buf, r);
      }
    }
  },

  async w4e(lfd) {
    const ep = check(epoll_create1(0), 'epoll_create1');
    const ev = new epoll_event();
    ev.events = EPOLLIN;
    ev.data.fd = lfd;
    check(epoll_ctl(ep, EPOLL_CTL_ADD, lfd, ev), 'epoll_ctl');
    const buf = Buffer.alloc(size);
    let accepted = 0;
    let open = 0;
    const events = array(epoll_event, 64);
    while (accepted < clients || open > 0) {
      const n = check(await epoll_wait(ep, events, 64, -1), 'epoll_wait');
      for (let i = 0; i < n; i++) {
        const fd = events[i].data.fd;
        if (fd === lfd) {
          const cfd = check(acceptSync(lfd, null, null), 'accept');
          nodelay(cfd);
          ev.events = EPOLLIN;
          ev.data.fd = cfd;
          check(epoll_ctl(ep, EPOLL_CTL_ADD, cfd, ev), 'epoll_ctl');
          accepted++;
          open++;
          if (accepted === clients) epoll_ctl(ep, EPOLL_CTL_DEL, lfd, null);
          continue;
        }
        const r = check(recvSync(fd, buf, size, 0), 'recv');
        if (r === 0) {
          epoll_ctl(ep, EPOLL_CTL_DEL, fd, null);
          close(fd);
          open--;
          continue;
        }
        sendAll(fd, buf, r);
      }
    }
    close(ep);
  },
};

if (role !== 'server' || !servers[workload]) fail('only the W4 servers on select, poll and epoll');
selfStop(num('limit', 60));
const { fd, port } = listenLoopback();
printPort(port);
await servers[workload](fd);
close(fd);
reportRss();
