// One blocking call (accept, connect, send, sendto, recv, recvfrom) and the
// syscall that performs it. Shared by the sync twins (calls.cc) and the async
// path (reactor.cc), so both make the identical syscall.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <napi.h>

#include <cstdint>
#include <memory>

#include "interrupt.h"
#include "job.h"
#include "vectored.h"

namespace posix_sockets {

enum class OpKind : uint8_t { Accept, Connect, Send, Recv, Job };

// One blocking call. The syscall part is touched by whichever thread runs the
// call (the JS thread when the call cannot block, a pool thread otherwise);
// the napi_refs are touched on the JS thread only.
struct Op {
  OpKind kind;
  bool useAccept4 = false;  // accept4(2) rather than accept(2)
  bool takesAddress = false;  // sendto(2) / recvfrom(2) rather than send(2) / recv(2)
  int fd = -1;
  int flags = 0;  // MSG_* for send/recv, SOCK_* for accept4
  size_t len = 0;
  uint8_t* buf = nullptr;   // data the call reads or writes
  uint8_t* addr = nullptr;  // address the call reads or writes
  bool addrPresent = false;  // addr is not NULL
  bool lenPresent = false;   // accept, recvfrom: addrlen is not NULL
  socklen_t addrLenIn = 0, addrLenOut = 0;  // *addrlen before and after the call
  ssize_t ret = -1;
  int err = 0;

  // Memory the op owns once it leaves the calling JS function: a copy of the
  // data to send and of the address to reach, or a landing area for received
  // data and addresses, copied out on completion.
  std::unique_ptr<uint8_t[]> ownedBuf, ownedAddr;

  uint32_t id = 0;
  napi_ref callback = nullptr, view = nullptr, addrView = nullptr;
  bool pooled = false;  // runs on a pool thread

  // { timeout, signal } of a call on a pool thread: `interruption` takes the
  // thread out of its syscall; an EINTR it causes is reported as cancelErr
  // (ECANCELED or EAGAIN). `interruptTries`: signals sent so far (bounded).
  Interruption interruption;
  int cancelErr = 0;
  int interruptTries = 0;

  // The rest of the socket API on the same dispatch (io.cc, msg.cc, netdb.cc):
  bool plainIo = false;  // read(2) / write(2) rather than recv(2) / send(2)
  std::unique_ptr<Vectored> vec;  // readv / writev / sendmsg / recvmsg (vectored.h)
  std::unique_ptr<Job> job;       // OpKind::Job: a C library call on a pool thread (job.h)
};

// accept and recv wait for readability; send and connect for writability.
inline bool IsReader(const Op& op) { return op.kind == OpKind::Accept || op.kind == OpKind::Recv; }

// accept(2), or accept4(2) with `flags` where the platform has it: shared by
// the sync twins and the async ops; records the new descriptor's facts.
ssize_t DoAccept(int fd, sockaddr* addr, socklen_t* len, int flags, bool useAccept4);

// Makes the syscall the op describes, on the current thread, and records its
// result and errno in the op.
void Perform(Op& op);

}  // namespace posix_sockets
