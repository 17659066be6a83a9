// The sync peers' loops (posix-sockets' Sync twins, the sync floor): the C
// peers' loops, line for line, on the JS thread, written once so both run the
// same work. No W4 server: one thread blocked in recvSync cannot serve 256
// clients at once.
import { role, workload, num, now, printPort, report, reportRss, fail, ackBytes } from './common.mjs';

/**
 * Runs this process's role and workload over `api`: acceptSync, connectSync,
 * sendSync, recvSync block; the rest are the plain calls and helpers the C peers use.
 */
export function runSyncPeer(api) {
  const { socket, acceptSync, connectSync, sendSync, recvSync, close, shutdown, sizeof, AF_INET, SOCK_STREAM, SHUT_WR } = api;
  const { check, loopback, nodelay, listenLoopback } = api;
  const limit = num('limit', 10);
  const size = num('size', workload === 'w3' ? 64 : 512);

  function sendAll(fd, buf, len) {
    for (let off = 0; off < len; ) off += check(sendSync(fd, off === 0 ? buf : buf.subarray(off), len - off, 0), 'send');
  }

  function recvExact(fd, buf, len) {
    for (let off = 0; off < len; ) {
      const r = check(recvSync(fd, off === 0 ? buf : buf.subarray(off), len - off, 0), 'recv');
      if (r === 0) return false;
      off += r;
    }
    return true;
  }

  function connectTo(port) {
    const fd = check(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    const addr = loopback(port);
    check(connectSync(fd, addr, sizeof(addr)), 'connect');
    nodelay(fd);
    return fd;
  }

  const servers = {
    w1(lfd) {
      const fd = check(acceptSync(lfd, null, null), 'accept');
      nodelay(fd);
      const buf = Buffer.alloc(size);
      for (;;) {
        const r = check(recvSync(fd, buf, size, 0), 'recv');
        if (r === 0) break;
        sendAll(fd, buf, r);
      }
      close(fd);
    },
    w2(lfd) {
      const fd = check(acceptSync(lfd, null, null), 'accept');
      const buf = Buffer.alloc(num('chunk', 65536));
      let total = 0;
      for (;;) {
        const r = check(recvSync(fd, buf, buf.length, 0), 'recv');
        if (r === 0) break;
        total += r;
      }
      sendAll(fd, ackBytes(total), 8);
      close(fd);
    },
    w3(lfd) {
      const buf = Buffer.alloc(size);
      for (;;) {
        const fd = check(acceptSync(lfd, null, null), 'accept');
        nodelay(fd);
        const r = check(recvSync(fd, buf, size, 0), 'recv');
        if (r === 0) {
          close(fd);
          break;
        }
        sendAll(fd, buf, r);
        close(fd);
      }
    },
  };

  const clients = {
    w1(port) {
      const n = num('n', 5000), warmup = num('warmup', 500);
      const msg = Buffer.alloc(size, 'a'), buf = Buffer.alloc(size);
      const fd = connectTo(port);
      let start = 0, done = 0;
      const end = now() + limit;
      for (let i = 0; i < warmup + n; i++) {
        if (i === warmup) start = now();
        sendAll(fd, msg, size);
        if (!recvExact(fd, buf, size)) fail('server closed');
        if (i >= warmup && ++done % 64 === 0 && now() > end) break;
      }
      const t = now() - start;
      close(fd);
      report(done, done * size * 2, t);
    },
    w2(port) {
      const total = num('bytes', 512 * 1024 * 1024), warmup = num('warmup', 32 * 1024 * 1024);
      const chunk = num('chunk', 65536);
      const buf = Buffer.alloc(chunk, 'b');
      const fd = connectTo(port);
      let sent = 0;
      while (sent < warmup) {
        sendAll(fd, buf, chunk);
        sent += chunk;
      }
      const start = now(), end = start + limit;
      let timed = 0;
      while (timed < total && now() < end) {
        sendAll(fd, buf, chunk);
        timed += chunk;
      }
      shutdown(fd, SHUT_WR);
      const ack = Buffer.alloc(8);
      if (!recvExact(fd, ack, 8)) fail('no ack');
      const t = now() - start;
      if (Number(ack.readBigUInt64LE()) !== sent + timed) fail(`server counted ${ack.readBigUInt64LE()} bytes, sent ${sent + timed}`);
      close(fd);
      report(timed / chunk, timed, t);
    },
    w3(port) {
      const n = num('n', 2000), warmup = num('warmup', 200);
      const msg = Buffer.alloc(size, 'c'), buf = Buffer.alloc(size);
      let start = 0, done = 0;
      const end = now() + limit;
      for (let i = 0; i < warmup + n; i++) {
        if (i === warmup) start = now();
        const fd = connectTo(port);
        sendAll(fd, msg, size);
        if (!recvExact(fd, buf, size)) fail('server closed');
        close(fd);
        if (i >= warmup && ++done % 16 === 0 && now() > end) break;
      }
      const t = now() - start;
      // A connection that sends nothing tells the server the run is over.
      const fd = check(socket(AF_INET, SOCK_STREAM, 0), 'socket');
      const addr = loopback(port);
      check(connectSync(fd, addr, sizeof(addr)), 'connect');
      close(fd);
      report(done, done * size * 2, t);
    },
  };

  if (!(role === 'server' ? servers : clients)[workload]) fail('not available with the Sync calls');
  if (role === 'server') {
    const { fd, port } = listenLoopback();
    printPort(port);
    servers[workload](fd);
    close(fd);
    reportRss();
  } else {
    clients[workload](num('port', 0));
  }
}
