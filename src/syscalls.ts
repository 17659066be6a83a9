// The socket calls, with C's names, arguments and results. A failing call
// returns (or resolves to) -1 and sets `errno`; an OS error never throws or
// rejects. Programming errors (wrong types, a length past the buffer) throw
// TypeError/RangeError before any syscall. Each call reaches the kernel with
// exactly the arguments given: no flag is added behind the caller's back.
//
// The calls that can block return a Promise: the syscall is made once it
// cannot block, so the event loop stays free (docs/threading.md); each has a
// *Sync twin that makes the identical syscall on the calling thread, blocking.
import { addon, OUTLEN_SLOT } from './addon.js';
import { errno } from './errno.js';
import { lastCall, queue, withErrno, type BlockingOptions, type CallPromise } from './call.js';
import type { Platform } from './constant-names.js';
import * as v from './validate.js';
import type { HasBytes, LengthRef } from './validate.js';
import * as t from './trace.js';

/** A socket address argument: a struct (`sockaddr_in`, `sockaddr_in6`, ...) or raw bytes. */
export type SockaddrArg = HasBytes | ArrayBufferView;
/** Data to send: bytes, or a string sent as UTF-8. */
export type SendData = ArrayBufferView | string;
export type { BlockingOptions, CallPromise };

function setOut(ref: LengthRef | null, r: number, outlen: number): void {
  if (ref !== null && r !== -1) ref.value = outlen;
}

function sendBytes(fn: string, buf: unknown): ArrayBufferView {
  return typeof buf === 'string' ? Buffer.from(buf, 'utf8') : v.view(fn, 'buf', buf);
}

// `name` is the address argument's name in the man page (addr, dest_addr, src_addr).
function addrIn(fn: string, addr: unknown, addrlen: unknown, name = 'addr'): [ArrayBufferView | null, number] {
  const bytes = v.optionalMemory(fn, name, addr);
  const len = bytes === null ? v.socklen(fn, 'addrlen', addrlen) : v.length(fn, 'addrlen', addrlen, bytes.byteLength, name);
  return [bytes, len];
}

// Returns the length as checked: `addrlen.value` is read once, so a getter
// cannot pass the check with one value and reach the call with another.
function addrOut(fn: string, addr: unknown, addrlen: unknown, name = 'addr'): [ArrayBufferView | null, LengthRef | null, number | null] {
  const bytes = v.optionalMemory(fn, name, addr);
  const ref = v.lengthRef(fn, 'addrlen', addrlen, true);
  if (ref === null) return [bytes, null, null];
  const value = ref.value;
  const len = bytes === null ? v.socklen(fn, 'addrlen.value', value) : v.length(fn, 'addrlen.value', value, bytes.byteLength, name);
  return [bytes, ref, len];
}

const fmtRef = (ref: LengthRef | null, before: number | null) =>
  ref === null ? 'NULL' : before === ref.value || before === null ? `[${ref.value}]` : `[${before} => ${ref.value}]`;

// ---------------------------------------------------------------------------
// Calls that do not block

/** socket(2): creates an endpoint; returns a descriptor or -1. */
export function socket(domain: number, type: number, protocol: number): number {
  v.int('socket', 'domain', domain);
  v.int('socket', 'type', type);
  v.int('socket', 'protocol', protocol);
  const r = withErrno(addon.socket(domain, type, protocol));
  if (t.state.tracing) t.emit('socket', [t.fmtFamily(domain), t.fmtType(type), String(protocol)], r, errno);
  return r;
}

/** bind(2): gives the socket its local address. */
export function bind(sockfd: number, addr: SockaddrArg | null, addrlen: number): number {
  v.int('bind', 'sockfd', sockfd);
  const [bytes, len] = addrIn('bind', addr, addrlen);
  const r = withErrno(addon.bind(sockfd, bytes, len));
  if (t.state.tracing) t.emit('bind', [String(sockfd), t.fmtSockaddr(bytes, len), String(len)], r, errno);
  return r;
}

/** listen(2): marks the socket as accepting connections, with a backlog queue. */
export function listen(sockfd: number, backlog: number): number {
  v.int('listen', 'sockfd', sockfd);
  v.int('listen', 'backlog', backlog);
  const r = withErrno(addon.listen(sockfd, backlog));
  if (t.state.tracing) t.emit('listen', [String(sockfd), String(backlog)], r, errno);
  return r;
}

/** close(2): releases the descriptor. */
export function close(fd: number): number {
  v.int('close', 'fd', fd);
  const r = withErrno(addon.close(fd));
  if (t.state.tracing) t.emit('close', [String(fd)], r, errno);
  return r;
}

/** shutdown(2): shuts down part or all of a full-duplex connection (SHUT_RD, SHUT_WR, SHUT_RDWR). */
export function shutdown(sockfd: number, how: number): number {
  v.int('shutdown', 'sockfd', sockfd);
  v.int('shutdown', 'how', how);
  const r = withErrno(addon.shutdown(sockfd, how));
  if (t.state.tracing) t.emit('shutdown', [String(sockfd), t.fmtHow(how)], r, errno);
  return r;
}

/**
 * setsockopt(2). `optval` is C memory (`c_int`, `timeval`, `linger`, a typed array) or null;
 * `optlen` is its length in bytes, as in C (`sizeof(optval)`).
 */
export function setsockopt(sockfd: number, level: number, optname: number, optval: HasBytes | ArrayBufferView | null, optlen: number): number {
  v.int('setsockopt', 'sockfd', sockfd);
  v.int('setsockopt', 'level', level);
  v.int('setsockopt', 'optname', optname);
  const bytes = v.optionalMemory('setsockopt', 'optval', optval);
  const len = bytes === null ? v.socklen('setsockopt', 'optlen', optlen) : v.length('setsockopt', 'optlen', optlen, bytes.byteLength, 'optval');
  const r = withErrno(addon.setsockopt(sockfd, level, optname, bytes, len));
  if (t.state.tracing) t.emit('setsockopt', [String(sockfd), t.fmtLevel(level), t.fmtOptname(level, optname), fmtOptval(bytes, len), String(len)], r, errno);
  return r;
}

/** getsockopt(2): fills `optval` and sets `optlen.value` to the length written. */
export function getsockopt(sockfd: number, level: number, optname: number, optval: HasBytes | ArrayBufferView, optlen: LengthRef): number {
  v.int('getsockopt', 'sockfd', sockfd);
  v.int('getsockopt', 'level', level);
  v.int('getsockopt', 'optname', optname);
  const bytes = v.memory('getsockopt', 'optval', optval);
  const ref = v.lengthRef('getsockopt', 'optlen', optlen, false)!;
  const before = v.length('getsockopt', 'optlen.value', ref.value, bytes.byteLength, 'optval');
  const r = withErrno(addon.getsockopt(sockfd, level, optname, bytes, before));
  setOut(ref, r, lastCall[OUTLEN_SLOT]);
  if (t.state.tracing) t.emit('getsockopt', [String(sockfd), t.fmtLevel(level), t.fmtOptname(level, optname), r === -1 ? '0x...' : fmtOptval(bytes, ref.value), fmtRef(ref, before)], r, errno);
  return r;
}

function fmtOptval(bytes: ArrayBufferView | null, len: number): string {
  if (bytes === null) return 'NULL';
  if (len === 4) return `[${new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true)}]`;
  return t.fmtData(bytes, len);
}

function nameCall(fn: 'getsockname' | 'getpeername', sockfd: number, addr: SockaddrArg, addrlen: LengthRef): number {
  v.int(fn, 'sockfd', sockfd);
  const bytes = v.memory(fn, 'addr', addr);
  const ref = v.lengthRef(fn, 'addrlen', addrlen, false)!;
  const before = v.length(fn, 'addrlen.value', ref.value, bytes.byteLength, 'addr');
  const r = withErrno(addon[fn](sockfd, bytes, before));
  setOut(ref, r, lastCall[OUTLEN_SLOT]);
  if (t.state.tracing) t.emit(fn, [String(sockfd), r === -1 ? '0x...' : t.fmtSockaddr(bytes, Math.min(before, ref.value)), fmtRef(ref, before)], r, errno);
  return r;
}

/** getsockname(2): the socket's local address; sets `addrlen.value`. */
export function getsockname(sockfd: number, addr: SockaddrArg, addrlen: LengthRef): number {
  return nameCall('getsockname', sockfd, addr, addrlen);
}

/** getpeername(2): the connected peer's address; sets `addrlen.value`. */
export function getpeername(sockfd: number, addr: SockaddrArg, addrlen: LengthRef): number {
  return nameCall('getpeername', sockfd, addr, addrlen);
}

/** fcntl(2) with an integer argument: F_GETFL / F_SETFL (O_NONBLOCK), F_GETFD / F_SETFD (FD_CLOEXEC). */
export function fcntl(fd: number, cmd: number, arg?: number): number {
  v.int('fcntl', 'fd', fd);
  v.int('fcntl', 'cmd', cmd);
  if (arg !== undefined) v.int('fcntl', 'arg', arg);
  const r = withErrno(addon.fcntl(fd, cmd, arg));
  if (t.state.tracing) t.emit('fcntl', [String(fd), t.fmtCmd(cmd), ...(arg === undefined ? [] : [String(arg)])], r, errno);
  return r;
}

// ---------------------------------------------------------------------------
// Calls that can block: Promise form (the library's reactor, not the libuv threadpool) and Sync twin

function acceptArgs(fn: string, sockfd: number, addr: unknown, addrlen: unknown) {
  v.int(fn, 'sockfd', sockfd);
  return addrOut(fn, addr, addrlen);
}

function traceAccept(fn: string, sockfd: number, bytes: ArrayBufferView | null, ref: LengthRef | null, before: number | null, r: number, err: number, extra: string[] = []) {
  const shown = r === -1 || ref === null ? (bytes === null ? 'NULL' : '0x...') : t.fmtSockaddr(bytes, Math.min(before ?? 0, ref.value));
  t.emit(fn, [String(sockfd), shown, fmtRef(ref, before), ...extra], r, err);
}

/** accept(2): waits for a connection; fills `addr` and `addrlen.value` (both may be null). */
export function accept(sockfd: number, addr: SockaddrArg | null, addrlen: LengthRef | null, options?: BlockingOptions): CallPromise {
  const [bytes, ref, before] = acceptArgs('accept', sockfd, addr, addrlen);
  return queue(
    'accept',
    options,
    (cb) => addon.accept(sockfd, bytes, before, cb),
    (r, err, outlen) => {
      setOut(ref, r, outlen);
      if (t.state.tracing) traceAccept('accept', sockfd, bytes, ref, before, r, err);
    },
  );
}

/** accept(2), on the calling thread. */
export function acceptSync(sockfd: number, addr: SockaddrArg | null, addrlen: LengthRef | null): number {
  const [bytes, ref, before] = acceptArgs('acceptSync', sockfd, addr, addrlen);
  const r = withErrno(addon.acceptSync(sockfd, bytes, before));
  setOut(ref, r, lastCall[OUTLEN_SLOT]);
  if (t.state.tracing) traceAccept('accept', sockfd, bytes, ref, before, r, errno);
  return r;
}

/**
 * A call only some platforms have: its own type where the platform the
 * addon was built on has it, `undefined` where it does not, and either when
 * no addon was built (Platform in constant-names.ts).
 */
export type IfPlatformHas<K extends keyof Platform, T> = Platform[K] extends true ? T : Platform[K] extends false ? undefined : T | undefined;

/** accept4(2) where the platform has it: the type of `accept4`. */
export type Accept4 = (sockfd: number, addr: SockaddrArg | null, addrlen: LengthRef | null, flags: number, options?: BlockingOptions) => CallPromise;
/** accept4(2) on the calling thread, where the platform has it: the type of `accept4Sync`. */
export type Accept4Sync = (sockfd: number, addr: SockaddrArg | null, addrlen: LengthRef | null, flags: number) => number;

/** accept4(2) (Linux): accept with SOCK_NONBLOCK / SOCK_CLOEXEC for the new descriptor. Undefined where the platform lacks it. */
export const accept4 = (addon.accept4 &&
  ((sockfd, addr, addrlen, flags, options) => {
    const [bytes, ref, before] = acceptArgs('accept4', sockfd, addr, addrlen);
    v.int('accept4', 'flags', flags);
    return queue(
      'accept4',
      options,
      (cb) => addon.accept4!(sockfd, bytes, before, flags, cb),
      (r, err, outlen) => {
        setOut(ref, r, outlen);
        if (t.state.tracing) traceAccept('accept4', sockfd, bytes, ref, before, r, err, [t.fmtType(flags)]);
      },
    );
  }) satisfies Accept4) as IfPlatformHas<'accept4', Accept4>;

/** accept4(2) on the calling thread (Linux). Undefined where the platform lacks it. */
export const accept4Sync = (addon.accept4Sync &&
  ((sockfd, addr, addrlen, flags) => {
    const [bytes, ref, before] = acceptArgs('accept4Sync', sockfd, addr, addrlen);
    v.int('accept4Sync', 'flags', flags);
    const r = withErrno(addon.accept4Sync!(sockfd, bytes, before, flags));
    setOut(ref, r, lastCall[OUTLEN_SLOT]);
    if (t.state.tracing) traceAccept('accept4', sockfd, bytes, ref, before, r, errno, [t.fmtType(flags)]);
    return r;
  }) satisfies Accept4Sync) as IfPlatformHas<'accept4', Accept4Sync>;

/** connect(2): connects to `addr`; resolves once the connection is queued at the server (or fails). */
export function connect(sockfd: number, addr: SockaddrArg | null, addrlen: number, options?: BlockingOptions): CallPromise {
  v.int('connect', 'sockfd', sockfd);
  const [bytes, len] = addrIn('connect', addr, addrlen);
  return queue(
    'connect',
    options,
    (cb) => addon.connect(sockfd, bytes, len, cb),
    // Only a traced call needs a completion hook.
    t.state.tracing ? (r, err) => t.emit('connect', [String(sockfd), t.fmtSockaddr(bytes, len), String(len)], r, err) : undefined,
  );
}

/** connect(2), on the calling thread. */
export function connectSync(sockfd: number, addr: SockaddrArg | null, addrlen: number): number {
  v.int('connectSync', 'sockfd', sockfd);
  const [bytes, len] = addrIn('connectSync', addr, addrlen);
  const r = withErrno(addon.connectSync(sockfd, bytes, len));
  if (t.state.tracing) t.emit('connect', [String(sockfd), t.fmtSockaddr(bytes, len), String(len)], r, errno);
  return r;
}

function sendArgs(fn: string, sockfd: number, buf: unknown, len: unknown, flags: number): ArrayBufferView {
  v.int(fn, 'sockfd', sockfd);
  const bytes = sendBytes(fn, buf);
  v.length(fn, 'len', len, bytes.byteLength, 'buf');
  v.int(fn, 'flags', flags);
  return bytes;
}

/** send(2): queues `len` bytes of `buf` (a string is sent as UTF-8); resolves to the count sent. */
export function send(sockfd: number, buf: SendData, len: number, flags: number, options?: BlockingOptions): CallPromise {
  const bytes = sendArgs('send', sockfd, buf, len, flags);
  return queue(
    'send',
    options,
    (cb) => addon.send(sockfd, bytes, len, flags, cb),
    // Only a traced call needs a completion hook.
    t.state.tracing ? (r, err) => t.emit('send', [String(sockfd), t.fmtData(bytes, len), String(len), t.fmtFlags(flags)], r, err) : undefined,
  );
}

/** send(2), on the calling thread. */
export function sendSync(sockfd: number, buf: SendData, len: number, flags: number): number {
  const bytes = sendArgs('sendSync', sockfd, buf, len, flags);
  const r = withErrno(addon.sendSync(sockfd, bytes, len, flags));
  if (t.state.tracing) t.emit('send', [String(sockfd), t.fmtData(bytes, len), String(len), t.fmtFlags(flags)], r, errno);
  return r;
}

/** sendto(2): send with a destination address (datagram sockets); `addr` may be null. */
export function sendto(sockfd: number, buf: SendData, len: number, flags: number, dest_addr: SockaddrArg | null, addrlen: number, options?: BlockingOptions): CallPromise {
  const bytes = sendArgs('sendto', sockfd, buf, len, flags);
  const [a, alen] = addrIn('sendto', dest_addr, addrlen, 'dest_addr');
  return queue(
    'sendto',
    options,
    (cb) => addon.sendto(sockfd, bytes, len, flags, a, alen, cb),
    // Only a traced call needs a completion hook.
    t.state.tracing ? (r, err) => t.emit('sendto', [String(sockfd), t.fmtData(bytes, len), String(len), t.fmtFlags(flags), t.fmtSockaddr(a, alen), String(alen)], r, err) : undefined,
  );
}

/** sendto(2), on the calling thread. */
export function sendtoSync(sockfd: number, buf: SendData, len: number, flags: number, dest_addr: SockaddrArg | null, addrlen: number): number {
  const bytes = sendArgs('sendtoSync', sockfd, buf, len, flags);
  const [a, alen] = addrIn('sendtoSync', dest_addr, addrlen, 'dest_addr');
  const r = withErrno(addon.sendtoSync(sockfd, bytes, len, flags, a, alen));
  if (t.state.tracing) t.emit('sendto', [String(sockfd), t.fmtData(bytes, len), String(len), t.fmtFlags(flags), t.fmtSockaddr(a, alen), String(alen)], r, errno);
  return r;
}

function recvArgs(fn: string, sockfd: number, buf: unknown, len: unknown, flags: number): ArrayBufferView {
  v.int(fn, 'sockfd', sockfd);
  const bytes = v.view(fn, 'buf', buf);
  v.length(fn, 'len', len, bytes.byteLength, 'buf');
  v.int(fn, 'flags', flags);
  return bytes;
}

const fmtRecvData = (bytes: ArrayBufferView, r: number) => (r === -1 ? '0x...' : t.fmtData(bytes, r));

/** recv(2): receives up to `len` bytes into `buf`; resolves to the count, 0 at the peer's orderly close, or -1. */
export function recv(sockfd: number, buf: ArrayBufferView, len: number, flags: number, options?: BlockingOptions): CallPromise {
  const bytes = recvArgs('recv', sockfd, buf, len, flags);
  return queue(
    'recv',
    options,
    (cb) => addon.recv(sockfd, bytes, len, flags, cb),
    // Only a traced call needs a completion hook.
    t.state.tracing ? (r, err) => t.emit('recv', [String(sockfd), fmtRecvData(bytes, r), String(len), t.fmtFlags(flags)], r, err) : undefined,
  );
}

/** recv(2), on the calling thread. */
export function recvSync(sockfd: number, buf: ArrayBufferView, len: number, flags: number): number {
  const bytes = recvArgs('recvSync', sockfd, buf, len, flags);
  const r = withErrno(addon.recvSync(sockfd, bytes, len, flags));
  if (t.state.tracing) t.emit('recv', [String(sockfd), fmtRecvData(bytes, r), String(len), t.fmtFlags(flags)], r, errno);
  return r;
}

/** recvfrom(2): like recv, also filling the sender's address (`src_addr`, `addrlen` may be null). */
export function recvfrom(sockfd: number, buf: ArrayBufferView, len: number, flags: number, src_addr: SockaddrArg | null, addrlen: LengthRef | null, options?: BlockingOptions): CallPromise {
  const bytes = recvArgs('recvfrom', sockfd, buf, len, flags);
  const [a, ref, before] = addrOut('recvfrom', src_addr, addrlen, 'src_addr');
  return queue(
    'recvfrom',
    options,
    (cb) => addon.recvfrom(sockfd, bytes, len, flags, a, before, cb),
    (r, err, outlen) => {
      setOut(ref, r, outlen);
      if (t.state.tracing) t.emit('recvfrom', [String(sockfd), fmtRecvData(bytes, r), String(len), t.fmtFlags(flags), r === -1 || ref === null ? (a === null ? 'NULL' : '0x...') : t.fmtSockaddr(a, Math.min(before ?? 0, ref.value)), fmtRef(ref, before)], r, err);
    },
  );
}

/** recvfrom(2), on the calling thread. */
export function recvfromSync(sockfd: number, buf: ArrayBufferView, len: number, flags: number, src_addr: SockaddrArg | null, addrlen: LengthRef | null): number {
  const bytes = recvArgs('recvfromSync', sockfd, buf, len, flags);
  const [a, ref, before] = addrOut('recvfromSync', src_addr, addrlen, 'src_addr');
  const r = withErrno(addon.recvfromSync(sockfd, bytes, len, flags, a, before));
  setOut(ref, r, lastCall[OUTLEN_SLOT]);
  if (t.state.tracing) t.emit('recvfrom', [String(sockfd), fmtRecvData(bytes, r), String(len), t.fmtFlags(flags), r === -1 || ref === null ? (a === null ? 'NULL' : '0x...') : t.fmtSockaddr(a, Math.min(before ?? 0, ref.value)), fmtRef(ref, before)], r, errno);
  return r;
}
