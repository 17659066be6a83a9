// sendmsg(2)/recvmsg(2) over a C-layout struct msghdr, and the cmsg(3)
// macros for its control buffer, evaluated by the C library (the addon), so
// that alignment and the end-of-buffer checks are the platform's own.
import { addon } from './addon.js';
import { queue, withErrno, type BlockingOptions, type CallPromise } from './call.js';
import { iovec, iovecArgs } from './io.js';
import { CStruct, field, layoutOf } from './structs.js';
import * as v from './validate.js';
import type { HasBytes } from './validate.js';

const layout = addon.layout;

const MSG = {
  size: layoutOf('sizeof_msghdr'),
  msg_namelen: field('msghdr', 'msg_namelen'),
  msg_iovlen: field('msghdr', 'msg_iovlen'),
  msg_controllen: field('msghdr', 'msg_controllen'),
  msg_flags: field('msghdr', 'msg_flags'),
};

/**
 * struct msghdr (sendmsg(2), recvmsg(2)). The integer fields live in the
 * struct's own C layout; the pointer fields are JS references: `msg_name` (a
 * sockaddr struct or bytes, or null), `msg_iov` (an array of iovec, or null),
 * `msg_control` (a buffer for control messages, or null). recvmsg() updates
 * msg_namelen, msg_controllen and msg_flags, as the kernel does in C.
 */
export class msghdr extends CStruct {
  static readonly SIZE = MSG.size;
  msg_name: HasBytes | ArrayBufferView | null = null;
  msg_iov: iovec[] | null = null;
  msg_control: ArrayBufferView | null = null;
  constructor() {
    super(MSG.size);
  }
  get msg_namelen(): number {
    return this.getUint(MSG.msg_namelen);
  }
  set msg_namelen(n: number) {
    this.setInt(MSG.msg_namelen, 'msg_namelen', n);
  }
  get msg_iovlen(): number {
    return this.getUint(MSG.msg_iovlen);
  }
  set msg_iovlen(n: number) {
    this.setInt(MSG.msg_iovlen, 'msg_iovlen', n);
  }
  get msg_controllen(): number {
    return this.getUint(MSG.msg_controllen);
  }
  set msg_controllen(n: number) {
    this.setInt(MSG.msg_controllen, 'msg_controllen', n);
  }
  get msg_flags(): number {
    return this.getInt(MSG.msg_flags);
  }
  set msg_flags(n: number) {
    this.setInt(MSG.msg_flags, 'msg_flags', n);
  }
}

const CMSG = {
  size: layoutOf('sizeof_cmsghdr'),
  cmsg_len: field('cmsghdr', 'cmsg_len'),
  cmsg_level: field('cmsghdr', 'cmsg_level'),
  cmsg_type: field('cmsghdr', 'cmsg_type'),
};

/**
 * struct cmsghdr: a control message header, a view into a control buffer
 * (as CMSG_FIRSTHDR returns it), or over any bytes given.
 */
export class cmsghdr extends CStruct {
  static readonly SIZE = CMSG.size;
  /** The memory this header lies in, up to its end: CMSG_DATA's bounds. */
  readonly within: Uint8Array;
  constructor(from?: CStruct | ArrayBufferView) {
    super(CMSG.size, from);
    const src = from === undefined ? this.bytes : from instanceof CStruct ? from.bytes : from;
    this.within = new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
  }
  get cmsg_len(): number {
    return this.getUint(CMSG.cmsg_len);
  }
  set cmsg_len(n: number) {
    this.setInt(CMSG.cmsg_len, 'cmsg_len', n);
  }
  get cmsg_level(): number {
    return this.getInt(CMSG.cmsg_level);
  }
  set cmsg_level(n: number) {
    this.setInt(CMSG.cmsg_level, 'cmsg_level', n);
  }
  get cmsg_type(): number {
    return this.getInt(CMSG.cmsg_type);
  }
  set cmsg_type(n: number) {
    this.setInt(CMSG.cmsg_type, 'cmsg_type', n);
  }
}

function size(fn: string, n: unknown): number {
  return v.socklen(fn, 'length', n);
}

/** CMSG_SPACE(3): the bytes a control message with `length` bytes of data occupies, padding included. */
export function CMSG_SPACE(length: number): number {
  return addon.CMSG_SPACE(size('CMSG_SPACE', length));
}

/** CMSG_LEN(3): the cmsg_len of a control message with `length` bytes of data. */
export function CMSG_LEN(length: number): number {
  return addon.CMSG_LEN(size('CMSG_LEN', length));
}

function controlOf(fn: string, msg: unknown): Uint8Array | null {
  if (!(msg instanceof msghdr)) throw new TypeError(`${fn}(): argument 'msg' must be a msghdr, got ${v.describe(msg)}`);
  if (msg.msg_control === null) return null;
  const c = v.view(fn, 'msg.msg_control', msg.msg_control);
  return new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
}

function header(control: Uint8Array, offset: number): cmsghdr | null {
  return offset === -1 ? null : new cmsghdr(control.subarray(offset));
}

/** CMSG_FIRSTHDR(3): the first control message of `msg.msg_control`, or null (C's NULL). */
export function CMSG_FIRSTHDR(msg: msghdr): cmsghdr | null {
  const control = controlOf('CMSG_FIRSTHDR', msg);
  if (control === null) return null;
  v.length('CMSG_FIRSTHDR', 'msg.msg_controllen', msg.msg_controllen, control.byteLength, 'msg.msg_control');
  return header(control, addon.CMSG_FIRSTHDR(control, msg.msg_controllen));
}

/** CMSG_NXTHDR(3): the control message after `cmsg` in `msg.msg_control`, or null. */
export function CMSG_NXTHDR(msg: msghdr, cmsg: cmsghdr): cmsghdr | null {
  const control = controlOf('CMSG_NXTHDR', msg);
  if (!(cmsg instanceof cmsghdr)) throw new TypeError(`CMSG_NXTHDR(): argument 'cmsg' must be a cmsghdr, got ${v.describe(cmsg)}`);
  const offset = cmsg.bytes.byteOffset - (control?.byteOffset ?? 0);
  if (control === null || cmsg.bytes.buffer !== control.buffer || offset < 0 || offset + CMSG.size > control.byteLength) {
    throw new RangeError("CMSG_NXTHDR(): argument 'cmsg' is not a header inside msg.msg_control");
  }
  v.length('CMSG_NXTHDR', 'msg.msg_controllen', msg.msg_controllen, control.byteLength, 'msg.msg_control');
  return header(control, addon.CMSG_NXTHDR(control, msg.msg_controllen, offset));
}

/**
 * CMSG_DATA(3): the data of a control message, as bytes from where C's
 * pointer points to the end of the buffer the header lies in (write an
 * `int` with `new DataView(d.buffer, d.byteOffset).setInt32(0, fd, true)` or
 * an Int32Array over it; the data is aligned as C aligns it).
 */
export function CMSG_DATA(cmsg: cmsghdr): Uint8Array {
  if (!(cmsg instanceof cmsghdr)) throw new TypeError(`CMSG_DATA(): argument 'cmsg' must be a cmsghdr, got ${v.describe(cmsg)}`);
  const w = cmsg.within;
  const at = Math.min(addon.CMSG_DATA_OFFSET, w.byteLength);
  return w.subarray(at);
}

/** @internal The addon's arguments for a msghdr: (bytes, name, bases, lens, control). */
export function msgArgs(fn: string, msg: unknown): [Uint8Array, ArrayBufferView | null, Array<ArrayBufferView | null> | null, number[], ArrayBufferView | null] {
  if (!(msg instanceof msghdr)) throw new TypeError(`${fn}(): argument 'msg' must be a msghdr, got ${v.describe(msg)}`);
  const name = v.optionalMemory(fn, 'msg.msg_name', msg.msg_name);
  if (name !== null) v.length(fn, 'msg.msg_namelen', msg.msg_namelen, name.byteLength, 'msg.msg_name');
  let bases: Array<ArrayBufferView | null> | null = null;
  let lens: number[] = [];
  if (msg.msg_iov !== null) {
    [bases, lens] = iovecArgs(fn, 'msg.msg_iov', msg.msg_iov, msg.msg_iovlen);
  }
  const control = msg.msg_control === null ? null : v.view(fn, 'msg.msg_control', msg.msg_control);
  if (control !== null) v.length(fn, 'msg.msg_controllen', msg.msg_controllen, control.byteLength, 'msg.msg_control');
  return [msg.bytes, name, bases, lens, control];
}

/** sendmsg(2): sends the data of `msg.msg_iov` with its control messages (e.g. SCM_RIGHTS); resolves to the count sent. */
export function sendmsg(sockfd: number, msg: msghdr, flags: number, options?: BlockingOptions): CallPromise {
  v.int('sendmsg', 'sockfd', sockfd);
  const [bytes, name, bases, lens, control] = msgArgs('sendmsg', msg);
  v.int('sendmsg', 'flags', flags);
  return queue('sendmsg', options, (cb) => addon.sendmsg(sockfd, bytes, name, bases, lens, control, flags, cb));
}

/**
 * recvmsg(2): fills `msg.msg_iov`, `msg.msg_name` and `msg.msg_control`
 * and sets msg_namelen, msg_controllen and msg_flags; resolves to the count received.
 */
export function recvmsg(sockfd: number, msg: msghdr, flags: number, options?: BlockingOptions): CallPromise {
  v.int('recvmsg', 'sockfd', sockfd);
  const [bytes, name, bases, lens, control] = msgArgs('recvmsg', msg);
  v.int('recvmsg', 'flags', flags);
  return queue('recvmsg', options, (cb) => addon.recvmsg(sockfd, bytes, name, bases, lens, control, flags, cb));
}

/** sendmsg(2) on the calling thread: sends the data of `msg.msg_iov`, with its control messages (e.g. SCM_RIGHTS). */
export function sendmsgSync(sockfd: number, msg: msghdr, flags: number): number {
  v.int('sendmsgSync', 'sockfd', sockfd);
  const [bytes, name, bases, lens, control] = msgArgs('sendmsgSync', msg);
  v.int('sendmsgSync', 'flags', flags);
  return withErrno(addon.sendmsgSync(sockfd, bytes, name, bases, lens, control, flags));
}

/**
 * recvmsg(2) on the calling thread: fills `msg.msg_iov`, `msg.msg_name` and
 * `msg.msg_control`, and sets msg_namelen, msg_controllen and msg_flags
 * (MSG_TRUNC, MSG_CTRUNC) as C's call does.
 */
export function recvmsgSync(sockfd: number, msg: msghdr, flags: number): number {
  v.int('recvmsgSync', 'sockfd', sockfd);
  const [bytes, name, bases, lens, control] = msgArgs('recvmsgSync', msg);
  v.int('recvmsgSync', 'flags', flags);
  return withErrno(addon.recvmsgSync(sockfd, bytes, name, bases, lens, control, flags));
}

const UCRED =
  layout['sizeof_ucred'] === undefined
    ? undefined
    : { size: layoutOf('sizeof_ucred'), pid: field('ucred', 'pid'), uid: field('ucred', 'uid'), gid: field('ucred', 'gid') };

/** struct ucred (Linux, unix(7)): the data of SCM_CREDENTIALS and of SO_PEERCRED. Throws where the platform lacks it. */
export class ucred extends CStruct {
  static readonly SIZE = UCRED?.size ?? 0;
  constructor(from?: CStruct | ArrayBufferView) {
    if (UCRED === undefined) throw new TypeError('struct ucred does not exist on this platform');
    super(UCRED.size, from);
  }
  get pid(): number {
    return this.getInt(UCRED!.pid);
  }
  set pid(n: number) {
    this.setInt(UCRED!.pid, 'pid', n);
  }
  get uid(): number {
    return this.getUint(UCRED!.uid);
  }
  set uid(n: number) {
    this.setInt(UCRED!.uid, 'uid', n);
  }
  get gid(): number {
    return this.getUint(UCRED!.gid);
  }
  set gid(n: number) {
    this.setInt(UCRED!.gid, 'gid', n);
  }
}
