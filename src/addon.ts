// Loads the compiled addon: a build from source if there is one, else the
// Node-API binary prebuilt for this platform and shipped in prebuilds/.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { delimiter, dirname, join } from 'node:path';

export type Callback = (ret: number, err: number, outlen: number) => void;
type View = ArrayBufferView;

/** One entry of a getaddrinfo result, copied out of libc's list. */
export interface GaiEntry {
  ai_flags: number;
  ai_family: number;
  ai_socktype: number;
  ai_protocol: number;
  ai_addrlen: number;
  ai_addr: Uint8Array | null;
  ai_canonname: string | null;
}
export interface GaiResult {
  ret: number;
  /** errno as the C library left it. */
  errno: number;
  /** errno when ret is EAI_SYSTEM. */
  err: number;
  list: GaiEntry[];
}
export interface NameinfoResult {
  ret: number;
  errno: number;
  err: number;
  host: string;
  serv: string;
}
export interface HostResult {
  errno: number;
  /** h_errno when hostent is null. */
  herr: number;
  hostent: { h_name: string; h_aliases: string[]; h_addrtype: number; h_length: number; h_addr_list: Uint8Array[] } | null;
}

export interface Addon {
  /** What the last sync call left besides its result: `lastCall[ERRNO_SLOT]`, `lastCall[OUTLEN_SLOT]`. */
  lastCall: Int32Array;
  /**
   * What an async entry point returns when its call was queued (its callback follows from the
   * event loop); any other value is the result of a call made at once, with no callback.
   */
  pending: number;
  constants: Record<string, number>;
  layout: Record<string, number>;
  in6addr_any: Uint8Array;
  in6addr_loopback: Uint8Array;

  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: View | null, addrlen: number): number;
  listen(fd: number, backlog: number): number;
  close(fd: number): number;
  shutdown(fd: number, how: number): number;
  setsockopt(fd: number, level: number, optname: number, optval: View | null, optlen: number): number;
  getsockopt(fd: number, level: number, optname: number, optval: View, optlen: number): number;
  getsockname(fd: number, addr: View, addrlen: number): number;
  getpeername(fd: number, addr: View, addrlen: number): number;
  fcntl(fd: number, cmd: number, arg?: number): number;

  acceptSync(fd: number, addr: View | null, addrlen: number | null): number;
  accept(fd: number, addr: View | null, addrlen: number | null, cb: Callback): number;
  accept4Sync?(fd: number, addr: View | null, addrlen: number | null, flags: number): number;
  accept4?(fd: number, addr: View | null, addrlen: number | null, flags: number, cb: Callback): number;
  connectSync(fd: number, addr: View | null, addrlen: number): number;
  connect(fd: number, addr: View | null, addrlen: number, cb: Callback): number;
  sendSync(fd: number, buf: View, len: number, flags: number): number;
  send(fd: number, buf: View, len: number, flags: number, cb: Callback): number;
  sendtoSync(fd: number, buf: View, len: number, flags: number, addr: View | null, addrlen: number): number;
  sendto(fd: number, buf: View, len: number, flags: number, addr: View | null, addrlen: number, cb: Callback): number;
  recvSync(fd: number, buf: View, len: number, flags: number): number;
  recv(fd: number, buf: View, len: number, flags: number, cb: Callback): number;
  recvfromSync(fd: number, buf: View, len: number, flags: number, addr: View | null, addrlen: number | null): number;
  recvfrom(fd: number, buf: View, len: number, flags: number, addr: View | null, addrlen: number | null, cb: Callback): number;

  /** Cancels a call still waiting for readiness: it completes with -1 and `err`. */
  cancel(id: number, err: number): boolean;
  reactorStats(): { waiting: number; pending: number; poolThreads: number; descriptors: number };

  // I/O multiplexing (multiplex.cc); the Linux-only ones are absent elsewhere.
  multiplexLayout: Record<string, number>;
  sigemptyset(set: View): number;
  sigfillset(set: View): number;
  sigaddset(set: View, signum: number): number;
  sigdelset(set: View, signum: number): number;
  sigismember(set: View, signum: number): number;
  selectSync(nfds: number, r: View | null, w: View | null, e: View | null, timeout: View | null): number;
  select(nfds: number, r: View | null, w: View | null, e: View | null, timeout: View | null, cb: Callback): number;
  pselectSync(nfds: number, r: View | null, w: View | null, e: View | null, timeout: View | null, sigmask: View | null): number;
  pselect(nfds: number, r: View | null, w: View | null, e: View | null, timeout: View | null, sigmask: View | null, cb: Callback): number;
  pollSync(fds: View, nfds: number, timeout: number): number;
  poll(fds: View, nfds: number, timeout: number, cb: Callback): number;
  ppollSync?(fds: View, nfds: number, tmo_p: View | null, sigmask: View | null): number;
  ppoll?(fds: View, nfds: number, tmo_p: View | null, sigmask: View | null, cb: Callback): number;
  epoll_create?(size: number): number;
  epoll_create1?(flags: number): number;
  epoll_ctl?(epfd: number, op: number, fd: number, event: View | null): number;
  epoll_waitSync?(epfd: number, events: View, maxevents: number, timeout: number): number;
  epoll_wait?(epfd: number, events: View, maxevents: number, timeout: number, cb: Callback): number;
  epoll_pwaitSync?(epfd: number, events: View, maxevents: number, timeout: number, sigmask: View | null): number;
  epoll_pwait?(epfd: number, events: View, maxevents: number, timeout: number, sigmask: View | null, cb: Callback): number;

  strerror(errnum: number): string;
  inet_pton(af: number, src: string, dst: View): number;
  inet_ntop(af: number, src: View, size?: number): string | null;

  // io.cc: read/write, readv/writev (bases and lengths as parallel arrays), socketpair, ioctl
  readSync(fd: number, buf: View, count: number): number;
  writeSync(fd: number, buf: View, count: number): number;
  readvSync(fd: number, bases: Array<View | null>, lens: number[], iovcnt: number): number;
  writevSync(fd: number, bases: Array<View | null>, lens: number[], iovcnt: number): number;
  read(fd: number, buf: View, count: number, cb: Callback): number;
  write(fd: number, buf: View, count: number, cb: Callback): number;
  readv(fd: number, bases: Array<View | null>, lens: number[], iovcnt: number, cb: Callback): number;
  writev(fd: number, bases: Array<View | null>, lens: number[], iovcnt: number, cb: Callback): number;
  socketpair(domain: number, type: number, protocol: number, sv: Int32Array): number;
  ioctl(fd: number, request: number, argp: View): number;

  // msg.cc: the msghdr's bytes plus the memory its pointers name
  sendmsgSync(fd: number, msg: View, name: View | null, bases: Array<View | null> | null, lens: number[], control: View | null, flags: number): number;
  recvmsgSync(fd: number, msg: View, name: View | null, bases: Array<View | null> | null, lens: number[], control: View | null, flags: number): number;
  sendmsg(fd: number, msg: View, name: View | null, bases: Array<View | null> | null, lens: number[], control: View | null, flags: number, cb: Callback): number;
  recvmsg(fd: number, msg: View, name: View | null, bases: Array<View | null> | null, lens: number[], control: View | null, flags: number, cb: Callback): number;
  CMSG_SPACE(length: number): number;
  CMSG_LEN(length: number): number;
  /** Offsets into the control buffer; -1 is NULL. */
  CMSG_FIRSTHDR(control: View | null, controllen: number): number;
  CMSG_NXTHDR(control: View | null, controllen: number, cmsg: number): number;
  CMSG_DATA_OFFSET: number;

  // netdb.cc
  // `errno`: the caller's, which the C library starts from; each result carries the errno it left.
  getaddrinfoSync(node: string | null, service: string | null, hints: View | null, errno: number): GaiResult;
  getnameinfoSync(addr: View | null, addrlen: number, host: boolean, hostlen: number, serv: boolean, servlen: number, flags: number, errno: number): NameinfoResult;
  gethostbynameSync(name: string, errno: number): HostResult;
  gethostbyaddrSync(addr: View, len: number, type: number, errno: number): HostResult;
  getaddrinfo(node: string | null, service: string | null, hints: View | null, errno: number, cb: (ret: number, err: number, result: GaiResult) => void): number;
  getnameinfo(addr: View | null, addrlen: number, host: boolean, hostlen: number, serv: boolean, servlen: number, flags: number, errno: number, cb: (ret: number, err: number, result: NameinfoResult) => void): number;
  gethostbyname(name: string, errno: number, cb: (ret: number, err: number, result: HostResult) => void): number;
  gethostbyaddr(addr: View, len: number, type: number, errno: number, cb: (ret: number, err: number, result: HostResult) => void): number;
  gai_strerror(errcode: number): string;
  hstrerror(err: number): string;
  inet_addr(cp: string): number;
  inet_network(cp: string): number;
  inet_aton(cp: string, inp: View): number;
  inet_ntoa(inp: View): string;
}

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The first of `names` found on PATH, or undefined. */
function onPath(...names: string[]): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return names.find((n) => dirs.some((d) => existsSync(join(d, n))));
}

/**
 * What to do when no prebuilt binary fits this machine and none was built
 * here: name the tools a build from source needs that are missing, and how
 * this OS installs them (not a gyp stack, which names none of them).
 */
function noAddon(cause: unknown): Error {
  const detail = cause instanceof Error ? cause.message.trim() : String(cause);
  const missing = [
    onPath('c++', 'g++', 'clang++') ? undefined : 'a C++ compiler',
    onPath('make') ? undefined : 'make',
    onPath('python3') ? undefined : 'python3',
  ].filter((t) => t !== undefined);
  const install =
    process.platform === 'darwin'
      ? 'xcode-select --install'
      : existsSync('/etc/alpine-release')
        ? 'apk add build-base python3'
        : 'apt-get install build-essential python3 (Debian, Ubuntu), dnf install gcc-c++ make python3 (Fedora, RHEL)';
  const tools = missing.length > 0 ? `${missing.join(', ')} not found; install them with: ${install}\nthen ` : '';
  return new Error(
    `posix-sockets: no prebuilt binary for ${process.platform}-${process.arch} in this package, and none built from source.\n` +
      `${tools}build it from source: cd ${root} && npx node-gyp rebuild  (see docs/troubleshooting.md)\n` +
      `(${detail.split('\n')[0]})`,
    { cause },
  );
}

/**
 * The addon's path: POSIX_SOCKETS_ADDON if set (another build, e.g. cmake-js's
 * or a sanitizer build), else what node-gyp-build finds: a build from source in
 * build/Release (or build/Debug), else the prebuilt binary for this platform,
 * architecture and libc in prebuilds/.
 */
function locate(): string {
  const explicit = process.env.POSIX_SOCKETS_ADDON;
  if (explicit) return explicit;
  const nodeGypBuild = require('node-gyp-build') as { resolve(dir: string): string };
  try {
    return nodeGypBuild.resolve(root);
  } catch (err) {
    throw noAddon(err);
  }
}

export const addonPath = locate();
// Copied into a plain object: the module's exports object has so many
// properties that V8 keeps it as a dictionary, so that every `addon.recv`
// would be a hash lookup; the copy has fast properties.
export const addon: Addon = { ...(require(addonPath) as Addon) };

/** Slots of `addon.lastCall` (native/addon.h): errno of the last failing sync call… */
export const ERRNO_SLOT = 0;
/** …the socklen_t a call wrote back through its length pointer… */
export const OUTLEN_SLOT = 1;
/** …and the id of the async call just queued (an async entry point returned `addon.pending`). */
export const OP_ID_SLOT = 2;
