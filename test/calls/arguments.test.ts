// Programming errors throw TypeError/RangeError naming the function and the
// argument, synchronously and before any syscall, also for the calls that
// return a Promise. The native layer checks again on its own, so no caller
// can make it read or write outside a buffer.
import { describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import {
  AF_INET,
  AF_INET6,
  F_GETFL,
  INADDR_LOOPBACK,
  MSG_DONTWAIT,
  MSG_WAITALL,
  SHUT_RDWR,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_RCVBUF,
  SO_REUSEADDR,
  c_int,
  close,
  errno,
  getsockname,
  getsockopt,
  htonl,
  in_addr,
  inet_ntop,
  inet_pton,
  ntohs,
  recv,
  recvSync,
  recvfromSync,
  send,
  sendSync,
  sendtoSync,
  setsockopt,
  sizeof,
  sockaddr_in,
  socket,
  socklen_t,
  bind,
} from '../../src/index.js';
import { addon } from '../../src/addon.js';
import { connectedPair, loopback4, ok } from '../support/sockets.js';

// ---------------------------------------------------------------------------
// Bad values by kind of argument

type Ctor = typeof TypeError | typeof RangeError;
type Bad = [label: string, make: () => unknown, error: Ctor];

function detachedView(n = 16): Uint8Array {
  const ab = new ArrayBuffer(n);
  const view = new Uint8Array(ab);
  structuredClone(ab, { transfer: [ab] });
  return view;
}

function detachedStruct(): sockaddr_in {
  const ab = new ArrayBuffer(sizeof(sockaddr_in));
  const s = new sockaddr_in(new Uint8Array(ab));
  structuredClone(ab, { transfer: [ab] });
  return s;
}

const T = (label: string, v: unknown): Bad => [label, () => v, TypeError];
const R = (label: string, v: unknown): Bad => [label, () => v, RangeError];

const WRONG_TYPES: Bad[] = [T('string', '1'), T('object', {}), T('undefined', undefined), T('bigint', 1n), T('symbol', Symbol('s')), T('null', null)];
const NOT_FINITE_OR_FRACTION: Bad[] = [R('NaN', NaN), R('Infinity', Infinity), R('-Infinity', -Infinity), R('1.5', 1.5)];

function lenRefBad(bound: number): Bad[] {
  return [
    ...WRONG_TYPES,
    T('number', 16),
    T('value string', { value: '16' }),
    R('value NaN', { value: NaN }),
    R('value -1', { value: -1 }),
    R('value 1.5', { value: 1.5 }),
    R('value past the end', { value: bound + 1 }),
  ];
}

interface Kind {
  bad(bound: number): Bad[];
}

const KINDS = {
  /** A C int. */
  int: { bad: () => [...WRONG_TYPES, ...NOT_FINITE_OR_FRACTION, R('2**31', 2 ** 31), R('2**53', 2 ** 53), R('-(2**31)-1', -(2 ** 31) - 1)] },
  /** A C int that may be left out (fcntl's arg). */
  optInt: { bad: () => [...WRONG_TYPES.filter(([l]) => l !== 'undefined'), ...NOT_FINITE_OR_FRACTION, R('2**31', 2 ** 31), R('2**53', 2 ** 53)] },
  /** Any integer, converted as C converts it (htons, htonl). */
  convertedInt: { bad: () => [...WRONG_TYPES, ...NOT_FINITE_OR_FRACTION] },
  /** A length bounded by a buffer. */
  len: {
    bad: (bound: number) => [...WRONG_TYPES, ...NOT_FINITE_OR_FRACTION, R('-1', -1), R('past the end', bound + 1), R('2**31', 2 ** 31), R('2**53', 2 ** 53)],
  },
  /** An unsigned length that may be left out (inet_ntop's size, socklen_t()). */
  optSocklen: { bad: () => [...WRONG_TYPES.filter(([l]) => l !== 'undefined'), ...NOT_FINITE_OR_FRACTION, R('-1', -1), R('2**32', 2 ** 32), R('2**53', 2 ** 53)] },
  /** An ArrayBufferView (recv's buf). */
  view: {
    bad: () => [...WRONG_TYPES, T('number', 5), T('array', [0, 0]), T('ArrayBuffer', new ArrayBuffer(16)), T('struct', new sockaddr_in()), ['detached', () => detachedView(), TypeError] as Bad],
  },
  /** Data to send: a view or a string. */
  sendData: {
    bad: () => [...WRONG_TYPES.filter(([l]) => l !== 'string'), T('number', 5), T('ArrayBuffer', new ArrayBuffer(16)), ['detached', () => detachedView(), TypeError] as Bad],
  },
  /** C memory: a struct or a view. */
  memory: {
    bad: () => [...WRONG_TYPES, T('number', 5), T('ArrayBuffer', new ArrayBuffer(16)), ['detached view', () => detachedView(), TypeError] as Bad, ['detached struct', () => detachedStruct(), TypeError] as Bad],
  },
  /** C memory or null. */
  optMemory: {
    bad: () => [
      ...WRONG_TYPES.filter(([l]) => l !== 'undefined' && l !== 'null'),
      T('number', 5),
      T('ArrayBuffer', new ArrayBuffer(16)),
      ['detached view', () => detachedView(), TypeError] as Bad,
      ['detached struct', () => detachedStruct(), TypeError] as Bad,
    ],
  },
  /** A timeout struct or null (NULL: for ever); left out, it is an error. */
  timeoutMemory: {
    bad: () => [
      ...WRONG_TYPES.filter(([l]) => l !== 'null'),
      T('number', 5),
      T('ArrayBuffer', new ArrayBuffer(16)),
      ['detached view', () => detachedView(), TypeError] as Bad,
      ['detached struct', () => detachedStruct(), TypeError] as Bad,
    ],
  },
  /** A socklen_t variable ({ value }). */
  lenRef: { bad: (bound: number): Bad[] => lenRefBad(bound) },
  /** A socklen_t variable or null. */
  optLenRef: {
    bad: (bound: number): Bad[] => lenRefBad(bound).filter(([l]) => l !== 'undefined' && l !== 'null'),
  },
  string: { bad: () => [...WRONG_TYPES.filter(([l]) => l !== 'string'), T('number', 5), T('buffer', Buffer.from('1.2.3.4'))] },
  sizeofOperand: { bad: () => [...WRONG_TYPES, T('number', 16), T('ArrayBuffer', new ArrayBuffer(16)), T('plain function', () => 0)] },
  // The rest of the socket API
  /** An array of iovec (readv's iov). */
  iovArray: { bad: () => [...WRONG_TYPES, T('number', 5), T('view', new Uint8Array(4)), T('array of views', [new Uint8Array(4)])] },
  /** A struct msghdr. */
  msg: { bad: () => [...WRONG_TYPES, T('number', 5), T('view', new Uint8Array(64)), T('sockaddr_in', new sockaddr_in())] },
  /** An int sv[2]. */
  sv: { bad: () => [...WRONG_TYPES, T('Int32Array(1)', new Int32Array(1)), T('Uint32Array(2)', new Uint32Array(2)), T('array', [0, 0])] },
  /** A string or null (getaddrinfo's node and service). */
  optString: { bad: () => [...WRONG_TYPES.filter(([l]) => l !== 'undefined' && l !== 'null' && l !== 'string'), T('number', 5), T('buffer', Buffer.from('x'))] },
  /** An addrinfo or null (hints). */
  optAddrinfo: { bad: () => [...WRONG_TYPES.filter(([l]) => l !== 'undefined' && l !== 'null'), T('number', 5), T('view', new Uint8Array(48)), T('sockaddr_in', new sockaddr_in())] },
  /** A struct addrinfo ** ({ value }). */
  resRef: { bad: () => [...WRONG_TYPES, T('number', 5), T('frozen', Object.freeze({ value: null }))] },
  /** A char buffer ({ value: string }) or null. */
  optCharBuf: { bad: () => [...WRONG_TYPES.filter(([l]) => l !== 'undefined' && l !== 'null'), T('number', 5), T('value number', { value: 5 }), T('frozen', Object.freeze({ value: '' }))] },
  /** An ioctl request of the socket set. */
  request: { bad: () => [...WRONG_TYPES, R('unknown request', 0x5401), R('-1', -1)] },
} satisfies Record<string, Kind>;

type Arg = [name: string, kind: keyof typeof KINDS, good: () => unknown, bound?: number];

const fd = -1; // never reached: every case throws before the syscall
const int = (name: string, v: number): Arg => [name, 'int', () => v];
const buf16 = (): Arg => ['buf', 'view', () => new Uint8Array(16)];
const len16 = (name = 'len'): Arg => [name, 'len', () => 16, 16];
const addr = (name = 'addr', kind: keyof typeof KINDS = 'optMemory'): Arg => [name, kind, () => loopback4()];
const addrlenRef = (kind: keyof typeof KINDS = 'optLenRef'): Arg => ['addrlen', kind, () => socklen_t(16), 16];

interface Spec {
  name: string;
  fn: ((...args: never[]) => unknown) | undefined;
  args: Arg[];
  promise?: boolean;
  /** What the good arguments give (-1 by default: a bad descriptor). */
  result?: number;
  /** The good arguments make a descriptor, closed again. */
  makesFd?: boolean;
}

const SPECS: Spec[] = [
  { name: 'socket', fn: lib.socket, args: [int('domain', AF_INET), int('type', SOCK_STREAM), int('protocol', 0)] },
  { name: 'bind', fn: lib.bind, args: [int('sockfd', fd), addr(), len16('addrlen')] },
  { name: 'listen', fn: lib.listen, args: [int('sockfd', fd), int('backlog', 1)] },
  { name: 'close', fn: lib.close, args: [int('fd', fd)] },
  { name: 'shutdown', fn: lib.shutdown, args: [int('sockfd', fd), int('how', SHUT_RDWR)] },
  {
    name: 'setsockopt',
    fn: lib.setsockopt,
    args: [int('sockfd', fd), int('level', SOL_SOCKET), int('optname', SO_REUSEADDR), ['optval', 'optMemory', () => new c_int(1)], ['optlen', 'len', () => 4, 4]],
  },
  {
    name: 'getsockopt',
    fn: lib.getsockopt,
    args: [int('sockfd', fd), int('level', SOL_SOCKET), int('optname', SO_REUSEADDR), ['optval', 'memory', () => new c_int()], ['optlen', 'lenRef', () => socklen_t(4), 4]],
  },
  { name: 'getsockname', fn: lib.getsockname, args: [int('sockfd', fd), addr('addr', 'memory'), addrlenRef('lenRef')] },
  { name: 'getpeername', fn: lib.getpeername, args: [int('sockfd', fd), addr('addr', 'memory'), addrlenRef('lenRef')] },
  { name: 'fcntl', fn: lib.fcntl, args: [int('fd', fd), int('cmd', F_GETFL), ['arg', 'optInt', () => 0]] },
  { name: 'accept', fn: lib.accept, promise: true, args: [int('sockfd', fd), addr(), addrlenRef()] },
  { name: 'acceptSync', fn: lib.acceptSync, args: [int('sockfd', fd), addr(), addrlenRef()] },
  { name: 'accept4', fn: lib.accept4, promise: true, args: [int('sockfd', fd), addr(), addrlenRef(), int('flags', 0)] },
  { name: 'accept4Sync', fn: lib.accept4Sync, args: [int('sockfd', fd), addr(), addrlenRef(), int('flags', 0)] },
  { name: 'connect', fn: lib.connect, promise: true, args: [int('sockfd', fd), addr(), len16('addrlen')] },
  { name: 'connectSync', fn: lib.connectSync, args: [int('sockfd', fd), addr(), len16('addrlen')] },
  { name: 'send', fn: lib.send, promise: true, args: [int('sockfd', fd), ['buf', 'sendData', () => new Uint8Array(16)], len16(), int('flags', 0)] },
  { name: 'sendSync', fn: lib.sendSync, args: [int('sockfd', fd), ['buf', 'sendData', () => new Uint8Array(16)], len16(), int('flags', 0)] },
  { name: 'recv', fn: lib.recv, promise: true, args: [int('sockfd', fd), buf16(), len16(), int('flags', 0)] },
  { name: 'recvSync', fn: lib.recvSync, args: [int('sockfd', fd), buf16(), len16(), int('flags', 0)] },
  {
    name: 'sendto',
    fn: lib.sendto,
    promise: true,
    args: [int('sockfd', fd), ['buf', 'sendData', () => new Uint8Array(16)], len16(), int('flags', 0), addr('dest_addr'), len16('addrlen')],
  },
  {
    name: 'sendtoSync',
    fn: lib.sendtoSync,
    args: [int('sockfd', fd), ['buf', 'sendData', () => new Uint8Array(16)], len16(), int('flags', 0), addr('dest_addr'), len16('addrlen')],
  },
  { name: 'recvfrom', fn: lib.recvfrom, promise: true, args: [int('sockfd', fd), buf16(), len16(), int('flags', 0), addr('src_addr'), addrlenRef()] },
  { name: 'recvfromSync', fn: lib.recvfromSync, args: [int('sockfd', fd), buf16(), len16(), int('flags', 0), addr('src_addr'), addrlenRef()] },
  { name: 'inet_pton', fn: lib.inet_pton, args: [int('af', AF_INET), ['src', 'string', () => '1.2.3.4'], ['dst', 'memory', () => new in_addr()]] },
  { name: 'inet_ntop', fn: lib.inet_ntop, args: [int('af', AF_INET), ['src', 'memory', () => new in_addr()], ['size', 'optSocklen', () => 16]] },
  { name: 'strerror', fn: lib.strerror, args: [int('errnum', 1)] },
  { name: 'htons', fn: lib.htons, args: [['hostshort', 'convertedInt', () => 80]] },
  { name: 'htonl', fn: lib.htonl, args: [['hostlong', 'convertedInt', () => 1]] },
  { name: 'sizeof', fn: lib.sizeof, args: [['', 'sizeofOperand', () => new sockaddr_in()]] },
  { name: 'socklen_t', fn: lib.socklen_t, args: [['value', 'optSocklen', () => 16]] },
  // The rest of the socket API
  { name: 'read', fn: lib.read, promise: true, args: [int('fd', fd), buf16(), len16('count')] },
  { name: 'readSync', fn: lib.readSync, args: [int('fd', fd), buf16(), len16('count')] },
  { name: 'write', fn: lib.write, promise: true, args: [int('fd', fd), ['buf', 'sendData', () => new Uint8Array(16)], len16('count')] },
  { name: 'writeSync', fn: lib.writeSync, args: [int('fd', fd), ['buf', 'sendData', () => new Uint8Array(16)], len16('count')] },
  { name: 'readv', fn: lib.readv, promise: true, args: [int('fd', fd), ['iov', 'iovArray', () => [new lib.iovec(new Uint8Array(4))]], int('iovcnt', 1)] },
  { name: 'readvSync', fn: lib.readvSync, args: [int('fd', fd), ['iov', 'iovArray', () => [new lib.iovec(new Uint8Array(4))]], int('iovcnt', 1)] },
  { name: 'writev', fn: lib.writev, promise: true, args: [int('fd', fd), ['iov', 'iovArray', () => [new lib.iovec(new Uint8Array(4))]], int('iovcnt', 1)] },
  { name: 'writevSync', fn: lib.writevSync, args: [int('fd', fd), ['iov', 'iovArray', () => [new lib.iovec(new Uint8Array(4))]], int('iovcnt', 1)] },
  { name: 'socketpair', fn: lib.socketpair, args: [int('domain', -1), int('type', SOCK_STREAM), int('protocol', 0), ['sv', 'sv', () => new Int32Array(2)]] },
  { name: 'ioctl', fn: lib.ioctl, args: [int('fd', fd), ['request', 'request', () => lib.FIONREAD], ['argp', 'memory', () => new c_int()]] },
  { name: 'sendmsg', fn: lib.sendmsg, promise: true, args: [int('sockfd', fd), ['msg', 'msg', () => new lib.msghdr()], int('flags', 0)] },
  { name: 'sendmsgSync', fn: lib.sendmsgSync, args: [int('sockfd', fd), ['msg', 'msg', () => new lib.msghdr()], int('flags', 0)] },
  { name: 'recvmsg', fn: lib.recvmsg, promise: true, args: [int('sockfd', fd), ['msg', 'msg', () => new lib.msghdr()], int('flags', 0)] },
  { name: 'recvmsgSync', fn: lib.recvmsgSync, args: [int('sockfd', fd), ['msg', 'msg', () => new lib.msghdr()], int('flags', 0)] },
  { name: 'CMSG_SPACE', fn: lib.CMSG_SPACE, args: [['length', 'optSocklen', () => 4]] },
  { name: 'CMSG_LEN', fn: lib.CMSG_LEN, args: [['length', 'optSocklen', () => 4]] },
  { name: 'CMSG_FIRSTHDR', fn: lib.CMSG_FIRSTHDR, args: [['msg', 'msg', () => new lib.msghdr()]] },
  { name: 'getaddrinfo', fn: lib.getaddrinfo, args: [['node', 'optString', () => '127.0.0.1'], ['service', 'optString', () => '80'], ['hints', 'optAddrinfo', () => null], ['res', 'resRef', () => ({ value: null })]] },
  { name: 'getaddrinfoSync', fn: lib.getaddrinfoSync, args: [['node', 'optString', () => '127.0.0.1'], ['service', 'optString', () => '80'], ['hints', 'optAddrinfo', () => null], ['res', 'resRef', () => ({ value: null })]] },
  {
    name: 'getnameinfo',
    fn: lib.getnameinfo,
    args: [addr('addr'), len16('addrlen'), ['host', 'optCharBuf', () => ({ value: '' })], ['hostlen', 'len', () => 64, 1 << 20], ['serv', 'optCharBuf', () => ({ value: '' })], ['servlen', 'len', () => 32, 1 << 20], int('flags', 1 | 2)],
  },
  {
    name: 'getnameinfoSync',
    fn: lib.getnameinfoSync,
    args: [addr('addr'), len16('addrlen'), ['host', 'optCharBuf', () => ({ value: '' })], ['hostlen', 'len', () => 64, 1 << 20], ['serv', 'optCharBuf', () => ({ value: '' })], ['servlen', 'len', () => 32, 1 << 20], int('flags', 1 | 2)],
  },
  { name: 'gethostbyname', fn: lib.gethostbyname, args: [['name', 'string', () => '127.0.0.1']] },
  { name: 'gethostbynameSync', fn: lib.gethostbynameSync, args: [['name', 'string', () => '127.0.0.1']] },
  { name: 'gethostbyaddr', fn: lib.gethostbyaddr, args: [['addr', 'memory', () => loopbackInAddr()], ['len', 'len', () => 4, 4], int('type', AF_INET)] },
  { name: 'gethostbyaddrSync', fn: lib.gethostbyaddrSync, args: [['addr', 'memory', () => loopbackInAddr()], ['len', 'len', () => 4, 4], int('type', AF_INET)] },
  { name: 'gai_strerror', fn: lib.gai_strerror, args: [int('errcode', -2)] },
  { name: 'hstrerror', fn: lib.hstrerror, args: [int('err', 1)] },
  { name: 'inet_addr', fn: lib.inet_addr, args: [['cp', 'string', () => '1.2.3.4']] },
  { name: 'inet_network', fn: lib.inet_network, args: [['cp', 'string', () => '1.2.3.4']] },
  { name: 'inet_aton', fn: lib.inet_aton, args: [['cp', 'string', () => '1.2.3.4'], ['inp', 'memory', () => new in_addr()]] },
  { name: 'inet_ntoa', fn: lib.inet_ntoa, args: [['in', 'memory', () => new in_addr()]] },
  // I/O multiplexing: nfds -1 (EINVAL) and a descriptor -1 reach the kernel and fail at once.
  ...(['select', 'selectSync', 'pselect', 'pselectSync'] as const).map((name): Spec => ({
    name,
    fn: lib[name],
    promise: !name.endsWith('Sync'),
    args: [
      int('nfds', -1),
      ['readfds', 'optMemory', () => new lib.fd_set()],
      ['writefds', 'optMemory', () => null],
      ['exceptfds', 'optMemory', () => null],
      ['timeout', 'timeoutMemory', () => (name.startsWith('p') ? new lib.timespec() : new lib.timeval())],
      ...(name.startsWith('p') ? [['sigmask', 'optMemory', () => null] as Arg] : []),
    ],
  })),
  ...(['poll', 'pollSync', 'ppoll', 'ppollSync'] as const).map((name): Spec => ({
    name,
    fn: lib[name],
    promise: !name.endsWith('Sync'),
    result: 0, // entries with fd -1 are ignored: nothing is ready
    args: [
      ['fds', 'memory', () => ignoredPollfds(2)],
      ['nfds', 'len', () => 2, 2],
      ...(name.startsWith('pp') ? [['tmo_p', 'timeoutMemory', () => new lib.timespec()] as Arg, ['sigmask', 'optMemory', () => null] as Arg] : [int('timeout', 0)]),
    ],
  })),
  { name: 'epoll_create', fn: lib.epoll_create, args: [int('size', 1)], makesFd: true },
  { name: 'epoll_create1', fn: lib.epoll_create1, args: [int('flags', 0)], makesFd: true },
  { name: 'epoll_ctl', fn: lib.epoll_ctl, args: [int('epfd', fd), int('op', 1), int('fd', fd), ['event', 'optMemory', () => (lib.epoll_event ? new lib.epoll_event() : null)]] },
  ...(['epoll_wait', 'epoll_waitSync', 'epoll_pwait', 'epoll_pwaitSync'] as const).map((name): Spec => ({
    name,
    fn: lib[name],
    promise: !name.endsWith('Sync'),
    args: [
      int('epfd', fd),
      ['events', 'memory', () => lib.array(lib.epoll_event, 2)],
      int('maxevents', 2),
      int('timeout', 0),
      ...(name.includes('pwait') ? [['sigmask', 'optMemory', () => null] as Arg] : []),
    ],
  })),
  ...(['sigemptyset', 'sigfillset'] as const).map((name): Spec => ({ name, fn: lib[name], result: 0, args: [['set', 'memory', () => new lib.sigset_t()]] })),
  ...(['sigaddset', 'sigdelset', 'sigismember'] as const).map((name): Spec => ({ name, fn: lib[name], result: 0, args: [['set', 'memory', () => new lib.sigset_t()], int('signum', lib.SIGUSR1)] })),
  { name: 'array', fn: lib.array, args: [['type', 'sizeofOperand', () => lib.pollfd], int('n', 2)] },
];

function loopbackInAddr(): in_addr {
  const a = new in_addr();
  a.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

/** A pollfd array whose entries poll(2) ignores (fd -1). */
function ignoredPollfds(n: number) {
  const fds = lib.array(lib.pollfd, n);
  for (const p of fds) p.fd = -1;
  return fds;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Calls `fn` with `args`; returns the error it threw synchronously (fails if none). */
function thrown(fn: (...a: unknown[]) => unknown, args: unknown[]): Error {
  let result: unknown;
  try {
    result = fn(...args);
  } catch (e) {
    return e as Error;
  }
  if (result instanceof Promise) result.catch(() => undefined);
  throw new Error(`no synchronous throw; returned ${result instanceof Promise ? 'a Promise' : String(result)}`);
}

describe('argument checks', () => {
  it('every_exported_function_is_covered', () => {
    const covered = new Set(SPECS.map((s) => s.name));
    const functions = Object.entries(lib)
      .filter(([k, v]) => typeof v === 'function' && !/^[A-Z]/.test(k) && !/^(?:sockaddr|in_addr|in6_addr|timeval|linger|c_int|sockaddr_\w+|iovec|msghdr|cmsghdr|ucred|addrinfo|hostent|ip_mreqn?|ipv6_mreq|fd_set|pollfd|epoll_event|epoll_data|timespec|sigset_t)$/.test(k))
      .map(([k]) => k);
    // ntohs/ntohl are htons/htonl; trace() takes no C arguments.
    // freeaddrinfo only checks its argument (the list is JS memory).
    const uncovered = functions.filter((k) => !covered.has(k) && !['ntohs', 'ntohl', 'trace', 'freeaddrinfo'].includes(k));
    expect(uncovered).toEqual([]);
    expect(lib.ntohs).toBe(lib.htons);
    expect(lib.ntohl).toBe(lib.htonl);
    // accept4, ppoll and epoll are Linux's; elsewhere they are undefined.
    expect(lib.accept4 === undefined).toBe(process.platform !== 'linux');
    expect(lib.ppoll === undefined && lib.epoll_wait === undefined).toBe(process.platform !== 'linux');
  });

  for (const spec of SPECS) {
    it(`${spec.name}_rejects_bad_arguments_naming_them`, () => {
      if (spec.fn === undefined) {
        expect(process.platform).not.toBe('linux'); // only Linux's calls may be missing, and only off Linux
        return;
      }
      const fn = spec.fn as (...a: unknown[]) => unknown;
      let cases = 0;
      spec.args.forEach(([argName, kind, , bound], index) => {
        for (const [label, make, ctor] of KINDS[kind].bad(bound ?? 0)) {
          const args = spec.args.map(([, , good]) => good());
          args[index] = make();
          const what = `${spec.name} ${argName || 'operand'}=${label}`;
          const e = thrown(fn, args);
          expect(e, what).toBeInstanceOf(ctor);
          const named = argName === '' ? `${escape(spec.name)}\\(\\): argument` : `${escape(spec.name)}\\(\\): argument '${escape(argName)}`;
          expect(e.message, what).toMatch(new RegExp(`^${named}`));
          cases++;
        }
      });
      expect(cases).toBeGreaterThan(5);
      // The good arguments themselves are accepted.
      const r = fn(...spec.args.map(([, , good]) => good()));
      if (spec.name === 'socket' || spec.makesFd) expect(close(r as number)).toBe(0);
      if (spec.promise) {
        expect(r).toBeInstanceOf(Promise);
        return (r as Promise<number>).then((v) => expect(v).toBe(spec.result ?? -1));
      }
      if (spec.result !== undefined) expect(r).toBe(spec.result);
      return undefined;
    });
  }

  it('null_address_lengths_are_bounded_by_socklen_t', () => {
    expect(() => bind(-1, null, 2 ** 32)).toThrow(RangeError);
    expect(() => bind(-1, null, -1)).toThrow(/bind\(\): argument 'addrlen'/);
    expect(() => sendtoSync(-1, 'x', 1, 0, null, 1.5)).toThrow(RangeError);
    expect(() => lib.acceptSync(-1, null, { value: 2 ** 32 })).toThrow(/argument 'addrlen.value'/);
    // C's own judgement for a length with a null address: the kernel's.
    expect(setsockopt(-1, SOL_SOCKET, SO_REUSEADDR, null, 0)).toBe(-1);
  });

  it('length_is_checked_against_a_typed_arrays_bytes_not_its_elements', () => {
    const words = new Uint32Array(4); // 16 bytes
    expect(recvSync(-1, words, 16, 0)).toBe(-1); // reaches the kernel: EBADF
    expect(() => recvSync(-1, words, 17, 0)).toThrow(/argument 'len' \(17\) exceeds the size of 'buf' \(16 bytes\)/);
    const window = new Uint8Array(new ArrayBuffer(32), 8, 8);
    expect(() => recvSync(-1, window, 9, 0)).toThrow(RangeError);
  });

  it('send_string_length_counts_utf8_bytes', () => {
    // "é" is two bytes in UTF-8: a len of 2 fits, 3 does not.
    expect(sendSync(-1, 'é', 2, 0)).toBe(-1);
    expect(() => sendSync(-1, 'é', 3, 0)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------
// SharedArrayBuffer-backed memory is ordinary memory

describe('shared memory', () => {
  it('shared_array_buffer_views_work_for_sync_and_async_calls', async () => {
    const p = await connectedPair();
    try {
      const out = new Uint8Array(new SharedArrayBuffer(8));
      out.set([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(sendSync(p.client, out, 4, 0)).toBe(4);
      expect(await send(p.client, new DataView(out.buffer, 4, 4), 4, 0)).toBe(4);
      const inSync = new Uint8Array(new SharedArrayBuffer(4));
      expect(recvSync(p.server, inSync, 4, MSG_WAITALL)).toBe(4);
      expect([...inSync]).toEqual([1, 2, 3, 4]);
      const inAsync = new Uint8Array(new SharedArrayBuffer(4));
      expect(await recv(p.server, inAsync, 4, MSG_WAITALL)).toBe(4);
      expect([...inAsync]).toEqual([5, 6, 7, 8]);
      expect(recvSync(p.server, inSync, 4, MSG_DONTWAIT)).toBe(-1); // nothing left; and no throw
    } finally {
      p.closeAll();
    }
  });

  it('shared_array_buffer_structs_and_option_values_work', () => {
    const s = ok(socket(AF_INET, SOCK_DGRAM, 0), 'socket');
    try {
      const a = new sockaddr_in(new Uint8Array(new SharedArrayBuffer(sizeof(sockaddr_in))));
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      expect(bind(s, a, sizeof(a))).toBe(0);
      const name = new sockaddr_in(new Uint8Array(new SharedArrayBuffer(sizeof(sockaddr_in))));
      const len = socklen_t(sizeof(name));
      expect(getsockname(s, name, len)).toBe(0);
      expect(ntohs(name.sin_port)).toBeGreaterThan(0);
      expect(inet_ntop(AF_INET, name.sin_addr)).toBe('127.0.0.1');
      const opt = new Int32Array(new SharedArrayBuffer(4));
      opt[0] = 65536;
      expect(setsockopt(s, SOL_SOCKET, SO_RCVBUF, opt, 4)).toBe(0);
      opt[0] = 0;
      const olen = socklen_t(4);
      expect(getsockopt(s, SOL_SOCKET, SO_RCVBUF, opt, olen)).toBe(0);
      expect(opt[0]).toBeGreaterThan(0);
      expect(olen.value).toBe(4);
      const six = new Uint8Array(new SharedArrayBuffer(16));
      expect(inet_pton(AF_INET6, '::1', six)).toBe(1);
      expect(inet_ntop(AF_INET6, six)).toBe('::1');
      // Sending to ourselves through shared memory, and reading the sender back.
      expect(sendtoSync(s, new Uint8Array(new SharedArrayBuffer(3)), 3, 0, name, sizeof(name))).toBe(3);
      const from = new Uint8Array(new SharedArrayBuffer(sizeof(sockaddr_in)));
      const flen = socklen_t(from.byteLength);
      expect(recvfromSync(s, new Uint8Array(new SharedArrayBuffer(3)), 3, 0, from, flen)).toBe(3);
      expect(new sockaddr_in(from).sin_port).toBe(name.sin_port);
    } finally {
      close(s);
    }
  });
});

// ---------------------------------------------------------------------------
// The native layer on its own

describe('native layer', () => {
  const cb = () => {
    throw new Error('the callback of a rejected call must never run');
  };
  const b4 = () => new Uint8Array(4);
  const NATIVE: Array<[string, () => unknown, Ctor, string]> = [
    ['socket string', () => addon.socket('x' as never, 1, 0), TypeError, 'domain'],
    ['socket NaN', () => addon.socket(NaN, 1, 0), RangeError, 'domain'],
    ['socket 2**31', () => addon.socket(AF_INET, 2 ** 31, 0), RangeError, 'type'],
    ['socket missing', () => (addon.socket as (...a: unknown[]) => number)(AF_INET, 1), TypeError, 'protocol'],
    ['bind overrun', () => addon.bind(-1, b4(), 16), RangeError, 'addrlen'],
    ['bind not a view', () => addon.bind(-1, 'x' as never, 16), TypeError, 'addr'],
    ['bind null huge', () => addon.bind(-1, null, 2 ** 32), RangeError, 'addrlen'],
    ['listen fraction', () => addon.listen(-1, 1.5), RangeError, 'backlog'],
    ['close bigint', () => addon.close(1n as never), TypeError, 'fd'],
    ['shutdown undefined', () => addon.shutdown(-1, undefined as never), TypeError, 'how'],
    ['setsockopt overrun', () => addon.setsockopt(-1, SOL_SOCKET, SO_REUSEADDR, new Uint8Array(2), 4), RangeError, 'optlen'],
    ['getsockopt overrun', () => addon.getsockopt(-1, SOL_SOCKET, SO_REUSEADDR, new Uint8Array(2), 4), RangeError, 'optlen'],
    ['getsockopt null', () => addon.getsockopt(-1, SOL_SOCKET, SO_REUSEADDR, null as never, 0), TypeError, 'optval'],
    ['getsockname overrun', () => addon.getsockname(-1, b4(), 16), RangeError, 'addrlen'],
    ['getpeername overrun', () => addon.getpeername(-1, b4(), 16), RangeError, 'addrlen'],
    ['fcntl string arg', () => addon.fcntl(-1, F_GETFL, 'x' as never), TypeError, 'arg'],
    ['acceptSync overrun', () => addon.acceptSync(-1, b4(), 16), RangeError, 'addrlen'],
    ['accept overrun', () => addon.accept(-1, b4(), 16, cb), RangeError, 'addrlen'],
    ['accept no callback', () => addon.accept(-1, null, null, 'cb' as never), TypeError, 'callback'],
    ['connectSync overrun', () => addon.connectSync(-1, b4(), 16), RangeError, 'addrlen'],
    ['connect overrun', () => addon.connect(-1, b4(), 16, cb), RangeError, 'addrlen'],
    ['sendSync overrun', () => addon.sendSync(-1, b4(), 100, 0), RangeError, 'len'],
    ['send string', () => addon.send(-1, 'abc' as never, 3, 0, cb), TypeError, 'buf'],
    ['send overrun', () => addon.send(-1, b4(), 5, 0, cb), RangeError, 'len'],
    ['sendtoSync addr overrun', () => addon.sendtoSync(-1, b4(), 4, 0, b4(), 16), RangeError, 'addrlen'],
    ['sendto addr overrun', () => addon.sendto(-1, b4(), 4, 0, b4(), 16, cb), RangeError, 'addrlen'],
    ['recvSync overrun', () => addon.recvSync(-1, b4(), 100, 0), RangeError, 'len'],
    ['recvSync negative', () => addon.recvSync(-1, b4(), -1, 0), RangeError, 'len'],
    ['recvSync detached', () => addon.recvSync(-1, detachedView(), 4, 0), RangeError, 'len'],
    ['recv overrun', () => addon.recv(-1, b4(), 100, 0, cb), RangeError, 'len'],
    ['recv no callback', () => (addon.recv as (...a: unknown[]) => void)(-1, b4(), 4, 0), TypeError, 'callback'],
    ['recvfromSync addr overrun', () => addon.recvfromSync(-1, b4(), 4, 0, b4(), 16), RangeError, 'addrlen'],
    ['recvfrom addr overrun', () => addon.recvfrom(-1, b4(), 4, 0, b4(), 16, cb), RangeError, 'addrlen'],
    ['strerror string', () => addon.strerror('1' as never), TypeError, 'errnum'],
    ['inet_pton small dst', () => addon.inet_pton(AF_INET6, '::1', b4()), RangeError, 'dst'],
    ['inet_pton number src', () => addon.inet_pton(AF_INET, 5 as never, b4()), TypeError, 'src'],
    ['inet_ntop small src', () => addon.inet_ntop(AF_INET6, b4()), RangeError, 'src'],
    ['inet_ntop huge size', () => addon.inet_ntop(AF_INET, b4(), 5000), RangeError, 'size'],
  ];
  if (addon.accept4Sync) {
    NATIVE.push(['accept4Sync string flags', () => addon.accept4Sync!(-1, null, null, 'x' as never), TypeError, 'flags']);
    NATIVE.push(['accept4 overrun', () => addon.accept4!(-1, b4(), 16, 0, cb), RangeError, 'addrlen']);
  }

  it('native_functions_throw_instead_of_overrunning_or_crashing', async () => {
    for (const [what, call, ctor, arg] of NATIVE) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error, what).toBeInstanceOf(ctor);
      expect((error as Error).message, what).toContain(`'${arg}'`);
    }
    // Give any wrongly queued operation the time to call back (it would throw).
    await new Promise((r) => setTimeout(r, 50));
  });

  it('native_recv_with_len_past_the_buffer_makes_no_syscall', async () => {
    const p = await connectedPair();
    try {
      const data = Buffer.alloc(100, 7);
      expect(await send(p.client, data, 100, 0)).toBe(100);
      const small = Buffer.alloc(4);
      expect(() => addon.recvSync(p.server, small, 100, 0)).toThrow(RangeError);
      expect(() => addon.recv(p.server, small, 100, 0, () => undefined)).toThrow(RangeError);
      expect([...small]).toEqual([0, 0, 0, 0]);
      // Nothing was consumed: all 100 bytes are still there.
      const all = Buffer.alloc(100);
      expect(await recv(p.server, all, 100, MSG_WAITALL)).toBe(100);
      expect(all.equals(data)).toBe(true);
    } finally {
      p.closeAll();
    }
  });

  it('native_errors_leave_errno_alone', () => {
    close(-1);
    const before = errno;
    expect(() => addon.recvSync(-1, new Uint8Array(1), 2, 0)).toThrow(RangeError);
    expect(() => recvSync(-1, new Uint8Array(1), 2, 0)).toThrow(RangeError);
    expect(errno).toBe(before);
  });
});
