// koffi: libc's socket calls through a generic FFI, the blocking ones with
// .async() (a libuv threadpool thread per call). Constants and the
// sockaddr_in layout come from the system headers via `client constants`.
import { readFileSync } from 'node:fs';
import koffi from 'koffi';
import { role, workload, num, now, printPort, report, reportRss, fail, selfStop, ackBytes } from './common.mjs';

const C = JSON.parse(readFileSync(new URL('../bin/constants.json', import.meta.url), 'utf8'));
const limit = num('limit', 10);
const size = num('size', workload === 'w3' ? 64 : 512);
// Room for W4's 256 waiting recv calls plus accept (koffi's default is 256).
koffi.config({ ...koffi.config(), max_async_calls: 1024 });

const libc = koffi.load(process.platform === 'darwin' ? 'libSystem.dylib' : 'libc.so.6');
const socket = libc.func('int socket(int domain, int type, int protocol)');
const bind = libc.func('int bind(int fd, void *addr, uint32_t addrlen)');
const listen = libc.func('int listen(int fd, int backlog)');
const close = libc.func('int close(int fd)');
const shutdown = libc.func('int shutdown(int fd, int how)');
const setsockopt = libc.func('int setsockopt(int fd, int level, int optname, void *optval, uint32_t optlen)');
const getsockname = libc.func('int getsockname(int fd, void *addr, void *addrlen)');
const promised = (f) => (...args) => new Promise((resolve, reject) => f.async(...args, (err, r) => (err ? reject(err) : resolve(r))));
const accept = promised(libc.func('int accept(int fd, void *addr, void *addrlen)'));
const connect = promised(libc.func('int connect(int fd, void *addr, uint32_t addrlen)'));
const send = promised(libc.func('intptr_t send(int fd, void *buf, size_t len, int flags)'));
const recv = promised(libc.func('intptr_t recv(int fd, void *buf, size_t len, int flags)'));

function check(r, what) {
  if (r === -1) fail(`${what}: errno ${koffi.errno()}`);
  return r;
}

function loopback(port) {
  const a = Buffer.alloc(C.sizeof_sockaddr_in);
  if (C.sizeof_sa_family_t === 1) a.writeUInt8(C.AF_INET, C.offsetof_sin_family);
  else a.writeUInt16LE(C.AF_INET, C.offsetof_sin_family); // x86-64 / arm64 hosts are little-endian
  a.writeUInt16BE(port, C.offsetof_sin_port);
  a.writeUInt32BE(C.INADDR_LOOPBACK, C.offsetof_sin_addr);
  return a;
}

const one = Buffer.alloc(C.sizeof_int);
one.writeInt32LE(1);
const nodelay = (fd) => check(setsockopt(fd, C.IPPROTO_TCP, C.TCP_NODELAY, one, C.sizeof_int), 'setsockopt');

async function sendAll(fd, buf, len) {
  for (let off = 0; off < len; ) off += check(await send(fd, off === 0 ? buf : buf.subarray(off), len - off, 0), 'send');
}

async function recvExact(fd, buf, len) {
  for (let off = 0; off < len; ) {
    const r = check(await recv(fd, off === 0 ? buf : buf.subarray(off), len - off, 0), 'recv');
    if (r === 0) return false;
    off += r;
  }
  return true;
}

async function connectTo(port) {
  const fd = check(socket(C.AF_INET, C.SOCK_STREAM, 0), 'socket');
  check(await connect(fd, loopback(port), C.sizeof_sockaddr_in), 'connect');
  nodelay(fd);
  return fd;
}

async function echo(fd, buf) {
  for (;;) {
    const r = check(await recv(fd, buf, buf.length, 0), 'recv');
    if (r === 0) break;
    await sendAll(fd, buf, r);
  }
  close(fd);
}

const servers = {
  async w1(lfd) {
    const fd = check(await accept(lfd, null, null), 'accept');
    nodelay(fd);
    await echo(fd, Buffer.alloc(size));
  },
  async w2(lfd) {
    const fd = check(await accept(lfd, null, null), 'accept');
    const buf = Buffer.alloc(num('chunk', 65536));
    let total = 0;
    for (;;) {
      const r = check(await recv(fd, buf, buf.length, 0), 'recv');
      if (r === 0) break;
      total += r;
    }
    await sendAll(fd, ackBytes(total), 8);
    close(fd);
  },
  async w3(lfd) {
    const buf = Buffer.alloc(size);
    for (;;) {
      const fd = check(await accept(lfd, null, null), 'accept');
      nodelay(fd);
      const r = check(await recv(fd, buf, size, 0), 'recv');
      if (r === 0) {
        close(fd);
        break;
      }
      await sendAll(fd, buf, r);
      close(fd);
    }
  },
  async w4(lfd) {
    const clients = num('clients', 256);
    const conns = [];
    for (let i = 0; i < clients; i++) {
      const fd = check(await accept(lfd, null, null), 'accept');
      nodelay(fd);
      conns.push(echo(fd, Buffer.alloc(size)));
    }
    await Promise.all(conns);
  },
};

const clients = {
  async w1(port) {
    const n = num('n', 5000), warmup = num('warmup', 500);
    const msg = Buffer.alloc(size, 'a'), buf = Buffer.alloc(size);
    const fd = await connectTo(port);
    let start = 0, done = 0;
    const end = now() + limit;
    for (let i = 0; i < warmup + n; i++) {
      if (i === warmup) start = now();
      await sendAll(fd, msg, size);
      if (!(await recvExact(fd, buf, size))) fail('server closed');
      if (i >= warmup && ++done % 64 === 0 && now() > end) break;
    }
    const t = now() - start;
    close(fd);
    report(done, done * size * 2, t);
  },
  async w2(port) {
    const total = num('bytes', 512 * 1024 * 1024), warmup = num('warmup', 32 * 1024 * 1024);
    const chunk = num('chunk', 65536);
    const buf = Buffer.alloc(chunk, 'b');
    const fd = await connectTo(port);
    let sent = 0;
    while (sent < warmup) {
      await sendAll(fd, buf, chunk);
      sent += chunk;
    }
    const start = now(), end = start + limit;
    let timed = 0;
    while (timed < total && now() < end) {
      await sendAll(fd, buf, chunk);
      timed += chunk;
    }
    shutdown(fd, C.SHUT_WR);
    const ack = Buffer.alloc(8);
    if (!(await recvExact(fd, ack, 8))) fail('no ack');
    const t = now() - start;
    if (Number(ack.readBigUInt64LE()) !== sent + timed) fail(`server counted ${ack.readBigUInt64LE()} bytes, sent ${sent + timed}`);
    close(fd);
    report(timed / chunk, timed, t);
  },
  async w3(port) {
    const n = num('n', 2000), warmup = num('warmup', 200);
    const msg = Buffer.alloc(size, 'c'), buf = Buffer.alloc(size);
    let start = 0, done = 0;
    const end = now() + limit;
    for (let i = 0; i < warmup + n; i++) {
      if (i === warmup) start = now();
      const fd = await connectTo(port);
      await sendAll(fd, msg, size);
      if (!(await recvExact(fd, buf, size))) fail('server closed');
      close(fd);
      if (i >= warmup && ++done % 16 === 0 && now() > end) break;
    }
    const t = now() - start;
    // A connection that sends nothing tells the server the run is over.
    const fd = check(socket(C.AF_INET, C.SOCK_STREAM, 0), 'socket');
    check(await connect(fd, loopback(port), C.sizeof_sockaddr_in), 'connect');
    close(fd);
    report(done, done * size * 2, t);
  },
};

if (role === 'server') {
  selfStop(limit);
  const fd = check(socket(C.AF_INET, C.SOCK_STREAM, 0), 'socket');
  const addr = loopback(0);
  check(bind(fd, addr, C.sizeof_sockaddr_in), 'bind');
  check(listen(fd, C.SOMAXCONN), 'listen');
  const len = Buffer.alloc(C.sizeof_socklen_t);
  len.writeUInt32LE(C.sizeof_sockaddr_in);
  check(getsockname(fd, addr, len), 'getsockname');
  printPort(addr.readUInt16BE(C.offsetof_sin_port));
  await servers[workload](fd);
  close(fd);
  reportRss();
} else {
  selfStop(limit + 30);
  await clients[workload](num('port', 0));
}
