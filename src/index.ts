// posix-sockets: the real POSIX socket calls, with C's names, results and errno.
export * from './constants.js';
export { errno, strerror } from './errno.js';
export { htons, htonl, ntohs, ntohl } from './byteorder.js';
export { inet_pton, inet_ntop } from './inet.js';
export {
  CStruct,
  sockaddr,
  sockaddr_in,
  sockaddr_in6,
  sockaddr_un,
  sockaddr_storage,
  in_addr,
  in6_addr,
  in6addr_any,
  in6addr_loopback,
  timeval,
  linger,
  c_int,
  sizeof,
  socklen_t,
} from './structs.js';
export * from './syscalls.js';
export { trace } from './trace.js';
// The rest of the socket API: descriptor I/O, messages, names, multicast.
export { iovec, read, readSync, write, writeSync, readv, readvSync, writev, writevSync, socketpair, ioctl } from './io.js';
export { msghdr, cmsghdr, ucred, CMSG_SPACE, CMSG_LEN, CMSG_FIRSTHDR, CMSG_NXTHDR, CMSG_DATA, sendmsg, sendmsgSync, recvmsg, recvmsgSync } from './msg.js';
export * from './netdb.js';
export * from './multicast.js';
export * from './multiplex.js';
export type { HasBytes, LengthRef } from './validate.js';
