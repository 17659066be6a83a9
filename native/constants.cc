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
// For the socket API block at the end of the name list.
#include <limits.h>
#include <netdb.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#ifdef __linux__
#include <linux/sockios.h>
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

// ---------------------------------------------------------------------------
// The rest of the socket API: names, multicast, control messages, ioctl.
// (A block of its own, to join the single name list.)

void AddSocketApiConstants(Napi::Env env, Napi::Object c) {
  // Names and addresses (netdb.h): getaddrinfo flags and errors, getnameinfo flags, h_errno values
#ifdef AI_ADDRCONFIG
  PS_CONST(AI_ADDRCONFIG);
#endif
#ifdef AI_ALL
  PS_CONST(AI_ALL);
#endif
#ifdef AI_CANONIDN
  PS_CONST(AI_CANONIDN);
#endif
#ifdef AI_CANONNAME
  PS_CONST(AI_CANONNAME);
#endif
#ifdef AI_DEFAULT
  PS_CONST(AI_DEFAULT);
#endif
#ifdef AI_IDN
  PS_CONST(AI_IDN);
#endif
#ifdef AI_MASK
  PS_CONST(AI_MASK);
#endif
#ifdef AI_NUMERICHOST
  PS_CONST(AI_NUMERICHOST);
#endif
#ifdef AI_NUMERICSERV
  PS_CONST(AI_NUMERICSERV);
#endif
#ifdef AI_PASSIVE
  PS_CONST(AI_PASSIVE);
#endif
#ifdef AI_UNUSABLE
  PS_CONST(AI_UNUSABLE);
#endif
#ifdef AI_V4MAPPED
  PS_CONST(AI_V4MAPPED);
#endif
#ifdef AI_V4MAPPED_CFG
  PS_CONST(AI_V4MAPPED_CFG);
#endif
#ifdef EAI_ADDRFAMILY
  PS_CONST(EAI_ADDRFAMILY);
#endif
#ifdef EAI_AGAIN
  PS_CONST(EAI_AGAIN);
#endif
#ifdef EAI_ALLDONE
  PS_CONST(EAI_ALLDONE);
#endif
#ifdef EAI_BADFLAGS
  PS_CONST(EAI_BADFLAGS);
#endif
#ifdef EAI_BADHINTS
  PS_CONST(EAI_BADHINTS);
#endif
#ifdef EAI_CANCELED
  PS_CONST(EAI_CANCELED);
#endif
#ifdef EAI_FAIL
  PS_CONST(EAI_FAIL);
#endif
#ifdef EAI_FAMILY
  PS_CONST(EAI_FAMILY);
#endif
#ifdef EAI_IDN_ENCODE
  PS_CONST(EAI_IDN_ENCODE);
#endif
#ifdef EAI_INPROGRESS
  PS_CONST(EAI_INPROGRESS);
#endif
#ifdef EAI_INTR
  PS_CONST(EAI_INTR);
#endif
#ifdef EAI_MEMORY
  PS_CONST(EAI_MEMORY);
#endif
#ifdef EAI_NODATA
  PS_CONST(EAI_NODATA);
#endif
#ifdef EAI_NONAME
  PS_CONST(EAI_NONAME);
#endif
#ifdef EAI_NOTCANCELED
  PS_CONST(EAI_NOTCANCELED);
#endif
#ifdef EAI_OVERFLOW
  PS_CONST(EAI_OVERFLOW);
#endif
#ifdef EAI_PROTOCOL
  PS_CONST(EAI_PROTOCOL);
#endif
#ifdef EAI_SERVICE
  PS_CONST(EAI_SERVICE);
#endif
#ifdef EAI_SOCKTYPE
  PS_CONST(EAI_SOCKTYPE);
#endif
#ifdef EAI_SYSTEM
  PS_CONST(EAI_SYSTEM);
#endif
#ifdef HOST_NOT_FOUND
  PS_CONST(HOST_NOT_FOUND);
#endif
#ifdef NETDB_INTERNAL
  PS_CONST(NETDB_INTERNAL);
#endif
#ifdef NETDB_SUCCESS
  PS_CONST(NETDB_SUCCESS);
#endif
#ifdef NI_DGRAM
  PS_CONST(NI_DGRAM);
#endif
#ifdef NI_IDN
  PS_CONST(NI_IDN);
#endif
#ifdef NI_MAXHOST
  PS_CONST(NI_MAXHOST);
#endif
#ifdef NI_MAXSERV
  PS_CONST(NI_MAXSERV);
#endif
#ifdef NI_NAMEREQD
  PS_CONST(NI_NAMEREQD);
#endif
#ifdef NI_NOFQDN
  PS_CONST(NI_NOFQDN);
#endif
#ifdef NI_NUMERICHOST
  PS_CONST(NI_NUMERICHOST);
#endif
#ifdef NI_NUMERICSCOPE
  PS_CONST(NI_NUMERICSCOPE);
#endif
#ifdef NI_NUMERICSERV
  PS_CONST(NI_NUMERICSERV);
#endif
#ifdef NI_WITHSCOPEID
  PS_CONST(NI_WITHSCOPEID);
#endif
#ifdef NO_ADDRESS
  PS_CONST(NO_ADDRESS);
#endif
#ifdef NO_DATA
  PS_CONST(NO_DATA);
#endif
#ifdef NO_RECOVERY
  PS_CONST(NO_RECOVERY);
#endif
#ifdef TRY_AGAIN
  PS_CONST(TRY_AGAIN);
#endif
  // Protocol families (the PF_* names textbooks use)
#ifdef PF_ALG
  PS_CONST(PF_ALG);
#endif
#ifdef PF_APPLETALK
  PS_CONST(PF_APPLETALK);
#endif
#ifdef PF_ASH
  PS_CONST(PF_ASH);
#endif
#ifdef PF_ATMPVC
  PS_CONST(PF_ATMPVC);
#endif
#ifdef PF_ATMSVC
  PS_CONST(PF_ATMSVC);
#endif
#ifdef PF_AX25
  PS_CONST(PF_AX25);
#endif
#ifdef PF_BLUETOOTH
  PS_CONST(PF_BLUETOOTH);
#endif
#ifdef PF_BRIDGE
  PS_CONST(PF_BRIDGE);
#endif
#ifdef PF_CAIF
  PS_CONST(PF_CAIF);
#endif
#ifdef PF_CAN
  PS_CONST(PF_CAN);
#endif
#ifdef PF_ECONET
  PS_CONST(PF_ECONET);
#endif
#ifdef PF_FILE
  PS_CONST(PF_FILE);
#endif
#ifdef PF_IB
  PS_CONST(PF_IB);
#endif
#ifdef PF_IEEE802154
  PS_CONST(PF_IEEE802154);
#endif
#ifdef PF_IPX
  PS_CONST(PF_IPX);
#endif
#ifdef PF_IRDA
  PS_CONST(PF_IRDA);
#endif
#ifdef PF_ISDN
  PS_CONST(PF_ISDN);
#endif
#ifdef PF_IUCV
  PS_CONST(PF_IUCV);
#endif
#ifdef PF_KCM
  PS_CONST(PF_KCM);
#endif
#ifdef PF_KEY
  PS_CONST(PF_KEY);
#endif
#ifdef PF_LLC
  PS_CONST(PF_LLC);
#endif
#ifdef PF_LOCAL
  PS_CONST(PF_LOCAL);
#endif
#ifdef PF_MAX
  PS_CONST(PF_MAX);
#endif
#ifdef PF_MCTP
  PS_CONST(PF_MCTP);
#endif
#ifdef PF_MPLS
  PS_CONST(PF_MPLS);
#endif
#ifdef PF_NETBEUI
  PS_CONST(PF_NETBEUI);
#endif
#ifdef PF_NETLINK
  PS_CONST(PF_NETLINK);
#endif
#ifdef PF_NETROM
  PS_CONST(PF_NETROM);
#endif
#ifdef PF_NFC
  PS_CONST(PF_NFC);
#endif
#ifdef PF_PACKET
  PS_CONST(PF_PACKET);
#endif
#ifdef PF_PHONET
  PS_CONST(PF_PHONET);
#endif
#ifdef PF_PPPOX
  PS_CONST(PF_PPPOX);
#endif
#ifdef PF_QIPCRTR
  PS_CONST(PF_QIPCRTR);
#endif
#ifdef PF_RDS
  PS_CONST(PF_RDS);
#endif
#ifdef PF_ROSE
  PS_CONST(PF_ROSE);
#endif
#ifdef PF_ROUTE
  PS_CONST(PF_ROUTE);
#endif
#ifdef PF_RXRPC
  PS_CONST(PF_RXRPC);
#endif
#ifdef PF_SECURITY
  PS_CONST(PF_SECURITY);
#endif
#ifdef PF_SMC
  PS_CONST(PF_SMC);
#endif
#ifdef PF_SNA
  PS_CONST(PF_SNA);
#endif
#ifdef PF_TIPC
  PS_CONST(PF_TIPC);
#endif
#ifdef PF_VSOCK
  PS_CONST(PF_VSOCK);
#endif
#ifdef PF_WANPIPE
  PS_CONST(PF_WANPIPE);
#endif
#ifdef PF_X25
  PS_CONST(PF_X25);
#endif
#ifdef PF_XDP
  PS_CONST(PF_XDP);
#endif
  // Multicast and IP-level options (netinet/in.h)
#ifdef INADDR_ALLHOSTS_GROUP
  PS_CONST(INADDR_ALLHOSTS_GROUP);
#endif
#ifdef INADDR_ALLRTRS_GROUP
  PS_CONST(INADDR_ALLRTRS_GROUP);
#endif
#ifdef INADDR_ALLSNOOPERS_GROUP
  PS_CONST(INADDR_ALLSNOOPERS_GROUP);
#endif
#ifdef INADDR_DUMMY
  PS_CONST(INADDR_DUMMY);
#endif
#ifdef INADDR_MAX_LOCAL_GROUP
  PS_CONST(INADDR_MAX_LOCAL_GROUP);
#endif
#ifdef INADDR_UNSPEC_GROUP
  PS_CONST(INADDR_UNSPEC_GROUP);
#endif
#ifdef IPV6_2292DSTOPTS
  PS_CONST(IPV6_2292DSTOPTS);
#endif
#ifdef IPV6_2292HOPLIMIT
  PS_CONST(IPV6_2292HOPLIMIT);
#endif
#ifdef IPV6_2292HOPOPTS
  PS_CONST(IPV6_2292HOPOPTS);
#endif
#ifdef IPV6_2292PKTINFO
  PS_CONST(IPV6_2292PKTINFO);
#endif
#ifdef IPV6_2292PKTOPTIONS
  PS_CONST(IPV6_2292PKTOPTIONS);
#endif
#ifdef IPV6_2292RTHDR
  PS_CONST(IPV6_2292RTHDR);
#endif
#ifdef IPV6_ADDRFORM
  PS_CONST(IPV6_ADDRFORM);
#endif
#ifdef IPV6_ADDR_PREFERENCES
  PS_CONST(IPV6_ADDR_PREFERENCES);
#endif
#ifdef IPV6_ADD_MEMBERSHIP
  PS_CONST(IPV6_ADD_MEMBERSHIP);
#endif
#ifdef IPV6_AUTHHDR
  PS_CONST(IPV6_AUTHHDR);
#endif
#ifdef IPV6_AUTOFLOWLABEL
  PS_CONST(IPV6_AUTOFLOWLABEL);
#endif
#ifdef IPV6_BOUND_IF
  PS_CONST(IPV6_BOUND_IF);
#endif
#ifdef IPV6_CHECKSUM
  PS_CONST(IPV6_CHECKSUM);
#endif
#ifdef IPV6_DONTFRAG
  PS_CONST(IPV6_DONTFRAG);
#endif
#ifdef IPV6_DROP_MEMBERSHIP
  PS_CONST(IPV6_DROP_MEMBERSHIP);
#endif
#ifdef IPV6_DSTOPTS
  PS_CONST(IPV6_DSTOPTS);
#endif
#ifdef IPV6_FAITH
  PS_CONST(IPV6_FAITH);
#endif
#ifdef IPV6_FREEBIND
  PS_CONST(IPV6_FREEBIND);
#endif
#ifdef IPV6_HDRINCL
  PS_CONST(IPV6_HDRINCL);
#endif
#ifdef IPV6_HOPLIMIT
  PS_CONST(IPV6_HOPLIMIT);
#endif
#ifdef IPV6_HOPOPTS
  PS_CONST(IPV6_HOPOPTS);
#endif
#ifdef IPV6_IPSEC_POLICY
  PS_CONST(IPV6_IPSEC_POLICY);
#endif
#ifdef IPV6_JOIN_ANYCAST
  PS_CONST(IPV6_JOIN_ANYCAST);
#endif
#ifdef IPV6_JOIN_GROUP
  PS_CONST(IPV6_JOIN_GROUP);
#endif
#ifdef IPV6_LEAVE_ANYCAST
  PS_CONST(IPV6_LEAVE_ANYCAST);
#endif
#ifdef IPV6_LEAVE_GROUP
  PS_CONST(IPV6_LEAVE_GROUP);
#endif
#ifdef IPV6_MINHOPCOUNT
  PS_CONST(IPV6_MINHOPCOUNT);
#endif
#ifdef IPV6_MTU
  PS_CONST(IPV6_MTU);
#endif
#ifdef IPV6_MTU_DISCOVER
  PS_CONST(IPV6_MTU_DISCOVER);
#endif
#ifdef IPV6_MULTICAST_ALL
  PS_CONST(IPV6_MULTICAST_ALL);
#endif
#ifdef IPV6_MULTICAST_HOPS
  PS_CONST(IPV6_MULTICAST_HOPS);
#endif
#ifdef IPV6_MULTICAST_IF
  PS_CONST(IPV6_MULTICAST_IF);
#endif
#ifdef IPV6_MULTICAST_LOOP
  PS_CONST(IPV6_MULTICAST_LOOP);
#endif
#ifdef IPV6_NEXTHOP
  PS_CONST(IPV6_NEXTHOP);
#endif
#ifdef IPV6_ORIGDSTADDR
  PS_CONST(IPV6_ORIGDSTADDR);
#endif
#ifdef IPV6_PATHMTU
  PS_CONST(IPV6_PATHMTU);
#endif
#ifdef IPV6_PKTINFO
  PS_CONST(IPV6_PKTINFO);
#endif
#ifdef IPV6_PMTUDISC_DO
  PS_CONST(IPV6_PMTUDISC_DO);
#endif
#ifdef IPV6_PMTUDISC_DONT
  PS_CONST(IPV6_PMTUDISC_DONT);
#endif
#ifdef IPV6_PMTUDISC_INTERFACE
  PS_CONST(IPV6_PMTUDISC_INTERFACE);
#endif
#ifdef IPV6_PMTUDISC_OMIT
  PS_CONST(IPV6_PMTUDISC_OMIT);
#endif
#ifdef IPV6_PMTUDISC_PROBE
  PS_CONST(IPV6_PMTUDISC_PROBE);
#endif
#ifdef IPV6_PMTUDISC_WANT
  PS_CONST(IPV6_PMTUDISC_WANT);
#endif
#ifdef IPV6_PORTRANGE
  PS_CONST(IPV6_PORTRANGE);
#endif
#ifdef IPV6_PREFER_TEMPADDR
  PS_CONST(IPV6_PREFER_TEMPADDR);
#endif
#ifdef IPV6_RECVDSTOPTS
  PS_CONST(IPV6_RECVDSTOPTS);
#endif
#ifdef IPV6_RECVERR
  PS_CONST(IPV6_RECVERR);
#endif
#ifdef IPV6_RECVERR_RFC4884
  PS_CONST(IPV6_RECVERR_RFC4884);
#endif
#ifdef IPV6_RECVFRAGSIZE
  PS_CONST(IPV6_RECVFRAGSIZE);
#endif
#ifdef IPV6_RECVHOPLIMIT
  PS_CONST(IPV6_RECVHOPLIMIT);
#endif
#ifdef IPV6_RECVHOPOPTS
  PS_CONST(IPV6_RECVHOPOPTS);
#endif
#ifdef IPV6_RECVORIGDSTADDR
  PS_CONST(IPV6_RECVORIGDSTADDR);
#endif
#ifdef IPV6_RECVPATHMTU
  PS_CONST(IPV6_RECVPATHMTU);
#endif
#ifdef IPV6_RECVPKTINFO
  PS_CONST(IPV6_RECVPKTINFO);
#endif
#ifdef IPV6_RECVRTHDR
  PS_CONST(IPV6_RECVRTHDR);
#endif
#ifdef IPV6_RECVTCLASS
  PS_CONST(IPV6_RECVTCLASS);
#endif
#ifdef IPV6_ROUTER_ALERT
  PS_CONST(IPV6_ROUTER_ALERT);
#endif
#ifdef IPV6_ROUTER_ALERT_ISOLATE
  PS_CONST(IPV6_ROUTER_ALERT_ISOLATE);
#endif
#ifdef IPV6_RTHDR
  PS_CONST(IPV6_RTHDR);
#endif
#ifdef IPV6_RTHDRDSTOPTS
  PS_CONST(IPV6_RTHDRDSTOPTS);
#endif
#ifdef IPV6_RTHDR_LOOSE
  PS_CONST(IPV6_RTHDR_LOOSE);
#endif
#ifdef IPV6_RTHDR_STRICT
  PS_CONST(IPV6_RTHDR_STRICT);
#endif
#ifdef IPV6_RTHDR_TYPE_0
  PS_CONST(IPV6_RTHDR_TYPE_0);
#endif
#ifdef IPV6_RXDSTOPTS
  PS_CONST(IPV6_RXDSTOPTS);
#endif
#ifdef IPV6_RXHOPOPTS
  PS_CONST(IPV6_RXHOPOPTS);
#endif
#ifdef IPV6_TCLASS
  PS_CONST(IPV6_TCLASS);
#endif
#ifdef IPV6_TRANSPARENT
  PS_CONST(IPV6_TRANSPARENT);
#endif
#ifdef IPV6_UNICAST_IF
  PS_CONST(IPV6_UNICAST_IF);
#endif
#ifdef IPV6_XFRM_POLICY
  PS_CONST(IPV6_XFRM_POLICY);
#endif
#ifdef IP_ADD_MEMBERSHIP
  PS_CONST(IP_ADD_MEMBERSHIP);
#endif
#ifdef IP_ADD_SOURCE_MEMBERSHIP
  PS_CONST(IP_ADD_SOURCE_MEMBERSHIP);
#endif
#ifdef IP_BIND_ADDRESS_NO_PORT
  PS_CONST(IP_BIND_ADDRESS_NO_PORT);
#endif
#ifdef IP_BLOCK_SOURCE
  PS_CONST(IP_BLOCK_SOURCE);
#endif
#ifdef IP_BOUND_IF
  PS_CONST(IP_BOUND_IF);
#endif
#ifdef IP_CHECKSUM
  PS_CONST(IP_CHECKSUM);
#endif
#ifdef IP_DEFAULT_MULTICAST_LOOP
  PS_CONST(IP_DEFAULT_MULTICAST_LOOP);
#endif
#ifdef IP_DEFAULT_MULTICAST_TTL
  PS_CONST(IP_DEFAULT_MULTICAST_TTL);
#endif
#ifdef IP_DONTFRAG
  PS_CONST(IP_DONTFRAG);
#endif
#ifdef IP_DROP_MEMBERSHIP
  PS_CONST(IP_DROP_MEMBERSHIP);
#endif
#ifdef IP_DROP_SOURCE_MEMBERSHIP
  PS_CONST(IP_DROP_SOURCE_MEMBERSHIP);
#endif
#ifdef IP_FAITH
  PS_CONST(IP_FAITH);
#endif
#ifdef IP_FREEBIND
  PS_CONST(IP_FREEBIND);
#endif
#ifdef IP_HDRINCL
  PS_CONST(IP_HDRINCL);
#endif
#ifdef IP_IPSEC_POLICY
  PS_CONST(IP_IPSEC_POLICY);
#endif
#ifdef IP_MAX_MEMBERSHIPS
  PS_CONST(IP_MAX_MEMBERSHIPS);
#endif
#ifdef IP_MINTTL
  PS_CONST(IP_MINTTL);
#endif
#ifdef IP_MSFILTER
  PS_CONST(IP_MSFILTER);
#endif
#ifdef IP_MTU
  PS_CONST(IP_MTU);
#endif
#ifdef IP_MTU_DISCOVER
  PS_CONST(IP_MTU_DISCOVER);
#endif
#ifdef IP_MULTICAST_ALL
  PS_CONST(IP_MULTICAST_ALL);
#endif
#ifdef IP_MULTICAST_IF
  PS_CONST(IP_MULTICAST_IF);
#endif
#ifdef IP_MULTICAST_IFINDEX
  PS_CONST(IP_MULTICAST_IFINDEX);
#endif
#ifdef IP_MULTICAST_LOOP
  PS_CONST(IP_MULTICAST_LOOP);
#endif
#ifdef IP_MULTICAST_TTL
  PS_CONST(IP_MULTICAST_TTL);
#endif
#ifdef IP_MULTICAST_VIF
  PS_CONST(IP_MULTICAST_VIF);
#endif
#ifdef IP_NODEFRAG
  PS_CONST(IP_NODEFRAG);
#endif
#ifdef IP_OPTIONS
  PS_CONST(IP_OPTIONS);
#endif
#ifdef IP_ORIGDSTADDR
  PS_CONST(IP_ORIGDSTADDR);
#endif
#ifdef IP_PASSSEC
  PS_CONST(IP_PASSSEC);
#endif
#ifdef IP_PKTINFO
  PS_CONST(IP_PKTINFO);
#endif
#ifdef IP_PKTOPTIONS
  PS_CONST(IP_PKTOPTIONS);
#endif
#ifdef IP_PMTUDISC
  PS_CONST(IP_PMTUDISC);
#endif
#ifdef IP_PMTUDISC_DO
  PS_CONST(IP_PMTUDISC_DO);
#endif
#ifdef IP_PMTUDISC_DONT
  PS_CONST(IP_PMTUDISC_DONT);
#endif
#ifdef IP_PMTUDISC_INTERFACE
  PS_CONST(IP_PMTUDISC_INTERFACE);
#endif
#ifdef IP_PMTUDISC_OMIT
  PS_CONST(IP_PMTUDISC_OMIT);
#endif
#ifdef IP_PMTUDISC_PROBE
  PS_CONST(IP_PMTUDISC_PROBE);
#endif
#ifdef IP_PMTUDISC_WANT
  PS_CONST(IP_PMTUDISC_WANT);
#endif
#ifdef IP_PORTRANGE
  PS_CONST(IP_PORTRANGE);
#endif
#ifdef IP_RECVDSTADDR
  PS_CONST(IP_RECVDSTADDR);
#endif
#ifdef IP_RECVERR
  PS_CONST(IP_RECVERR);
#endif
#ifdef IP_RECVERR_RFC4884
  PS_CONST(IP_RECVERR_RFC4884);
#endif
#ifdef IP_RECVFRAGSIZE
  PS_CONST(IP_RECVFRAGSIZE);
#endif
#ifdef IP_RECVIF
  PS_CONST(IP_RECVIF);
#endif
#ifdef IP_RECVOPTS
  PS_CONST(IP_RECVOPTS);
#endif
#ifdef IP_RECVORIGDSTADDR
  PS_CONST(IP_RECVORIGDSTADDR);
#endif
#ifdef IP_RECVPKTINFO
  PS_CONST(IP_RECVPKTINFO);
#endif
#ifdef IP_RECVRETOPTS
  PS_CONST(IP_RECVRETOPTS);
#endif
#ifdef IP_RECVTOS
  PS_CONST(IP_RECVTOS);
#endif
#ifdef IP_RECVTTL
  PS_CONST(IP_RECVTTL);
#endif
#ifdef IP_RETOPTS
  PS_CONST(IP_RETOPTS);
#endif
#ifdef IP_ROUTER_ALERT
  PS_CONST(IP_ROUTER_ALERT);
#endif
#ifdef IP_STRIPHDR
  PS_CONST(IP_STRIPHDR);
#endif
#ifdef IP_TRANSPARENT
  PS_CONST(IP_TRANSPARENT);
#endif
#ifdef IP_UNBLOCK_SOURCE
  PS_CONST(IP_UNBLOCK_SOURCE);
#endif
#ifdef IP_UNICAST_IF
  PS_CONST(IP_UNICAST_IF);
#endif
#ifdef IP_XFRM_POLICY
  PS_CONST(IP_XFRM_POLICY);
#endif
#ifdef MCAST_BLOCK_SOURCE
  PS_CONST(MCAST_BLOCK_SOURCE);
#endif
#ifdef MCAST_EXCLUDE
  PS_CONST(MCAST_EXCLUDE);
#endif
#ifdef MCAST_INCLUDE
  PS_CONST(MCAST_INCLUDE);
#endif
#ifdef MCAST_JOIN_GROUP
  PS_CONST(MCAST_JOIN_GROUP);
#endif
#ifdef MCAST_JOIN_SOURCE_GROUP
  PS_CONST(MCAST_JOIN_SOURCE_GROUP);
#endif
#ifdef MCAST_LEAVE_GROUP
  PS_CONST(MCAST_LEAVE_GROUP);
#endif
#ifdef MCAST_LEAVE_SOURCE_GROUP
  PS_CONST(MCAST_LEAVE_SOURCE_GROUP);
#endif
#ifdef MCAST_MSFILTER
  PS_CONST(MCAST_MSFILTER);
#endif
#ifdef MCAST_UNBLOCK_SOURCE
  PS_CONST(MCAST_UNBLOCK_SOURCE);
#endif
  // Control messages and credentials (sys/socket.h)
#ifdef LOCAL_PEERCRED
  PS_CONST(LOCAL_PEERCRED);
#endif
#ifdef LOCAL_PEERPID
  PS_CONST(LOCAL_PEERPID);
#endif
#ifdef SCM_CREDENTIALS
  PS_CONST(SCM_CREDENTIALS);
#endif
#ifdef SCM_CREDS
  PS_CONST(SCM_CREDS);
#endif
#ifdef SCM_RIGHTS
  PS_CONST(SCM_RIGHTS);
#endif
#ifdef SCM_TIMESTAMP
  PS_CONST(SCM_TIMESTAMP);
#endif
#ifdef SCM_TIMESTAMPING
  PS_CONST(SCM_TIMESTAMPING);
#endif
#ifdef SCM_TIMESTAMPING_OPT_STATS
  PS_CONST(SCM_TIMESTAMPING_OPT_STATS);
#endif
#ifdef SCM_TIMESTAMPING_PKTINFO
  PS_CONST(SCM_TIMESTAMPING_PKTINFO);
#endif
#ifdef SCM_TIMESTAMPNS
  PS_CONST(SCM_TIMESTAMPNS);
#endif
#ifdef SCM_TIMESTAMP_MONOTONIC
  PS_CONST(SCM_TIMESTAMP_MONOTONIC);
#endif
#ifdef SCM_TXTIME
  PS_CONST(SCM_TXTIME);
#endif
#ifdef SCM_WIFI_STATUS
  PS_CONST(SCM_WIFI_STATUS);
#endif
#ifdef SO_NREAD
  PS_CONST(SO_NREAD);
#endif
#ifdef SO_NWRITE
  PS_CONST(SO_NWRITE);
#endif
#ifdef SO_PASSCRED
  PS_CONST(SO_PASSCRED);
#endif
#ifdef SO_PASSSEC
  PS_CONST(SO_PASSSEC);
#endif
#ifdef SO_PEERCRED
  PS_CONST(SO_PEERCRED);
#endif
  // ioctl requests and iovec limits
#ifdef FIONREAD
  PS_CONST(FIONREAD);
#endif
#ifdef FIONBIO
  PS_CONST(FIONBIO);
#endif
#ifdef SIOCATMARK
  PS_CONST(SIOCATMARK);
#endif
#ifdef SIOCINQ
  PS_CONST(SIOCINQ);
#endif
#ifdef SIOCOUTQ
  PS_CONST(SIOCOUTQ);
#endif
#ifdef SIOCOUTQNSD
  PS_CONST(SIOCOUTQNSD);
#endif
#ifdef IOV_MAX
  PS_CONST(IOV_MAX);
#endif
#ifdef UIO_MAXIOV
  PS_CONST(UIO_MAXIOV);
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
  // The rest of the socket API (a block of its own, to join the single list).
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
  AddSocketConstants(env, constants);
  AddErrnoConstants(env, constants);
  AddSocketApiConstants(env, constants);
  exports.Set("constants", constants);

  Napi::Object layout = Napi::Object::New(env);
  AddLayout(env, layout);
  exports.Set("layout", layout);

  // The libc objects themselves, not a copy of their documented value.
  exports.Set("in6addr_any", In6Bytes(env, in6addr_any));
  exports.Set("in6addr_loopback", In6Bytes(env, in6addr_loopback));
}

}  // namespace posix_sockets
