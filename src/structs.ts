// C structs laid out over bytes, with C's field names and C's memory layout.
// Offsets and sizes come from the addon, which read them from the system
// headers at build time (sa_family_t is 2 bytes on Linux, 1 on macOS, where
// the struct's length, sin_len, comes first).
import { endianness } from 'node:os';
import { addon } from './addon.js';
import { describe } from './validate.js';

const layout = addon.layout;
const hostLE = endianness() === 'LE';

/** A struct offset or size the addon measured from the system headers, e.g. `sockaddr_in.sin_port`; a missing one is a build error, not a default. */
export function layoutOf(key: string): number {
  const v = layout[key];
  if (v === undefined) throw new Error(`posix-sockets: the addon reports no layout for ${key}`);
  return v;
}

export interface Field {
  offset: number;
  size: number;
}

export function field(type: string, name: string): Field {
  return { offset: layoutOf(`${type}.${name}`), size: layoutOf(`${type}.${name}.size`) };
}

export function optionalField(type: string, name: string): Field | undefined {
  return layout[`${type}.${name}`] === undefined ? undefined : field(type, name);
}

/** Base of every struct: `bytes` is the C memory, shared by every view over it. */
export abstract class CStruct {
  /** The struct's memory, exactly sizeof bytes (or a view into a larger object's). */
  readonly bytes: Uint8Array;
  protected readonly dv: DataView;

  /**
   * With no argument: fresh zero-filled memory, as after `memset(&s, 0, sizeof(s))`.
   * With a struct or an ArrayBufferView: a view over that same memory, as a C cast
   * `(struct sockaddr *)&addr` reads the same bytes as another type.
   */
  constructor(size: number, from?: CStruct | ArrayBufferView) {
    if (from === undefined) {
      this.bytes = new Uint8Array(size);
    } else {
      const src = from instanceof CStruct ? from.bytes : ArrayBuffer.isView(from) ? from : null;
      if (src === null) {
        throw new TypeError(`${new.target.name}: argument 'from' must be a struct or an ArrayBufferView, got ${describe(from)}`);
      }
      if (src.byteLength < size) {
        throw new RangeError(
          `${new.target.name}: cannot view ${src.byteLength} bytes as a ${size}-byte ${new.target.name}`,
        );
      }
      this.bytes = new Uint8Array(src.buffer, src.byteOffset, size);
    }
    this.dv = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  protected getUint(f: Field): number {
    switch (f.size) {
      case 1:
        return this.dv.getUint8(f.offset);
      case 2:
        return this.dv.getUint16(f.offset, hostLE);
      case 4:
        return this.dv.getUint32(f.offset, hostLE);
      default:
        return Number(this.dv.getBigUint64(f.offset, hostLE));
    }
  }

  protected getInt(f: Field): number {
    switch (f.size) {
      case 1:
        return this.dv.getInt8(f.offset);
      case 2:
        return this.dv.getInt16(f.offset, hostLE);
      case 4:
        return this.dv.getInt32(f.offset, hostLE);
      default:
        return Number(this.dv.getBigInt64(f.offset, hostLE));
    }
  }

  /** Stores an integer that fits the field, signed or unsigned (C's two's complement). */
  protected setInt(f: Field, name: string, v: number): void {
    const bits = f.size * 8;
    if (typeof v !== 'number') {
      throw new TypeError(`${this.constructor.name}.${name} must be a number, got ${describe(v)}`);
    }
    if (!Number.isSafeInteger(v) || (bits < 53 && (v < -(2 ** (bits - 1)) || v >= 2 ** bits))) {
      throw new RangeError(`${this.constructor.name}.${name} is a ${bits}-bit field; ${v} does not fit`);
    }
    switch (f.size) {
      case 1:
        this.dv.setUint8(f.offset, v & 0xff);
        break;
      case 2:
        this.dv.setUint16(f.offset, v & 0xffff, hostLE);
        break;
      case 4:
        this.dv.setUint32(f.offset, v >>> 0, hostLE);
        break;
      default:
        this.dv.setBigInt64(f.offset, BigInt(v), hostLE);
    }
  }

  protected sub(f: Field): Uint8Array {
    return this.bytes.subarray(f.offset, f.offset + f.size);
  }
}

// ---------------------------------------------------------------------------
// Addresses

const IN_ADDR = { size: layoutOf('sizeof_in_addr'), s_addr: field('in_addr', 's_addr') };

/** struct in_addr: `s_addr` is the IPv4 address in network byte order. */
export class in_addr extends CStruct {
  static readonly SIZE = IN_ADDR.size;
  constructor(from?: CStruct | ArrayBufferView) {
    super(IN_ADDR.size, from);
  }
  get s_addr(): number {
    return this.getUint(IN_ADDR.s_addr);
  }
  set s_addr(v: number) {
    this.setInt(IN_ADDR.s_addr, 's_addr', v);
  }
}

const IN6_ADDR_SIZE = layoutOf('sizeof_in6_addr');

/** struct in6_addr: `s6_addr` is its 16 bytes. */
export class in6_addr extends CStruct {
  static readonly SIZE = IN6_ADDR_SIZE;
  constructor(from?: CStruct | ArrayBufferView) {
    super(IN6_ADDR_SIZE, from);
  }
  get s6_addr(): Uint8Array {
    return this.bytes;
  }
}

function copyInto(target: Uint8Array, src: unknown, type: abstract new (...args: never[]) => CStruct, what: string): void {
  if (!(src instanceof type)) {
    throw new TypeError(`${what} must be assigned a ${type.name}, got ${describe(src)}`);
  }
  target.set(src.bytes.subarray(0, target.byteLength));
}

const SA = {
  size: layoutOf('sizeof_sockaddr'),
  sa_family: field('sockaddr', 'sa_family'),
  sa_data: field('sockaddr', 'sa_data'),
  sa_len: optionalField('sockaddr', 'sa_len'),
};

/** struct sockaddr: the generic address that bind(), connect() and accept() take. */
export class sockaddr extends CStruct {
  static readonly SIZE = SA.size;
  constructor(from?: CStruct | ArrayBufferView) {
    super(SA.size, from);
  }
  get sa_family(): number {
    return this.getUint(SA.sa_family);
  }
  set sa_family(v: number) {
    this.setInt(SA.sa_family, 'sa_family', v);
  }
  get sa_data(): Uint8Array {
    return this.sub(SA.sa_data);
  }
  /** macOS only (BSD `sa_len`); undefined where the platform has no such field. */
  get sa_len(): number | undefined {
    return SA.sa_len && this.getUint(SA.sa_len);
  }
  set sa_len(v: number) {
    if (!SA.sa_len) throw new TypeError('sockaddr.sa_len does not exist on this platform');
    this.setInt(SA.sa_len, 'sa_len', v);
  }
}

const SIN = {
  size: layoutOf('sizeof_sockaddr_in'),
  sin_family: field('sockaddr_in', 'sin_family'),
  sin_port: field('sockaddr_in', 'sin_port'),
  sin_addr: field('sockaddr_in', 'sin_addr'),
  sin_len: optionalField('sockaddr_in', 'sin_len'),
};

/** struct sockaddr_in: an IPv4 address and port (ip(7)). Assign `htons(port)` to sin_port, as in C. */
export class sockaddr_in extends CStruct {
  static readonly SIZE = SIN.size;
  #addr?: in_addr;
  constructor(from?: CStruct | ArrayBufferView) {
    super(SIN.size, from);
  }
  get sin_family(): number {
    return this.getUint(SIN.sin_family);
  }
  set sin_family(v: number) {
    this.setInt(SIN.sin_family, 'sin_family', v);
  }
  /** In network byte order, as in C. */
  get sin_port(): number {
    return this.getUint(SIN.sin_port);
  }
  set sin_port(v: number) {
    this.setInt(SIN.sin_port, 'sin_port', v);
  }
  /** A view of the struct's own in_addr: writing `sin_addr.s_addr` writes this struct. */
  get sin_addr(): in_addr {
    return (this.#addr ??= new in_addr(this.sub(SIN.sin_addr)));
  }
  /** Struct assignment copies the bytes, as in C. */
  set sin_addr(v: in_addr) {
    copyInto(this.sub(SIN.sin_addr), v, in_addr, 'sockaddr_in.sin_addr');
  }
  /** macOS only (BSD `sin_len`); undefined where the platform has no such field. */
  get sin_len(): number | undefined {
    return SIN.sin_len && this.getUint(SIN.sin_len);
  }
  set sin_len(v: number) {
    if (!SIN.sin_len) throw new TypeError('sockaddr_in.sin_len does not exist on this platform');
    this.setInt(SIN.sin_len, 'sin_len', v);
  }
}

const SIN6 = {
  size: layoutOf('sizeof_sockaddr_in6'),
  sin6_family: field('sockaddr_in6', 'sin6_family'),
  sin6_port: field('sockaddr_in6', 'sin6_port'),
  sin6_flowinfo: field('sockaddr_in6', 'sin6_flowinfo'),
  sin6_addr: field('sockaddr_in6', 'sin6_addr'),
  sin6_scope_id: field('sockaddr_in6', 'sin6_scope_id'),
  sin6_len: optionalField('sockaddr_in6', 'sin6_len'),
};

/** struct sockaddr_in6: an IPv6 address and port (ipv6(7)). */
export class sockaddr_in6 extends CStruct {
  static readonly SIZE = SIN6.size;
  #addr?: in6_addr;
  constructor(from?: CStruct | ArrayBufferView) {
    super(SIN6.size, from);
  }
  get sin6_family(): number {
    return this.getUint(SIN6.sin6_family);
  }
  set sin6_family(v: number) {
    this.setInt(SIN6.sin6_family, 'sin6_family', v);
  }
  /** In network byte order, as in C. */
  get sin6_port(): number {
    return this.getUint(SIN6.sin6_port);
  }
  set sin6_port(v: number) {
    this.setInt(SIN6.sin6_port, 'sin6_port', v);
  }
  get sin6_flowinfo(): number {
    return this.getUint(SIN6.sin6_flowinfo);
  }
  set sin6_flowinfo(v: number) {
    this.setInt(SIN6.sin6_flowinfo, 'sin6_flowinfo', v);
  }
  /** A view of the struct's own in6_addr. */
  get sin6_addr(): in6_addr {
    return (this.#addr ??= new in6_addr(this.sub(SIN6.sin6_addr)));
  }
  /** Struct assignment copies the bytes, as `addr.sin6_addr = in6addr_any` does in C. */
  set sin6_addr(v: in6_addr) {
    copyInto(this.sub(SIN6.sin6_addr), v, in6_addr, 'sockaddr_in6.sin6_addr');
  }
  get sin6_scope_id(): number {
    return this.getUint(SIN6.sin6_scope_id);
  }
  set sin6_scope_id(v: number) {
    this.setInt(SIN6.sin6_scope_id, 'sin6_scope_id', v);
  }
  /** macOS only (BSD `sin6_len`); undefined where the platform has no such field. */
  get sin6_len(): number | undefined {
    return SIN6.sin6_len && this.getUint(SIN6.sin6_len);
  }
  set sin6_len(v: number) {
    if (!SIN6.sin6_len) throw new TypeError('sockaddr_in6.sin6_len does not exist on this platform');
    this.setInt(SIN6.sin6_len, 'sin6_len', v);
  }
}

const SUN = {
  size: layoutOf('sizeof_sockaddr_un'),
  sun_family: field('sockaddr_un', 'sun_family'),
  sun_path: field('sockaddr_un', 'sun_path'),
  sun_len: optionalField('sockaddr_un', 'sun_len'),
};

/** struct sockaddr_un: a unix-domain socket path (unix(7)). */
export class sockaddr_un extends CStruct {
  static readonly SIZE = SUN.size;
  constructor(from?: CStruct | ArrayBufferView) {
    super(SUN.size, from);
  }
  get sun_family(): number {
    return this.getUint(SUN.sun_family);
  }
  set sun_family(v: number) {
    this.setInt(SUN.sun_family, 'sun_family', v);
  }
  /** The path up to its terminating NUL, as a string (UTF-8). */
  get sun_path(): string {
    const raw = this.sub(SUN.sun_path);
    const end = raw.indexOf(0);
    return Buffer.from(raw.buffer, raw.byteOffset, end === -1 ? raw.byteLength : end).toString('utf8');
  }
  /** Like strncpy into sun_path: the rest is zeroed; a path that does not fit throws. */
  set sun_path(v: string) {
    if (typeof v !== 'string') throw new TypeError(`sockaddr_un.sun_path must be a string, got ${describe(v)}`);
    const encoded = Buffer.from(v, 'utf8');
    const raw = this.sub(SUN.sun_path);
    if (encoded.byteLength > raw.byteLength) {
      throw new RangeError(`sockaddr_un.sun_path holds ${raw.byteLength} bytes; the path has ${encoded.byteLength}`);
    }
    raw.fill(0);
    raw.set(encoded);
  }
  /** The raw sun_path bytes (for abstract-namespace addresses that start with a NUL). */
  get sun_path_bytes(): Uint8Array {
    return this.sub(SUN.sun_path);
  }
  /** macOS only (BSD `sun_len`). */
  get sun_len(): number | undefined {
    return SUN.sun_len && this.getUint(SUN.sun_len);
  }
  set sun_len(v: number) {
    if (!SUN.sun_len) throw new TypeError('sockaddr_un.sun_len does not exist on this platform');
    this.setInt(SUN.sun_len, 'sun_len', v);
  }
}

const SS = {
  size: layoutOf('sizeof_sockaddr_storage'),
  ss_family: field('sockaddr_storage', 'ss_family'),
  ss_len: optionalField('sockaddr_storage', 'ss_len'),
};

/** struct sockaddr_storage: room for any address; view it as the family says. */
export class sockaddr_storage extends CStruct {
  static readonly SIZE = SS.size;
  constructor(from?: CStruct | ArrayBufferView) {
    super(SS.size, from);
  }
  get ss_family(): number {
    return this.getUint(SS.ss_family);
  }
  set ss_family(v: number) {
    this.setInt(SS.ss_family, 'ss_family', v);
  }
  /** macOS only (BSD `ss_len`). */
  get ss_len(): number | undefined {
    return SS.ss_len && this.getUint(SS.ss_len);
  }
}

// ---------------------------------------------------------------------------
// Option values

const TV = { size: layoutOf('sizeof_timeval'), tv_sec: field('timeval', 'tv_sec'), tv_usec: field('timeval', 'tv_usec') };

/** struct timeval, for SO_RCVTIMEO and SO_SNDTIMEO. */
export class timeval extends CStruct {
  static readonly SIZE = TV.size;
  constructor(from?: CStruct | ArrayBufferView) {
    super(TV.size, from);
  }
  get tv_sec(): number {
    return this.getInt(TV.tv_sec);
  }
  set tv_sec(v: number) {
    this.setInt(TV.tv_sec, 'tv_sec', v);
  }
  get tv_usec(): number {
    return this.getInt(TV.tv_usec);
  }
  set tv_usec(v: number) {
    this.setInt(TV.tv_usec, 'tv_usec', v);
  }
}

const LG = { size: layoutOf('sizeof_linger'), l_onoff: field('linger', 'l_onoff'), l_linger: field('linger', 'l_linger') };

/** struct linger, for SO_LINGER. */
export class linger extends CStruct {
  static readonly SIZE = LG.size;
  constructor(from?: CStruct | ArrayBufferView) {
    super(LG.size, from);
  }
  get l_onoff(): number {
    return this.getInt(LG.l_onoff);
  }
  set l_onoff(v: number) {
    this.setInt(LG.l_onoff, 'l_onoff', v);
  }
  get l_linger(): number {
    return this.getInt(LG.l_linger);
  }
  set l_linger(v: number) {
    this.setInt(LG.l_linger, 'l_linger', v);
  }
}

const INT_SIZE = layoutOf('sizeof_int');

/** A C `int` in memory, for socket options: `setsockopt(s, SOL_SOCKET, SO_REUSEADDR, optval, sizeof(optval))`. */
export class c_int extends CStruct {
  static readonly SIZE = INT_SIZE;
  constructor(value = 0) {
    super(INT_SIZE);
    this.value = value;
  }
  get value(): number {
    return this.dv.getInt32(0, hostLE);
  }
  set value(v: number) {
    this.setInt({ offset: 0, size: INT_SIZE }, 'value', v);
  }
}

// ---------------------------------------------------------------------------

/** `in6addr_any` (::), the C library's own bytes. Assign it: `addr.sin6_addr = in6addr_any`. */
export const in6addr_any = new in6_addr(addon.in6addr_any);
/** `in6addr_loopback` (::1), the C library's own bytes. */
export const in6addr_loopback = new in6_addr(addon.in6addr_loopback);

type StructClass = { SIZE: number; name: string };

/**
 * C's `sizeof`: of a struct (instance or class) its C size; of a typed array its byte length.
 * `sizeof(new sockaddr_in())` is 16 on Linux.
 */
export function sizeof(x: CStruct | StructClass | ArrayBufferView): number {
  if (x instanceof CStruct) return (x.constructor as unknown as StructClass).SIZE;
  if (ArrayBuffer.isView(x)) return x.byteLength;
  if (typeof x === 'function' && typeof (x as StructClass).SIZE === 'number') return (x as StructClass).SIZE;
  throw new TypeError(`sizeof(): argument must be a struct, a struct class or an ArrayBufferView, got ${describe(x)}`);
}

/** A `socklen_t` variable whose address is passed: `accept(sock, addr, addrlen)` updates `addrlen.value`. */
export interface socklen_t {
  value: number;
}

/** Makes a `socklen_t` variable: `const addrlen = socklen_t(sizeof(clientAddr))`. */
export function socklen_t(value = 0): socklen_t {
  if (typeof value !== 'number') throw new TypeError(`socklen_t(): argument 'value' must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`socklen_t(): argument 'value' must be an integer from 0 to 4294967295, got ${value}`);
  }
  return { value };
}
