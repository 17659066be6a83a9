// Descriptor I/O with C's names and results: read/write and readv/writev on
// any descriptor (a socket, a pipe, a file), socketpair, and ioctl for the
// socket requests. Like the socket calls, a failure returns -1 and sets
// errno; programming errors throw TypeError/RangeError naming the argument.
import { endianness } from 'node:os';
import { addon } from './addon.js';
import { queue, withErrno, type BlockingOptions, type CallPromise } from './call.js';
import { CStruct, field, layoutOf } from './structs.js';
import { errno } from './errno.js';
import * as t from './trace.js';
import * as v from './validate.js';
import type { HasBytes } from './validate.js';

const IOV = { size: layoutOf('sizeof_iovec'), iov_len: field('iovec', 'iov_len') };

/**
 * struct iovec (readv(2), writev(2), sendmsg(2)): `iov_base` is the memory
 * (an ArrayBufferView, or null for C's NULL), `iov_len` its length in the
 * struct's own C layout. `new iovec(buf)` is `{ buf, sizeof(buf) }`.
 */
export class iovec extends CStruct {
  static readonly SIZE = IOV.size;
  /** The memory the entry names (C's pointer); null is NULL. */
  iov_base: ArrayBufferView | null;
  constructor(iov_base: ArrayBufferView | null = null, iov_len?: number) {
    super(IOV.size);
    if (iov_base !== null) v.view('iovec', 'iov_base', iov_base);
    this.iov_base = iov_base;
    this.iov_len = iov_len ?? iov_base?.byteLength ?? 0;
  }
  get iov_len(): number {
    return this.getUint(IOV.iov_len);
  }
  set iov_len(n: number) {
    this.setInt(IOV.iov_len, 'iov_len', n);
  }
}

/**
 * The first `iovcnt` entries of `iov` as the addon takes them (bases and
 * lengths). A negative iovcnt, or one past IOV_MAX, is the kernel's to
 * reject (EINVAL): it is passed as given, with no entries.
 * @internal
 */
export function iovecArgs(fn: string, name: string, iov: unknown, iovcnt: number): [Array<ArrayBufferView | null>, number[]] {
  if (!Array.isArray(iov)) throw new TypeError(`${fn}(): argument '${name}' must be an array of iovec, got ${v.describe(iov)}`);
  const n = Math.max(iovcnt, 0);
  if (n > iov.length) {
    throw new RangeError(`${fn}(): argument '${name === 'iov' ? 'iovcnt' : `${name}len`}' (${iovcnt}) exceeds the length of '${name}' (${iov.length})`);
  }
  const bases: Array<ArrayBufferView | null> = [];
  const lens: number[] = [];
  for (let i = 0; i < n; i++) {
    const e: unknown = iov[i];
    if (!(e instanceof iovec)) throw new TypeError(`${fn}(): argument '${name}[${i}]' must be an iovec, got ${v.describe(e)}`);
    const base = e.iov_base === null ? null : v.view(fn, `${name}[${i}].iov_base`, e.iov_base);
    const len = e.iov_len;
    if (base !== null) v.length(fn, `${name}[${i}].iov_len`, len, base.byteLength, `${name}[${i}].iov_base`);
    bases.push(base);
    lens.push(len);
  }
  return [bases, lens];
}

// strace's forms: read's data as received, an iovec array with each entry's
// data (for readv, the bytes that landed in it), ioctl's int argument.
const fmtRead = (bytes: ArrayBufferView, r: number) => (r === -1 ? '0x...' : t.fmtData(bytes, r));

function fmtIov(bases: Array<ArrayBufferView | null>, lens: number[], received: number | null): string {
  let left = received ?? Infinity;
  const entries = bases.map((b, i) => {
    const n = Math.min(lens[i], left);
    left -= n;
    return `{iov_base=${b === null ? 'NULL' : t.fmtData(b, received === -1 ? 0 : n)}, iov_len=${lens[i]}}`;
  });
  return received === -1 ? '0x...' : `[${entries.join(', ')}]`;
}

function traceVector(fn: 'readv' | 'writev', fd: number, bases: Array<ArrayBufferView | null>, lens: number[], iovcnt: number, r: number, err: number): void {
  t.emit(fn, [String(fd), fmtIov(bases, lens, fn === 'readv' ? r : null), String(iovcnt)], r, err);
}

/** @internal Data to write: bytes, or a string written as UTF-8. */
export function dataArg(fn: string, buf: unknown): ArrayBufferView {
  return typeof buf === 'string' ? Buffer.from(buf, 'utf8') : v.view(fn, 'buf', buf);
}

function ioArgs(fn: string, fd: number, buf: unknown, count: unknown, write: boolean): ArrayBufferView {
  v.int(fn, 'fd', fd);
  const bytes = write ? dataArg(fn, buf) : v.view(fn, 'buf', buf);
  v.length(fn, 'count', count, bytes.byteLength, 'buf');
  return bytes;
}

/**
 * read(2): up to `count` bytes of any descriptor (socket, pipe, file) into
 * `buf`; resolves to the count, 0 at end of file, or -1 with errno. Waits for
 * readiness as recv() does, without blocking the event loop.
 */
export function read(fd: number, buf: ArrayBufferView, count: number, options?: BlockingOptions): CallPromise {
  const bytes = ioArgs('read', fd, buf, count, false);
  return queue('read', options, (cb) => addon.read(fd, bytes, count, cb), t.state.tracing ? (r, err) => t.emit('read', [String(fd), fmtRead(bytes, r), String(count)], r, err) : undefined);
}

/** write(2): `count` bytes of `buf` (a string is written as UTF-8); resolves to the count written, or -1 with errno. */
export function write(fd: number, buf: ArrayBufferView | string, count: number, options?: BlockingOptions): CallPromise {
  const bytes = ioArgs('write', fd, buf, count, true);
  return queue('write', options, (cb) => addon.write(fd, bytes, count, cb), t.state.tracing ? (r, err) => t.emit('write', [String(fd), t.fmtData(bytes, count), String(count)], r, err) : undefined);
}

/** readv(2): scatters what is read over the first `iovcnt` entries of `iov`. */
export function readv(fd: number, iov: iovec[], iovcnt: number, options?: BlockingOptions): CallPromise {
  v.int('readv', 'fd', fd);
  v.int('readv', 'iovcnt', iovcnt);
  const [bases, lens] = iovecArgs('readv', 'iov', iov, iovcnt);
  return queue('readv', options, (cb) => addon.readv(fd, bases, lens, iovcnt, cb), t.state.tracing ? (r, err) => traceVector('readv', fd, bases, lens, iovcnt, r, err) : undefined);
}

/** writev(2): gathers the first `iovcnt` entries of `iov` into one write. */
export function writev(fd: number, iov: iovec[], iovcnt: number, options?: BlockingOptions): CallPromise {
  v.int('writev', 'fd', fd);
  v.int('writev', 'iovcnt', iovcnt);
  const [bases, lens] = iovecArgs('writev', 'iov', iov, iovcnt);
  return queue('writev', options, (cb) => addon.writev(fd, bases, lens, iovcnt, cb), t.state.tracing ? (r, err) => traceVector('writev', fd, bases, lens, iovcnt, r, err) : undefined);
}

/** read(2) on the calling thread: up to `count` bytes of any descriptor into `buf`; 0 at end of file. */
export function readSync(fd: number, buf: ArrayBufferView, count: number): number {
  const bytes = ioArgs('readSync', fd, buf, count, false);
  const r = withErrno(addon.readSync(fd, bytes, count));
  if (t.state.tracing) t.emit('read', [String(fd), fmtRead(bytes, r), String(count)], r, errno);
  return r;
}

/** write(2) on the calling thread: `count` bytes of `buf` (a string is written as UTF-8). */
export function writeSync(fd: number, buf: ArrayBufferView | string, count: number): number {
  const bytes = ioArgs('writeSync', fd, buf, count, true);
  const r = withErrno(addon.writeSync(fd, bytes, count));
  if (t.state.tracing) t.emit('write', [String(fd), t.fmtData(bytes, count), String(count)], r, errno);
  return r;
}

/** readv(2) on the calling thread: scatters what is read over the first `iovcnt` entries of `iov`. */
export function readvSync(fd: number, iov: iovec[], iovcnt: number): number {
  v.int('readvSync', 'fd', fd);
  v.int('readvSync', 'iovcnt', iovcnt);
  const [bases, lens] = iovecArgs('readvSync', 'iov', iov, iovcnt);
  const r = withErrno(addon.readvSync(fd, bases, lens, iovcnt));
  if (t.state.tracing) traceVector('readv', fd, bases, lens, iovcnt, r, errno);
  return r;
}

/** writev(2) on the calling thread: gathers the first `iovcnt` entries of `iov` into one write. */
export function writevSync(fd: number, iov: iovec[], iovcnt: number): number {
  v.int('writevSync', 'fd', fd);
  v.int('writevSync', 'iovcnt', iovcnt);
  const [bases, lens] = iovecArgs('writevSync', 'iov', iov, iovcnt);
  const r = withErrno(addon.writevSync(fd, bases, lens, iovcnt));
  if (t.state.tracing) traceVector('writev', fd, bases, lens, iovcnt, r, errno);
  return r;
}

/**
 * socketpair(2): a pair of connected sockets, written into `sv` as into C's
 * `int sv[2]` (`const sv = new Int32Array(2)`). Returns 0, or -1 and errno.
 */
export function socketpair(domain: number, type: number, protocol: number, sv: Int32Array): number {
  v.int('socketpair', 'domain', domain);
  v.int('socketpair', 'type', type);
  v.int('socketpair', 'protocol', protocol);
  if (!(sv instanceof Int32Array) || sv.length < 2) {
    throw new TypeError(`socketpair(): argument 'sv' must be an Int32Array of 2 elements (int sv[2]), got ${v.describe(sv)}`);
  }
  v.view('socketpair', 'sv', sv);
  const r = withErrno(addon.socketpair(domain, type, protocol, sv));
  if (t.state.tracing) t.emit('socketpair', [t.fmtFamily(domain), t.fmtType(type), String(protocol), r === -1 ? '0x...' : `[${sv[0]}, ${sv[1]}]`], r, errno);
  return r;
}

const INT_SIZE = layoutOf('sizeof_int');
const requests = new Set(
  ['FIONREAD', 'FIONBIO', 'SIOCATMARK', 'SIOCINQ', 'SIOCOUTQ', 'SIOCOUTQNSD']
    .map((n) => addon.constants[n])
    .filter((x): x is number => x !== undefined),
);

/**
 * ioctl(2) for the socket requests whose argument is an `int` (`c_int`):
 * FIONREAD / SIOCINQ (bytes readable), SIOCOUTQ (bytes unsent, Linux),
 * FIONBIO (set non-blocking from `argp.value`), SIOCATMARK (at the
 * out-of-band mark). Another request throws RangeError: its argument's size
 * is unknown, so the kernel could write past `argp`.
 */
export function ioctl(fd: number, request: number, argp: HasBytes | ArrayBufferView): number {
  v.int('ioctl', 'fd', fd);
  if (typeof request !== 'number') throw new TypeError(`ioctl(): argument 'request' must be a number, got ${v.describe(request)}`);
  if (!requests.has(request)) {
    throw new RangeError(`ioctl(): argument 'request' (${request}) is not one of the socket requests with an int argument (FIONREAD, FIONBIO, SIOCATMARK, SIOCINQ, SIOCOUTQ)`);
  }
  const bytes = v.memory('ioctl', 'argp', argp);
  if (bytes.byteLength < INT_SIZE) throw new RangeError(`ioctl(): argument 'argp' must hold an int (${INT_SIZE} bytes), got ${bytes.byteLength}`);
  const r = withErrno(addon.ioctl(fd, request, bytes));
  if (t.state.tracing) {
    const name = ['FIONREAD', 'FIONBIO', 'SIOCATMARK', 'SIOCOUTQ', 'SIOCOUTQNSD'].find((n) => addon.constants[n] === request) ?? String(request);
    const value = new DataView(bytes.buffer, bytes.byteOffset, INT_SIZE).getInt32(0, endianness() === 'LE');
    t.emit('ioctl', [String(fd), name, r === -1 && request !== addon.constants.FIONBIO ? '0x...' : `[${value}]`], r, errno);
  }
  return r;
}
