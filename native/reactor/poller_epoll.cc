// The poller on Linux: epoll(7), one EPOLLONESHOT watch per descriptor.
#include <errno.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cstdint>

#include "poller.h"

namespace posix_sockets {

bool Poller::Open() {
  fd = epoll_create1(EPOLL_CLOEXEC);
  return fd != -1;
}

bool Poller::Arm(int target, bool read, bool write, bool known) {
  if (!read && !write) return true;
  epoll_event ev{};
  ev.events = EPOLLONESHOT | (read ? EPOLLIN | EPOLLRDHUP : 0u) | (write ? EPOLLOUT : 0u);
  ev.data.fd = target;
  if (!known) {  // a new descriptor: add it (it may still be there from a dup: then change it)
    if (epoll_ctl(fd, EPOLL_CTL_ADD, target, &ev) == 0) return true;
    return errno == EEXIST && epoll_ctl(fd, EPOLL_CTL_MOD, target, &ev) == 0;
  }
  if (epoll_ctl(fd, EPOLL_CTL_MOD, target, &ev) == 0) return true;
  if (errno != ENOENT) return false;  // closed behind the library's back: add it anew
  if (epoll_ctl(fd, EPOLL_CTL_ADD, target, &ev) == 0) return true;
  return errno == EEXIST && epoll_ctl(fd, EPOLL_CTL_MOD, target, &ev) == 0;
}

void Poller::Forget(int target) { epoll_ctl(fd, EPOLL_CTL_DEL, target, nullptr); }

int Poller::Poll(Ready* out, int max) {
  epoll_event evs[64];
  int n = epoll_wait(fd, evs, std::min(max, 64), 0);
  for (int i = 0; i < n; i++) {
    uint32_t e = evs[i].events;
    out[i] = {evs[i].data.fd, (e & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0,
              (e & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0};
  }
  return std::max(n, 0);
}

unsigned Poller::Disarmed(bool, bool) { return kWatchRead | kWatchWrite; }

}  // namespace posix_sockets
