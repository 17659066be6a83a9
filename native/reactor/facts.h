// What the library knows about each descriptor, learned from its own
// successful calls — never by asking the kernel with a socket call, so that
// strace of a program shows exactly its own socket calls. The dispatcher
// (dispatch.h) reads these facts to decide where a call runs.
//
// Process-wide, as descriptors are: shared by every environment (main thread
// and worker_threads) and by pool threads; guarded by one mutex. A number's
// facts are forgotten when the library closes it and replaced when one of its
// calls returns that number anew (socket, accept). A descriptor the library
// did not make has no facts (`made` false): its timeouts and type are unknown.
#pragma once

#include <sys/socket.h>

#include <cstdint>

namespace posix_sockets {

struct Facts {
  bool made = false;        // from socket()/accept() of this library: the fields below hold
  int domain = 0;           // AF_INET, AF_INET6, AF_UNIX, ...
  int type = 0;             // SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, ... (without flags)
  bool listening = false;   // listen() succeeded (and no shutdown() since)
  bool rcvTimeout = false;  // SO_RCVTIMEO set to a non-zero time
  bool sndTimeout = false;  // SO_SNDTIMEO set to a non-zero time
  bool rcvLowat = false;    // SO_RCVLOWAT set (a recv may wait for more than is there)
  // A lower bound of the send buffer's size in bytes (SO_SNDBUF's effect, or
  // what the dispatcher could infer); 0: the system default.
  uint64_t sndbuf = 0;
  int8_t blocking = -1;     // 1 blocking, 0 O_NONBLOCK, -1 unknown (ask F_GETFL)
  bool notSocket = false;   // made by epoll_create(2): the program's, but no socket
};

// The facts known about `fd` (all defaults when none).
Facts ReadFacts(int fd);
// ReadFacts(fd).made, without taking the table's lock (for the sync calls' checks).
bool MadeByLibrary(int fd);

// Records what a successful call of the library established. Each is called
// by the one place that makes that call, for the sync twin and the async form.
void NoteSocket(int fd, int domain, int type);          // socket(2), socketpair(2)
void NoteEpoll(int fd, bool nonblocking);               // epoll_create(2), epoll_create1(2)
void NoteAccepted(int listener, int fd, int flags);     // accept(2), accept4(2) flags
void NoteListen(int fd);                                // listen(2)
void NoteShutdown(int fd);                              // shutdown(2)
void NoteSetsockopt(int fd, int level, int optname, const uint8_t* optval, socklen_t optlen);
void NoteFcntl(int fd, int cmd, int arg);               // fcntl(2), F_SETFL
void NoteBlocking(int fd, bool blocking);               // what F_GETFL showed
void NoteSndbufAtLeast(int fd, uint64_t bytes);         // inferred by the dispatcher
// close(2), or the number is no longer the descriptor the facts describe.
void ForgetFacts(int fd);

// The system's default send buffer of a new socket (read once from
// /proc/sys/net, a file and not a socket call); 0 where unknown.
uint64_t DefaultSndbuf(int domain, int type);

}  // namespace posix_sockets
