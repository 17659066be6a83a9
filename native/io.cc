// Descriptor I/O that is not socket-specific: read(2), write(2), readv(2),
// writev(2) on any descriptor (socket, pipe, file), socketpair(2) and the
// socket ioctl(2) requests. Like calls.cc, each call is made with exactly the
// caller's arguments; the sync forms leave errno in lastCall[kErrnoSlot].
#include "addon.h"
#include "io.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/sockios.h>
#endif

#include <memory>
#include <string>
#include <vector>

#include "reactor/facts.h"
#include "reactor/reactor.h"
#include "runtime_fds.h"
#include "reactor/vectored.h"

namespace posix_sockets {

// The iovec array a vectored call passes: `views` and `lens` are parallel JS
// arrays of the first `count` entries (count < 0 or > the arrays' length is
// judged by the caller: the kernel gets `iovcnt` as given). A null base is
// passed as NULL, for the kernel to judge (EFAULT when its length is not 0).
std::vector<iovec> GetIovecs(const Napi::CallbackInfo& info, size_t index, size_t count) {
  Napi::Env env = info.Env();
  if (!info[index].IsArray() || !info[index + 1].IsArray()) {
    throw Napi::TypeError::New(env, "argument 'iov' must be an array of iovec");
  }
  Napi::Array views = info[index].As<Napi::Array>();
  Napi::Array lens = info[index + 1].As<Napi::Array>();
  if (views.Length() < count || lens.Length() < count) {
    throw Napi::RangeError::New(env, "argument 'iovcnt' exceeds the length of 'iov'");
  }
  // More entries than any kernel takes: the call fails with EMSGSIZE or EINVAL without reading them.
  if (count > 1u << 16) count = 0;
  std::vector<iovec> iov(count);
  for (uint32_t i = 0; i < count; i++) {
    Napi::Value v = views.Get(i);
    Napi::Value l = lens.Get(i);
    if (!l.IsNumber()) throw Napi::TypeError::New(env, "iov[].iov_len must be a number");
    double d = l.As<Napi::Number>().DoubleValue();
    if (!(d >= 0) || d > 9007199254740991.0 || d != static_cast<double>(static_cast<uint64_t>(d))) {
      throw Napi::RangeError::New(env, "iov[].iov_len must be a non-negative integer");
    }
    size_t len = static_cast<size_t>(d);
    if (v.IsNull() || v.IsUndefined()) {
      iov[i].iov_base = nullptr;
    } else {
      if (!v.IsTypedArray() && !v.IsDataView()) {
        throw Napi::TypeError::New(env, "iov[].iov_base must be an ArrayBufferView or null");
      }
      Bytes b = ViewBytes(v);
      if (len > b.length) {
        throw Napi::RangeError::New(env, "iov[" + std::to_string(i) + "].iov_len (" +
                                             std::to_string(len) + ") exceeds the size of its iov_base (" +
                                             std::to_string(b.length) + " bytes)");
      }
      iov[i].iov_base = b.data;
    }
    iov[i].iov_len = len;
  }
  return iov;
}

Napi::Value SyscallResult(const Napi::CallbackInfo& info, ssize_t ret) {
  if (ret == -1) State(info.Env()).lastCall[kErrnoSlot] = errno;
  return Napi::Number::New(info.Env(), static_cast<double>(ret));
}

namespace {

using Napi::CallbackInfo;
using Napi::Value;
Value Result(const CallbackInfo& info, ssize_t ret) { return SyscallResult(info, ret); }

size_t GetCount(const CallbackInfo& info, size_t index, size_t limit) {
  int64_t n = GetInteger(info, index, "count", 0, INT64_C(9007199254740991));
  if (static_cast<uint64_t>(n) > limit) {
    throw Napi::RangeError::New(info.Env(), "argument 'count' (" + std::to_string(n) +
                                                ") exceeds the size of 'buf' (" +
                                                std::to_string(limit) + " bytes)");
  }
  return static_cast<size_t>(n);
}

Value ReadSync(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  Bytes b = GetBytes(info, 1, "buf");
  size_t count = GetCount(info, 2, b.length);
  return Result(info, RefuseCall(info.Env(), fd) ? -1 : read(fd, b.data, count));
}

Value WriteSync(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  Bytes b = GetBytes(info, 1, "buf");
  size_t count = GetCount(info, 2, b.length);
  return Result(info, RefuseCall(info.Env(), fd) ? -1 : write(fd, b.data, count));
}

// readv(2) / writev(2): (fd, views[], lens[], iovcnt)
template <bool Write>
Value VectorSync(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  int iovcnt = GetInt(info, 3, "iovcnt");
  std::vector<iovec> iov = GetIovecs(info, 1, iovcnt > 0 ? static_cast<size_t>(iovcnt) : 0);
  if (RefuseCall(info.Env(), fd)) {
    return Result(info, -1);
  }
  return Result(info, Write ? writev(fd, iov.data(), iovcnt) : readv(fd, iov.data(), iovcnt));
}

// socketpair(2): the pair is written into `sv` (an Int32Array of 2), as into C's `int sv[2]`.
Value Socketpair(const CallbackInfo& info) {
  int domain = GetInt(info, 0, "domain");
  int type = GetInt(info, 1, "type");
  int protocol = GetInt(info, 2, "protocol");
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      info[3].As<Napi::TypedArray>().ElementLength() < 2) {
    throw Napi::TypeError::New(info.Env(), "argument 'sv' must be an Int32Array of 2 elements");
  }
  Bytes b = ViewBytes(info[3]);
  int sv[2] = {-1, -1};
  int ret = socketpair(domain, type, protocol, sv);
  if (ret == 0) {
    NoteSocket(sv[0], domain, type);
    NoteSocket(sv[1], domain, type);
    memcpy(b.data, sv, sizeof(sv));
  }
  return Result(info, ret);
}

// ioctl(2) for the socket requests whose argument is an int: the kernel reads
// or writes exactly sizeof(int) bytes of `argp`, so no other request is
// accepted (an unknown request could write past the caller's buffer).
Value Ioctl(const CallbackInfo& info) {
  int fd = GetInt(info, 0, "fd");
  double req = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : -1;
  unsigned long request = static_cast<unsigned long>(req);
  bool known = request == FIONREAD || request == FIONBIO || request == SIOCATMARK;
#ifdef SIOCINQ
  known = known || request == SIOCINQ;
#endif
#ifdef SIOCOUTQ
  known = known || request == SIOCOUTQ;
#endif
#ifdef SIOCOUTQNSD
  known = known || request == SIOCOUTQNSD;
#endif
  if (!info[1].IsNumber() || req < 0 || !known) {
    throw Napi::RangeError::New(info.Env(), "argument 'request' must be one of the socket requests with an int argument");
  }
  Bytes arg = GetBytes(info, 2, "argp");
  if (arg.length < sizeof(int)) {
    throw Napi::RangeError::New(info.Env(), "argument 'argp' must hold an int (" + std::to_string(sizeof(int)) + " bytes)");
  }
  int value;
  memcpy(&value, arg.data, sizeof(int));
  int ret = RefuseCall(info.Env(), fd) ? -1 : ioctl(fd, request, &value);
  if (ret == 0 && request == FIONBIO) NoteBlocking(fd, value == 0);  // the blocking mode changed
  memcpy(arg.data, &value, sizeof(int));
  return Result(info, ret);
}

// ---------------------------------------------------------------------------
// Awaited forms: the same dispatch as recv/send (reactor/), as Recv/Send ops
// that make read(2)/write(2), or vectored ops (reactor/vectored.h).

constexpr size_t kNone = SIZE_MAX;

void CheckCallback(const CallbackInfo& info, size_t index) {
  if (!info[index].IsFunction()) throw Napi::TypeError::New(info.Env(), "argument 'callback' must be a function");
}

template <OpKind Kind>
Value PlainAsync(const CallbackInfo& info) {
  auto op = std::make_unique<Op>();
  op->kind = Kind;
  op->plainIo = true;
  op->fd = GetInt(info, 0, "fd");
  Bytes b = GetBytes(info, 1, "buf");
  op->len = GetCount(info, 2, b.length);
  op->buf = b.data;
  CheckCallback(info, 3);
  return Napi::Number::New(info.Env(), Start(info.Env(), std::move(op), info, 1, kNone, 3));
}

size_t Total(const std::vector<iovec>& iov) {
  size_t n = 0;
  for (const iovec& e : iov) n += e.iov_len;
  return n;
}

template <bool Write>
Value VectorAsync(const CallbackInfo& info) {
  auto op = std::make_unique<Op>();
  op->kind = Write ? OpKind::Send : OpKind::Recv;
  op->fd = GetInt(info, 0, "fd");
  int iovcnt = GetInt(info, 3, "iovcnt");
  op->vec = std::make_unique<Vectored>();
  op->vec->call = Write ? Vectored::Call::Writev : Vectored::Call::Readv;
  op->vec->iov = GetIovecs(info, 1, iovcnt > 0 ? static_cast<size_t>(iovcnt) : 0);
  op->vec->iovcnt = iovcnt;
  op->vec->basesIndex = 1;
  op->len = Total(op->vec->iov);
  CheckCallback(info, 4);
  return Napi::Number::New(info.Env(), Start(info.Env(), std::move(op), info, kNone, kNone, 4));
}

}  // namespace

size_t IovecTotal(const std::vector<iovec>& iov) { return Total(iov); }

void ExportIo(Napi::Env env, Napi::Object exports) {
  auto fn = [&](const char* name, Napi::Function::Callback cb) {
    exports.Set(name, Napi::Function::New(env, cb, name));
  };
  fn("readSync", ReadSync);
  fn("writeSync", WriteSync);
  fn("readvSync", VectorSync<false>);
  fn("writevSync", VectorSync<true>);
  fn("read", PlainAsync<OpKind::Recv>);
  fn("write", PlainAsync<OpKind::Send>);
  fn("readv", VectorAsync<false>);
  fn("writev", VectorAsync<true>);
  fn("socketpair", Socketpair);
  fn("ioctl", Ioctl);
}

}  // namespace posix_sockets
