// Call tracing in strace's format, on any OS (macOS has no strace):
//   connect(3, {sa_family=AF_INET, sin_port=htons(9000), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)
// On with POSIX_SOCKETS_TRACE=1 or trace(true); lines go to stderr. Off, each
// call pays one boolean test: the formatting below only runs when on.
//
// A line names the system call the kernel sees, as strace does, not the C
// library function: the C library makes send(2) and recv(2) as the sendto and
// recvfrom syscalls with no address, so `send(4, buf, 5, 0)` is traced as
// `sendto(4, "hello", 5, 0, NULL, 0)` and `recv(4, buf, 511, 0)` as
// `recvfrom(4, "hello", 511, 0, NULL, NULL)`. Socket protocols are named as
// strace names them (`IPPROTO_IP` for 0 on AF_INET/AF_INET6), and data is
// quoted with strace's escapes. A TypeScript program's trace is then the C
// program's strace, line for line, once descriptor numbers are normalised.
import { writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { addon } from './addon.js';

const c = addon.constants;
/** Struct offsets and sizes from the system headers (addon.layout). */
const layout = addon.layout;
const hostLE = endianness() === 'LE';

/**
 * @internal Read by the call wrappers before formatting anything. A property of
 * a constant object, not a `let` export: optimised code loads it inline.
 */
export const state = { tracing: process.env.POSIX_SOCKETS_TRACE === '1' };

/** Turns call tracing on or off (the initial state is POSIX_SOCKETS_TRACE=1). */
export function trace(on: boolean): void {
  state.tracing = on;
}

function namesWithPrefix(prefix: string, exclude: string[] = []): Map<number, string> {
  const m = new Map<number, string>();
  for (const [k, v] of Object.entries(c)) {
    if (k.startsWith(prefix) && !exclude.includes(k) && !m.has(v)) m.set(v, k);
  }
  return m;
}

const families = namesWithPrefix('AF_', ['AF_LOCAL']);
// E* names other than errno's: epoll's flags (EPOLLIN is 1, as EPERM is).
const errnoNames = namesWithPrefix('E', ['EWOULDBLOCK', 'ENOTSUP', ...Object.keys(c).filter((k) => k.startsWith('EPOLL'))]);
const msgFlags = namesWithPrefix('MSG_');
const shutHow = namesWithPrefix('SHUT_');
const levels = new Map<number, string>([
  [c.SOL_SOCKET, 'SOL_SOCKET'],
  [c.IPPROTO_TCP, 'IPPROTO_TCP'],
  [c.IPPROTO_IP, 'IPPROTO_IP'],
  [c.IPPROTO_IPV6, 'IPPROTO_IPV6'],
]);
const soNames = namesWithPrefix('SO_');
const tcpNames = namesWithPrefix('TCP_');
const fcntlCmds = new Map<number, string>(
  ['F_GETFL', 'F_SETFL', 'F_GETFD', 'F_SETFD'].filter((k) => k in c).map((k) => [c[k], k]),
);
const sockTypes = new Map<number, string>(
  ['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_SEQPACKET'].filter((k) => k in c).map((k) => [c[k], k]),
);

function bitNames(value: number, names: Map<number, string>, zero = '0'): string {
  if (value === 0) return zero;
  const parts: string[] = [];
  let rest = value >>> 0;
  for (const [bit, name] of names) {
    if (bit !== 0 && (rest & bit) === bit && (bit & (bit - 1)) === 0) {
      parts.push(name);
      rest &= ~bit >>> 0;
    }
  }
  if (rest !== 0) parts.push(`0x${rest.toString(16)}`);
  return parts.join('|');
}

export function fmtFamily(af: number): string {
  return families.get(af) ?? String(af);
}

export function fmtType(type: number): string {
  const flags = new Map<number, string>();
  if (c.SOCK_NONBLOCK !== undefined) flags.set(c.SOCK_NONBLOCK, 'SOCK_NONBLOCK');
  if (c.SOCK_CLOEXEC !== undefined) flags.set(c.SOCK_CLOEXEC, 'SOCK_CLOEXEC');
  let base = type;
  const parts: string[] = [];
  for (const [bit, name] of flags) {
    if (type & bit) {
      base &= ~bit;
      parts.push(name);
    }
  }
  return [sockTypes.get(base) ?? String(base), ...parts].join('|');
}

export function fmtFlags(flags: number): string {
  return bitNames(flags, msgFlags);
}

export function fmtHow(how: number): string {
  return shutHow.get(how) ?? String(how);
}

export function fmtLevel(level: number): string {
  return levels.get(level) ?? String(level);
}

export function fmtOptname(level: number, name: number): string {
  if (level === c.SOL_SOCKET) return soNames.get(name) ?? String(name);
  if (level === c.IPPROTO_TCP) return tcpNames.get(name) ?? String(name);
  return String(name);
}

export function fmtCmd(cmd: number): string {
  return fcntlCmds.get(cmd) ?? String(cmd);
}

/** A byte string as strace prints it: C escapes, at most 32 bytes, then "...". */
export function fmtData(bytes: ArrayBufferView | null, n: number): string {
  if (bytes === null) return 'NULL';
  const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, Math.max(n, 0)));
  const shown = u8.subarray(0, 32);
  let s = '"';
  for (let i = 0; i < shown.length; i++) {
    const b = shown[i];
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x09) s += '\\t';
    else if (b === 0x0d) s += '\\r';
    else if (b === 0x0b) s += '\\v';
    else if (b === 0x0c) s += '\\f';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else {
      // Shortest octal, unless an octal digit follows: "\1b" but "\0011".
      const next = shown[i + 1];
      const digits = next !== undefined && next >= 0x30 && next <= 0x37 ? 3 : 1;
      s += '\\' + b.toString(8).padStart(digits, '0');
    }
  }
  return s + '"' + (u8.byteLength > 32 ? '...' : '');
}

function u16(bytes: Uint8Array, off: number, size: number): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return size === 1 ? dv.getUint8(off) : dv.getUint16(off, hostLE);
}

/** A socket address as strace prints it, read from `len` bytes of C memory. */
export function fmtSockaddr(bytes: ArrayBufferView | null, len: number): string {
  if (bytes === null) return 'NULL';
  const u8 = new Uint8Array(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, len));
  const famOff = layout['sockaddr.sa_family'];
  const famSize = layout['sockaddr.sa_family.size'];
  if (u8.byteLength < famOff + famSize) return '{...}';
  const family = u16(u8, famOff, famSize);
  const fam = `sa_family=${fmtFamily(family)}`;
  const be = (off: number) => (u8[off] << 8) | u8[off + 1];
  if (family === c.AF_INET && u8.byteLength >= layout.sizeof_sockaddr_in) {
    const port = be(layout['sockaddr_in.sin_port']);
    const a = layout['sockaddr_in.sin_addr'];
    const ip = addon.inet_ntop(c.AF_INET, u8.subarray(a, a + 4));
    return `{${fam}, sin_port=htons(${port}), sin_addr=inet_addr("${ip}")}`;
  }
  if (family === c.AF_INET6 && u8.byteLength >= layout.sizeof_sockaddr_in6) {
    const port = be(layout['sockaddr_in6.sin6_port']);
    const a = layout['sockaddr_in6.sin6_addr'];
    const ip = addon.inet_ntop(c.AF_INET6, u8.subarray(a, a + 16));
    const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    const flow = dv.getUint32(layout['sockaddr_in6.sin6_flowinfo'], false);
    const scope = dv.getUint32(layout['sockaddr_in6.sin6_scope_id'], hostLE);
    return `{${fam}, sin6_port=htons(${port}), sin6_flowinfo=htonl(${flow}), inet_pton(AF_INET6, "${ip}", &sin6_addr), sin6_scope_id=${scope}}`;
  }
  if (family === c.AF_UNIX) {
    const p = layout['sockaddr_un.sun_path'];
    const path = u8.subarray(p);
    const end = path.indexOf(0);
    return `{${fam}, sun_path=${fmtData(path, end === -1 ? path.byteLength : end)}}`;
  }
  return `{${fam}, ...}`;
}

/** The result column: `= 3`, or `= -1 ECONNREFUSED (Connection refused)`. */
export function fmtResult(ret: number, err: number): string {
  if (ret !== -1) return `= ${ret}`;
  return `= -1 ${errnoNames.get(err) ?? err} (${addon.strerror(err)})`;
}

const protocols = new Map<number, string>(
  ['IPPROTO_IP', 'IPPROTO_TCP', 'IPPROTO_UDP', 'IPPROTO_ICMP', 'IPPROTO_ICMPV6', 'IPPROTO_IPV6', 'IPPROTO_RAW']
    .filter((k) => k in c)
    .map((k) => [c[k], k]),
);

/** The protocol argument of socket(): named for AF_INET/AF_INET6 (as strace does), a number otherwise. */
export function fmtProtocol(family: string, protocol: string): string {
  if (family !== 'AF_INET' && family !== 'AF_INET6') return protocol;
  return protocols.get(Number(protocol)) ?? protocol;
}

// The C library function -> the syscall it makes, with the arguments it adds.
const syscalls: Record<string, (args: string[]) => [string, string[]]> = {
  send: (a) => ['sendto', [...a, 'NULL', '0']],
  recv: (a) => ['recvfrom', [...a, 'NULL', 'NULL']],
  socket: (a) => ['socket', [a[0], a[1], fmtProtocol(a[0], a[2])]],
};

/**
 * Prints one line, synchronously so that it interleaves with the program's own output in order.
 * `name` and `args` are the C call's; the line shows the syscall (see the top of this file).
 */
export function emit(name: string, args: string[], ret: number, err: number): void {
  const [call, shown] = syscalls[name]?.(args) ?? [name, args];
  writeSync(2, `${call}(${shown.join(', ')}) ${fmtResult(ret, err)}\n`);
}
