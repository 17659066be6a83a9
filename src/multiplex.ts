// I/O multiplexing as C has it: select(2) and pselect(2) over fd_set, poll(2)
// and ppoll(2) over an array of struct pollfd, and on Linux epoll(7) with
// struct epoll_event. Layouts and constants come from the system headers
// through the addon (struct epoll_event is packed on x86-64: 12 bytes, 16
// elsewhere); nothing is assumed.
//
// The waiting calls return a Promise and have a *Sync twin. The awaited form
// makes the identical syscall on a thread of the library's own pool (the event
// loop stays free) on copies of the caller's sets or array, and writes back
// what the kernel wrote before the Promise settles; a zero timeout cannot wait
// and is made at once. Results and errno are C's.
import { addon } from './addon.js';
import { FD_SETSIZE } from './constant-names.js';
import { queue, withErrno, type BlockingOptions, type CallPromise } from './call.js';
import { CStruct, type timeval } from './structs.js';
import * as v from './validate.js';

const layout = addon.multiplexLayout;

function L(key: string): number {
  const n = layout[key];
  if (n === undefined) throw new Error(`posix-sockets: the addon reports no layout for ${key}`);
  return n;
}

const field = (type: string, name: string) => ({ offset: L(`${type}.${name}`), size: L(`${type}.${name}.size`) });
const hostLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------
// Arrays of structs

/** A struct class: `new T()` is fresh memory, `new T(bytes)` a view of `bytes`. */
export interface StructType<T extends CStruct> {
  new (from?: CStruct | ArrayBufferView): T;
  readonly SIZE: number;
  readonly name: string;
}

/** C's `T a[n]`: one contiguous buffer (`bytes`), element `i` a struct view of its part. */
export type CArray<T extends CStruct> = readonly T[] & { readonly bytes: Uint8Array };

/**
 * Makes C's array `T a[n]`, zero-filled: `const fds = array(pollfd, 2); fds[0].fd = sock;`.
 * Pass it where C passes the array; `sizeof(fds)` is its size in bytes.
 */
export function array<T extends CStruct>(type: StructType<T>, n: number): CArray<T> {
  if (typeof type !== 'function' || typeof type.SIZE !== 'number') {
    throw new TypeError(`array(): argument 'type' must be a struct class, got ${v.describe(type)}`);
  }
  if (typeof n !== 'number') throw new TypeError(`array(): argument 'n' must be a number, got ${v.describe(n)}`);
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw new RangeError(`array(): argument 'n' must be an integer from 0 to 2147483647, got ${String(n)}`);
  }
  const bytes = new Uint8Array(type.SIZE * n);
  const items = Array.from({ length: n }, (_, i) => new type(bytes.subarray(i * type.SIZE, (i + 1) * type.SIZE)));
  return Object.freeze(Object.assign(items, { bytes }));
}

// ---------------------------------------------------------------------------
// fd_set and its macros

const FDS = { size: L('sizeof_fd_set'), word: L('fd_set.word') };

/** fd_set (select(2)): a bit per descriptor below FD_SETSIZE, in C's words of `fd_set.word` bytes. */
export class fd_set extends CStruct {
  static readonly SIZE = FDS.size;
  constructor(from?: CStruct | ArrayBufferView) {
    super(FDS.size, from);
  }
}

// glibc's __FD_ELT/__FD_MASK: word fd / NFDBITS, bit fd % NFDBITS of that word,
// laid out in memory in the host's byte order.
function fdBit(fn: string, fd: unknown, set: unknown): [Uint8Array, number, number] {
  v.int(fn, 'fd', fd);
  if ((fd as number) < 0 || (fd as number) >= FD_SETSIZE) {
    throw new RangeError(`${fn}(): argument 'fd' must be from 0 to FD_SETSIZE - 1 (${FD_SETSIZE - 1}), got ${fd}`);
  }
  if (!(set instanceof fd_set)) throw new TypeError(`${fn}(): argument 'set' must be an fd_set, got ${v.describe(set)}`);
  const bits = FDS.word * 8;
  const word = Math.floor((fd as number) / bits);
  const bit = (fd as number) % bits;
  const byteInWord = hostLE ? bit >> 3 : FDS.word - 1 - (bit >> 3);
  return [set.bytes, word * FDS.word + byteInWord, 1 << (bit & 7)];
}

/** FD_ZERO(3): clears every descriptor from `set`. */
export function FD_ZERO(set: fd_set): void {
  if (!(set instanceof fd_set)) throw new TypeError(`FD_ZERO(): argument 'set' must be an fd_set, got ${v.describe(set)}`);
  set.bytes.fill(0);
}

/** FD_SET(3): adds `fd` to `set`. */
export function FD_SET(fd: number, set: fd_set): void {
  const [bytes, i, mask] = fdBit('FD_SET', fd, set);
  bytes[i] |= mask;
}

/** FD_CLR(3): removes `fd` from `set`. */
export function FD_CLR(fd: number, set: fd_set): void {
  const [bytes, i, mask] = fdBit('FD_CLR', fd, set);
  bytes[i] &= ~mask;
}

/** FD_ISSET(3): 1 if `fd` is in `set`, else 0 (glibc's values). */
export function FD_ISSET(fd: number, set: fd_set): number {
  const [bytes, i, mask] = fdBit('FD_ISSET', fd, set);
  return bytes[i] & mask ? 1 : 0;
}

// ---------------------------------------------------------------------------
// struct timespec, sigset_t

const TS = { size: L('sizeof_timespec'), tv_sec: field('timespec', 'tv_sec'), tv_nsec: field('timespec', 'tv_nsec') };

/** struct timespec: pselect's and ppoll's timeout. */
export class timespec extends CStruct {
  static readonly SIZE = TS.size;
  constructor(from?: CStruct | ArrayBufferView) {
    super(TS.size, from);
  }
  get tv_sec(): number {
    return this.getInt(TS.tv_sec);
  }
  set tv_sec(n: number) {
    this.setInt(TS.tv_sec, 'tv_sec', n);
  }
  get tv_nsec(): number {
    return this.getInt(TS.tv_nsec);
  }
  set tv_nsec(n: number) {
    this.setInt(TS.tv_nsec, 'tv_nsec', n);
  }
}

const SIGSET_SIZE = L('sizeof_sigset_t');

/** sigset_t: a signal mask for pselect, ppoll and epoll_pwait, built with sigemptyset/sigaddset. */
export class sigset_t extends CStruct {
  static readonly SIZE = SIGSET_SIZE;
  constructor(from?: CStruct | ArrayBufferView) {
    super(SIGSET_SIZE, from);
  }
}

function sigset(fn: string, set: unknown): Uint8Array {
  if (!(set instanceof sigset_t)) throw new TypeError(`${fn}(): argument 'set' must be a sigset_t, got ${v.describe(set)}`);
  return set.bytes;
}

/** sigemptyset(3): the C library's own function on `set`. */
export function sigemptyset(set: sigset_t): number {
  return withErrno(addon.sigemptyset(sigset('sigemptyset', set)));
}

/** sigfillset(3). */
export function sigfillset(set: sigset_t): number {
  return withErrno(addon.sigfillset(sigset('sigfillset', set)));
}

/** sigaddset(3): -1 and EINVAL for a number that is not a signal, as in C. */
export function sigaddset(set: sigset_t, signum: number): number {
  const b = sigset('sigaddset', set);
  return withErrno(addon.sigaddset(b, v.int('sigaddset', 'signum', signum)));
}

/** sigdelset(3). */
export function sigdelset(set: sigset_t, signum: number): number {
  const b = sigset('sigdelset', set);
  return withErrno(addon.sigdelset(b, v.int('sigdelset', 'signum', signum)));
}

/** sigismember(3): 1, 0, or -1 and EINVAL. */
export function sigismember(set: sigset_t, signum: number): number {
  const b = sigset('sigismember', set);
  return withErrno(addon.sigismember(b, v.int('sigismember', 'signum', signum)));
}

// ---------------------------------------------------------------------------
// struct pollfd, struct epoll_event

const PFD = {
  size: L('sizeof_pollfd'),
  fd: field('pollfd', 'fd'),
  events: field('pollfd', 'events'),
  revents: field('pollfd', 'revents'),
};

/** struct pollfd (poll(2)): `fd`, the `events` asked for, the `revents` the kernel reports. */
export class pollfd extends CStruct {
  static readonly SIZE = PFD.size;
  constructor(from?: CStruct | ArrayBufferView) {
    super(PFD.size, from);
  }
  get fd(): number {
    return this.getInt(PFD.fd);
  }
  set fd(n: number) {
    this.setInt(PFD.fd, 'fd', n);
  }
  get events(): number {
    return this.getInt(PFD.events);
  }
  set events(n: number) {
    this.setInt(PFD.events, 'events', n);
  }
  get revents(): number {
    return this.getInt(PFD.revents);
  }
  set revents(n: number) {
    this.setInt(PFD.revents, 'revents', n);
  }
}

const linux = layout.sizeof_epoll_event !== undefined;

const ED = linux ? { fd: field('epoll_data', 'fd'), u32: field('epoll_data', 'u32'), u64: field('epoll_data', 'u64') } : undefined;

/** epoll_data_t, the union in struct epoll_event: `fd`, `u32` and `u64` are views of the same bytes. */
export class epoll_data extends CStruct {
  static readonly SIZE = linux ? L('epoll_event.data.size') : 0;
  constructor(from?: CStruct | ArrayBufferView) {
    if (!linux) throw new TypeError('epoll_data does not exist on this platform');
    super(epoll_data.SIZE, from);
  }
  get fd(): number {
    return this.getInt(ED!.fd);
  }
  set fd(n: number) {
    this.setInt(ED!.fd, 'fd', n);
  }
  get u32(): number {
    return this.getUint(ED!.u32);
  }
  set u32(n: number) {
    this.setInt(ED!.u32, 'u32', n);
  }
  /** All 64 bits, as a bigint. */
  get u64(): bigint {
    return this.dv.getBigUint64(ED!.u64.offset, hostLE);
  }
  set u64(n: bigint) {
    if (typeof n !== 'bigint') throw new TypeError(`epoll_data.u64 must be a bigint, got ${v.describe(n)}`);
    this.dv.setBigUint64(ED!.u64.offset, BigInt.asUintN(64, n), hostLE);
  }
}

const EE = linux ? { size: L('sizeof_epoll_event'), events: field('epoll_event', 'events'), data: field('epoll_event', 'data') } : undefined;

/** struct epoll_event (epoll_ctl(2), Linux): `events` and the `data` union. */
export class epoll_event extends CStruct {
  static readonly SIZE = EE?.size ?? 0;
  #data?: epoll_data;
  constructor(from?: CStruct | ArrayBufferView) {
    if (EE === undefined) throw new TypeError('epoll_event does not exist on this platform');
    super(EE.size, from);
  }
  get events(): number {
    return this.getUint(EE!.events);
  }
  set events(n: number) {
    this.setInt(EE!.events, 'events', n);
  }
  /** A view of the struct's own union: `ev.data.fd = sock` writes this struct. */
  get data(): epoll_data {
    return (this.#data ??= new epoll_data(this.sub(EE!.data)));
  }
  /** Union assignment copies the bytes, as in C. */
  set data(d: epoll_data) {
    if (!(d instanceof epoll_data)) throw new TypeError(`epoll_event.data must be assigned an epoll_data, got ${v.describe(d)}`);
    this.sub(EE!.data).set(d.bytes);
  }
}

// ---------------------------------------------------------------------------
// Argument checks

/** A struct pointer that may be NULL: an instance of `type`, or bytes enough for one. */
function structArg(fn: string, name: string, x: unknown, type: { SIZE: number; name: string }): ArrayBufferView | null {
  if (x === null || x === undefined) return null;
  const bytes = v.memory(fn, name, x);
  if (bytes.byteLength < type.SIZE) {
    throw new RangeError(`${fn}(): argument '${name}' holds ${bytes.byteLength} bytes, less than a ${type.name} (${type.SIZE})`);
  }
  return bytes;
}

/** An array argument (C's `T *` to `count` elements): an array(), one struct, or bytes. */
function arrayArg(fn: string, name: string, x: unknown, count: number, countName: string, type: { SIZE: number; name: string }): ArrayBufferView {
  const bytes = v.memory(fn, name, x);
  const fits = Math.floor(bytes.byteLength / type.SIZE);
  if (count > fits) {
    throw new RangeError(`${fn}(): argument '${countName}' (${count}) exceeds the ${fits} ${type.name} in '${name}'`);
  }
  return bytes;
}

/**
 * A timeout struct pointer: a struct, or null (C's NULL: wait for ever). Left
 * out (undefined) is an error, not NULL: C has no optional arguments, and a
 * forgotten timeout must not wait for ever.
 */
function timeoutArg(fn: string, name: string, x: unknown, type: { SIZE: number; name: string }): ArrayBufferView | null {
  if (x === undefined) throw new TypeError(`${fn}(): argument '${name}' must be a ${type.name} or null (NULL: wait for ever), got undefined`);
  return structArg(fn, name, x, type);
}

function nfdsArg(fn: string, nfds: unknown): number {
  v.int(fn, 'nfds', nfds);
  if ((nfds as number) > FD_SETSIZE) {
    throw new RangeError(`${fn}(): argument 'nfds' (${nfds}) exceeds FD_SETSIZE (${FD_SETSIZE}), the size of an fd_set`);
  }
  return nfds as number;
}

// ---------------------------------------------------------------------------
// select(2), pselect(2)

function selectArgs(fn: string, nfds: number, r: unknown, w: unknown, e: unknown) {
  return [nfdsArg(fn, nfds), structArg(fn, 'readfds', r, fd_set), structArg(fn, 'writefds', w, fd_set), structArg(fn, 'exceptfds', e, fd_set)] as const;
}

const TIMEVAL = { SIZE: addon.layout.sizeof_timeval, name: 'timeval' };

/**
 * select(2): waits until a descriptor in `readfds`, `writefds` or `exceptfds` (each may be null)
 * is ready, or `timeout` (a timeval; null waits for ever) passes. Resolves to the number of ready
 * descriptors, 0 on timeout, or -1 with errno; the sets are rewritten to the ready ones and, on
 * Linux, `timeout` to the time left, as the kernel writes them.
 */
export function select(nfds: number, readfds: fd_set | null, writefds: fd_set | null, exceptfds: fd_set | null, timeout: timeval | null, options?: BlockingOptions): CallPromise {
  const [n, r, w, e] = selectArgs('select', nfds, readfds, writefds, exceptfds);
  const t = timeoutArg('select', 'timeout', timeout, TIMEVAL);
  return queue('select', options, (cb) => addon.select(n, r, w, e, t, cb));
}

/** select(2), on the calling thread. */
export function selectSync(nfds: number, readfds: fd_set | null, writefds: fd_set | null, exceptfds: fd_set | null, timeout: timeval | null): number {
  const [n, r, w, e] = selectArgs('selectSync', nfds, readfds, writefds, exceptfds);
  const t = timeoutArg('selectSync', 'timeout', timeout, TIMEVAL);
  return withErrno(addon.selectSync(n, r, w, e, t));
}

/**
 * pselect(2): select with a timespec timeout (not written back) and a signal mask (null: the
 * thread's own) in force while it waits.
 */
export function pselect(nfds: number, readfds: fd_set | null, writefds: fd_set | null, exceptfds: fd_set | null, timeout: timespec | null, sigmask: sigset_t | null, options?: BlockingOptions): CallPromise {
  const [n, r, w, e] = selectArgs('pselect', nfds, readfds, writefds, exceptfds);
  const t = timeoutArg('pselect', 'timeout', timeout, timespec);
  const m = structArg('pselect', 'sigmask', sigmask, sigset_t);
  return queue('pselect', options, (cb) => addon.pselect(n, r, w, e, t, m, cb));
}

/** pselect(2), on the calling thread. */
export function pselectSync(nfds: number, readfds: fd_set | null, writefds: fd_set | null, exceptfds: fd_set | null, timeout: timespec | null, sigmask: sigset_t | null): number {
  const [n, r, w, e] = selectArgs('pselectSync', nfds, readfds, writefds, exceptfds);
  const t = timeoutArg('pselectSync', 'timeout', timeout, timespec);
  const m = structArg('pselectSync', 'sigmask', sigmask, sigset_t);
  return withErrno(addon.pselectSync(n, r, w, e, t, m));
}

// ---------------------------------------------------------------------------
// poll(2), ppoll(2)

/** The struct pollfd array a poll call takes: array(pollfd, n), one pollfd, or bytes. */
export type PollfdArg = CArray<pollfd> | pollfd | ArrayBufferView;

function nfdsUnsigned(fn: string, nfds: unknown): number {
  if (typeof nfds !== 'number') throw new TypeError(`${fn}(): argument 'nfds' must be a number, got ${v.describe(nfds)}`);
  if (!Number.isInteger(nfds) || nfds < 0 || nfds > 0xffffffff) {
    throw new RangeError(`${fn}(): argument 'nfds' must be an integer from 0 to 4294967295, got ${nfds}`);
  }
  return nfds;
}

function pollArgs(fn: string, fds: unknown, nfds: unknown): [ArrayBufferView, number] {
  const n = nfdsUnsigned(fn, nfds);
  return [arrayArg(fn, 'fds', fds, n, 'nfds', pollfd), n];
}

/**
 * poll(2): waits until one of the first `nfds` entries of `fds` is ready or `timeout`
 * milliseconds pass (-1: for ever). Resolves to the number of entries with a nonzero `revents`,
 * 0 on timeout, or -1 with errno; every `revents` is written as the kernel writes it.
 */
export function poll(fds: PollfdArg, nfds: number, timeout: number, options?: BlockingOptions): CallPromise {
  const [f, n] = pollArgs('poll', fds, nfds);
  v.int('poll', 'timeout', timeout);
  return queue('poll', options, (cb) => addon.poll(f, n, timeout, cb));
}

/** poll(2), on the calling thread. */
export function pollSync(fds: PollfdArg, nfds: number, timeout: number): number {
  const [f, n] = pollArgs('pollSync', fds, nfds);
  v.int('pollSync', 'timeout', timeout);
  return withErrno(addon.pollSync(f, n, timeout));
}

/** ppoll(2) (Linux): poll with a timespec timeout (null: for ever) and a signal mask. Undefined elsewhere. */
export const ppoll: ((fds: PollfdArg, nfds: number, tmo_p: timespec | null, sigmask: sigset_t | null, options?: BlockingOptions) => CallPromise) | undefined =
  addon.ppoll &&
  ((fds, nfds, tmo_p, sigmask, options) => {
    const [f, n] = pollArgs('ppoll', fds, nfds);
    const t = timeoutArg('ppoll', 'tmo_p', tmo_p, timespec);
    const m = structArg('ppoll', 'sigmask', sigmask, sigset_t);
    return queue('ppoll', options, (cb) => addon.ppoll!(f, n, t, m, cb));
  });

/** ppoll(2) on the calling thread (Linux). Undefined elsewhere. */
export const ppollSync: ((fds: PollfdArg, nfds: number, tmo_p: timespec | null, sigmask: sigset_t | null) => number) | undefined =
  addon.ppollSync &&
  ((fds, nfds, tmo_p, sigmask) => {
    const [f, n] = pollArgs('ppollSync', fds, nfds);
    const t = timeoutArg('ppollSync', 'tmo_p', tmo_p, timespec);
    const m = structArg('ppollSync', 'sigmask', sigmask, sigset_t);
    return withErrno(addon.ppollSync!(f, n, t, m));
  });

// ---------------------------------------------------------------------------
// epoll(7) (Linux)

/** The events array epoll_wait fills: array(epoll_event, n), one epoll_event, or bytes. */
export type EpollEventsArg = CArray<epoll_event> | epoll_event | ArrayBufferView;

/** epoll_create(2) (Linux): a new epoll instance; `size` must be positive and is otherwise ignored. */
export const epoll_create: ((size: number) => number) | undefined =
  addon.epoll_create && ((size) => withErrno(addon.epoll_create!(v.int('epoll_create', 'size', size))));

/** epoll_create1(2) (Linux): a new epoll instance; `flags` 0 or EPOLL_CLOEXEC. */
export const epoll_create1: ((flags: number) => number) | undefined =
  addon.epoll_create1 && ((flags) => withErrno(addon.epoll_create1!(v.int('epoll_create1', 'flags', flags))));

/** epoll_ctl(2) (Linux): adds (EPOLL_CTL_ADD), changes (MOD) or removes (DEL) `fd`'s entry; `event` may be null for DEL. */
export const epoll_ctl: ((epfd: number, op: number, fd: number, event: epoll_event | null) => number) | undefined =
  addon.epoll_ctl &&
  ((epfd, op, fd, event) => {
    v.int('epoll_ctl', 'epfd', epfd);
    v.int('epoll_ctl', 'op', op);
    v.int('epoll_ctl', 'fd', fd);
    return withErrno(addon.epoll_ctl!(epfd, op, fd, structArg('epoll_ctl', 'event', event, epoll_event)));
  });

function waitArgs(fn: string, epfd: unknown, events: unknown, maxevents: unknown, timeout: unknown): ArrayBufferView {
  v.int(fn, 'epfd', epfd);
  v.int(fn, 'maxevents', maxevents);
  v.int(fn, 'timeout', timeout);
  // maxevents <= 0 reaches the kernel (EINVAL).
  return arrayArg(fn, 'events', events, maxevents as number, 'maxevents', epoll_event);
}

/**
 * epoll_wait(2) (Linux): waits for events on `epfd` for up to `timeout` ms (-1: for ever).
 * Resolves to the number of events written to the start of `events`, 0 on timeout, or -1.
 */
export const epoll_wait: ((epfd: number, events: EpollEventsArg, maxevents: number, timeout: number, options?: BlockingOptions) => CallPromise) | undefined =
  addon.epoll_wait &&
  ((epfd, events, maxevents, timeout, options) => {
    const ev = waitArgs('epoll_wait', epfd, events, maxevents, timeout);
    return queue('epoll_wait', options, (cb) => addon.epoll_wait!(epfd, ev, maxevents, timeout, cb));
  });

/** epoll_wait(2) on the calling thread (Linux). */
export const epoll_waitSync: ((epfd: number, events: EpollEventsArg, maxevents: number, timeout: number) => number) | undefined =
  addon.epoll_waitSync &&
  ((epfd, events, maxevents, timeout) => {
    const ev = waitArgs('epoll_waitSync', epfd, events, maxevents, timeout);
    return withErrno(addon.epoll_waitSync!(epfd, ev, maxevents, timeout));
  });

/** epoll_pwait(2) (Linux): epoll_wait with a signal mask (null: the thread's own). */
export const epoll_pwait: ((epfd: number, events: EpollEventsArg, maxevents: number, timeout: number, sigmask: sigset_t | null, options?: BlockingOptions) => CallPromise) | undefined =
  addon.epoll_pwait &&
  ((epfd, events, maxevents, timeout, sigmask, options) => {
    const ev = waitArgs('epoll_pwait', epfd, events, maxevents, timeout);
    const m = structArg('epoll_pwait', 'sigmask', sigmask, sigset_t);
    return queue('epoll_pwait', options, (cb) => addon.epoll_pwait!(epfd, ev, maxevents, timeout, m, cb));
  });

/** epoll_pwait(2) on the calling thread (Linux). */
export const epoll_pwaitSync: ((epfd: number, events: EpollEventsArg, maxevents: number, timeout: number, sigmask: sigset_t | null) => number) | undefined =
  addon.epoll_pwaitSync &&
  ((epfd, events, maxevents, timeout, sigmask) => {
    const ev = waitArgs('epoll_pwaitSync', epfd, events, maxevents, timeout);
    const m = structArg('epoll_pwaitSync', 'sigmask', sigmask, sigset_t);
    return withErrno(addon.epoll_pwaitSync!(epfd, ev, maxevents, timeout, m));
  });
