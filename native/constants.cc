// Constants and struct layouts, read from the system headers when the addon is
// compiled: Linux and macOS differ (AF_INET6 is 10 on one and 30 on the other,
// macOS has sin_len), so nothing here is written down by hand. A name the
// platform does not define is left out, not invented.
#include "addon.h"

#include <arpa/inet.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/un.h>
// Headers of the names and structs of the rest of the socket API (netdb.h,
// ioctl requests, iovec limits).
#include <limits.h>
#include <netdb.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#ifdef __linux__
#include <linux/sockios.h>
#include <sys/epoll.h>
#endif

namespace posix_sockets {

namespace {

void Set(Napi::Env env, Napi::Object obj, const char* name, double value) {
  obj.Set(name, Napi::Number::New(env, value));
}

// Each name is exported only where the headers define it. glibc defines most
// socket constants both as enumerators and as macros of the same name, so
// #ifdef sees them.
#define PS_CONST(name) \
  do {                 \
    Set(env, c, #name, static_cast<double>(name)); \
  } while (0)

void AddConstants(Napi::Env env, Napi::Object c) {
  // The names of native/constants.txt, generated at build time by
  // scripts/constants.mjs as `#ifdef NAME PS_CONST(NAME); #endif`.
#include "constant_names.h"
}

#undef PS_CONST

// Sizes and field offsets of the structs the JS layer lays out over bytes.
// Field sizes matter too: sa_family_t is 2 bytes on Linux and 1 on macOS.
#define PS_SIZE(obj, type) Set(env, obj, "sizeof_" #type, sizeof(struct type))
#define PS_FIELD(obj, type, field)                                     \
  do {                                                                 \
    Set(env, obj, #type "." #field, offsetof(struct type, field));     \
    Set(env, obj, #type "." #field ".size", sizeof(((struct type*)0)->field)); \
  } while (0)

void AddLayout(Napi::Env env, Napi::Object l) {
  PS_SIZE(l, sockaddr);
  PS_FIELD(l, sockaddr, sa_family);
  PS_FIELD(l, sockaddr, sa_data);
  PS_SIZE(l, sockaddr_in);
  PS_FIELD(l, sockaddr_in, sin_family);
  PS_FIELD(l, sockaddr_in, sin_port);
  PS_FIELD(l, sockaddr_in, sin_addr);
  PS_SIZE(l, sockaddr_in6);
  PS_FIELD(l, sockaddr_in6, sin6_family);
  PS_FIELD(l, sockaddr_in6, sin6_port);
  PS_FIELD(l, sockaddr_in6, sin6_flowinfo);
  PS_FIELD(l, sockaddr_in6, sin6_addr);
  PS_FIELD(l, sockaddr_in6, sin6_scope_id);
  PS_SIZE(l, sockaddr_un);
  PS_FIELD(l, sockaddr_un, sun_family);
  PS_FIELD(l, sockaddr_un, sun_path);
  PS_SIZE(l, sockaddr_storage);
  PS_FIELD(l, sockaddr_storage, ss_family);
  PS_SIZE(l, in_addr);
  PS_FIELD(l, in_addr, s_addr);
  PS_SIZE(l, in6_addr);
  PS_SIZE(l, timeval);
  PS_FIELD(l, timeval, tv_sec);
  PS_FIELD(l, timeval, tv_usec);
  PS_SIZE(l, linger);
  PS_FIELD(l, linger, l_onoff);
  PS_FIELD(l, linger, l_linger);
  PS_SIZE(l, iovec);
  PS_FIELD(l, iovec, iov_base);
  PS_FIELD(l, iovec, iov_len);
  PS_SIZE(l, msghdr);
  PS_FIELD(l, msghdr, msg_name);
  PS_FIELD(l, msghdr, msg_namelen);
  PS_FIELD(l, msghdr, msg_iov);
  PS_FIELD(l, msghdr, msg_iovlen);
  PS_FIELD(l, msghdr, msg_control);
  PS_FIELD(l, msghdr, msg_controllen);
  PS_FIELD(l, msghdr, msg_flags);
  PS_SIZE(l, cmsghdr);
  PS_FIELD(l, cmsghdr, cmsg_len);
  PS_FIELD(l, cmsghdr, cmsg_level);
  PS_FIELD(l, cmsghdr, cmsg_type);
  PS_SIZE(l, addrinfo);
  PS_FIELD(l, addrinfo, ai_flags);
  PS_FIELD(l, addrinfo, ai_family);
  PS_FIELD(l, addrinfo, ai_socktype);
  PS_FIELD(l, addrinfo, ai_protocol);
  PS_FIELD(l, addrinfo, ai_addrlen);
  PS_FIELD(l, addrinfo, ai_addr);
  PS_FIELD(l, addrinfo, ai_canonname);
  PS_FIELD(l, addrinfo, ai_next);
  PS_SIZE(l, ip_mreq);
  PS_FIELD(l, ip_mreq, imr_multiaddr);
  PS_FIELD(l, ip_mreq, imr_interface);
  PS_SIZE(l, ipv6_mreq);
  PS_FIELD(l, ipv6_mreq, ipv6mr_multiaddr);
  PS_FIELD(l, ipv6_mreq, ipv6mr_interface);
#ifdef __linux__
  // Linux only: the interface by index, and the credentials of SCM_CREDENTIALS.
  PS_SIZE(l, ip_mreqn);
  PS_FIELD(l, ip_mreqn, imr_multiaddr);
  PS_FIELD(l, ip_mreqn, imr_address);
  PS_FIELD(l, ip_mreqn, imr_ifindex);
  PS_SIZE(l, ucred);
  PS_FIELD(l, ucred, pid);
  PS_FIELD(l, ucred, uid);
  PS_FIELD(l, ucred, gid);
#endif
#ifdef __APPLE__
  // BSD-derived systems carry the struct's length in its first byte.
  PS_FIELD(l, sockaddr, sa_len);
  PS_FIELD(l, sockaddr_in, sin_len);
  PS_FIELD(l, sockaddr_in6, sin6_len);
  PS_FIELD(l, sockaddr_un, sun_len);
  PS_FIELD(l, sockaddr_storage, ss_len);
#endif
  Set(env, l, "sizeof_socklen_t", sizeof(socklen_t));
  Set(env, l, "sizeof_sa_family_t", sizeof(sa_family_t));
  Set(env, l, "sizeof_in_port_t", sizeof(in_port_t));
  Set(env, l, "sizeof_int", sizeof(int));
}

#undef PS_SIZE
#undef PS_FIELD

Napi::Value In6Bytes(Napi::Env env, const struct in6_addr& a) {
  auto bytes = Napi::Uint8Array::New(env, sizeof(a));
  memcpy(bytes.Data(), &a, sizeof(a));
  return bytes;
}

}  // namespace

void ExportConstants(Napi::Env env, Napi::Object exports) {
  Napi::Object constants = Napi::Object::New(env);
  AddConstants(env, constants);
  exports.Set("constants", constants);

  Napi::Object layout = Napi::Object::New(env);
  AddLayout(env, layout);
  exports.Set("layout", layout);

  // The libc objects themselves, not a copy of their documented value.
  exports.Set("in6addr_any", In6Bytes(env, in6addr_any));
  exports.Set("in6addr_loopback", In6Bytes(env, in6addr_loopback));
}

}  // namespace posix_sockets
