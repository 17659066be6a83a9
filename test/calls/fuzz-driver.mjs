// The fuzz driver run by fuzz.test.ts in a child process (so that tracing
// output, a crash or a hang cannot take the test runner with it). It calls
// every function the package exports, a seeded random one at a time, with
// adversarial arguments, and checks each outcome: a TypeError/RangeError that
// names the function or argument, or a result of the documented type (a
// number, -1 with errno set, for the socket calls; a Promise resolving to one
// for the async calls). Anything else is a violation, reported as JSON on
// stdout with what is needed to replay it (seed and iteration).
//
// Safety, so that the fuzzing harms nothing but itself: descriptors come only
// from this script's own sockets and file, a closed number, out-of-range
// numbers, or 0-2 for calls that only read (recv with MSG_DONTWAIT|MSG_PEEK,
// getsockopt, getsockname, getpeername, fcntl F_GETFL/F_GETFD); every socket
// is bound to loopback before anything else; addresses are loopback or of a
// family that carries no traffic; socket options that send packets (multicast
// joins) or make close(2) block (SO_LINGER), and fcntl commands that take a
// pointer or aim signals at other processes, are never used. Sockets are
// non-blocking, so every call returns at once: a call that does not is a hang.
// The multiplexing calls wait at most a few milliseconds: their timeouts are
// built here (never random memory), and none is NULL or -1 (for ever).
import { openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [libUrl, addonUrl, seedArg, iterationsArg, cJson] = process.argv.slice(2);
const lib = await import(libUrl);
const { addon } = await import(addonUrl);
/** Values from the system headers, measured by the test with a C program. */
const C = JSON.parse(cJson);
const SEED = Number(seedArg) >>> 0;
const ITERATIONS = Number(iterationsArg);
const HANG_MS = 5000;
const BLOCKED_MS = 1000;
const dir = process.cwd();

// ---------------------------------------------------------------------------
// Seeded PRNG (mulberry32)

let prng = SEED;
function rand() {
  prng = (prng + 0x6d2b79f5) | 0;
  let t = Math.imul(prng ^ (prng >>> 15), 1 | prng);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const below = (n) => Math.floor(rand() * n);
const pick = (a) => a[below(a.length)];
const chance = (p) => rand() < p;
const int32 = () => (below(2 ** 32) | 0);

// ---------------------------------------------------------------------------
// Fixtures: this script's own descriptors, all non-blocking, all bound to loopback

// The project's loopback address builders, built beside the library (tools/dist).
const { loopback4: loop4, loopback6: loop6 } = await import(new URL('../tools/dist/loopback.js', libUrl).href);
let unixCounter = 0;
const unixAddr = (name = `u${unixCounter++}`) => {
  const a = new lib.sockaddr_un();
  a.sun_family = lib.AF_UNIX;
  a.sun_path = join(dir, name);
  return a;
};

function must(r, what) {
  if (r === -1) throw new Error(`fixture ${what}: ${lib.strerror(lib.errno)}`);
  return r;
}
function nonBlocking(fd) {
  const fl = lib.fcntl(fd, lib.F_GETFL);
  if (fl !== -1) lib.fcntl(fd, lib.F_SETFL, (fl & ~C.O_ASYNC) | lib.O_NONBLOCK);
  return fd;
}
function boundSocket(family, type) {
  const fd = must(lib.socket(family, type, 0), 'socket');
  const a = family === lib.AF_INET6 ? loop6() : family === lib.AF_UNIX ? unixAddr() : loop4();
  must(lib.bind(fd, a, lib.sizeof(a)), 'bind');
  return fd;
}
function nameOf(fd, family) {
  const a = family === lib.AF_INET6 ? new lib.sockaddr_in6() : family === lib.AF_UNIX ? new lib.sockaddr_un() : new lib.sockaddr_in();
  must(lib.getsockname(fd, a, lib.socklen_t(lib.sizeof(a))), 'getsockname');
  return a;
}

const fixtures = {}; // name -> fd
const addresses = {}; // loopback addresses of the fixtures that accept traffic
function build() {
  const l = boundSocket(lib.AF_INET, lib.SOCK_STREAM);
  must(lib.listen(l, 64), 'listen');
  addresses.listener = nameOf(l, lib.AF_INET);
  const client = boundSocket(lib.AF_INET, lib.SOCK_STREAM);
  must(lib.connectSync(client, addresses.listener, lib.sizeof(addresses.listener)), 'connect');
  const server = must(lib.acceptSync(l, null, null), 'accept');
  const udp = boundSocket(lib.AF_INET, lib.SOCK_DGRAM);
  addresses.udp = nameOf(udp, lib.AF_INET);
  const tcp6 = boundSocket(lib.AF_INET6, lib.SOCK_STREAM);
  const unixListener = boundSocket(lib.AF_UNIX, lib.SOCK_STREAM);
  must(lib.listen(unixListener, 8), 'listen');
  addresses.unix = nameOf(unixListener, lib.AF_UNIX);
  const fresh = boundSocket(lib.AF_INET, lib.SOCK_STREAM);
  const file = openSync(join(dir, 'regular-file'), 'w+');
  Object.assign(fixtures, { listener: l, client, server, udp, tcp6, unixListener, fresh, file });
  for (const fd of Object.values(fixtures)) nonBlocking(fd);
}
function teardown() {
  for (const [name, fd] of Object.entries(fixtures)) {
    if (fd !== null && lib.close(fd) !== 0) throw new Error(`closing fixture ${name} (${fd}): ${lib.strerror(lib.errno)}`);
    fixtures[name] = null;
  }
}
/** After the fuzz closed a fixture: rebuild them all (closing the rest). */
function rebuildIfClosed() {
  if (Object.values(fixtures).some((fd) => fd === null)) {
    teardown();
    build();
  }
}
const live = () => Object.values(fixtures).filter((fd) => fd !== null);

// The reactor's poller takes a descriptor on the first call that does not
// complete at once (docs/threading.md); make it before counting.
{
  const fd = must(lib.socket(lib.AF_INET, lib.SOCK_DGRAM, 0), 'socket');
  await lib.recv(fd, Buffer.alloc(1), 1, 0, { timeout: 0 });
  must(lib.close(fd), 'close');
}
const fdsAtStart = readdirSync('/proc/self/fd').length;
build();

// A descriptor number that is certainly closed: a high duplicate, closed
// again (the kernel hands out the lowest free number, so nobody reuses it).
const CLOSED = must(lib.fcntl(fixtures.file, C.F_DUPFD, 5000), 'F_DUPFD');
must(lib.close(CLOSED), 'close');

// ---------------------------------------------------------------------------
// Adversarial values

const sab = new SharedArrayBuffer(64);
function detachedView() {
  const ab = new ArrayBuffer(32);
  const v = new Uint8Array(ab);
  structuredClone(ab, { transfer: [ab] });
  return v;
}
function resizableView() {
  const rab = new ArrayBuffer(64, { maxByteLength: 128 });
  const v = chance(0.5) ? new Uint8Array(rab) : new Uint8Array(rab, 8, 16);
  rab.resize(below(129));
  return v;
}
function randomBytes(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = below(256);
  return b;
}
const JUNK = [
  undefined, null, true, false, '', '3', 'abc', 0n, 7n, Symbol('junk'), {}, [], [1, 2, 3],
  () => 3, new Date(0), new Number(3), Object.freeze({ value: 16 }), new Map(), Promise.resolve(3),
  NaN, Infinity, -Infinity, 1.5, -1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 31) - 1, -(2 ** 53),
  Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, new ArrayBuffer(8), sab, new Proxy({}, {}),
];
const junk = () => pick(JUNK);
/**
 * Half of the calls are well-formed (right types, lengths that fit), so that
 * they reach the kernel in every state; the other half are adversarial.
 */
let sane = false;
const junkOr = (p, f) => (!sane && chance(p) ? junk() : f());

const VIEWS = [
  () => Buffer.alloc(pick([0, 1, 2, 4, 16, 64, 256, 4096])),
  () => randomBytes(pick([1, 8, 16, 28, 110, 128])),
  () => new Uint8Array(pick([0, 1, 16, 128])),
  () => new Int32Array(pick([1, 4, 32])),
  () => new Float64Array(pick([1, 16])),
  () => new BigInt64Array(2),
  () => new DataView(new ArrayBuffer(pick([4, 16, 64])), pick([0, 0, 1, 4])),
  () => new DataView(new ArrayBuffer(0)),
  () => Buffer.alloc(64).subarray(pick([0, 7, 60]), 64),
  () => new Uint8Array(sab, pick([0, 8, 32]), 16),
  () => new DataView(sab),
  detachedView,
  resizableView,
  () => Object.freeze(new Uint8Array(0)),
];
const anyView = () => (sane ? pick(VIEWS.slice(0, 10)) : pick(VIEWS))();
const STRUCTS = ['sockaddr', 'sockaddr_in', 'sockaddr_in6', 'sockaddr_un', 'sockaddr_storage', 'in_addr', 'in6_addr', 'timeval', 'linger', 'c_int'];
const anyStruct = () => new lib[pick(STRUCTS)]();
const memory = () => (chance(0.4) ? anyStruct() : anyView());

function socklen() {
  if (sane) return lib.socklen_t(pick([16, 28, 110, 128]));
  const n = pick([0, 1, 2, 4, 8, 16, 28, 110, 128, 2 ** 31, 2 ** 32 - 1]);
  let flips = 0;
  return pick([
    () => lib.socklen_t(n),
    () => lib.socklen_t(n),
    () => ({ value: n }),
    () => Object.freeze(lib.socklen_t(n)),
    () => ({ get value() { return n; } }),
    () => ({ get value() { return flips++ % 2 ? 2 ** 31 : 16; }, set value(_) {} }),
    () => Object.create({ value: n }),
    () => ({ value: pick([NaN, -1, 1.5, '16', 2 ** 53, null]) }),
    () => new Proxy({ value: n }, { set: () => false }),
  ])();
}
const lenFor = (view) => {
  const bl = view && typeof view === 'object' && 'byteLength' in view ? view.byteLength : view && view.bytes ? view.bytes.byteLength : 16;
  if (sane) return pick([bl, bl, below(bl + 1), 0]);
  return pick([0, bl, bl, bl - 1, bl + 1, below(bl + 1), 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53, -1, NaN, Infinity, 1.5, '4']);
};

const MSG = ['MSG_OOB', 'MSG_PEEK', 'MSG_DONTROUTE', 'MSG_WAITALL', 'MSG_DONTWAIT', 'MSG_NOSIGNAL', 'MSG_TRUNC', 'MSG_CTRUNC', 'MSG_EOR', 'MSG_MORE', 'MSG_CONFIRM', 'MSG_ERRQUEUE', 'MSG_CMSG_CLOEXEC']
  .map((k) => lib[k])
  .filter((v) => v !== undefined);
function flags() {
  if (sane) return pick([0, lib.MSG_DONTWAIT, lib.MSG_PEEK | lib.MSG_DONTWAIT, pick(MSG) | lib.MSG_DONTWAIT, lib.MSG_NOSIGNAL ?? 0]);
  return pick([
    () => 0,
    () => lib.MSG_DONTWAIT,
    () => MSG.filter(() => chance(0.3)).reduce((a, b) => a | b, 0),
    () => pick(MSG) | lib.MSG_DONTWAIT,
    () => -1,
    () => int32(),
    () => 2 ** 31 - 1,
    () => -(2 ** 31),
    junk,
  ])();
}

/** A descriptor argument. `readOnly` calls may also get 0, 1 or 2. */
function fdArg(readOnly) {
  const r = sane ? rand() * 0.7 : rand();
  if (r < 0.6) return pick(live());
  if (r < 0.68) return CLOSED;
  if (r < 0.75 && readOnly) return below(3);
  if (r < 0.85) return pick([-1, -(2 ** 31), 2 ** 31 - 1, 1_000_000]);
  // Junk never contains an integer that could name a descriptor (-0 is 0).
  return junk();
}

/** An address for calls that send or connect: loopback, or a family that carries nothing. */
function addressIn() {
  if (sane) return pick([addresses.listener, addresses.udp, addresses.unix, loop4(0)]);
  return pick([
    () => addresses.listener,
    () => addresses.udp,
    () => addresses.unix,
    () => loop4(0),
    () => loop6(0),
    () => unixAddr(),
    () => unixAddr(`missing-${below(1000)}`),
    () => {
      // Random bytes under a family that is no family at all (0xffNN; not
      // AF_UNSPEC either, which UDP's sendto takes for AF_INET).
      const b = randomBytes(pick([2, 8, 16, 28, 110, 128]));
      b[0] = below(256);
      b[1] = 0xff;
      return b;
    },
    () => Buffer.alloc(pick([0, 1, 2])),
    () => new lib.sockaddr_in(), // AF_UNSPEC
    detachedView,
    junk,
  ])();
}
const addrlenFor = (a) => (a === null || a === undefined ? pick([0, 16, 2 ** 32 - 1, -1]) : lenFor(a));
const addressOut = () => (sane ? pick([() => null, anyStruct]) : pick([() => null, memory, memory, anyStruct, junk]))();
const lengthOut = () => (chance(0.2) ? pick([null, undefined]) : !sane && chance(0.15) ? junk() : socklen());

function options() {
  if (sane) return pick([undefined, undefined, { timeout: 10 }, { signal: new AbortController().signal }]);
  return pick([
    () => undefined,
    () => undefined,
    () => ({}),
    () => ({ timeout: pick([0, 1, 10]) }),
    () => ({ signal: AbortSignal.abort() }),
    () => ({ signal: new AbortController().signal, timeout: 1000 }),
    () => ({ timeout: pick([-1, NaN, Infinity, 2 ** 31, '5', null]) }),
    () => ({ signal: pick([{}, null, 'abort', new AbortController()]) }),
    () => {
      let n = 0;
      const ac = new AbortController();
      return { get signal() { return n++ < 1 ? ac.signal : { aborted: 'nope' }; } };
    },
    () => Object.freeze({ timeout: 5 }),
    junk,
  ])();
}

function sockopt() {
  for (;;) {
    const level = pick([lib.SOL_SOCKET, lib.IPPROTO_TCP, lib.IPPROTO_IP, lib.IPPROTO_IPV6, C.IPPROTO_UDP, int32(), -1]);
    const optname = chance(0.7) ? below(100) : int32();
    // Options that send packets or make close(2) wait are not used (see the top).
    if (level === lib.SOL_SOCKET && optname === lib.SO_LINGER) continue;
    if (level === lib.IPPROTO_IP && C.ipJoin.includes(optname)) continue;
    if (level === lib.IPPROTO_IPV6 && C.ip6Join.includes(optname)) continue;
    return [level, optname];
  }
}
function optval() {
  if (sane) return pick([new lib.c_int(below(2)), new lib.timeval(), Buffer.alloc(4)]);
  return pick([
    () => new lib.c_int(pick([0, 1, -1, 4096, 2 ** 31 - 1])),
    () => {
      const t = new lib.timeval();
      t.tv_usec = below(1000);
      return t;
    },
    () => randomBytes(pick([0, 1, 4, 8, 16, 64])),
    () => Buffer.alloc(pick([0, 4, 16])),
    anyView,
    () => null,
    junk,
  ])();
}

function fcntlCmd() {
  if (sane) return pick([lib.F_GETFL, lib.F_SETFL, lib.F_GETFD, lib.F_SETFD, C.F_DUPFD]);
  return pick([
    () => lib.F_GETFL,
    () => lib.F_SETFL,
    () => lib.F_GETFD,
    () => lib.F_SETFD,
    () => C.F_DUPFD,
    () => C.F_DUPFD_CLOEXEC,
    // Unknown commands, far from any command that takes a pointer.
    () => 4096 + below(2 ** 31 - 4096),
    () => -1 - below(2 ** 31),
    junk,
  ])();
}

// ---------------------------------------------------------------------------
// The functions, by kind of result

const SYNC_SOCKET_CALLS = {
  socket: () => [pick([lib.AF_INET, lib.AF_INET6, lib.AF_UNIX, lib.AF_UNSPEC, int32(), below(64)]), pick([lib.SOCK_STREAM, lib.SOCK_DGRAM, lib.SOCK_STREAM | (lib.SOCK_NONBLOCK ?? 0), int32(), below(16)]), pick([0, 0, 6, 17, int32(), -1])],
  bind: () => { const a = addressIn(); return [fdArg(false), a, addrlenFor(a)]; },
  listen: () => [fdArg(false), pick([0, 1, -1, 2 ** 31 - 1, int32()])],
  close: () => [fdArg(false)],
  shutdown: () => [fdArg(false), pick([lib.SHUT_RD, lib.SHUT_WR, lib.SHUT_RDWR, -1, 3, int32()])],
  setsockopt: () => { const v = optval(); return [fdArg(false), ...sockopt(), v, addrlenFor(v)]; },
  getsockopt: () => [fdArg(true), ...sockopt(), memory(), socklen()],
  getsockname: () => [fdArg(true), memory(), socklen()],
  getpeername: () => [fdArg(true), memory(), socklen()],
  fcntl: () => { const c = fcntlCmd(); return c === lib.F_GETFL || c === lib.F_GETFD || chance(0.2) ? [fdArg(false), c] : [fdArg(false), c, junkOr(0.2, () => pick([0, 1, lib.O_NONBLOCK, C.O_ASYNC, -1, 5000, int32()]))]; },
  acceptSync: () => [fdArg(false), addressOut(), lengthOut()],
  connectSync: () => { const a = addressIn(); return [fdArg(false), a, addrlenFor(a)]; },
  sendSync: () => { const b = chance(0.2) ? pick(['', 'text', 'ü'.repeat(below(100))]) : anyView(); return [fdArg(false), b, lenFor(typeof b === 'string' ? Buffer.from(b) : b), flags()]; },
  sendtoSync: () => { const b = anyView(); const a = chance(0.2) ? null : addressIn(); return [fdArg(false), b, lenFor(b), flags(), a, addrlenFor(a)]; },
  recvSync: () => { const b = anyView(); return [fdArg(true), b, lenFor(b), flags()]; },
  recvfromSync: () => { const b = anyView(); return [fdArg(true), b, lenFor(b), flags(), addressOut(), lengthOut()]; },
};
if (lib.accept4Sync) SYNC_SOCKET_CALLS.accept4Sync = () => [fdArg(false), addressOut(), lengthOut(), pick([0, lib.SOCK_NONBLOCK, lib.SOCK_CLOEXEC, -1, int32(), junk()])];

const ASYNC_SOCKET_CALLS = {
  accept: () => [...SYNC_SOCKET_CALLS.acceptSync(), options()],
  connect: () => [...SYNC_SOCKET_CALLS.connectSync(), options()],
  send: () => [...SYNC_SOCKET_CALLS.sendSync(), options()],
  sendto: () => [...SYNC_SOCKET_CALLS.sendtoSync(), options()],
  recv: () => [...SYNC_SOCKET_CALLS.recvSync(), options()],
  recvfrom: () => [...SYNC_SOCKET_CALLS.recvfromSync(), options()],
};
if (lib.accept4) ASYNC_SOCKET_CALLS.accept4 = () => [...SYNC_SOCKET_CALLS.accept4Sync(), options()];

// ---------------------------------------------------------------------------
// I/O multiplexing

const EPFD = lib.epoll_create1 ? lib.epoll_create1(0) : -1; // closed after the run
const epfdArg = () => (chance(0.6) ? EPFD : fdArg(true));
const fdSet = () => (sane ? pick([() => new lib.fd_set(), () => null])() : pick([() => new lib.fd_set(), () => null, memory, junk])());
const nfds = () => (sane ? Math.max(...live()) + 1 : pick([0, 1, Math.max(...live()) + 1, lib.FD_SETSIZE, lib.FD_SETSIZE + 1, -1, 2 ** 31, junk()]));
const shortTimeval = () => {
  const t = new lib.timeval();
  t.tv_usec = below(2000);
  return t;
};
const shortTimespec = () => {
  const t = new lib.timespec();
  t.tv_nsec = below(2_000_000);
  return t;
};
// A bad timeout, but never NULL (which waits for ever).
const badTimeout = () => {
  for (;;) {
    const j = junk();
    if (j !== null && j !== undefined) return j;
  }
};
const shortMs = () => (sane ? pick([0, 1, 2]) : pick([0, 1, 2, 2 ** 31, NaN, 1.5, junk()]));
const sigmask = () => (sane ? pick([null, new lib.sigset_t()]) : pick([() => null, () => new lib.sigset_t(), memory, junk])());
const STRUCT_ARRAYS = ['pollfd', ...(lib.epoll_event ? ['epoll_event'] : [])];
function structArray(type) {
  if (sane) return lib.array(lib[type], 1 + below(4));
  return pick([() => lib.array(lib[type], below(5)), () => new lib[type](), memory, junk])();
}
function pollfds() {
  const fds = structArray('pollfd');
  if (Array.isArray(fds) && 'bytes' in fds) for (const p of fds) {
    p.fd = chance(0.7) ? pick(live()) : pick([-1, CLOSED, 1_000_000]);
    p.events = chance(0.8) ? pick([lib.POLLIN, lib.POLLOUT, lib.POLLIN | lib.POLLOUT, 0]) : int32() & 0x7fff;
  }
  return fds;
}
const countFor = (a) => (Array.isArray(a) ? (sane ? below(a.length + 1) : pick([0, a.length, a.length + 1, -1, 2 ** 32])) : pick([0, 1, -1, junk()]));
function epollEvent() {
  const ev = new lib.epoll_event();
  ev.events = pick([lib.EPOLLIN, lib.EPOLLOUT, lib.EPOLLIN | lib.EPOLLET, lib.EPOLLIN | lib.EPOLLONESHOT, int32() >>> 0]);
  ev.data.u64 = BigInt(int32() >>> 0);
  return ev;
}
const sigset = () => (sane ? new lib.sigset_t() : pick([() => new lib.sigset_t(), memory, junk])());
const signum = () => (sane ? pick([lib.SIGUSR1, lib.SIGINT, lib.SIGTERM, 0]) : pick([0, 1, 64, 65, -1, int32(), junk()]));

Object.assign(SYNC_SOCKET_CALLS, {
  selectSync: () => [nfds(), fdSet(), fdSet(), fdSet(), (!sane && chance(0.1) ? badTimeout() : shortTimeval())],
  pselectSync: () => [nfds(), fdSet(), fdSet(), fdSet(), (!sane && chance(0.1) ? badTimeout() : shortTimespec()), sigmask()],
  pollSync: () => { const f = pollfds(); return [f, countFor(f), shortMs()]; },
  sigemptyset: () => [sigset()],
  sigfillset: () => [sigset()],
  sigaddset: () => [sigset(), signum()],
  sigdelset: () => [sigset(), signum()],
  sigismember: () => [sigset(), signum()],
});
Object.assign(ASYNC_SOCKET_CALLS, {
  select: () => [...SYNC_SOCKET_CALLS.selectSync(), options()],
  pselect: () => [...SYNC_SOCKET_CALLS.pselectSync(), options()],
  poll: () => [...SYNC_SOCKET_CALLS.pollSync(), options()],
});
if (lib.ppollSync) {
  Object.assign(SYNC_SOCKET_CALLS, {
    ppollSync: () => { const f = pollfds(); return [f, countFor(f), (!sane && chance(0.1) ? badTimeout() : shortTimespec()), sigmask()]; },
    epoll_create: () => [pick([1, 0, -1, 100, junkOr(0.3, int32)])],
    epoll_create1: () => [pick([0, lib.EPOLL_CLOEXEC, -1, junkOr(0.3, int32)])],
    epoll_ctl: () => [epfdArg(), pick([lib.EPOLL_CTL_ADD, lib.EPOLL_CTL_MOD, lib.EPOLL_CTL_DEL, int32()]), fdArg(true), sane ? epollEvent() : pick([epollEvent, () => null, memory, junk])()],
    epoll_waitSync: () => { const e = structArray('epoll_event'); return [epfdArg(), e, countFor(e), shortMs()]; },
    epoll_pwaitSync: () => { const e = structArray('epoll_event'); return [epfdArg(), e, countFor(e), shortMs(), sigmask()]; },
  });
  Object.assign(ASYNC_SOCKET_CALLS, {
    ppoll: () => [...SYNC_SOCKET_CALLS.ppollSync(), options()],
    epoll_wait: () => [...SYNC_SOCKET_CALLS.epoll_waitSync(), options()],
    epoll_pwait: () => [...SYNC_SOCKET_CALLS.epoll_pwaitSync(), options()],
  });
}

const anyNumber = () => pick([0, 1, -1, 0xffff, 0x10000, 2 ** 32 - 1, 2 ** 32, int32(), NaN, Infinity, 1.5, -0, 2 ** 53]);
const OTHER_CALLS = {
  strerror: [() => [junkOr(0.3, anyNumber)], (r) => typeof r === 'string'],
  htons: [() => [junkOr(0.3, anyNumber)], (r) => Number.isInteger(r) && r >= 0 && r <= 0xffff],
  ntohs: [() => [junkOr(0.3, anyNumber)], (r) => Number.isInteger(r) && r >= 0 && r <= 0xffff],
  htonl: [() => [junkOr(0.3, anyNumber)], (r) => Number.isInteger(r) && r >= 0 && r <= 0xffffffff],
  ntohl: [() => [junkOr(0.3, anyNumber)], (r) => Number.isInteger(r) && r >= 0 && r <= 0xffffffff],
  inet_pton: [
    () => [pick([lib.AF_INET, lib.AF_INET6, lib.AF_UNIX, int32(), junk()]), pick(['127.0.0.1', '::1', '::ffff:1.2.3.4', '1.2.3', '256.0.0.1', '', 'x'.repeat(5000), '1.2.3.4\0junk', junk()]), memory()],
    (r) => r === 1 || r === 0 || (r === -1 && lib.errno > 0),
  ],
  inet_ntop: [
    () => [pick([lib.AF_INET, lib.AF_INET6, lib.AF_UNIX, int32(), junk()]), memory(), ...(chance(0.5) ? [] : [pick([0, 1, 7, 16, 46, 4096, 4097, 2 ** 32 - 1, -1, NaN, junk()])])],
    (r) => typeof r === 'string' || (r === null && lib.errno > 0),
  ],
  sizeof: [() => [pick([anyStruct, anyView, () => lib[pick(STRUCTS)], junk])()], (r) => Number.isInteger(r) && r >= 0],
  socklen_t: [() => (chance(0.1) ? [] : [junkOr(0.3, anyNumber)]), (r) => r !== null && typeof r === 'object' && Number.isInteger(r.value)],
  trace: [() => [pick([true, false, false, undefined, junk()])], (r) => r === undefined],
  array: [() => [pick([() => lib[pick([...STRUCT_ARRAYS, ...STRUCTS])], junk])(), junkOr(0.3, () => pick([0, 1, 8, -1, 2 ** 31]))], (r) => Array.isArray(r) && ArrayBuffer.isView(r.bytes)],
  FD_ZERO: [() => [fdSet()], (r) => r === undefined],
  FD_SET: [() => [junkOr(0.2, () => pick([0, 5, lib.FD_SETSIZE - 1, lib.FD_SETSIZE, -1])), fdSet()], (r) => r === undefined],
  FD_CLR: [() => [junkOr(0.2, () => pick([0, 5, lib.FD_SETSIZE - 1, lib.FD_SETSIZE, -1])), fdSet()], (r) => r === undefined],
  FD_ISSET: [() => [junkOr(0.2, () => pick([0, 5, lib.FD_SETSIZE - 1, lib.FD_SETSIZE, -1])), fdSet()], (r) => r === 0 || r === 1],
};

// ---------------------------------------------------------------------------
// The rest of the socket API. Names are resolved only where no query can
// leave the machine: numeric hosts (AI_NUMERICHOST, NI_NUMERICHOST) and the
// loopback names /etc/hosts holds.

const iovecs = () => {
  if (!sane && chance(0.2)) return junk();
  return Array.from({ length: below(4) }, () => {
    if (!sane && chance(0.1)) return junk();
    // Filled in after construction, so that a detached base reaches the call.
    const e = new lib.iovec();
    e.iov_base = chance(0.2) ? null : anyView();
    e.iov_len = sane ? (e.iov_base?.byteLength ?? 0) : pick([0, 1, 16, 2 ** 31, e.iov_base?.byteLength ?? 0]);
    return e;
  });
};
const iovcnt = (iov) => (sane && Array.isArray(iov) ? iov.length : pick([0, 1, 2, 3, -1, 1025, int32(), junk()]));
function msg() {
  if (!sane && chance(0.1)) return junk();
  const m = new lib.msghdr();
  m.msg_iov = chance(0.2) ? null : iovecs();
  if (Array.isArray(m.msg_iov)) m.msg_iovlen = sane ? m.msg_iov.length : pick([0, 1, 3, 1025, m.msg_iov.length]);
  m.msg_name = chance(0.5) ? null : addressOut();
  const nameBytes = m.msg_name?.bytes?.byteLength ?? m.msg_name?.byteLength;
  m.msg_namelen = Number.isInteger(nameBytes) ? pick([0, 16, 28, 128]) % (nameBytes + 1) : pick([0, 16]);
  // Random control bytes (never a well-formed SCM_RIGHTS: nothing to leak).
  m.msg_control = chance(0.5) ? null : randomBytes(pick([0, 8, 16, 24, 64]));
  if (m.msg_control) m.msg_controllen = below(m.msg_control.byteLength + 1);
  return m;
}
const numericNode = () => pick(['127.0.0.1', '::1', '0.0.0.0', '1.2.3', '10.1', '', '999.1.1.1', 'x'.repeat(300), null]);
function hints() {
  if (!sane && chance(0.2)) return junk();
  const h = new lib.addrinfo();
  h.ai_flags = (chance(0.5) ? below(2 ** 10) : int32()) | lib.AI_NUMERICHOST;
  h.ai_family = pick([lib.AF_UNSPEC, lib.AF_INET, lib.AF_INET6, lib.AF_UNIX, int32()]);
  h.ai_socktype = pick([0, lib.SOCK_STREAM, lib.SOCK_DGRAM, int32()]);
  h.ai_protocol = pick([0, 6, 17, int32()]);
  return h;
}
const service = () => pick(['80', 'http', '0', '65536', '-1', 'no-such-service', '', null, junkOr(0.3, () => '443')]);
const charBuf = () => (chance(0.2) ? null : !sane && chance(0.2) ? junk() : { value: '' });
const inAddr = () => {
  const a = new lib.in_addr();
  a.s_addr = lib.htonl(lib.INADDR_LOOPBACK);
  return a;
};
Object.assign(SYNC_SOCKET_CALLS, {
  readSync: () => { const b = anyView(); return [fdArg(false), b, lenFor(b)]; },
  writeSync: () => { const b = anyView(); return [fdArg(false), b, lenFor(b)]; },
  readvSync: () => { const v = iovecs(); return [fdArg(false), v, iovcnt(v)]; },
  writevSync: () => { const v = iovecs(); return [fdArg(false), v, iovcnt(v)]; },
  sendmsgSync: () => [fdArg(false), msg(), flags()],
  recvmsgSync: () => [fdArg(false), msg(), flags()],
  socketpair: () => [pick([lib.AF_UNIX, lib.AF_INET, int32()]), pick([lib.SOCK_STREAM, lib.SOCK_DGRAM, int32()]), pick([0, int32()]), junkOr(0.3, () => new Int32Array(2))],
  ioctl: () => [fdArg(true), junkOr(0.2, () => pick([lib.FIONREAD, lib.SIOCATMARK, lib.SIOCOUTQ ?? lib.FIONREAD, 0x5401, int32()])), junkOr(0.2, () => pick([new lib.c_int(), Buffer.alloc(pick([0, 2, 4, 8]))]))],
});
Object.assign(ASYNC_SOCKET_CALLS, {
  read: () => [...SYNC_SOCKET_CALLS.readSync(), options()],
  write: () => [...SYNC_SOCKET_CALLS.writeSync(), options()],
  readv: () => [...SYNC_SOCKET_CALLS.readvSync(), options()],
  writev: () => [...SYNC_SOCKET_CALLS.writevSync(), options()],
  sendmsg: () => [...SYNC_SOCKET_CALLS.sendmsgSync(), options()],
  recvmsg: () => [...SYNC_SOCKET_CALLS.recvmsgSync(), options()],
});
const gaiResult = (r) => Number.isInteger(r) && (r === 0 || lib.gai_strerror(r).length > 0);
const hostResult = (r) => r === null ? Number.isInteger(lib.h_errno) : r instanceof lib.hostent;
const gaiArgs = () => {
  const h = chance(0.3) ? null : hints();
  // Without AI_NUMERICHOST in effect, only names /etc/hosts holds or none.
  const node = h instanceof lib.addrinfo ? junkOr(0.2, numericNode) : pick(['127.0.0.1', '0.0.0.0', null]);
  return [node, service(), h, junkOr(0.2, () => ({ value: null }))];
};
const niArgs = () => {
  const a = addressOut() ?? loop4(80);
  return [a, lenFor(a), charBuf(), junkOr(0.2, () => pick([0, 1, 16, 1025])), charBuf(), junkOr(0.2, () => pick([0, 1, 32])), junkOr(0.2, () => (chance(0.5) ? below(64) : int32()) | lib.NI_NUMERICHOST)];
};
const byName = () => [junkOr(0.3, () => pick(['127.0.0.1', '0.0.0.0', '10.1', '1.2.3.4']))];
const byAddr = () => (sane ? [inAddr(), 4, lib.AF_INET] : pick([() => [junk(), 4, lib.AF_INET], () => [inAddr(), pick([5, -1, NaN, junk()]), lib.AF_INET], () => [inAddr(), 4, junk()]])());
Object.assign(OTHER_CALLS, {
  CMSG_SPACE: [() => [junkOr(0.3, anyNumber)], (r) => Number.isInteger(r) && r > 0],
  CMSG_LEN: [() => [junkOr(0.3, anyNumber)], (r) => Number.isInteger(r) && r > 0],
  CMSG_FIRSTHDR: [() => [msg()], (r) => r === null || r instanceof lib.cmsghdr],
  CMSG_NXTHDR: [() => { const m = msg(); const c = m instanceof lib.msghdr ? lib.CMSG_FIRSTHDR(m) : null; return [m, c ?? junkOr(0.5, () => new lib.cmsghdr())]; }, (r) => r === null || r instanceof lib.cmsghdr],
  CMSG_DATA: [() => [junkOr(0.3, () => new lib.cmsghdr(anyView().byteLength >= lib.sizeof(lib.cmsghdr) ? Buffer.alloc(64) : Buffer.alloc(lib.sizeof(lib.cmsghdr))))], (r) => r instanceof Uint8Array],
  getaddrinfoSync: [gaiArgs, gaiResult],
  getaddrinfo: [gaiArgs, (r) => r instanceof Promise],
  freeaddrinfo: [() => [junkOr(0.5, () => new lib.addrinfo())], (r) => r === undefined],
  gai_strerror: [() => [junkOr(0.3, anyNumber)], (r) => typeof r === 'string'],
  getnameinfoSync: [niArgs, gaiResult],
  getnameinfo: [niArgs, (r) => r instanceof Promise],
  gethostbynameSync: [byName, hostResult],
  gethostbyname: [byName, (r) => r instanceof Promise],
  gethostbyaddrSync: [byAddr, hostResult],
  gethostbyaddr: [byAddr, (r) => r instanceof Promise],
  hstrerror: [() => [junkOr(0.3, anyNumber)], (r) => typeof r === 'string'],
  inet_addr: [() => [junkOr(0.3, () => pick(['1.2.3.4', '10.1', '0x7f.1', '', '1.2.3.4.5', '\0']))], (r) => Number.isInteger(r) && r >= 0],
  inet_network: [() => [junkOr(0.3, () => pick(['1.2.3.4', '10.1', '0x7f.1', '', '1.2.3.4.5']))], (r) => Number.isInteger(r) && r >= 0],
  inet_aton: [() => [junkOr(0.3, () => pick(['1.2.3.4', '10.1', 'x'])), memory()], (r) => r === 0 || r === 1],
  inet_ntoa: [() => [memory()], (r) => typeof r === 'string'],
});

const isResult = (r) => typeof r === 'number' && Number.isInteger(r) && r >= -1;
const errnoOk = () => Number.isInteger(lib.errno) && lib.errno > 0;

// Every export must be covered: a new export fails the run until it is fuzzed too.
const classes = Object.entries(lib).filter(([, v]) => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v)));
const exportedFunctions = Object.entries(lib).filter(([, v]) => typeof v === 'function').map(([k]) => k);
const covered = new Set([...Object.keys(SYNC_SOCKET_CALLS), ...Object.keys(ASYNC_SOCKET_CALLS), ...Object.keys(OTHER_CALLS), ...classes.map(([k]) => k)]);
const uncovered = exportedFunctions.filter((k) => !covered.has(k));
const names = [...covered].sort((a, b) => b.length - a.length).map((n) => n.replace(/\W/g, ''));
// A deliberate error names the function (`recv(): ...`), the struct field
// (`sockaddr_in.sin_port ...`) or the argument (the addon's own checks).
const deliberate = new RegExp(`^(${names.join('|')})(\\(\\): |: |\\.\\w+ )|^argument '`);

// ---------------------------------------------------------------------------
// The run

const violations = [];
const calls = {};
const outcomes = { returned: 0, failed: 0, threw: 0, resolved: 0, resolvedFailed: 0 };
const errnos = {};
let current = '';

function describeArg(a) {
  if (a === null || a === undefined || typeof a === 'number' || typeof a === 'boolean') return String(a);
  if (typeof a === 'string') return JSON.stringify(a.length > 20 ? a.slice(0, 20) + '…' : a);
  if (typeof a === 'bigint') return `${a}n`;
  if (typeof a === 'symbol') return 'Symbol()';
  if (typeof a === 'function') return 'function';
  if (ArrayBuffer.isView(a)) return `${a.constructor.name}(${a.byteLength})`;
  return a.constructor?.name ?? 'object';
}
function violation(kind, detail) {
  if (violations.length < 50) violations.push({ kind, call: current, detail });
}
function checkThrown(e) {
  outcomes.threw++;
  if (!(e instanceof TypeError || e instanceof RangeError)) violation('other exception', `${e?.constructor?.name}: ${e?.message}`);
  else if (!deliberate.test(e.message)) violation('accidental exception', `${e.constructor.name}: ${e.message}`);
}
function checkResult(r, async) {
  if (!isResult(r)) return violation('bad result', `${async ? 'resolved to' : 'returned'} ${describeArg(r)}`);
  if (r === -1) {
    outcomes[async ? 'resolvedFailed' : 'failed']++;
    if (!errnoOk()) violation('-1 without errno', `errno ${lib.errno}`);
    errnos[lib.errno] = (errnos[lib.errno] ?? 0) + 1;
  } else outcomes[async ? 'resolved' : 'returned']++;
}

/** Closes a descriptor a call created (accept, socket, F_DUPFD), so none leaks. */
function release(name, args, r) {
  if (name === 'socketpair' && r === 0) for (const f of args[3]) lib.close(f);
  const makesFd = name === 'socket' || name.startsWith('epoll_create') || name.startsWith('accept') || (name === 'fcntl' && (args[1] === C.F_DUPFD || args[1] === C.F_DUPFD_CLOEXEC));
  if (makesFd && r >= 0) lib.close(r);
}
/** Keeps the fixtures non-blocking, and notes the ones the fuzz closed. */
function aftermath(name, args, r) {
  if (name === 'close' && r === 0) {
    for (const [k, v] of Object.entries(fixtures)) if (v === args[0]) fixtures[k] = null;
  }
  if (name === 'fcntl') for (const f of live()) nonBlocking(f);
}
/** Calls that may only read get only reading flags on descriptors 0-2. */
function guardStdio(name, args) {
  if (typeof args[0] !== 'number' || args[0] < 0 || args[0] > 2) return;
  if (/^recv/.test(name) && Number.isInteger(args[3]) && args[3] >= -(2 ** 31) && args[3] < 2 ** 31) {
    args[3] = (args[3] & ~lib.MSG_ERRQUEUE) | lib.MSG_DONTWAIT | lib.MSG_PEEK;
  }
  if (name === 'fcntl') args.splice(1, args.length - 1, pick([lib.F_GETFL, lib.F_GETFD]));
}

process.on('uncaughtException', (e) => violation('uncaught exception', `${e?.constructor?.name}: ${e?.message}`));
process.on('unhandledRejection', (e) => violation('unhandled rejection', `${e?.constructor?.name}: ${e?.message}`));

const all = [
  ...Object.keys(SYNC_SOCKET_CALLS).map((n) => ['sync', n]),
  ...Object.keys(ASYNC_SOCKET_CALLS).map((n) => ['async', n]),
  ...Object.keys(OTHER_CALLS).map((n) => ['other', n]),
  ...classes.map(([n]) => ['class', n]),
  ...classes.filter(([n]) => n !== 'CStruct').map(([n]) => ['field', n]),
];

let inFlight = [];
async function settle() {
  const batch = inFlight;
  inFlight = [];
  let timer;
  const hang = new Promise((resolve) => (timer = setTimeout(resolve, HANG_MS, 'hang')));
  for (const { promise, what } of batch) {
    const r = await Promise.race([promise, hang]);
    if (r === 'hang') {
      current = what;
      violation('hang', `no completion within ${HANG_MS} ms`);
    }
  }
  clearTimeout(timer);
}

// A run that ends without its report (the driver's own bug) must not look like a pass.
let reported = false;
process.on('exit', () => {
  if (!reported) process.exitCode = 70;
});

// Every export once per round, in a seeded random order, so that each is
// called ITERATIONS / all.length times whatever the seed.
let order = [];
function next(k) {
  if (k % all.length === 0) {
    order = all.slice();
    for (let j = order.length - 1; j > 0; j--) {
      const r = below(j + 1);
      [order[j], order[r]] = [order[r], order[j]];
    }
  }
  return order[k % all.length];
}

let i = 0;
try {
  for (; i < ITERATIONS; i++) {
    rebuildIfClosed();
    sane = chance(0.5);
    const [kind, name] = next(i);
    calls[name] = (calls[name] ?? 0) + 1;
    if (kind === 'field') {
      // Struct fields: assigning adversarial values either works or throws a named error.
      const s = new lib[name]();
      const proto = Object.getPrototypeOf(s);
      const setters = Object.entries(Object.getOwnPropertyDescriptors(proto)).filter(([, d]) => d.set).map(([k]) => k);
      if (setters.length === 0) continue;
      const field = pick(setters);
      const value = pick([anyNumber, junk, anyStruct, () => 'p'.repeat(below(200))])();
      current = `#${i} ${name}.${field} = ${describeArg(value)}`;
      try {
        s[field] = value;
        outcomes.returned++;
      } catch (e) {
        checkThrown(e);
      }
      continue;
    }
    if (kind === 'class') {
      const args = name === 'CStruct' ? [junkOr(0.5, () => pick([0, 4, 16])), ...(chance(0.5) ? [memory()] : [])] : chance(0.3) ? [] : [junkOr(0.4, memory)];
      current = `#${i} new ${name}(${args.map(describeArg).join(', ')})`;
      try {
        const s = new lib[name](...args);
        if (!(s instanceof lib[name])) violation('bad result', 'not an instance');
        outcomes.returned++;
      } catch (e) {
        // The abstract base takes any size; the engine's own errors about it are fine.
        if (name === 'CStruct' && (e instanceof TypeError || e instanceof RangeError)) outcomes.threw++;
        else checkThrown(e);
      }
      continue;
    }
    const table = kind === 'sync' ? SYNC_SOCKET_CALLS : kind === 'async' ? ASYNC_SOCKET_CALLS : OTHER_CALLS;
    const args = kind === 'other' ? table[name][0]() : table[name]();
    if (!sane && chance(0.1)) args.pop();
    else if (!sane && chance(0.1)) args.push(junk());
    guardStdio(name, args);
    current = `#${i} ${name}(${args.map(describeArg).join(', ')})`;
    const what = current;
    let r;
    const t0 = performance.now();
    try {
      r = lib[name](...args);
    } catch (e) {
      checkThrown(e);
      continue;
    } finally {
      // Nothing may block the thread: every descriptor is non-blocking.
      const ms = performance.now() - t0;
      if (ms > BLOCKED_MS) violation('blocked', `took ${Math.round(ms)} ms`);
    }
    if (kind === 'sync') {
      checkResult(r, false);
      release(name, args, r);
      aftermath(name, args, r);
    } else if (kind === 'other') {
      if (!table[name][1](r)) violation('bad result', `returned ${describeArg(r)}`);
      outcomes.returned++;
    } else {
      if (!(r instanceof Promise)) {
        violation('bad result', `returned ${describeArg(r)} instead of a Promise`);
        continue;
      }
      // Checked when it settles: errno then is this call's own.
      const promise = r.then(
        (v) => {
          current = what;
          checkResult(v, true);
          release(name, args, v);
        },
        (e) => {
          current = what;
          violation('rejected', `${e?.constructor?.name}: ${e?.message}`);
        },
      );
      inFlight.push({ promise, what });
      if (inFlight.length >= 1 + below(16)) await settle();
    }
  }
  await settle();
} catch (e) {
  current = `#${i}`;
  violation('driver error', e?.stack ?? String(e));
}
lib.trace(false);
teardown();
if (EPFD !== -1) lib.close(EPFD);
// Completions of calls that were inside their syscall when a close came.
for (let i = 0; i < 100 && (addon.reactorStats().pending > 0 || addon.reactorStats().waiting > 0); i++) await new Promise((r) => setTimeout(r, 10));

reported = true;
console.log(
  JSON.stringify({
    seed: SEED,
    iterations: ITERATIONS,
    uncovered,
    calls,
    outcomes,
    errnos,
    violations,
    fds: { atStart: fdsAtStart, atEnd: readdirSync('/proc/self/fd').length },
    stats: addon.reactorStats(),
  }),
);
