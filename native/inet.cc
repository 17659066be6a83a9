// strerror(3), inet_pton(3), inet_ntop(3): the C library's own, so the text
// and the accept/reject decisions are exactly what a C program gets.
#include "addon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <string>

namespace posix_sockets {

namespace {

Napi::Value Strerror(const Napi::CallbackInfo& info) {
  int n = GetInt(info, 0, "errnum");
  return Napi::String::New(info.Env(), strerror(n));
}

Napi::Value InetPton(const Napi::CallbackInfo& info) {
  int af = GetInt(info, 0, "af");
  if (!info[1].IsString()) throw Napi::TypeError::New(info.Env(), "argument 'src' must be a string");
  std::string src = info[1].As<Napi::String>().Utf8Value();
  Bytes dst = GetBytes(info, 2, "dst");
  // C would write 4 or 16 bytes through dst; refuse a smaller destination.
  size_t need = af == AF_INET6 ? sizeof(in6_addr) : af == AF_INET ? sizeof(in_addr) : 0;
  if (dst.length < need) {
    throw Napi::RangeError::New(info.Env(), "argument 'dst' (" + std::to_string(dst.length) +
                                                " bytes) is smaller than the address (" +
                                                std::to_string(need) + " bytes)");
  }
  // An embedded NUL ends a C string; the C library never sees what follows.
  in6_addr tmp;
  int ret = inet_pton(af, src.c_str(), &tmp);
  if (ret == -1) State(info.Env()).lastCall[kErrnoSlot] = errno;
  if (ret == 1) memcpy(dst.data, &tmp, need);
  return Napi::Number::New(info.Env(), ret);
}

Napi::Value InetNtop(const Napi::CallbackInfo& info) {
  int af = GetInt(info, 0, "af");
  Bytes src = GetBytes(info, 1, "src");
  size_t need = af == AF_INET6 ? sizeof(in6_addr) : af == AF_INET ? sizeof(in_addr) : 0;
  if (src.length < need) {
    throw Napi::RangeError::New(info.Env(), "argument 'src' (" + std::to_string(src.length) +
                                                " bytes) is smaller than the address (" +
                                                std::to_string(need) + " bytes)");
  }
  socklen_t size = static_cast<socklen_t>(
      info[2].IsUndefined() ? INET6_ADDRSTRLEN : GetInteger(info, 2, "size", 0, 4096));
  char out[4096];
  in6_addr tmp;
  memset(&tmp, 0, sizeof(tmp));
  memcpy(&tmp, src.data, need);
  const char* r = inet_ntop(af, &tmp, out, size);
  if (r == nullptr) {
    State(info.Env()).lastCall[kErrnoSlot] = errno;
    return info.Env().Null();
  }
  return Napi::String::New(info.Env(), r);
}

}  // namespace

void ExportInet(Napi::Env env, Napi::Object exports) {
  exports.Set("strerror", Napi::Function::New(env, Strerror, "strerror"));
  exports.Set("inet_pton", Napi::Function::New(env, InetPton, "inet_pton"));
  exports.Set("inet_ntop", Napi::Function::New(env, InetNtop, "inet_ntop"));
}

}  // namespace posix_sockets
