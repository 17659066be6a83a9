// The Promise-based peers' loops (posix-sockets async, koffi .async()): the C
// peers' loops with `await` on each blocking call, written once so both run
// the same work.
import { role, workload, num, now, printPort, report, reportRss, fail, selfStop, ackBytes } from './common.mjs';

/**
 * Runs this process's role and workload over `api`: accept, connect, send,
 * recv return Promises; the rest are the plain calls and helpers the C peers use.
 */
export async function runAsyncPeer(api) {
  const { socket, accept, connect, send, recv, close, shutdown, sizeof, AF_INET, SOCK_STREAM, SHUT_WR } = api;
  const { check, loopback, nodelay, listenLoopback } = api;
  const limit = num('limit', 10);
  const size = num('size', workload === 'w3' ? 64 : 512);

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
    const fd = check(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    const addr = loopback(port);
    check(await connect(fd, addr, sizeof(addr)), 'connect');
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
      shutdown(fd, SHUT_WR);
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
      const fd = check(socket(AF_INET, SOCK_STREAM, 0), 'socket');
      const addr = loopback(port);
      check(await connect(fd, addr, sizeof(addr)), 'connect');
      close(fd);
      report(done, done * size * 2, t);
    },
  };

  if (role === 'server') {
    selfStop(limit);
    const { fd, port } = listenLoopback();
    printPort(port);
    await servers[workload](fd);
    close(fd);
    reportRss();
  } else {
    selfStop(limit + 30);
    await clients[workload](num('port', 0));
  }
}
