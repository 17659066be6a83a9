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
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/un.h>

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

void AddSocketConstants(Napi::Env env, Napi::Object c) {
  // Address and protocol families
#ifdef AF_UNSPEC
  PS_CONST(AF_UNSPEC);
#endif
#ifdef AF_INET
  PS_CONST(AF_INET);
#endif
#ifdef AF_INET6
  PS_CONST(AF_INET6);
#endif
#ifdef AF_UNIX
  PS_CONST(AF_UNIX);
#endif
#ifdef AF_LOCAL
  PS_CONST(AF_LOCAL);
#endif
#ifdef PF_UNSPEC
  PS_CONST(PF_UNSPEC);
#endif
#ifdef PF_INET
  PS_CONST(PF_INET);
#endif
#ifdef PF_INET6
  PS_CONST(PF_INET6);
#endif
#ifdef PF_UNIX
  PS_CONST(PF_UNIX);
#endif
  // Socket types and type flags
#ifdef SOCK_STREAM
  PS_CONST(SOCK_STREAM);
#endif
#ifdef SOCK_DGRAM
  PS_CONST(SOCK_DGRAM);
#endif
#ifdef SOCK_RAW
  PS_CONST(SOCK_RAW);
#endif
#ifdef SOCK_SEQPACKET
  PS_CONST(SOCK_SEQPACKET);
#endif
#ifdef SOCK_NONBLOCK
  PS_CONST(SOCK_NONBLOCK);
#endif
#ifdef SOCK_CLOEXEC
  PS_CONST(SOCK_CLOEXEC);
#endif
  // Protocols
#ifdef IPPROTO_IP
  PS_CONST(IPPROTO_IP);
#endif
#ifdef IPPROTO_IPV6
  PS_CONST(IPPROTO_IPV6);
#endif
#ifdef IPPROTO_TCP
  PS_CONST(IPPROTO_TCP);
#endif
#ifdef IPPROTO_UDP
  PS_CONST(IPPROTO_UDP);
#endif
#ifdef IPPROTO_ICMP
  PS_CONST(IPPROTO_ICMP);
#endif
#ifdef IPPROTO_ICMPV6
  PS_CONST(IPPROTO_ICMPV6);
#endif
#ifdef IPPROTO_RAW
  PS_CONST(IPPROTO_RAW);
#endif
  // IPv4 addresses (host byte order, as in C)
#ifdef INADDR_ANY
  PS_CONST(INADDR_ANY);
#endif
#ifdef INADDR_LOOPBACK
  PS_CONST(INADDR_LOOPBACK);
#endif
#ifdef INADDR_BROADCAST
  PS_CONST(INADDR_BROADCAST);
#endif
#ifdef INADDR_NONE
  PS_CONST(INADDR_NONE);
#endif
#ifdef INET_ADDRSTRLEN
  PS_CONST(INET_ADDRSTRLEN);
#endif
#ifdef INET6_ADDRSTRLEN
  PS_CONST(INET6_ADDRSTRLEN);
#endif
#ifdef SOMAXCONN
  PS_CONST(SOMAXCONN);
#endif
  // send/recv flags
#ifdef MSG_OOB
  PS_CONST(MSG_OOB);
#endif
#ifdef MSG_PEEK
  PS_CONST(MSG_PEEK);
#endif
#ifdef MSG_DONTROUTE
  PS_CONST(MSG_DONTROUTE);
#endif
#ifdef MSG_WAITALL
  PS_CONST(MSG_WAITALL);
#endif
#ifdef MSG_DONTWAIT
  PS_CONST(MSG_DONTWAIT);
#endif
#ifdef MSG_NOSIGNAL
  PS_CONST(MSG_NOSIGNAL);
#endif
#ifdef MSG_TRUNC
  PS_CONST(MSG_TRUNC);
#endif
#ifdef MSG_CTRUNC
  PS_CONST(MSG_CTRUNC);
#endif
#ifdef MSG_EOR
  PS_CONST(MSG_EOR);
#endif
#ifdef MSG_MORE
  PS_CONST(MSG_MORE);
#endif
#ifdef MSG_CONFIRM
  PS_CONST(MSG_CONFIRM);
#endif
#ifdef MSG_ERRQUEUE
  PS_CONST(MSG_ERRQUEUE);
#endif
#ifdef MSG_CMSG_CLOEXEC
  PS_CONST(MSG_CMSG_CLOEXEC);
#endif
  // shutdown(2)
#ifdef SHUT_RD
  PS_CONST(SHUT_RD);
#endif
#ifdef SHUT_WR
  PS_CONST(SHUT_WR);
#endif
#ifdef SHUT_RDWR
  PS_CONST(SHUT_RDWR);
#endif
  // Socket options
#ifdef SOL_SOCKET
  PS_CONST(SOL_SOCKET);
#endif
#ifdef SO_DEBUG
  PS_CONST(SO_DEBUG);
#endif
#ifdef SO_REUSEADDR
  PS_CONST(SO_REUSEADDR);
#endif
#ifdef SO_REUSEPORT
  PS_CONST(SO_REUSEPORT);
#endif
#ifdef SO_TYPE
  PS_CONST(SO_TYPE);
#endif
#ifdef SO_ERROR
  PS_CONST(SO_ERROR);
#endif
#ifdef SO_DONTROUTE
  PS_CONST(SO_DONTROUTE);
#endif
#ifdef SO_BROADCAST
  PS_CONST(SO_BROADCAST);
#endif
#ifdef SO_SNDBUF
  PS_CONST(SO_SNDBUF);
#endif
#ifdef SO_RCVBUF
  PS_CONST(SO_RCVBUF);
#endif
#ifdef SO_KEEPALIVE
  PS_CONST(SO_KEEPALIVE);
#endif
#ifdef SO_OOBINLINE
  PS_CONST(SO_OOBINLINE);
#endif
#ifdef SO_LINGER
  PS_CONST(SO_LINGER);
#endif
#ifdef SO_RCVLOWAT
  PS_CONST(SO_RCVLOWAT);
#endif
#ifdef SO_SNDLOWAT
  PS_CONST(SO_SNDLOWAT);
#endif
#ifdef SO_RCVTIMEO
  PS_CONST(SO_RCVTIMEO);
#endif
#ifdef SO_SNDTIMEO
  PS_CONST(SO_SNDTIMEO);
#endif
#ifdef SO_ACCEPTCONN
  PS_CONST(SO_ACCEPTCONN);
#endif
#ifdef SO_DOMAIN
  PS_CONST(SO_DOMAIN);
#endif
#ifdef SO_PROTOCOL
  PS_CONST(SO_PROTOCOL);
#endif
#ifdef SO_NOSIGPIPE
  PS_CONST(SO_NOSIGPIPE);
#endif
#ifdef TCP_NODELAY
  PS_CONST(TCP_NODELAY);
#endif
#ifdef TCP_MAXSEG
  PS_CONST(TCP_MAXSEG);
#endif
#ifdef TCP_KEEPIDLE
  PS_CONST(TCP_KEEPIDLE);
#endif
#ifdef TCP_KEEPINTVL
  PS_CONST(TCP_KEEPINTVL);
#endif
#ifdef TCP_KEEPCNT
  PS_CONST(TCP_KEEPCNT);
#endif
#ifdef TCP_KEEPALIVE
  PS_CONST(TCP_KEEPALIVE);
#endif
#ifdef IP_TTL
  PS_CONST(IP_TTL);
#endif
#ifdef IP_TOS
  PS_CONST(IP_TOS);
#endif
#ifdef IPV6_V6ONLY
  PS_CONST(IPV6_V6ONLY);
#endif
#ifdef IPV6_UNICAST_HOPS
  PS_CONST(IPV6_UNICAST_HOPS);
#endif
  // fcntl(2)
#ifdef F_GETFL
  PS_CONST(F_GETFL);
#endif
#ifdef F_SETFL
  PS_CONST(F_SETFL);
#endif
#ifdef F_GETFD
  PS_CONST(F_GETFD);
#endif
#ifdef F_SETFD
  PS_CONST(F_SETFD);
#endif
#ifdef FD_CLOEXEC
  PS_CONST(FD_CLOEXEC);
#endif
#ifdef O_NONBLOCK
  PS_CONST(O_NONBLOCK);
#endif
#ifdef O_RDONLY
  PS_CONST(O_RDONLY);
#endif
#ifdef O_WRONLY
  PS_CONST(O_WRONLY);
#endif
#ifdef O_RDWR
  PS_CONST(O_RDWR);
#endif
#ifdef O_APPEND
  PS_CONST(O_APPEND);
#endif
}

void AddErrnoConstants(Napi::Env env, Napi::Object c) {
#ifdef EPERM
  PS_CONST(EPERM);
#endif
#ifdef ENOENT
  PS_CONST(ENOENT);
#endif
#ifdef ESRCH
  PS_CONST(ESRCH);
#endif
#ifdef EINTR
  PS_CONST(EINTR);
#endif
#ifdef EIO
  PS_CONST(EIO);
#endif
#ifdef ENXIO
  PS_CONST(ENXIO);
#endif
#ifdef E2BIG
  PS_CONST(E2BIG);
#endif
#ifdef ENOEXEC
  PS_CONST(ENOEXEC);
#endif
#ifdef EBADF
  PS_CONST(EBADF);
#endif
#ifdef ECHILD
  PS_CONST(ECHILD);
#endif
#ifdef EAGAIN
  PS_CONST(EAGAIN);
#endif
#ifdef EWOULDBLOCK
  PS_CONST(EWOULDBLOCK);
#endif
#ifdef ENOMEM
  PS_CONST(ENOMEM);
#endif
#ifdef EACCES
  PS_CONST(EACCES);
#endif
#ifdef EFAULT
  PS_CONST(EFAULT);
#endif
#ifdef EBUSY
  PS_CONST(EBUSY);
#endif
#ifdef EEXIST
  PS_CONST(EEXIST);
#endif
#ifdef EXDEV
  PS_CONST(EXDEV);
#endif
#ifdef ENODEV
  PS_CONST(ENODEV);
#endif
#ifdef ENOTDIR
  PS_CONST(ENOTDIR);
#endif
#ifdef EISDIR
  PS_CONST(EISDIR);
#endif
#ifdef EINVAL
  PS_CONST(EINVAL);
#endif
#ifdef ENFILE
  PS_CONST(ENFILE);
#endif
#ifdef EMFILE
  PS_CONST(EMFILE);
#endif
#ifdef ENOTTY
  PS_CONST(ENOTTY);
#endif
#ifdef EFBIG
  PS_CONST(EFBIG);
#endif
#ifdef ENOSPC
  PS_CONST(ENOSPC);
#endif
#ifdef ESPIPE
  PS_CONST(ESPIPE);
#endif
#ifdef EROFS
  PS_CONST(EROFS);
#endif
#ifdef EMLINK
  PS_CONST(EMLINK);
#endif
#ifdef EPIPE
  PS_CONST(EPIPE);
#endif
#ifdef EDOM
  PS_CONST(EDOM);
#endif
#ifdef ERANGE
  PS_CONST(ERANGE);
#endif
#ifdef EDEADLK
  PS_CONST(EDEADLK);
#endif
#ifdef ENAMETOOLONG
  PS_CONST(ENAMETOOLONG);
#endif
#ifdef ENOLCK
  PS_CONST(ENOLCK);
#endif
#ifdef ENOSYS
  PS_CONST(ENOSYS);
#endif
#ifdef ENOTEMPTY
  PS_CONST(ENOTEMPTY);
#endif
#ifdef ELOOP
  PS_CONST(ELOOP);
#endif
#ifdef ENOMSG
  PS_CONST(ENOMSG);
#endif
#ifdef ENOSTR
  PS_CONST(ENOSTR);
#endif
#ifdef ENODATA
  PS_CONST(ENODATA);
#endif
#ifdef ETIME
  PS_CONST(ETIME);
#endif
#ifdef ENOSR
  PS_CONST(ENOSR);
#endif
#ifdef ENOLINK
  PS_CONST(ENOLINK);
#endif
#ifdef EPROTO
  PS_CONST(EPROTO);
#endif
#ifdef EBADMSG
  PS_CONST(EBADMSG);
#endif
#ifdef EOVERFLOW
  PS_CONST(EOVERFLOW);
#endif
#ifdef EILSEQ
  PS_CONST(EILSEQ);
#endif
#ifdef ENOTSOCK
  PS_CONST(ENOTSOCK);
#endif
#ifdef EDESTADDRREQ
  PS_CONST(EDESTADDRREQ);
#endif
#ifdef EMSGSIZE
  PS_CONST(EMSGSIZE);
#endif
#ifdef EPROTOTYPE
  PS_CONST(EPROTOTYPE);
#endif
#ifdef ENOPROTOOPT
  PS_CONST(ENOPROTOOPT);
#endif
#ifdef EPROTONOSUPPORT
  PS_CONST(EPROTONOSUPPORT);
#endif
#ifdef ESOCKTNOSUPPORT
  PS_CONST(ESOCKTNOSUPPORT);
#endif
#ifdef EOPNOTSUPP
  PS_CONST(EOPNOTSUPP);
#endif
#ifdef ENOTSUP
  PS_CONST(ENOTSUP);
#endif
#ifdef EPFNOSUPPORT
  PS_CONST(EPFNOSUPPORT);
#endif
#ifdef EAFNOSUPPORT
  PS_CONST(EAFNOSUPPORT);
#endif
#ifdef EADDRINUSE
  PS_CONST(EADDRINUSE);
#endif
#ifdef EADDRNOTAVAIL
  PS_CONST(EADDRNOTAVAIL);
#endif
#ifdef ENETDOWN
  PS_CONST(ENETDOWN);
#endif
#ifdef ENETUNREACH
  PS_CONST(ENETUNREACH);
#endif
#ifdef ENETRESET
  PS_CONST(ENETRESET);
#endif
#ifdef ECONNABORTED
  PS_CONST(ECONNABORTED);
#endif
#ifdef ECONNRESET
  PS_CONST(ECONNRESET);
#endif
#ifdef ENOBUFS
  PS_CONST(ENOBUFS);
#endif
#ifdef EISCONN
  PS_CONST(EISCONN);
#endif
#ifdef ENOTCONN
  PS_CONST(ENOTCONN);
#endif
#ifdef ESHUTDOWN
  PS_CONST(ESHUTDOWN);
#endif
#ifdef ETOOMANYREFS
  PS_CONST(ETOOMANYREFS);
#endif
#ifdef ETIMEDOUT
  PS_CONST(ETIMEDOUT);
#endif
#ifdef ECONNREFUSED
  PS_CONST(ECONNREFUSED);
#endif
#ifdef EHOSTDOWN
  PS_CONST(EHOSTDOWN);
#endif
#ifdef EHOSTUNREACH
  PS_CONST(EHOSTUNREACH);
#endif
#ifdef EALREADY
  PS_CONST(EALREADY);
#endif
#ifdef EINPROGRESS
  PS_CONST(EINPROGRESS);
#endif
#ifdef ESTALE
  PS_CONST(ESTALE);
#endif
#ifdef EDQUOT
  PS_CONST(EDQUOT);
#endif
#ifdef ECANCELED
  PS_CONST(ECANCELED);
#endif
#ifdef EOWNERDEAD
  PS_CONST(EOWNERDEAD);
#endif
#ifdef ENOTRECOVERABLE
  PS_CONST(ENOTRECOVERABLE);
#endif
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
  AddSocketConstants(env, constants);
  AddErrnoConstants(env, constants);
  exports.Set("constants", constants);

  Napi::Object layout = Napi::Object::New(env);
  AddLayout(env, layout);
  exports.Set("layout", layout);

  // The libc objects themselves, not a copy of their documented value.
  exports.Set("in6addr_any", In6Bytes(env, in6addr_any));
  exports.Set("in6addr_loopback", In6Bytes(env, in6addr_loopback));
}

}  // namespace posix_sockets
