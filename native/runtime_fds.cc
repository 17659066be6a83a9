// Refusing calls on the runtime's own descriptors (see runtime_fds.h).
#include "runtime_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <atomic>

#include "reactor/facts.h"
#include "reactor/reactor.h"
#include "uv_api.h"

namespace posix_sockets {

namespace {

// What /proc says the descriptor is, when it is the runtime's kind; else null.
const char* RuntimeKind(int fd, char* link, size_t size) {
#ifdef __linux__
  int fl = fcntl(fd, F_GETFD);
  if (fl == -1 || !(fl & FD_CLOEXEC)) return nullptr;
  char path[64];
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  ssize_t n = readlink(path, link, size - 1);
  if (n <= 0) return nullptr;
  link[n] = '\0';
  if (strncmp(link, "anon_inode:", 11) == 0 || strncmp(link, "pipe:", 5) == 0) return link;
#else
  (void)fd;
  (void)link;
  (void)size;
#endif
  return nullptr;
}

}  // namespace

bool RefuseRuntimeFd(Napi::Env env, int fd) {
  if (fd <= 2 || MadeByLibrary(fd)) return false;  // the common case, without the facts' lock
  return RefuseRuntimeFd(env, fd, ReadFacts(fd));
}

bool RefuseRuntimeFd(Napi::Env env, int fd, const Facts& f) {
  // 0, 1 and 2 are the program's whatever flags the runtime gave them.
  if (fd <= 2 || f.made) return false;
  char link[256] = "the event loop's poller";
  uv_loop_t* loop = nullptr;
  bool owned = napi_get_uv_event_loop(env, &loop) == napi_ok && loop != nullptr && fd == uv_backend_fd(loop);
  if (!owned) owned = RuntimeKind(fd, link, sizeof(link)) != nullptr;
  if (!owned) return false;
  static std::atomic<bool> warned{false};
  if (!warned.exchange(true)) {
    fprintf(stderr,
            "posix-sockets: descriptor %d (%s) belongs to the Node.js runtime; closing or changing it "
            "would abort the process, so calls on it fail with EBADF (warned once)\n",
            fd, link);
  }
  errno = EBADF;
  return true;
}

bool RefuseCall(Napi::Env env, int fd) {
  if (RefuseRuntimeFd(env, fd)) return true;
  if (!IsClosedInFlight(env, fd)) return false;
  errno = EBADF;
  return true;
}

}  // namespace posix_sockets
