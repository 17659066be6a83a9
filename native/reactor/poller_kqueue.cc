// The poller on macOS and the BSDs: kqueue(2), one EV_ONESHOT filter per
// direction.
#include <fcntl.h>
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "poller.h"

namespace posix_sockets {

bool Poller::Open() {
  fd = kqueue();
  if (fd != -1) fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd != -1;
}

bool Poller::Arm(int target, bool read, bool write, bool /*known: EV_ADD adds or changes*/) {
  if (!read && !write) return true;
  struct kevent ch[2];
  int n = 0;
  if (read) EV_SET(&ch[n++], target, EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0, nullptr);
  if (write) EV_SET(&ch[n++], target, EVFILT_WRITE, EV_ADD | EV_ONESHOT, 0, 0, nullptr);
  return kevent(fd, ch, n, nullptr, 0, nullptr) == 0;
}

void Poller::Forget(int target) {
  struct kevent ch;
  EV_SET(&ch, target, EVFILT_READ, EV_DELETE, 0, 0, nullptr);
  kevent(fd, &ch, 1, nullptr, 0, nullptr);
  EV_SET(&ch, target, EVFILT_WRITE, EV_DELETE, 0, 0, nullptr);
  kevent(fd, &ch, 1, nullptr, 0, nullptr);
}

int Poller::Poll(Ready* out, int max) {
  struct kevent evs[64];
  timespec zero{0, 0};
  int n = kevent(fd, nullptr, 0, evs, std::min(max, 64), &zero);
  for (int i = 0; i < n; i++) {
    bool err = (evs[i].flags & EV_ERROR) != 0;
    out[i] = {static_cast<int>(evs[i].ident), err || evs[i].filter == EVFILT_READ,
              err || evs[i].filter == EVFILT_WRITE};
  }
  return std::max(n, 0);
}

unsigned Poller::Disarmed(bool read, bool write) {
  return (read ? kWatchRead : 0u) | (write ? kWatchWrite : 0u);
}

}  // namespace posix_sockets
