// koffi: libc's socket calls through a generic FFI, the blocking ones with
// .async() (a libuv threadpool thread per call). Constants and the
// sockaddr_in layout come from the system headers via `client constants`.
import { readFileSync } from 'node:fs';
import koffi from 'koffi';
import { fail } from './common.mjs';
import { runAsyncPeer } from './async-peer.mjs';

const C = JSON.parse(readFileSync(new URL('../bin/constants.json', import.meta.url), 'utf8'));
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

/** A listening socket on 127.0.0.1, port chosen by the kernel. */
function listenLoopback() {
  const fd = check(socket(C.AF_INET, C.SOCK_STREAM, 0), 'socket');
  const addr = loopback(0);
  check(bind(fd, addr, C.sizeof_sockaddr_in), 'bind');
  check(listen(fd, C.SOMAXCONN), 'listen');
  const len = Buffer.alloc(C.sizeof_socklen_t);
  len.writeUInt32LE(C.sizeof_sockaddr_in);
  check(getsockname(fd, addr, len), 'getsockname');
  return { fd, port: addr.readUInt16BE(C.offsetof_sin_port) };
}

await runAsyncPeer({
  socket, accept, connect, send, recv, close, shutdown,
  sizeof: () => C.sizeof_sockaddr_in, // every address here is a sockaddr_in
  AF_INET: C.AF_INET, SOCK_STREAM: C.SOCK_STREAM, SHUT_WR: C.SHUT_WR,
  check, loopback, nodelay, listenLoopback,
});
