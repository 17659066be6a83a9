// send/recv over TCP on loopback: stream semantics, recv flags, close
// semantics, and a send to a closed peer (EPIPE, never a fatal SIGPIPE).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  EAGAIN,
  ECONNRESET,
  EPIPE,
  F_GETFL,
  MSG_DONTWAIT,
  MSG_PEEK,
  MSG_WAITALL,
  O_NONBLOCK,
  SHUT_WR,
  SOL_SOCKET,
  SO_SNDBUF,
  c_int,
  close,
  errno,
  fcntl,
  recv,
  recvSync,
  send,
  sendSync,
  setsockopt,
  shutdown,
  sizeof,
} from '../../src/index.js';
import { connectedPair, listenLoopback, ok, tempDir } from '../support/sockets.js';
import { sleep, waitUntil } from '../support/kernel.js';
import { distEntry } from '../support/child.js';

/** Bytes 0..n-1 with a recognisable pattern. */
const pattern = (n: number, seed = 0) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff));

/** How many bytes sit in the receive buffer, without taking them. */
function queued(fd: number, max: number): number {
  const r = recvSync(fd, Buffer.alloc(max), max, MSG_PEEK | MSG_DONTWAIT);
  return r === -1 ? 0 : r;
}

describe('stream semantics', () => {
  it('tcp_keeps_no_message_boundaries', async () => {
    const p = await connectedPair();
    const parts = [pattern(100, 1), pattern(200, 2), pattern(300, 3)];
    for (const part of parts) expect(sendSync(p.client, part, part.length, 0)).toBe(part.length);
    // Let all 600 bytes reach the receive buffer (loopback normally delivers
    // them before send returns), then one recv takes the three sends at once.
    expect(await waitUntil(() => queued(p.server, 600) === 600, 1000)).toBe(true);
    const buf = Buffer.alloc(600);
    const n = recvSync(p.server, buf, 600, 0);
    expect(n).toBe(600);
    expect(buf.equals(Buffer.concat(parts))).toBe(true);
    p.closeAll();
  });

  it('echo_loop_from_the_notes_returns_each_line', async () => {
    const BUFSIZE = 512;
    const p = await connectedPair();
    // Server: recv(clientSock, buf, BUFSIZE - 1, 0) then send back what came, until recv returns 0.
    const server = (async () => {
      const buf = Buffer.alloc(BUFSIZE);
      let total = 0;
      for (;;) {
        const retval = await recv(p.server, buf, BUFSIZE - 1, 0);
        if (retval <= 0) return { last: retval, total };
        total += retval;
        expect(await send(p.server, buf, retval, 0)).toBe(retval);
      }
    })();
    // Client: send a line, then recv(sock, buf, retval, MSG_WAITALL).
    const buf = Buffer.alloc(BUFSIZE + 1);
    for (const line of ['a', 'hello', 'x'.repeat(BUFSIZE)]) {
      const retval = await send(p.client, line, Buffer.byteLength(line), 0);
      expect(retval).toBe(line.length);
      expect(await recv(p.client, buf, retval, MSG_WAITALL)).toBe(retval);
      expect(buf.toString('utf8', 0, retval)).toBe(line);
    }
    close(p.client);
    expect(await server).toEqual({ last: 0, total: 1 + 5 + BUFSIZE });
    close(p.server);
    close(p.listener.fd);
  });

  it('blocking_send_returns_len_once_all_bytes_are_queued', async () => {
    const p = await connectedPair();
    // A small send buffer: 256 KiB cannot be queued at once, so send waits for the reader.
    ok(setsockopt(p.client, SOL_SOCKET, SO_SNDBUF, new c_int(4096), sizeof(c_int)), 'setsockopt');
    const len = 256 * 1024;
    const data = pattern(len);
    const sending = send(p.client, data, len, 0);
    const got = Buffer.alloc(len);
    let total = 0;
    while (total < len) {
      const chunk = Buffer.alloc(len - total);
      const n = await recv(p.server, chunk, len - total, 0);
      expect(n).toBeGreaterThan(0);
      chunk.copy(got, total, 0, n);
      total += n;
    }
    expect(await sending).toBe(len);
    expect(got.equals(data)).toBe(true);
    p.closeAll();
  });
});

describe('recv flags', () => {
  it('peek_does_not_consume', async () => {
    const p = await connectedPair();
    expect(sendSync(p.client, 'hello world', 11, 0)).toBe(11);
    expect(await waitUntil(() => queued(p.server, 11) === 11, 1000)).toBe(true);
    const peeked = Buffer.alloc(11);
    expect(await recv(p.server, peeked, 11, MSG_PEEK)).toBe(11);
    // Peeking again sees the same bytes: still in the receive buffer.
    const again = Buffer.alloc(11);
    expect(recvSync(p.server, again, 11, MSG_PEEK)).toBe(11);
    const taken = Buffer.alloc(11);
    expect(await recv(p.server, taken, 11, 0)).toBe(11);
    expect(peeked.toString()).toBe('hello world');
    expect(again.equals(peeked)).toBe(true);
    expect(taken.equals(peeked)).toBe(true);
    // Now the plain recv has consumed them.
    expect(recvSync(p.server, taken, 11, MSG_DONTWAIT)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    p.closeAll();
  });

  it('recv_without_waitall_returns_what_has_arrived', async () => {
    const p = await connectedPair();
    expect(sendSync(p.client, pattern(10), 10, 0)).toBe(10);
    const buf = Buffer.alloc(30);
    // Fewer bytes than len are there: the default recv returns them at once.
    expect(await recv(p.server, buf, 30, 0)).toBe(10);
    p.closeAll();
  });

  it('waitall_waits_for_len_bytes_sent_in_pieces', async () => {
    const p = await connectedPair();
    const buf = Buffer.alloc(30);
    let settled = false;
    const start = performance.now();
    const receiving = recv(p.server, buf, 30, MSG_WAITALL).then((n) => {
      settled = true;
      return n;
    });
    const pieces = [pattern(10, 1), pattern(10, 2), pattern(10, 3)];
    expect(sendSync(p.client, pieces[0], 10, 0)).toBe(10);
    await sleep(60);
    expect(sendSync(p.client, pieces[1], 10, 0)).toBe(10);
    await sleep(60);
    // 20 of the 30 bytes have been there for a while: recv is still waiting.
    expect(settled).toBe(false);
    expect(sendSync(p.client, pieces[2], 10, 0)).toBe(10);
    const n = await receiving;
    expect(n).toBe(30);
    expect(settled).toBe(true);
    expect(performance.now() - start).toBeGreaterThanOrEqual(100);
    expect(buf.equals(Buffer.concat(pieces))).toBe(true);
    p.closeAll();
  });

  it('waitall_returns_fewer_bytes_when_the_peer_closes', async () => {
    const p = await connectedPair();
    expect(sendSync(p.client, 'hello', 5, 0)).toBe(5);
    expect(close(p.client)).toBe(0);
    const buf = Buffer.alloc(10);
    expect(await recv(p.server, buf, 10, MSG_WAITALL)).toBe(5);
    expect(buf.toString('utf8', 0, 5)).toBe('hello');
    expect(await recv(p.server, buf, 10, MSG_WAITALL)).toBe(0);
    close(p.server);
    close(p.listener.fd);
  });

  it('dontwait_on_an_empty_socket_gives_eagain', async () => {
    const p = await connectedPair();
    const buf = Buffer.alloc(16);
    expect(recvSync(p.server, buf, 16, MSG_DONTWAIT)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    expect(await recv(p.server, buf, 16, MSG_DONTWAIT)).toBe(-1);
    expect(errno).toBe(EAGAIN);
    // The flag is per call: the socket itself stays blocking.
    expect(fcntl(p.server, F_GETFL) & O_NONBLOCK).toBe(0);
    p.closeAll();
  });
});

describe('close semantics', () => {
  it('recv_returns_zero_after_the_peers_orderly_close', async () => {
    const p = await connectedPair();
    expect(close(p.client)).toBe(0);
    const buf = Buffer.alloc(16);
    expect(await recv(p.server, buf, 16, 0)).toBe(0);
    // End of stream stays end of stream.
    expect(recvSync(p.server, buf, 16, 0)).toBe(0);
    close(p.server);
    close(p.listener.fd);
  });

  it('shutdown_wr_ends_one_direction_only', async () => {
    const p = await connectedPair();
    expect(shutdown(p.client, SHUT_WR)).toBe(0);
    const buf = Buffer.alloc(16);
    expect(await recv(p.server, buf, 16, 0)).toBe(0);
    // The other direction still carries data.
    expect(sendSync(p.server, 'still here', 10, 0)).toBe(10);
    expect(await recv(p.client, buf, 10, MSG_WAITALL)).toBe(10);
    expect(buf.toString('utf8', 0, 10)).toBe('still here');
    p.closeAll();
  });

  it('send_to_a_closed_peer_returns_epipe_and_does_not_kill_the_process', async () => {
    // Node ignores SIGPIPE (bit 13 of the ignored-signal mask), which is why
    // the kernel's SIGPIPE on EPIPE does not end the process.
    const sigIgn = BigInt('0x' + /SigIgn:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
    expect((sigIgn >> 12n) & 1n).toBe(1n);

    const p = await connectedPair();
    expect(close(p.client)).toBe(0);
    // The first send still succeeds (the peer answers it with a RST); a later
    // one fails. In CLOSE_WAIT the kernel reports the reset as EPIPE; accept
    // ECONNRESET too, which another timing would give.
    const results: number[] = [];
    for (let i = 0; i < 50; i++) {
      const r = sendSync(p.server, 'ping', 4, 0);
      results.push(r);
      if (r === -1) break;
      await sleep(5);
    }
    expect(results[0]).toBe(4);
    expect(results.at(-1)).toBe(-1);
    expect([EPIPE, ECONNRESET]).toContain(errno);
    // From then on: EPIPE, and the async twin says the same.
    expect(sendSync(p.server, 'ping', 4, 0)).toBe(-1);
    expect(errno).toBe(EPIPE);
    expect(await send(p.server, 'ping', 4, 0)).toBe(-1);
    expect(errno).toBe(EPIPE);
    close(p.server);
    close(p.listener.fd);
  });

  it('send_to_a_closed_peer_in_a_worker_returns_epipe_and_does_not_kill_the_process', async () => {
    const lib = distEntry();
    const dir = tempDir();
    const file = join(dir, 'epipe-worker.mjs');
    writeFileSync(
      file,
      `import { parentPort } from 'node:worker_threads';
import * as s from ${JSON.stringify(lib)};
const addr = new s.sockaddr_in();
addr.sin_family = s.AF_INET;
addr.sin_addr.s_addr = s.htonl(s.INADDR_LOOPBACK);
const l = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
s.bind(l, addr, s.sizeof(addr));
s.listen(l, 1);
s.getsockname(l, addr, s.socklen_t(s.sizeof(addr)));
const c = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
const connected = await s.connect(c, addr, s.sizeof(addr));
const srv = await s.accept(l, null, null);
s.close(c);
const results = [];
for (let i = 0; i < 50; i++) {
  const r = s.sendSync(srv, 'ping', 4, 0);
  results.push(r);
  if (r === -1) break;
  await new Promise((r) => setTimeout(r, 5));
}
const firstErrno = s.errno;
const asyncRet = await s.send(srv, 'ping', 4, 0);
const asyncErrno = s.errno;
s.close(srv);
s.close(l);
parentPort.postMessage({ connected, results, firstErrno, asyncRet, asyncErrno });
`,
    );
    try {
      const worker = new Worker(new URL(`file://${file}`));
      const message = new Promise<any>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
      const m = await message;
      expect(await exited).toBe(0);
      expect(m.connected).toBe(0);
      expect(m.results[0]).toBe(4);
      expect(m.results.at(-1)).toBe(-1);
      expect([EPIPE, ECONNRESET]).toContain(m.firstErrno);
      expect(m.asyncRet).toBe(-1);
      expect(m.asyncErrno).toBe(EPIPE);
      // And the process hosting the worker is alive and well.
      const l = listenLoopback();
      expect(l.fd).toBeGreaterThanOrEqual(0);
      close(l.fd);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
