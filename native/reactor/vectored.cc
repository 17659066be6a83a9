// The memory of the vectored ops (see vectored.h for the invariant).
#include "vectored.h"

#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>

#include "../addon.h"
#include "dispatch.h"
#include "op.h"

namespace posix_sockets {

namespace {

Bytes Referenced(napi_env env, napi_ref ref) {
  napi_value v;
  if (ref == nullptr || napi_get_reference_value(env, ref, &v) != napi_ok || v == nullptr) return Bytes{};
  try {
    return ViewBytes(Napi::Value(env, v));
  } catch (const Napi::Error&) {
    return Bytes{};  // no exception may leave a libuv callback
  }
}

napi_ref Hold(napi_env env, const Napi::CallbackInfo& info, size_t index) {
  if (index == SIZE_MAX || info[index].IsNull() || info[index].IsUndefined()) return nullptr;
  napi_ref r = nullptr;
  napi_create_reference(env, info[index], 1, &r);
  return r;
}

uint8_t* Own(Vectored& v, const void* src, size_t n, bool copy) {
  v.owned.emplace_back(new uint8_t[std::max<size_t>(n, 1)]());
  uint8_t* p = v.owned.back().get();
  if (copy && src != nullptr && n) memcpy(p, src, n);
  return p;
}

}  // namespace

// Descriptors that arrive in SCM_RIGHTS may reuse numbers the dispatcher
// learned facts about.
void ForgetReceivedFds(const msghdr& m) {
  if (m.msg_control == nullptr) return;
  msghdr copy = m;
  for (cmsghdr* c = CMSG_FIRSTHDR(&copy); c != nullptr; c = CMSG_NXTHDR(&copy, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      ForgetFacts(fd);
    }
  }
}

bool ReturnsAtOnce(const Op& op) {
  if (!op.vec) return op.len == 0;  // read(2) / write(2) of 0 bytes
  const Vectored& v = *op.vec;
  switch (v.call) {
    case Vectored::Call::Readv:
    case Vectored::Call::Writev:
      return v.iovcnt < 0 || v.iovcnt > IOV_MAX || op.len == 0;
    case Vectored::Call::Sendmsg:
    case Vectored::Call::Recvmsg:
      return v.msg.msg_iovlen > IOV_MAX;
  }
  return false;
}

ssize_t PerformVectored(Op& op) {
  Vectored& v = *op.vec;
  ssize_t ret = -1;
  switch (v.call) {
    case Vectored::Call::Readv:
      ret = readv(op.fd, v.iov.data(), v.iovcnt);
      break;
    case Vectored::Call::Writev:
      ret = writev(op.fd, v.iov.data(), v.iovcnt);
      break;
    case Vectored::Call::Sendmsg:
      ret = sendmsg(op.fd, &v.msg, op.flags);
      break;
    case Vectored::Call::Recvmsg:
      ret = recvmsg(op.fd, &v.msg, op.flags);
      if (ret >= 0) ForgetReceivedFds(v.msg);
      break;
  }
  return ret;
}

void WriteBackFields(const msghdr& m, uint8_t* bytes) {
  msghdr out;
  memcpy(&out, bytes, sizeof(msghdr));
  out.msg_namelen = m.msg_namelen;
  out.msg_controllen = m.msg_controllen;
  out.msg_flags = m.msg_flags;
  memcpy(bytes, &out, sizeof(msghdr));
}

void WriteBackInPlace(Op& op) {
  Vectored& v = *op.vec;
  if (v.call == Vectored::Call::Recvmsg && op.ret >= 0 && v.msgBytes != nullptr) WriteBackFields(v.msg, v.msgBytes);
}

void OwnVectored(napi_env env, Op& op, const Napi::CallbackInfo& info) {
  Vectored& v = *op.vec;
  bool in = !v.Receives();
  Napi::Array bases = info[v.basesIndex].IsArray() ? info[v.basesIndex].As<Napi::Array>() : Napi::Array();
  for (size_t i = 0; i < v.iov.size(); i++) {
    iovec& e = v.iov[i];
    if (e.iov_base == nullptr) {  // NULL stays NULL: the kernel's EFAULT
      v.baseRefs.push_back(nullptr);
      continue;
    }
    e.iov_base = Own(v, e.iov_base, e.iov_len, in);
    napi_ref r = nullptr;
    if (!in) napi_create_reference(env, bases.Get(static_cast<uint32_t>(i)), 1, &r);
    v.baseRefs.push_back(r);
  }
  bool isMsg = v.call == Vectored::Call::Sendmsg || v.call == Vectored::Call::Recvmsg;
  if (!isMsg) return;
  if (v.msg.msg_iov != nullptr) v.msg.msg_iov = v.iov.data();
  if (v.msg.msg_name != nullptr) v.msg.msg_name = Own(v, v.msg.msg_name, v.msg.msg_namelen, in);
  if (v.msg.msg_control != nullptr) v.msg.msg_control = Own(v, v.msg.msg_control, v.msg.msg_controllen, in);
  if (!in) {
    v.msgRef = Hold(env, info, v.msgIndex);
    v.nameRef = Hold(env, info, v.nameIndex);
    v.controlRef = Hold(env, info, v.controlIndex);
  }
  v.msgBytes = nullptr;  // the caller's memory is reached through msgRef from now on
}

void FinishVectored(napi_env env, Op& op) {
  Vectored& v = *op.vec;
  if (v.Receives() && op.ret >= 0 && !v.owned.empty()) {
    // Data fills the iovecs in order, as the kernel filled the landing areas.
    size_t left = static_cast<size_t>(op.ret);
    for (size_t i = 0; i < v.iov.size() && left > 0; i++) {
      size_t n = std::min(left, v.iov[i].iov_len);
      left -= n;
      Bytes b = Referenced(env, v.baseRefs[i]);
      size_t m = std::min(n, b.length);
      if (m && v.iov[i].iov_base) memcpy(b.data, v.iov[i].iov_base, m);
    }
    if (v.call == Vectored::Call::Recvmsg) {
      Bytes name = Referenced(env, v.nameRef);
      size_t nn = std::min<size_t>(name.length, v.msg.msg_namelen);
      if (nn && v.msg.msg_name) memcpy(name.data, v.msg.msg_name, nn);
      Bytes control = Referenced(env, v.controlRef);
      size_t cn = std::min<size_t>(control.length, v.msg.msg_controllen);
      if (cn && v.msg.msg_control) memcpy(control.data, v.msg.msg_control, cn);
      Bytes bytes = Referenced(env, v.msgRef);
      if (bytes.length >= sizeof(msghdr)) WriteBackFields(v.msg, bytes.data);
    }
  }
  for (napi_ref r : v.baseRefs) {
    if (r) napi_delete_reference(env, r);
  }
  for (napi_ref r : {v.msgRef, v.nameRef, v.controlRef}) {
    if (r) napi_delete_reference(env, r);
  }
  v.baseRefs.clear();
  v.msgRef = v.nameRef = v.controlRef = nullptr;
}

}  // namespace posix_sockets
