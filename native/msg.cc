// sendmsg(2) and recvmsg(2) over a C-layout msghdr, and the CMSG_* macros of
// cmsg(3) evaluated by the C library itself, so that a control buffer is
// walked exactly as C walks it (alignment and end checks included).
//
// The JS msghdr is the struct's own bytes (msg_namelen, msg_iovlen,
// msg_controllen and msg_flags where the headers put them, pointer fields
// zero) plus the memory its pointers name, passed alongside. The call copies
// the bytes, fills in the pointers, makes the syscall with the caller's
// values as they are, and writes back what the kernel changes (msg_namelen,
// msg_controllen, msg_flags): never a pointer.
#include "addon.h"
#include "io.h"
#include "reactor/reactor.h"
#include "runtime_fds.h"
#include "reactor/vectored.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <memory>
#include <string>
#include <vector>

namespace posix_sockets {

namespace {

using Napi::CallbackInfo;
using Napi::Value;

Value Result(const CallbackInfo& info, ssize_t ret) { return SyscallResult(info, ret); }

// Arguments: (fd, msgBytes, nameView|null, iovViews[], iovLens[], controlView|null, flags)
struct Msg {
  Bytes bytes;  // the caller's struct msghdr
  msghdr m;
  std::vector<iovec> iov;
};

Msg GetMsg(const CallbackInfo& info) {
  Napi::Env env = info.Env();
  Msg msg;
  msg.bytes = GetBytes(info, 1, "msg");
  if (msg.bytes.length < sizeof(msghdr)) {
    throw Napi::RangeError::New(env, "argument 'msg' must be a struct msghdr (" +
                                         std::to_string(sizeof(msghdr)) + " bytes)");
  }
  memcpy(&msg.m, msg.bytes.data, sizeof(msghdr));
  Bytes name = GetOptionalBytes(info, 2, "msg.msg_name");
  if (name.data != nullptr && msg.m.msg_namelen > name.length) {
    throw Napi::RangeError::New(env, "msg.msg_namelen exceeds the size of msg.msg_name");
  }
  msg.m.msg_name = name.data;
  // msg_iovlen is the caller's; only the entries it covers are read. A null
  // msg_iov is passed as NULL, for the kernel to judge.
  if (info[3].IsNull()) {
    msg.m.msg_iov = nullptr;
  } else {
    msg.iov = GetIovecs(info, 3, static_cast<size_t>(msg.m.msg_iovlen));
    msg.m.msg_iov = msg.iov.data();
  }
  Bytes control = GetOptionalBytes(info, 5, "msg.msg_control");
  if (control.data != nullptr && msg.m.msg_controllen > control.length) {
    throw Napi::RangeError::New(env, "msg.msg_controllen exceeds the size of msg.msg_control");
  }
  msg.m.msg_control = control.data;
  return msg;
}

template <bool Send>
Value MsgSync(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "sockfd");
  Msg msg = GetMsg(info);
  int flags = GetInt(info, 6, "flags");
  ssize_t ret;
  if (RefuseCall(info.Env(), fd)) {
    ret = -1;
  } else {
    ret = Send ? sendmsg(fd, &msg.m, flags) : recvmsg(fd, &msg.m, flags);
  }
  Value r = Result(info, ret);
  if (!Send && ret >= 0) {
    ForgetReceivedFds(msg.m);
    WriteBackFields(msg.m, msg.bytes.data);
  }
  return r;
}

// The awaited forms: Send/Recv ops on the same dispatch as send/recv, with
// their memory in a Vectored (reactor/vectored.h).
template <bool Send>
Value MsgAsync(const CallbackInfo& info) {
  auto op = std::make_unique<Op>();
  op->kind = Send ? OpKind::Send : OpKind::Recv;
  op->fd = GetInt(info, 0, "sockfd");
  Msg msg = GetMsg(info);
  op->flags = GetInt(info, 6, "flags");
  if (!info[7].IsFunction()) throw Napi::TypeError::New(info.Env(), "argument 'callback' must be a function");
  auto v = std::make_unique<Vectored>();
  v->call = Send ? Vectored::Call::Sendmsg : Vectored::Call::Recvmsg;
  v->iov = std::move(msg.iov);
  v->msg = msg.m;
  if (v->msg.msg_iov != nullptr) v->msg.msg_iov = v->iov.data();
  v->msgBytes = msg.bytes.data;
  v->msgIndex = 1;
  v->nameIndex = 2;
  v->basesIndex = 3;
  v->controlIndex = 5;
  op->len = IovecTotal(v->iov);
  op->vec = std::move(v);
  return Napi::Number::New(info.Env(), Start(info.Env(), std::move(op), info, SIZE_MAX, SIZE_MAX, 7));
}

// ---------------------------------------------------------------------------
// cmsg(3): the macros on the caller's control buffer. Offsets are relative to
// msg_control; -1 stands for NULL.

size_t GetSize(const CallbackInfo& info, size_t index, const char* what) {
  return static_cast<size_t>(GetInteger(info, index, what, 0, UINT32_MAX));
}

Value CmsgSpace(const CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(CMSG_SPACE(GetSize(info, 0, "length"))));
}

Value CmsgLen(const CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(CMSG_LEN(GetSize(info, 0, "length"))));
}

// (control|null, controllen[, offset]): a msghdr over the caller's buffer.
msghdr ControlMsg(const CallbackInfo& info, Bytes& control) {
  control = GetOptionalBytes(info, 0, "msg.msg_control");
  size_t controllen = GetSize(info, 1, "msg.msg_controllen");
  if (control.data == nullptr) controllen = 0;  // NULL control: CMSG_FIRSTHDR is NULL
  if (controllen > control.length) {
    throw Napi::RangeError::New(info.Env(), "msg.msg_controllen exceeds the size of msg.msg_control");
  }
  msghdr m;
  memset(&m, 0, sizeof(m));
  m.msg_control = control.data;
  m.msg_controllen = controllen;
  return m;
}

Value Offset(const CallbackInfo& info, const Bytes& control, const cmsghdr* c) {
  double off = c == nullptr ? -1 : static_cast<double>(reinterpret_cast<const uint8_t*>(c) - control.data);
  return Napi::Number::New(info.Env(), off);
}

Value CmsgFirsthdr(const CallbackInfo& info) {
  Bytes control;
  msghdr m = ControlMsg(info, control);
  return Offset(info, control, CMSG_FIRSTHDR(&m));
}

Value CmsgNxthdr(const CallbackInfo& info) {
  Bytes control;
  msghdr m = ControlMsg(info, control);
  size_t offset = GetSize(info, 2, "cmsg");
  // The macro reads cmsg_len of the header it is given: it must lie inside the buffer.
  if (m.msg_control == nullptr || offset + sizeof(cmsghdr) > control.length) {
    throw Napi::RangeError::New(info.Env(), "argument 'cmsg' is not a header inside msg.msg_control");
  }
  cmsghdr* c = reinterpret_cast<cmsghdr*>(control.data + offset);
  return Offset(info, control, CMSG_NXTHDR(&m, c));
}

}  // namespace

void ExportMsg(Napi::Env env, Napi::Object exports) {
  auto fn = [&](const char* name, Napi::Function::Callback cb) {
    exports.Set(name, Napi::Function::New(env, cb, name));
  };
  fn("sendmsgSync", MsgSync<true>);
  fn("recvmsgSync", MsgSync<false>);
  fn("sendmsg", MsgAsync<true>);
  fn("recvmsg", MsgAsync<false>);
  fn("CMSG_SPACE", CmsgSpace);
  fn("CMSG_LEN", CmsgLen);
  fn("CMSG_FIRSTHDR", CmsgFirsthdr);
  fn("CMSG_NXTHDR", CmsgNxthdr);
  // CMSG_DATA(cmsg) - (unsigned char *)cmsg: the same for every header.
  alignas(cmsghdr) unsigned char probe[CMSG_SPACE(1)];
  exports.Set("CMSG_DATA_OFFSET",
              static_cast<double>(CMSG_DATA(reinterpret_cast<cmsghdr*>(probe)) - probe));
}

}  // namespace posix_sockets
