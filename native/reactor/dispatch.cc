// The dispatch policy (see dispatch.h) and the per-descriptor facts it keeps.
#include "dispatch.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#ifdef __linux__
#include <linux/sock_diag.h>
#endif

#include <algorithm>
#include <mutex>
#include <unordered_map>

namespace posix_sockets {

namespace {

// What the checks below learned about a descriptor, so that they are not
// asked again on every call. Only answers whose staleness cannot block the JS
// thread are kept (a descriptor seen blocking, without timeouts; a stream
// socket seen established), and every call of this library that can change
// one forgets them: fcntl(F_SETFL), setsockopt of the timeouts, connect,
// close, and a new descriptor from socket() or accept() with the same number.
// Process-wide, as descriptors are.
struct Facts {
  bool blocking = false;     // F_GETFL showed no O_NONBLOCK
  bool noRcvTimeout = false;
  bool noSndTimeout = false;
  bool established = false;  // a stream socket that was writable: the free-space check suffices
};

class FactsTable {
 public:
  static FactsTable& Get() {
    static FactsTable* t = new FactsTable();  // never destroyed: pool threads may outlive statics
    return *t;
  }
  Facts Read(int fd) {
    std::lock_guard<std::mutex> g(m_);
    auto it = map_.find(fd);
    return it == map_.end() ? Facts{} : it->second;
  }
  template <typename F>
  void Update(int fd, F f) {
    std::lock_guard<std::mutex> g(m_);
    f(map_[fd]);
  }
  void Forget(int fd) {
    std::lock_guard<std::mutex> g(m_);
    map_.erase(fd);
  }

 private:
  std::mutex m_;
  std::unordered_map<int, Facts> map_;
};

bool NonBlocking(int fd) {
  if (FactsTable::Get().Read(fd).blocking) return false;
  int fl = fcntl(fd, F_GETFL);
  if (fl == -1) return true;  // a bad descriptor fails at once, too
  if (fl & O_NONBLOCK) return true;
  FactsTable::Get().Update(fd, [](Facts& f) { f.blocking = true; });
  return false;
}

bool HasTimeout(int fd, int option) {
  Facts known = FactsTable::Get().Read(fd);
  if (option == SO_RCVTIMEO ? known.noRcvTimeout : known.noSndTimeout) return false;
  timeval tv{};
  socklen_t l = sizeof(tv);
  if (getsockopt(fd, SOL_SOCKET, option, &tv, &l) != 0) return false;
  bool has = tv.tv_sec != 0 || tv.tv_usec != 0;
  if (!has) {
    FactsTable::Get().Update(fd, [option](Facts& f) {
      (option == SO_RCVTIMEO ? f.noRcvTimeout : f.noSndTimeout) = true;
    });
  }
  return has;
}

// A stream socket (TCP, or unix SOCK_STREAM) past its handshake: a send waits
// only for buffer space, which SendFits measures. (A unix datagram send also
// waits for room in the peer's queue, which only poll(2) reports.)
void NoteWritable(int fd) {
  int type = 0;
  socklen_t l = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) == 0 && type == SOCK_STREAM) {
    FactsTable::Get().Update(fd, [](Facts& f) { f.established = true; });
  }
}

// write(2)/writev(2) on a descriptor that is not a socket (a pipe, a FIFO, a
// file): once poll(2) reports a pipe writable, PIPE_BUF bytes fit without
// waiting; more may wait for the reader. send(2) on one fails at once.
bool NotSocketFits(const Op& op) {
  if (!op.plainIo && !op.vec) return true;  // ENOTSOCK, at once
  return op.len <= PIPE_BUF;
}

// Whether a blocking send of op.len bytes completes without waiting for
// buffer space. Conservative: twice the data plus a page for per-buffer overhead.
bool SendFits(const Op& op) {
#if defined(SO_MEMINFO)
  uint32_t mem[SK_MEMINFO_VARS];
  socklen_t l = sizeof(mem);
  if (getsockopt(op.fd, SOL_SOCKET, SO_MEMINFO, mem, &l) != 0) {
    return errno == ENOTSOCK ? NotSocketFits(op) : errno == EBADF;  // EBADF: the call fails at once
  }
  uint64_t used = std::max(mem[SK_MEMINFO_WMEM_ALLOC], mem[SK_MEMINFO_WMEM_QUEUED]);
  return used + 2 * static_cast<uint64_t>(op.len) + 4096 <= mem[SK_MEMINFO_SNDBUF];
#elif defined(SO_NWRITE)
  int nwrite = 0, sndbuf = 0;
  socklen_t l = sizeof(int);
  if (getsockopt(op.fd, SOL_SOCKET, SO_NWRITE, &nwrite, &l) != 0) {
    return errno == ENOTSOCK ? NotSocketFits(op) : errno == EBADF;
  }
  l = sizeof(int);
  if (getsockopt(op.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &l) != 0) return false;
  return static_cast<uint64_t>(nwrite) + 2 * static_cast<uint64_t>(op.len) + 4096 <=
         static_cast<uint64_t>(sndbuf);
#else
  (void)op;
  return false;
#endif
}

// MSG_DONTWAIT or a non-blocking descriptor: C's call returns at once, so it

}  // namespace

bool NeverWaits(const Op& op) {
  return (op.kind != OpKind::Accept && (op.flags & MSG_DONTWAIT)) || NonBlocking(op.fd);
}

Plan Decide(const Op& op, bool ready) {
  if ((op.plainIo || op.vec) && ReturnsAtOnce(op)) return Plan::Now;
  if (op.kind == OpKind::Connect) return NonBlocking(op.fd) ? Plan::Now : Plan::Pool;
  bool reading = op.kind == OpKind::Accept || op.kind == OpKind::Recv;
  if (op.kind != OpKind::Accept) {
    if (op.flags & MSG_DONTWAIT) return Plan::Now;
    // Out-of-band and error-queue reads never wait for ordinary data.
    int special = MSG_OOB;
#ifdef MSG_ERRQUEUE
    special |= MSG_ERRQUEUE;
#endif
    if (reading && (op.flags & special)) {
      pollfd p{op.fd, 0, 0};
      poll(&p, 1, 0);
      return p.revents & POLLNVAL ? Plan::Now : Plan::Pool;  // a bad descriptor fails at once
    }
  }
  bool waitall = op.kind == OpKind::Recv && (op.flags & MSG_WAITALL);
  if (ready && !waitall) {
    if (reading) return Plan::Now;
    return SendFits(op) || NonBlocking(op.fd) ? Plan::Now : Plan::Pool;
  }
#if defined(SO_MEMINFO) || defined(SO_NWRITE)
  // An established stream socket with room for the data: no poll needed.
  if (!reading && FactsTable::Get().Read(op.fd).established && SendFits(op)) return Plan::Now;
#endif
  pollfd p{op.fd, static_cast<short>(reading ? POLLIN : POLLOUT), 0};
#ifdef POLLRDHUP
  if (reading) p.events |= POLLRDHUP;
#endif
  int n = poll(&p, 1, 0);
  if (n == -1) return Plan::Pool;
  if (n == 1) {
    if (p.revents & (POLLNVAL | POLLERR | POLLHUP)) return Plan::Now;  // returns at once
    if (!reading) {
      if (!SendFits(op)) return NonBlocking(op.fd) ? Plan::Now : Plan::Pool;
      NoteWritable(op.fd);
      return Plan::Now;
    }
    if (waitall) {
#ifdef POLLRDHUP
      if (p.revents & POLLRDHUP) return Plan::Now;  // the peer closed: recv returns what is there
#endif
      int avail = 0;
      if (ioctl(op.fd, FIONREAD, &avail) == 0 && static_cast<size_t>(avail) >= op.len) {
        return Plan::Now;
      }
      return NonBlocking(op.fd) ? Plan::Now : Plan::Pool;
    }
    return Plan::Now;
  }
  if (NonBlocking(op.fd)) return Plan::Now;  // C's -1/EAGAIN, right away
  // With SO_RCVTIMEO / SO_SNDTIMEO set, the kernel's own timer must run: the
  // call waits inside the syscall, on a pool thread.
  if (HasTimeout(op.fd, reading ? SO_RCVTIMEO : SO_SNDTIMEO)) return Plan::Pool;
  return reading ? Plan::WaitRead : Plan::WaitWrite;
}

void ForgetFacts(int fd) { FactsTable::Get().Forget(fd); }

}  // namespace posix_sockets
