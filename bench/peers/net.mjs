// node:net, written the way Node.js code is usually written: events, write()
// with 'drain' for back-pressure, setNoDelay(true) on every socket.
import net from 'node:net';
import { role, workload, num, now, printPort, report, reportRss, fail, selfStop, ackBytes } from './common.mjs';

const limit = num('limit', 10);
const size = num('size', workload === 'w3' ? 64 : 512);
const host = '127.0.0.1';

function connectTo(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host }, () => resolve(sock));
    sock.setNoDelay(true);
    sock.once('error', reject);
  });
}

const servers = {
  // Echo every connection; `last` tells when the run is over.
  echo(server, done) {
    server.on('connection', (sock) => {
      sock.setNoDelay(true);
      sock.on('data', (d) => sock.write(d));
      sock.on('end', () => {
        sock.end();
        done();
      });
    });
  },
  w1(server) {
    servers.echo(server, () => server.close());
  },
  w2(server) {
    server.on('connection', (sock) => {
      let total = 0;
      sock.on('data', (d) => (total += d.length));
      sock.on('end', () => {
        sock.end(ackBytes(total));
        server.close();
      });
    });
  },
  w3(server) {
    server.on('connection', (sock) => {
      sock.setNoDelay(true);
      let got = false;
      sock.once('data', (d) => {
        got = true;
        sock.end(d);
      });
      sock.on('end', () => {
        // A connection that sends nothing tells the server the run is over.
        if (!got) {
          sock.end();
          server.close();
        }
      });
    });
  },
  w4(server) {
    let closed = 0;
    const clients = num('clients', 256);
    servers.echo(server, () => {
      if (++closed === clients) server.close();
    });
  },
};

const clients = {
  async w1(port) {
    const n = num('n', 5000), warmup = num('warmup', 500);
    const msg = Buffer.alloc(size, 'a');
    const sock = await connectTo(port);
    let start = 0, done = 0, i = 0, got = 0;
    const end = now() + limit;
    await new Promise((resolve) => {
      sock.on('data', (d) => {
        got += d.length;
        if (got < size) return;
        got -= size;
        if (i >= warmup && ++done % 64 === 0 && now() > end) return resolve();
        if (++i === warmup) start = now();
        if (i === warmup + n) return resolve();
        sock.write(msg);
      });
      if (warmup === 0) start = now();
      sock.write(msg);
    });
    const t = now() - start;
    sock.destroy();
    report(done, done * size * 2, t);
  },
  async w2(port) {
    const total = num('bytes', 512 * 1024 * 1024), warmup = num('warmup', 32 * 1024 * 1024);
    const chunk = Buffer.alloc(num('chunk', 65536), 'b');
    const sock = await connectTo(port);
    let sent = 0, timed = 0, start = 0, end = 0;
    const ack = new Promise((resolve) => {
      const parts = [];
      sock.on('data', (d) => parts.push(d));
      sock.on('end', () => resolve(Buffer.concat(parts)));
    });
    const pump = () => {
      for (;;) {
        if (sent >= warmup && start === 0) {
          start = now();
          end = start + limit;
        }
        if (start !== 0 && (timed >= total || now() >= end)) return sock.end();
        const ok = sock.write(chunk);
        if (start === 0) sent += chunk.length;
        else timed += chunk.length;
        if (!ok) return sock.once('drain', pump);
      }
    };
    pump();
    const a = await ack;
    const t = now() - start;
    if (a.length !== 8 || Number(a.readBigUInt64LE()) !== sent + timed) fail(`bad ack ${a.toString('hex')}, sent ${sent + timed}`);
    report(timed / chunk.length, timed, t);
  },
  async w3(port) {
    const n = num('n', 2000), warmup = num('warmup', 200);
    const msg = Buffer.alloc(size, 'c');
    const once = () =>
      new Promise((resolve, reject) => {
        const sock = net.connect({ port, host }, () => sock.write(msg));
        sock.setNoDelay(true);
        let got = 0;
        sock.on('data', (d) => {
          got += d.length;
          if (got >= size) sock.end();
        });
        sock.on('close', () => (got >= size ? resolve() : reject(new Error('server closed'))));
        sock.on('error', reject);
      });
    let start = 0, done = 0;
    const end = now() + limit;
    for (let i = 0; i < warmup + n; i++) {
      if (i === warmup) start = now();
      await once();
      if (i >= warmup && ++done % 16 === 0 && now() > end) break;
    }
    const t = now() - start;
    const last = await connectTo(port);
    last.end();
    report(done, done * size * 2, t);
  },
};

if (role === 'server') {
  selfStop(limit);
  const server = net.createServer();
  servers[workload](server);
  server.on('close', reportRss);
  server.listen(0, host, () => printPort(server.address().port));
} else {
  selfStop(limit + 30);
  await clients[workload](num('port', 0)).catch((e) => fail(e.message));
}
