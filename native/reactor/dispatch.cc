// The dispatch policy (see dispatch.h): one rule per kind of call.
#include "dispatch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#ifdef __linux__
#include <linux/sockios.h>
#endif

#include "vectored.h"

namespace posix_sockets {

namespace {

// Whether a call on `fd` returns at once for want of O_NONBLOCK's answer:
// the descriptor is non-blocking, or bad (EBADF at once).
bool NonBlocking(int fd, const Facts& f) {
  if (f.blocking >= 0) return f.blocking == 0;
  int fl = fcntl(fd, F_GETFL);
  if (fl == -1) return true;
  NoteBlocking(fd, !(fl & O_NONBLOCK));
  return (fl & O_NONBLOCK) != 0;
}

// read/write/readv/writev work on any descriptor; the other calls fail at
// once with ENOTSOCK on one that is not a socket.
bool AnyDescriptor(const Op& op) {
  return op.plainIo || (op.vec && (op.vec->call == Vectored::Call::Readv || op.vec->call == Vectored::Call::Writev));
}

// The call names a destination (sendto's dest_addr, sendmsg's msg_name).
bool HasAddress(const Op& op) {
  if (op.vec) return op.vec->msg.msg_name != nullptr && op.vec->msg.msg_namelen != 0;
  return op.addrPresent && op.addrLenIn != 0;
}

// What a descriptor that is not ready is, for the calls that return at once
// on a non-socket or a listener whatever is queued.
enum class What { NotSocket, Listener, Other, Unknown };

What WhatIs(int fd, const Facts& f) {
  if (f.made) return f.notSocket ? What::NotSocket : f.listening ? What::Listener : What::Other;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return What::NotSocket;
#ifdef __linux__
  // FIONREAD on a listening socket (TCP, unix stream or seqpacket) fails
  // with EINVAL; on any other socket it answers.
  int n = 0;
  if (ioctl(fd, FIONREAD, &n) == 0) return What::Other;
  if (errno == EINVAL) return What::Listener;
#endif
  return What::Unknown;  // elsewhere, and for a descriptor of unknown kind: Pool
}

// poll(2) without waiting; `ready` stands in for it right after the poller's
// report. Returns revents.
short PollNow(int fd, short events, bool ready) {
  if (ready) return events & (POLLIN | POLLOUT);
  pollfd p{fd, events, 0};
  if (poll(&p, 1, 0) != 1) return 0;
  return p.revents;
}

#ifdef POLLRDHUP
constexpr short kReadEvents = POLLIN | POLLRDHUP;
constexpr short kAtOnce = POLLNVAL | POLLERR | POLLHUP | POLLRDHUP;
#else
constexpr short kReadEvents = POLLIN;
constexpr short kAtOnce = POLLNVAL | POLLERR | POLLHUP;
#endif

// Flags with which a call that waits for readiness in C stops waiting exactly
// when poll(2) reports it; with any other flag it runs on a pool thread.
constexpr int kWaitableRecvFlags = MSG_PEEK | MSG_TRUNC | MSG_WAITALL
#ifdef MSG_CMSG_CLOEXEC
                                   | MSG_CMSG_CLOEXEC
#endif
#ifdef MSG_NOSIGNAL
                                   | MSG_NOSIGNAL
#endif
    ;
constexpr int kWaitableSendFlags = 0
#ifdef MSG_NOSIGNAL
                                   | MSG_NOSIGNAL
#endif
#ifdef MSG_MORE
                                   | MSG_MORE
#endif
    ;

// Out-of-band and error-queue reads never wait for ordinary data; what they
// do wait for, only the syscall knows.
constexpr int kSpecialRecvFlags = MSG_OOB
#ifdef MSG_ERRQUEUE
                                  | MSG_ERRQUEUE
#endif
    ;

Plan DecideAccept(const Op& op, const Facts& f, bool ready) {
#ifdef SOCK_NONBLOCK
  if (op.useAccept4 && (op.flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))) return Plan::Now;  // EINVAL
#endif
  if (NonBlocking(op.fd, f)) return Plan::Now;
  // A listener reports only POLLIN (a connection queued); any event means a
  // connection is there or the socket is no listener: accept returns at once.
  if (PollNow(op.fd, POLLIN, ready) != 0) return Plan::Now;
  switch (WhatIs(op.fd, f)) {
    case What::NotSocket:
    case What::Other:
      return Plan::Now;  // ENOTSOCK, EINVAL, EOPNOTSUPP
    case What::Listener:
      return f.made && !f.rcvTimeout ? Plan::WaitRead : Plan::Pool;
    case What::Unknown:
      break;
  }
  return Plan::Pool;
}

Plan DecideRecv(const Op& op, const Facts& f, bool ready) {
  if ((op.flags & MSG_DONTWAIT) || NonBlocking(op.fd, f)) return Plan::Now;
  if (op.flags & kSpecialRecvFlags) {
    return PollNow(op.fd, 0, false) & POLLNVAL ? Plan::Now : Plan::Pool;
  }
  // SO_RCVLOWAT: a unix stream recv waits for more than poll(2) reports.
  if (f.rcvLowat) return PollNow(op.fd, 0, false) & POLLNVAL ? Plan::Now : Plan::Pool;
  bool waitall = (op.flags & MSG_WAITALL) && !(f.made && f.type != SOCK_STREAM);
  short revents = PollNow(op.fd, kReadEvents, ready && !waitall);
  // An error, end of file or a hang-up: recv returns at once with it.
  if (revents & kAtOnce) return Plan::Now;
  if (revents & POLLIN) {
    if (!waitall) return Plan::Now;
    int avail = 0;
    if (ioctl(op.fd, FIONREAD, &avail) == 0 && static_cast<size_t>(avail) >= op.len) return Plan::Now;
    return Plan::Pool;  // MSG_WAITALL short of len: waits inside the syscall
  }
  switch (WhatIs(op.fd, f)) {
    case What::NotSocket:
      // read(2) of a pipe, a FIFO or a terminal waits for data or its end,
      // which poll(2) reports; recv(2) fails with ENOTSOCK.
      return AnyDescriptor(op) ? Plan::WaitRead : Plan::Now;
    case What::Listener:
      return Plan::Now;  // ENOTCONN or EINVAL
    case What::Other:
      if (f.made && !f.rcvTimeout && !(op.flags & ~kWaitableRecvFlags)) return Plan::WaitRead;
      break;
    case What::Unknown:
      break;
  }
  return Plan::Pool;  // e.g. SO_RCVTIMEO: the kernel's own timer must run
}

#ifdef __linux__
// Whether a blocking send of op.len bytes on a writable socket completes
// without waiting. From the kernel's own rules (Linux):
// - UDP: writable means less than half the buffer is used, and a datagram
//   only waits when the buffer is full before it: never;
// - unix datagram and seqpacket to the connected peer: writable means the
//   buffer is three quarters free and the peer's queue not full: never
//   (to an address given, the target's queue is unknown);
// - TCP: writable means at most two thirds used, so a third of the buffer is
//   free; unix stream: at most a quarter used. The data fits if it takes,
//   with generous per-buffer overhead, no more than that.
// The buffer's size: SO_SNDBUF's effect, else the system default (which a
// TCP socket only grows from), or what was inferred before. When the data
// does not fit that, SIOCOUTQ (bytes queued, at most the memory they use)
// after a writable poll proves a larger buffer: writable with q queued means
// a buffer of at least 1.5 q (TCP) or 4 q (unix stream).
bool SendFits(const Op& op, const Facts& f) {
  bool unix = f.domain == AF_UNIX;
  if (f.type == SOCK_DGRAM && !unix) return true;
  if (unix && (f.type == SOCK_DGRAM || f.type == SOCK_SEQPACKET)) return !HasAddress(op);
  if (f.type != SOCK_STREAM || (!unix && f.domain != AF_INET && f.domain != AF_INET6)) return false;
  uint64_t need = 2 * static_cast<uint64_t>(op.len) + 4096;
  auto fits = [&](uint64_t sndbuf) { return unix ? need <= sndbuf / 4 * 3 : need <= sndbuf / 3; };
  uint64_t known = f.sndbuf != 0 ? f.sndbuf : DefaultSndbuf(f.domain, f.type);
  if (fits(known)) return true;
  int queued = 0;
  if (ioctl(op.fd, SIOCOUTQ, &queued) != 0 || queued <= 0) return false;
  uint64_t proven = unix ? 4 * static_cast<uint64_t>(queued) : 3 * static_cast<uint64_t>(queued) / 2;
  if (proven <= known) return false;
  NoteSndbufAtLeast(op.fd, proven);
  return fits(proven);
}
#else
// Elsewhere (no strace to show it): the free space as the kernel reports it.
bool SendFits(const Op& op, const Facts& f) {
  (void)f;
#if defined(SO_NWRITE)
  int nwrite = 0, sndbuf = 0;
  socklen_t l = sizeof(int);
  if (getsockopt(op.fd, SOL_SOCKET, SO_NWRITE, &nwrite, &l) != 0) return false;
  l = sizeof(int);
  if (getsockopt(op.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &l) != 0) return false;
  return static_cast<uint64_t>(nwrite) + 2 * static_cast<uint64_t>(op.len) + 4096 <=
         static_cast<uint64_t>(sndbuf);
#else
  (void)op;
  return false;
#endif
}
#endif

Plan DecideSend(const Op& op, const Facts& f, bool ready) {
  if ((op.flags & MSG_DONTWAIT) || NonBlocking(op.fd, f)) return Plan::Now;
  short revents = PollNow(op.fd, POLLOUT, ready);
  if (revents & (POLLNVAL | POLLERR | POLLHUP)) return Plan::Now;  // fails at once
  What what = WhatIs(op.fd, f);
  if (what == What::NotSocket && AnyDescriptor(op)) {
    // write(2) to a pipe: once writable, PIPE_BUF bytes fit without waiting;
    // more may wait for the reader.
    if (revents & POLLOUT) return op.len <= PIPE_BUF ? Plan::Now : Plan::Pool;
    return Plan::WaitWrite;
  }
  if (what == What::NotSocket || what == What::Listener) return Plan::Now;  // ENOTSOCK; EPIPE
  // An address to a unix stream socket: EISCONN or EOPNOTSUPP, whatever its buffer.
  if (f.made && f.domain == AF_UNIX && f.type == SOCK_STREAM && HasAddress(op)) {
    return Plan::Now;
  }
  if (revents & POLLOUT) return f.made && SendFits(op, f) ? Plan::Now : Plan::Pool;
  // Not writable: a full buffer, or a connection still being made.
  if (what == What::Other && f.made && !f.sndTimeout && !(op.flags & ~kWaitableSendFlags)) {
    return Plan::WaitWrite;
  }
  return Plan::Pool;
}

}  // namespace

bool WaitsUnpolled(const Op& op, const Facts& f) {
  if (op.kind != OpKind::Recv || op.vec || op.plainIo) return false;
  if (op.flags & ~(MSG_PEEK | MSG_TRUNC)) return false;
  return f.made && !f.notSocket && f.type == SOCK_STREAM && !f.listening && f.blocking == 1 &&
         !f.rcvTimeout && !f.rcvLowat;
}

bool NeverWaits(const Op& op, const Facts& f) {
  return (op.kind != OpKind::Accept && (op.flags & MSG_DONTWAIT)) || NonBlocking(op.fd, f);
}

Plan Decide(const Op& op, bool ready) { return Decide(op, ReadFacts(op.fd), ready); }

Plan Decide(const Op& op, const Facts& f, bool ready) {
  if ((op.plainIo || op.vec) && ReturnsAtOnce(op)) return Plan::Now;
  switch (op.kind) {
    case OpKind::Accept:
      return DecideAccept(op, f, ready);
    case OpKind::Connect:
      return NonBlocking(op.fd, f) ? Plan::Now : Plan::Pool;
    case OpKind::Send:
      return DecideSend(op, f, ready);
    case OpKind::Recv:
      return DecideRecv(op, f, ready);
    case OpKind::Job:
      break;  // jobs go straight to the pool (reactor.h)
  }
  return Plan::Pool;
}

}  // namespace posix_sockets
