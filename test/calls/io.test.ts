// read/write, readv/writev, socketpair and ioctl: each compared line for line
// with a C program compiled here that makes the same calls on the same kind
// of descriptors (a unix socketpair, a TCP pair on loopback, a pipe).
import { execFileSync } from 'node:child_process';
import { closeSync, constants as fsConstants, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  AF_UNIX,
  EAGAIN,
  EBADF,
  ECANCELED,
  EINVAL,
  FIONBIO,
  FIONREAD,
  F_GETFL,
  MSG_OOB,
  MSG_WAITALL,
  O_NONBLOCK,
  SIOCATMARK,
  SIOCINQ,
  SIOCOUTQ,
  SOCK_DGRAM,
  SOCK_STREAM,
  c_int,
  close,
  errno,
  fcntl,
  ioctl,
  iovec,
  msghdr,
  read,
  readSync,
  readv,
  readvSync,
  recvSync,
  recvmsg,
  sendSync,
  socketpair,
  strerror,
  write,
  writeSync,
  writev,
  writevSync,
} from '../../src/index.js';
import { C_HEADERS, runC } from '../support/c.js';
import { connectedPair, ok, tempDir } from '../support/sockets.js';
import { sleep } from '../support/kernel.js';

const text = (b: Uint8Array, n: number) => Buffer.from(b.buffer, b.byteOffset, Math.max(n, 0)).toString('latin1');
const err = (r: number) => (r === -1 ? ` ${errno} ${strerror(errno)}` : '');

// The C side of the socketpair scenario; the JS side below makes the same calls in the same order.
const C_SOCKETPAIR = `${C_HEADERS}
static void line(const char *what, long r) {
  if (r == -1) printf("%s -1 %d %s\\n", what, errno, strerror(errno)); else printf("%s %ld\\n", what, r);
}
int main(void) {
  int sv[2];
  line("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  printf("distinct %d\\n", sv[0] != sv[1] && sv[0] >= 0 && sv[1] >= 0);
  line("write", write(sv[0], "hello", 5));
  int n = -7;
  line("FIONREAD", ioctl(sv[1], FIONREAD, &n)); printf("  n %d\\n", n);
  line("SIOCINQ", ioctl(sv[1], SIOCINQ, &n)); printf("  n %d\\n", n);
  char buf[16];
  long r = read(sv[1], buf, sizeof buf); line("read", r); printf("  %.*s\\n", (int)r, buf);
  struct iovec out[3] = { { "ab", 2 }, { "cde", 3 }, { "fghij", 5 } };
  line("writev", writev(sv[0], out, 3));
  char a[4], b[10];
  struct iovec in[2] = { { a, sizeof a }, { b, sizeof b } };
  r = readv(sv[1], in, 2); line("readv", r); printf("  %.4s %.6s\\n", a, b);
  line("readv -1", readv(sv[1], in, -1));
  static struct iovec many[IOV_MAX + 1];
  for (int i = 0; i <= IOV_MAX; i++) { many[i].iov_base = a; many[i].iov_len = 1; }
  line("writev IOV_MAX+1", writev(sv[0], many, IOV_MAX + 1));
  line("writev 0", writev(sv[0], in, 0));
  line("read -1", read(-1, buf, 1));
  line("write -1", write(-1, buf, 1));
  line("readv -1 fd", readv(-1, in, 2));
  int one = 1;
  line("FIONBIO", ioctl(sv[1], FIONBIO, &one));
  printf("  O_NONBLOCK %d\\n", (fcntl(sv[1], F_GETFL) & O_NONBLOCK) != 0);
  line("read empty", read(sv[1], buf, 1));
  line("write zero", write(sv[0], buf, 0));
  line("FIONREAD bad fd", ioctl(-1, FIONREAD, &n));
  line("close", close(sv[0]));
  line("read at eof", read(sv[1], buf, 1));
  line("close", close(sv[1]));
  int dg[2];
  line("socketpair dgram", socketpair(AF_UNIX, SOCK_DGRAM, 0, dg));
  line("write dgram", write(dg[0], "0123456789", 10));
  line("read dgram short", read(dg[1], buf, 4));
  line("FIONREAD after", ioctl(dg[1], FIONREAD, &n)); printf("  n %d\\n", n);
  close(dg[0]); close(dg[1]);
  line("socketpair inet", socketpair(AF_INET, SOCK_STREAM, 0, sv));
  return 0;
}
`;

function jsSocketpair(): string {
  const lines: string[] = [];
  const line = (what: string, r: number) => lines.push(r === -1 ? `${what} -1${err(r)}` : `${what} ${r}`);
  const sv = new Int32Array(2);
  line('socketpair', socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  lines.push(`distinct ${Number(sv[0] !== sv[1] && sv[0] >= 0 && sv[1] >= 0)}`);
  line('write', writeSync(sv[0], 'hello', 5));
  const n = new c_int(-7);
  line('FIONREAD', ioctl(sv[1], FIONREAD, n));
  lines.push(`  n ${n.value}`);
  line('SIOCINQ', ioctl(sv[1], SIOCINQ!, n));
  lines.push(`  n ${n.value}`);
  const buf = new Uint8Array(16);
  let r = readSync(sv[1], buf, buf.byteLength);
  line('read', r);
  lines.push(`  ${text(buf, r)}`);
  const out = [new iovec(Buffer.from('ab')), new iovec(Buffer.from('cde')), new iovec(Buffer.from('fghij'))];
  line('writev', writevSync(sv[0], out, 3));
  const a = new Uint8Array(4);
  const b = new Uint8Array(10);
  const inv = [new iovec(a), new iovec(b)];
  r = readvSync(sv[1], inv, 2);
  line('readv', r);
  lines.push(`  ${text(a, 4)} ${text(b, 6)}`);
  line('readv -1', readvSync(sv[1], inv, -1));
  const IOV_MAX = 1024; // the C program's IOV_MAX; checked below against the header
  const many = Array.from({ length: IOV_MAX + 1 }, () => new iovec(a, 1));
  line('writev IOV_MAX+1', writevSync(sv[0], many, IOV_MAX + 1));
  line('writev 0', writevSync(sv[0], inv, 0));
  line('read -1', readSync(-1, buf, 1));
  line('write -1', writeSync(-1, buf, 1));
  line('readv -1 fd', readvSync(-1, inv, 2));
  line('FIONBIO', ioctl(sv[1], FIONBIO, new c_int(1)));
  lines.push(`  O_NONBLOCK ${Number((fcntl(sv[1], F_GETFL) & O_NONBLOCK) !== 0)}`);
  line('read empty', readSync(sv[1], buf, 1));
  line('write zero', writeSync(sv[0], buf, 0));
  line('FIONREAD bad fd', ioctl(-1, FIONREAD, n));
  line('close', close(sv[0]));
  line('read at eof', readSync(sv[1], buf, 1));
  line('close', close(sv[1]));
  const dg = new Int32Array(2);
  line('socketpair dgram', socketpair(AF_UNIX, SOCK_DGRAM, 0, dg));
  line('write dgram', writeSync(dg[0], '0123456789', 10));
  line('read dgram short', readSync(dg[1], buf, 4));
  line('FIONREAD after', ioctl(dg[1], FIONREAD, n));
  lines.push(`  n ${n.value}`);
  close(dg[0]);
  close(dg[1]);
  line('socketpair inet', socketpair(AF_INET, SOCK_STREAM, 0, sv));
  return lines.join('\n') + '\n';
}

describe('read, write, readv, writev, socketpair, ioctl', () => {
  it('socketpair_scenario_prints_what_c_prints', () => {
    expect(runC(`${C_HEADERS}\nint main(void) { printf("%d", IOV_MAX); return 0; }`)).toBe('1024');
    const c = runC(C_SOCKETPAIR);
    expect(c).toContain('readv 10\n  abcd efghij');
    expect(c).toContain(`read -1 -1 ${EBADF} ${strerror(EBADF)}`);
    expect(jsSocketpair()).toBe(c);
  });

  it('read_on_a_bad_descriptor_is_c_error_not_an_exception', () => {
    // The note's error handler prints "[read()] Bad file descriptor", as C's perror() would.
    expect(readSync(-1, new Uint8Array(1), 1)).toBe(-1);
    expect(`[read()] ${strerror(errno)}`).toBe('[read()] Bad file descriptor');
    const c = runC(`${C_HEADERS}\nint main(void) { char b[1]; if (read(-1, b, 1) == -1) printf("[read()] %s", strerror(errno)); return 0; }`);
    expect(c).toBe('[read()] Bad file descriptor');
  });

  it('awaited_read_waits_for_data_without_blocking_the_event_loop', async () => {
    const sv = new Int32Array(2);
    ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 'socketpair');
    try {
      const buf = new Uint8Array(8);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const pending = read(sv[1], buf, 8);
      await sleep(60);
      expect(ticks).toBeGreaterThan(3); // the loop ran while read() waited
      expect(await write(sv[0], 'later', 5)).toBe(5);
      expect(await pending).toBe(5);
      clearInterval(timer);
      expect(text(buf, 5)).toBe('later');
      // A failing awaited call resolves to -1 and sets errno, as C's call returns.
      expect(await read(-1, buf, 1)).toBe(-1);
      expect(errno).toBe(EBADF);
    } finally {
      close(sv[0]);
      close(sv[1]);
    }
  });

  it('awaited_read_readv_and_recvmsg_honour_timeout_and_signal_as_recv_does', async () => {
    const sv = new Int32Array(2);
    ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 'socketpair');
    try {
      const buf = new Uint8Array(4);
      expect(await read(sv[1], buf, 4, { timeout: 20 })).toBe(-1);
      expect(errno).toBe(EAGAIN);
      const ac = new AbortController();
      const pending = readv(sv[1], [new iovec(buf)], 1, { signal: ac.signal });
      ac.abort();
      expect(await pending).toBe(-1);
      expect(errno).toBe(ECANCELED);
      // MSG_WAITALL short of data runs on a pool thread: interrupted there, the bytes it got are its count.
      const m = new msghdr();
      m.msg_iov = [new iovec(buf)];
      m.msg_iovlen = 1;
      writeSync(sv[0], 'ab', 2);
      expect(await recvmsg(sv[1], m, MSG_WAITALL, { timeout: 50 })).toBe(2);
      expect(text(buf, 2)).toBe('ab');
      // Nothing was lost: the stream goes on where it was.
      writeSync(sv[0], 'cd', 2);
      expect(readSync(sv[1], buf, 4)).toBe(2);
      expect(text(buf, 2)).toBe('cd');
    } finally {
      close(sv[0]);
      close(sv[1]);
    }
  });

  it('awaited_readv_and_writev_scatter_and_gather_like_the_sync_twins', async () => {
    const sv = new Int32Array(2);
    ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 'socketpair');
    try {
      const a = new Uint8Array(3);
      const b = new Uint8Array(10);
      // Waits: nothing to read yet; the landing areas are copied into a and b on completion.
      const pending = readv(sv[1], [new iovec(a), new iovec(b)], 2);
      await sleep(20);
      expect(await writev(sv[0], [new iovec(Buffer.from('XYZ')), new iovec(Buffer.from('12'))], 2)).toBe(5);
      expect(await pending).toBe(5);
      expect(text(a, 3)).toBe('XYZ');
      expect(text(b, 2)).toBe('12');
      expect(await readv(sv[1], [new iovec(a)], -1)).toBe(-1);
      expect(errno).toBe(EINVAL);
    } finally {
      close(sv[0]);
      close(sv[1]);
    }
  });

  it('read_and_write_work_on_a_pipe_not_only_on_sockets', async () => {
    const dir = tempDir();
    const path = join(dir, 'fifo');
    execFileSync('mkfifo', [path]);
    // O_RDWR: the FIFO has a reader and a writer in this process, as pipe(2) gives.
    const fd = openSync(path, fsConstants.O_RDWR);
    try {
      expect(fcntl(fd, F_GETFL) & O_NONBLOCK).toBe(0); // blocking, as C's pipe is
      const buf = new Uint8Array(16);
      const pending = read(fd, buf, 16);
      await sleep(30);
      expect(writeSync(fd, 'through a pipe', 14)).toBe(14);
      expect(await pending).toBe(14);
      expect(text(buf, 14)).toBe('through a pipe');
      expect(await write(fd, 'again', 5)).toBe(5);
      expect(readSync(fd, buf, 16)).toBe(5);
      // recv() on a pipe is C's ENOTSOCK; read() is the call for it.
      expect(recvSync(fd, buf, 1, 0)).toBe(-1);
      expect(strerror(errno)).toBe('Socket operation on non-socket');
    } finally {
      closeSync(fd);
    }
  });

  it('siocatmark_and_siocoutq_on_tcp_equal_c', async () => {
    // C: the same TCP exchange with an out-of-band byte, reading the mark before and after.
    const c = runC(`${C_HEADERS}
int main(void) {
  struct sockaddr_in a; memset(&a, 0, sizeof a); a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t l = sizeof a; int s = socket(AF_INET, SOCK_STREAM, 0);
  bind(s, (struct sockaddr *)&a, sizeof a); listen(s, 1); getsockname(s, (struct sockaddr *)&a, &l);
  int c = socket(AF_INET, SOCK_STREAM, 0); connect(c, (struct sockaddr *)&a, sizeof a);
  int srv = accept(s, NULL, NULL);
  send(c, "ab", 2, 0); send(c, "c", 1, MSG_OOB); usleep(50000);
  int mark = -1, r = ioctl(srv, SIOCATMARK, &mark); printf("%d %d\\n", r, mark);
  char buf[4]; printf("%ld\\n", (long)recv(srv, buf, sizeof buf, 0));
  r = ioctl(srv, SIOCATMARK, &mark); printf("%d %d\\n", r, mark);
  int q = -1; r = ioctl(c, SIOCOUTQ, &q); printf("%d %d\\n", r, q);
  r = ioctl(s, SIOCATMARK, &mark); printf("%d %d\\n", r, r == -1 ? errno : mark);
  return 0;
}`);
    const p = await connectedPair(AF_INET);
    try {
      sendSync(p.client, 'ab', 2, 0);
      sendSync(p.client, 'c', 1, MSG_OOB);
      await sleep(50);
      const mark = new c_int(-1);
      const lines: string[] = [];
      let r = ioctl(p.server, SIOCATMARK, mark);
      lines.push(`${r} ${mark.value}`);
      lines.push(String(recvSync(p.server, new Uint8Array(4), 4, 0)));
      r = ioctl(p.server, SIOCATMARK, mark);
      lines.push(`${r} ${mark.value}`);
      const q = new c_int(-1);
      r = ioctl(p.client, SIOCOUTQ!, q);
      lines.push(`${r} ${q.value}`);
      r = ioctl(p.listener.fd, SIOCATMARK, mark);
      lines.push(`${r} ${r === -1 ? errno : mark.value}`);
      expect(lines.join('\n') + '\n').toBe(c);
      expect(c.split('\n')[2]).toBe('0 1'); // at the mark once the ordinary bytes are read
    } finally {
      p.closeAll();
    }
  });

  it('fionbio_makes_a_blocking_read_return_eagain_at_once', async () => {
    const sv = new Int32Array(2);
    ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 'socketpair');
    try {
      expect(ioctl(sv[1], FIONBIO, new c_int(1))).toBe(0);
      // The dispatcher learns of the new mode: the awaited read does not wait.
      expect(await read(sv[1], new Uint8Array(1), 1)).toBe(-1);
      expect(errno).toBe(EAGAIN);
      expect(ioctl(sv[1], FIONBIO, new c_int(0))).toBe(0);
      expect(fcntl(sv[1], F_GETFL) & O_NONBLOCK).toBe(0);
    } finally {
      close(sv[0]);
      close(sv[1]);
    }
  });

  it('ioctl_refuses_requests_whose_argument_size_it_cannot_know', () => {
    expect(() => ioctl(0, 0x5401 /* TCGETS */, new c_int())).toThrow(/ioctl\(\): argument 'request'/);
    expect(() => ioctl(0, FIONREAD, new Uint8Array(2))).toThrow(RangeError);
  });
});
