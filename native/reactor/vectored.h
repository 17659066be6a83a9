// The vectored calls as ops: readv(2), writev(2), sendmsg(2), recvmsg(2).
// Like send/recv they wait for readiness as an Op of kind Send or Recv (their
// total length standing in for op.len); what differs is their memory, many
// buffers instead of one, which this part owns and copies.
//
// Invariant: while the op runs at once on the JS thread, iov, msg and the
// pointers in them are the caller's memory; once it leaves the calling
// function (OwnVectored), they point only to memory the op owns: a copy of
// what is sent, a landing area for what is received, copied out (and the
// kernel's msg_namelen, msg_controllen, msg_flags written back into the
// caller's msghdr) by FinishVectored on the JS thread.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <napi.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace posix_sockets {

struct Op;

struct Vectored {
  enum class Call : uint8_t { Readv, Writev, Sendmsg, Recvmsg };
  Call call = Call::Readv;
  std::vector<iovec> iov;  // what the syscall is given
  int iovcnt = 0;          // readv/writev: the caller's count, as given
  msghdr msg{};            // sendmsg/recvmsg: the caller's msghdr, pointers filled in
  uint8_t* msgBytes = nullptr;  // the caller's msghdr bytes, while the op runs at once

  // Where the JS values are in the call's arguments (for OwnVectored).
  size_t basesIndex = 0, msgIndex = SIZE_MAX, nameIndex = SIZE_MAX, controlIndex = SIZE_MAX;

  // Owned memory (once queued) and the JS objects results are copied into.
  std::vector<std::unique_ptr<uint8_t[]>> owned;
  std::vector<napi_ref> baseRefs;
  napi_ref msgRef = nullptr, nameRef = nullptr, controlRef = nullptr;

  bool Receives() const { return call == Call::Readv || call == Call::Recvmsg; }
};

// Forgets the dispatcher's facts about descriptors received in SCM_RIGHTS
// (their numbers may have been other descriptors').
void ForgetReceivedFds(const msghdr& m);

// read/write/readv/writev/sendmsg/recvmsg calls the kernel answers without
// waiting, whatever the descriptor's state: a count it rejects (iovcnt < 0
// or past IOV_MAX: EINVAL, EMSGSIZE), or no bytes to read or write (0).
bool ReturnsAtOnce(const Op& op);

// Makes the op's vectored syscall on the current thread; returns its result.
ssize_t PerformVectored(Op& op);

// The fields of struct msghdr the kernel sets (msg_namelen, msg_controllen,
// msg_flags), from `m` into `bytes` (a msghdr in memory); never a pointer.
void WriteBackFields(const msghdr& m, uint8_t* bytes);

// After a call made at once on the caller's memory: the kernel's msghdr
// fields into the caller's msghdr bytes.
void WriteBackInPlace(Op& op);

// Moves the op onto memory of its own (see the invariant above).
void OwnVectored(napi_env env, Op& op, const Napi::CallbackInfo& info);

// On completion, on the JS thread: copies received data out, writes back the
// msghdr fields, and releases the references.
void FinishVectored(napi_env env, Op& op);

}  // namespace posix_sockets
