// sendmsg/recvmsg with msghdr, iovec and control messages, and the CMSG_*
// macros: compared with C programs compiled here; descriptors passed with
// SCM_RIGHTS to another process (a C program and a Node process) that uses them.
import { execFileSync, spawn } from 'node:child_process';
import { readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  AF_UNIX,
  CMSG_DATA,
  CMSG_FIRSTHDR,
  CMSG_LEN,
  CMSG_NXTHDR,
  CMSG_SPACE,
  EBADF,
  FD_CLOEXEC,
  F_GETFD,
  MSG_CMSG_CLOEXEC,
  MSG_CTRUNC,
  MSG_TRUNC,
  SCM_CREDENTIALS,
  SCM_RIGHTS,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_PASSCRED,
  accept,
  bind,
  c_int,
  close,
  cmsghdr,
  errno,
  fcntl,
  getsockname,
  iovec,
  listen,
  msghdr,
  readSync,
  recvmsg,
  recvmsgSync,
  sendmsg,
  sendmsgSync,
  setsockopt,
  sizeof,
  sockaddr_in,
  socket,
  socketpair,
  socklen_t,
  strerror,
  ucred,
  writeSync,
} from '../../src/index.js';
import { C_HEADERS, runC } from '../support/c.js';
import { loopback4, ok, tempDir, unixAddr } from '../support/sockets.js';
import { distEntry } from '../support/child.js';

const INT = sizeof(c_int);
const int32At = (b: Uint8Array, i: number) => new DataView(b.buffer, b.byteOffset).getInt32(i * INT, true);
const setInt32At = (b: Uint8Array, i: number, v: number) => new DataView(b.buffer, b.byteOffset).setInt32(i * INT, v, true);

/** A msghdr over one data buffer and a control buffer, as C code sets one up. */
function message(data: Uint8Array, control: Uint8Array | null, controllen = control?.byteLength ?? 0): msghdr {
  const msg = new msghdr();
  msg.msg_iov = [new iovec(data)];
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = controllen;
  return msg;
}

/** Fills msg's control buffer with one SCM_RIGHTS message carrying `fds`. */
function rights(fds: number[]): Uint8Array {
  const control = new Uint8Array(CMSG_SPACE(INT * fds.length));
  const msg = message(new Uint8Array(0), control);
  const c = CMSG_FIRSTHDR(msg)!;
  c.cmsg_level = SOL_SOCKET;
  c.cmsg_type = SCM_RIGHTS;
  c.cmsg_len = CMSG_LEN(INT * fds.length);
  fds.forEach((fd, i) => setInt32At(CMSG_DATA(c), i, fd));
  return control;
}

/** The descriptors in the SCM_RIGHTS messages of a received msg. */
function receivedFds(msg: msghdr): number[] {
  const fds: number[] = [];
  for (let c = CMSG_FIRSTHDR(msg); c !== null; c = CMSG_NXTHDR(msg, c)) {
    if (c.cmsg_level !== SOL_SOCKET || c.cmsg_type !== SCM_RIGHTS) continue;
    const n = (c.cmsg_len - CMSG_LEN(0)) / INT;
    for (let i = 0; i < n; i++) fds.push(int32At(CMSG_DATA(c), i));
  }
  return fds;
}

const fdTarget = (fd: number) => readlinkSync(`/proc/self/fd/${fd}`);

describe('CMSG macros', () => {
  it('cmsg_space_len_and_data_equal_c_for_many_lengths', () => {
    const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 100, 255, 4096, 65535];
    const c = runC(`${C_HEADERS}
int main(void) {
  unsigned n[] = { ${lengths.join(', ')} };
  for (unsigned i = 0; i < sizeof n / sizeof n[0]; i++) printf("%u %zu %zu\\n", n[i], (size_t)CMSG_SPACE(n[i]), (size_t)CMSG_LEN(n[i]));
  union { struct cmsghdr h; unsigned char b[64]; } u;
  printf("data %ld\\n", (long)(CMSG_DATA(&u.h) - u.b));
  return 0;
}`);
    const js = lengths.map((n) => `${n} ${CMSG_SPACE(n)} ${CMSG_LEN(n)}`).join('\n');
    const header = new cmsghdr(new Uint8Array(64));
    expect(`${js}\ndata ${CMSG_DATA(header).byteOffset - header.bytes.byteOffset}\n`).toBe(c);
  });

  it('firsthdr_and_nxthdr_walk_a_control_buffer_as_c_walks_it', () => {
    // Buffers of several sizes with headers of several cmsg_len values (one
    // runs past the end, one is shorter than a header): C's walk is the truth.
    const cases: Array<[number, number[]]> = [
      [0, []],
      [8, [16]],
      [CMSG_SPACE(4), [CMSG_LEN(4)]],
      [CMSG_SPACE(4) * 2, [CMSG_LEN(4), CMSG_LEN(4)]],
      [CMSG_SPACE(4) * 2 - 1, [CMSG_LEN(4), CMSG_LEN(4)]],
      [CMSG_SPACE(12) + CMSG_SPACE(1) + CMSG_SPACE(0), [CMSG_LEN(12), CMSG_LEN(1), CMSG_LEN(0)]],
      [64, [CMSG_LEN(4), 1000]],
      [64, [CMSG_LEN(4), 2]],
      [96, [CMSG_LEN(8), CMSG_LEN(8), CMSG_LEN(8)]],
    ];
    const program = cases
      .map(([size, lens], k) => {
        const sets = lens.map((l, i) => `if (p) { p->cmsg_len = ${l}; if (${i} < ${lens.length - 1}) p = CMSG_NXTHDR(&m, p); }`).join(' ');
        return `  { union { struct cmsghdr h; unsigned char b[256]; } u; memset(&u, 0, sizeof u);
    struct msghdr m; memset(&m, 0, sizeof m); m.msg_control = ${size} ? u.b : NULL; m.msg_controllen = ${size};
    struct cmsghdr *p = CMSG_FIRSTHDR(&m); ${sets}
    printf("case ${k}:"); for (p = CMSG_FIRSTHDR(&m); p; p = CMSG_NXTHDR(&m, p)) printf(" %ld", (long)((unsigned char *)p - u.b)); printf("\\n"); }`;
      })
      .join('\n');
    const c = runC(`${C_HEADERS}\nint main(void) {\n${program}\n  return 0;\n}\n`);
    const js = cases
      .map(([size, lens], k) => {
        const buf = new Uint8Array(256);
        const m = new msghdr();
        m.msg_control = size ? buf : null;
        m.msg_controllen = size;
        let p = CMSG_FIRSTHDR(m);
        lens.forEach((l, i) => {
          if (p) {
            p.cmsg_len = l;
            if (i < lens.length - 1) p = CMSG_NXTHDR(m, p);
          }
        });
        const offsets: number[] = [];
        for (p = CMSG_FIRSTHDR(m); p; p = CMSG_NXTHDR(m, p)) offsets.push(p.bytes.byteOffset - buf.byteOffset);
        return `case ${k}:${offsets.map((o) => ` ${o}`).join('')}`;
      })
      .join('\n');
    expect(js + '\n').toBe(c);
    expect(c).toContain(`case 3: 0 ${CMSG_SPACE(4)}\n`);
  });

  it('nxthdr_refuses_a_header_outside_the_control_buffer', () => {
    const m = message(new Uint8Array(1), new Uint8Array(CMSG_SPACE(4)));
    expect(() => CMSG_NXTHDR(m, new cmsghdr(new Uint8Array(64)))).toThrow(/CMSG_NXTHDR\(\): argument 'cmsg'/);
    m.msg_controllen = 1000;
    expect(() => CMSG_FIRSTHDR(m)).toThrow(/msg_controllen/);
  });
});

// The C side of the message scenario; the JS side makes the same calls.
const C_MESSAGES = `${C_HEADERS}
static void line(const char *what, long r) {
  if (r == -1) printf("%s -1 %d %s\\n", what, errno, strerror(errno)); else printf("%s %ld\\n", what, r);
}
int main(void) {
  int sv[2], extra[2];
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  socketpair(AF_UNIX, SOCK_STREAM, 0, extra);
  char data[] = "hello";
  struct iovec iov = { data, 5 };
  union { struct cmsghdr h; unsigned char b[CMSG_SPACE(2 * sizeof(int))]; } out;
  memset(&out, 0, sizeof out);
  struct msghdr m; memset(&m, 0, sizeof m);
  m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = out.b; m.msg_controllen = sizeof out.b;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(2 * sizeof(int));
  memcpy(CMSG_DATA(c), extra, sizeof extra);
  line("sendmsg rights", sendmsg(sv[0], &m, 0));
  // Room for one descriptor only (CMSG_LEN, not CMSG_SPACE, whose padding
  // would hold a second on Linux): the second is dropped and MSG_CTRUNC set.
  char in[3]; struct iovec iiov = { in, sizeof in };
  union { struct cmsghdr h; unsigned char b[CMSG_SPACE(sizeof(int))]; } small;
  struct msghdr r; memset(&r, 0, sizeof r);
  r.msg_iov = &iiov; r.msg_iovlen = 1; r.msg_control = small.b; r.msg_controllen = CMSG_LEN(sizeof(int));
  line("recvmsg small", recvmsg(sv[1], &r, 0));
  printf("  flags CTRUNC %d TRUNC %d controllen %zu\\n", !!(r.msg_flags & MSG_CTRUNC), !!(r.msg_flags & MSG_TRUNC), (size_t)r.msg_controllen);
  c = CMSG_FIRSTHDR(&r);
  printf("  level %d type %d len %zu next %d\\n", c->cmsg_level, c->cmsg_type, (size_t)c->cmsg_len, CMSG_NXTHDR(&r, c) != NULL);
  int got; memcpy(&got, CMSG_DATA(c), sizeof got); close(got);
  // No control buffer at all.
  line("sendmsg rights again", sendmsg(sv[0], &m, 0));
  r.msg_control = NULL; r.msg_controllen = 0; r.msg_flags = 0;
  line("recvmsg none", recvmsg(sv[1], &r, 0));
  printf("  flags CTRUNC %d TRUNC %d controllen %zu\\n", !!(r.msg_flags & MSG_CTRUNC), !!(r.msg_flags & MSG_TRUNC), (size_t)r.msg_controllen);
  // A bad descriptor in SCM_RIGHTS, and a bad socket.
  int bad = -1; memcpy(CMSG_DATA(c = CMSG_FIRSTHDR(&m)), &bad, sizeof bad);
  line("sendmsg bad fd", sendmsg(sv[0], &m, 0));
  line("sendmsg bad socket", sendmsg(-1, &m, 0));
  line("recvmsg bad socket", recvmsg(-1, &r, 0));
  m.msg_iovlen = 1025;
  line("sendmsg iovlen", sendmsg(sv[0], &m, 0));
  // SO_PASSCRED: the kernel attaches the sender's credentials.
  int one = 1;
  line("SO_PASSCRED", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
  line("sendmsg plain", send(sv[0], "x", 1, 0));
  union { struct cmsghdr h; unsigned char b[CMSG_SPACE(sizeof(struct ucred))]; } cred;
  r.msg_control = cred.b; r.msg_controllen = sizeof cred.b; r.msg_flags = 0;
  line("recvmsg creds", recvmsg(sv[1], &r, 0));
  c = CMSG_FIRSTHDR(&r);
  printf("  level %d type %d len %zu controllen %zu\\n", c->cmsg_level, c->cmsg_type, (size_t)c->cmsg_len, (size_t)r.msg_controllen);
  // A datagram's source address in msg_name.
  int u = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a; memset(&a, 0, sizeof a); a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t l = sizeof a; bind(u, (struct sockaddr *)&a, sizeof a); getsockname(u, (struct sockaddr *)&a, &l);
  sendto(u, "datagram", 8, 0, (struct sockaddr *)&a, sizeof a);
  struct sockaddr_in from; memset(&from, 0, sizeof from);
  r.msg_name = &from; r.msg_namelen = sizeof from; r.msg_control = NULL; r.msg_controllen = 0; r.msg_flags = 0;
  line("recvmsg name", recvmsg(u, &r, 0));
  printf("  namelen %u family %d same port %d TRUNC %d\\n", (unsigned)r.msg_namelen, from.sin_family, from.sin_port == a.sin_port, !!(r.msg_flags & MSG_TRUNC));
  return 0;
}
`;

function jsMessages(): string {
  const lines: string[] = [];
  const line = (what: string, r: number) => lines.push(r === -1 ? `${what} -1 ${errno} ${strerror(errno)}` : `${what} ${r}`);
  const flagsLine = (m: msghdr) =>
    `  flags CTRUNC ${Number((m.msg_flags & MSG_CTRUNC) !== 0)} TRUNC ${Number((m.msg_flags & MSG_TRUNC) !== 0)} controllen ${m.msg_controllen}`;
  const sv = new Int32Array(2);
  const extra = new Int32Array(2);
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  socketpair(AF_UNIX, SOCK_STREAM, 0, extra);
  const m = message(Buffer.from('hello'), rights([extra[0], extra[1]]));
  line('sendmsg rights', sendmsgSync(sv[0], m, 0));
  const r = message(new Uint8Array(3), new Uint8Array(CMSG_SPACE(INT)), CMSG_LEN(INT));
  line('recvmsg small', recvmsgSync(sv[1], r, 0));
  lines.push(flagsLine(r));
  let c = CMSG_FIRSTHDR(r)!;
  lines.push(`  level ${c.cmsg_level} type ${c.cmsg_type} len ${c.cmsg_len} next ${Number(CMSG_NXTHDR(r, c) !== null)}`);
  close(int32At(CMSG_DATA(c), 0));
  line('sendmsg rights again', sendmsgSync(sv[0], m, 0));
  r.msg_control = null;
  r.msg_controllen = 0;
  r.msg_flags = 0;
  line('recvmsg none', recvmsgSync(sv[1], r, 0));
  lines.push(flagsLine(r));
  setInt32At(CMSG_DATA(CMSG_FIRSTHDR(m)!), 0, -1);
  line('sendmsg bad fd', sendmsgSync(sv[0], m, 0));
  line('sendmsg bad socket', sendmsgSync(-1, m, 0));
  line('recvmsg bad socket', recvmsgSync(-1, r, 0));
  m.msg_iov = Array.from({ length: 1025 }, () => new iovec(Buffer.from('hello')));
  m.msg_iovlen = 1025;
  line('sendmsg iovlen', sendmsgSync(sv[0], m, 0));
  line('SO_PASSCRED', setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED!, new c_int(1), INT));
  line('sendmsg plain', writeSync(sv[0], 'x', 1));
  r.msg_control = new Uint8Array(CMSG_SPACE(sizeof(ucred)));
  r.msg_controllen = r.msg_control.byteLength;
  r.msg_flags = 0;
  line('recvmsg creds', recvmsgSync(sv[1], r, 0));
  c = CMSG_FIRSTHDR(r)!;
  lines.push(`  level ${c.cmsg_level} type ${c.cmsg_type} len ${c.cmsg_len} controllen ${r.msg_controllen}`);
  const cred = new ucred(CMSG_DATA(c));
  expect([c.cmsg_type, cred.pid, cred.uid, cred.gid]).toEqual([SCM_CREDENTIALS, process.pid, process.getuid!(), process.getgid!()]);
  const u = socket(AF_INET, SOCK_DGRAM, 0);
  const a = loopback4();
  bind(u, a, sizeof(a));
  getsockname(u, a, socklen_t(sizeof(a)));
  const sendto = message(Buffer.from('datagram'), null);
  sendto.msg_name = a;
  sendto.msg_namelen = sizeof(a);
  sendmsgSync(u, sendto, 0);
  const from = new sockaddr_in();
  r.msg_name = from;
  r.msg_namelen = sizeof(from);
  r.msg_control = null;
  r.msg_controllen = 0;
  r.msg_flags = 0;
  line('recvmsg name', recvmsgSync(u, r, 0));
  lines.push(`  namelen ${r.msg_namelen} family ${from.sin_family} same port ${Number(from.sin_port === a.sin_port)} TRUNC ${Number((r.msg_flags & MSG_TRUNC) !== 0)}`);
  for (const fd of [sv[0], sv[1], extra[0], extra[1], u]) close(fd);
  return lines.join('\n') + '\n';
}

describe('sendmsg and recvmsg', () => {
  it('message_scenario_prints_what_c_prints', () => {
    const c = runC(C_MESSAGES);
    expect(c).toContain('recvmsg small 3\n  flags CTRUNC 1 TRUNC 1'); // one descriptor dropped, data cut to 3 bytes
    expect(c).toContain(`sendmsg bad fd -1 ${EBADF} `);
    expect(jsMessages()).toBe(c);
  });

  it('scm_rights_gives_a_new_number_for_the_same_open_file', async () => {
    const sv = new Int32Array(2);
    const pair = new Int32Array(2);
    ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 'socketpair');
    ok(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 'socketpair');
    try {
      // Awaited recvmsg first: it waits, then its landing areas are copied into data and control.
      const data = new Uint8Array(8);
      const r = message(data, new Uint8Array(CMSG_SPACE(INT)));
      const pending = recvmsg(sv[1], r, MSG_CMSG_CLOEXEC!);
      expect(await sendmsg(sv[0], message(Buffer.from('fd'), rights([pair[0]])), 0)).toBe(2);
      expect(await pending).toBe(2);
      expect(Buffer.from(data.subarray(0, 2)).toString()).toBe('fd');
      expect(r.msg_controllen).toBe(CMSG_SPACE(INT));
      const [got] = receivedFds(r);
      expect(got).not.toBe(pair[0]);
      expect(fdTarget(got)).toBe(fdTarget(pair[0]));
      expect(fcntl(got, F_GETFD) & FD_CLOEXEC).toBe(FD_CLOEXEC); // MSG_CMSG_CLOEXEC
      // It is the same socket: what is written on it arrives at the pair's other end.
      expect(writeSync(got, 'via copy', 8)).toBe(8);
      const back = new Uint8Array(8);
      expect(readSync(pair[1], back, 8)).toBe(8);
      expect(Buffer.from(back).toString()).toBe('via copy');
      close(got);
      // Without MSG_CMSG_CLOEXEC the received number has no FD_CLOEXEC, as in C.
      sendmsgSync(sv[0], message(Buffer.from('x'), rights([pair[0]])), 0);
      const r2 = message(new Uint8Array(1), new Uint8Array(CMSG_SPACE(INT)));
      expect(recvmsgSync(sv[1], r2, 0)).toBe(1);
      const [plain] = receivedFds(r2);
      expect(fcntl(plain, F_GETFD) & FD_CLOEXEC).toBe(0);
      close(plain);
    } finally {
      for (const fd of [...sv, ...pair]) close(fd);
    }
  });
});

/** Runs a child that connects to the unix socket at `path`, receives a descriptor and writes a line into it. */
function runChild(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out }));
  });
}

const C_RECEIVER = `${C_HEADERS}
int main(int argc, char **argv) {
  struct sockaddr_un a; memset(&a, 0, sizeof a); a.sun_family = AF_UNIX; strncpy(a.sun_path, argv[1], sizeof a.sun_path - 1);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&a, sizeof a) == -1) { perror("connect"); return 1; }
  char data[1]; struct iovec iov = { data, 1 };
  union { struct cmsghdr h; unsigned char b[CMSG_SPACE(sizeof(int))]; } u;
  struct msghdr m; memset(&m, 0, sizeof m); m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.b; m.msg_controllen = sizeof u.b;
  if (recvmsg(s, &m, 0) != 1) { perror("recvmsg"); return 1; }
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  if (!c || c->cmsg_type != SCM_RIGHTS) return 2;
  int fd; memcpy(&fd, CMSG_DATA(c), sizeof fd);
  const char msg[] = "written by the C child\\n";
  if (write(fd, msg, sizeof msg - 1) != sizeof msg - 1) { perror("write"); return 1; }
  printf("ok\\n");
  return 0;
}
`;

/** The same receiver in TypeScript (as the built package runs it), with the awaited calls. */
function tsReceiver(): string {
  return `import * as s from ${JSON.stringify(distEntry())};
const a = new s.sockaddr_un(); a.sun_family = s.AF_UNIX; a.sun_path = process.argv[2];
const fd0 = s.socket(s.AF_UNIX, s.SOCK_STREAM, 0);
if (await s.connect(fd0, a, s.sizeof(a)) === -1) { console.log('connect', s.strerror(s.errno)); process.exit(1); }
const m = new s.msghdr(); m.msg_iov = [new s.iovec(new Uint8Array(1))]; m.msg_iovlen = 1;
m.msg_control = new Uint8Array(s.CMSG_SPACE(4)); m.msg_controllen = m.msg_control.byteLength;
if (await s.recvmsg(fd0, m, 0) !== 1) { console.log('recvmsg', s.strerror(s.errno)); process.exit(1); }
const c = s.CMSG_FIRSTHDR(m);
if (c === null || c.cmsg_type !== s.SCM_RIGHTS) process.exit(2);
const d = s.CMSG_DATA(c);
const fd = new DataView(d.buffer, d.byteOffset).getInt32(0, true);
const line = 'written by the TypeScript child\\n';
if (await s.write(fd, line, line.length) !== line.length) { console.log('write', s.strerror(s.errno)); process.exit(1); }
console.log('ok');
`;
}

describe('descriptor passing between processes', () => {
  for (const who of ['C', 'TypeScript'] as const) {
    it(`a_${who === 'C' ? 'c' : 'typescript'}_child_receives_a_descriptor_and_writes_through_it`, async () => {
      const dir = tempDir();
      let cmd: string;
      let args: string[];
      if (who === 'C') {
        writeFileSync(join(dir, 'recv.c'), C_RECEIVER);
        execFileSync('cc', ['-o', join(dir, 'recv'), join(dir, 'recv.c')]);
        cmd = join(dir, 'recv');
        args = [];
      } else {
        writeFileSync(join(dir, 'recv.mjs'), tsReceiver());
        cmd = process.execPath;
        args = [join(dir, 'recv.mjs')];
      }
      const path = join(dir, 'pass.sock');
      const l = ok(socket(AF_UNIX, SOCK_STREAM, 0), 'socket');
      const addr = unixAddr(path);
      ok(bind(l, addr, sizeof(addr)), 'bind');
      ok(listen(l, 1), 'listen');
      // The descriptor passed: one end of a socketpair this process keeps reading from.
      const pair = new Int32Array(2);
      ok(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 'socketpair');
      try {
        const child = runChild(cmd, [...args, path]);
        const conn = ok(await accept(l, null, null), 'accept');
        expect(await sendmsg(conn, message(Buffer.from('!'), rights([pair[1]])), 0)).toBe(1);
        // Our copy is closed: only the child holds pair[1] now.
        close(pair[1]);
        const { code, out } = await child;
        expect(out).toBe('ok\n');
        expect(code).toBe(0);
        const buf = new Uint8Array(64);
        const n = readSync(pair[0], buf, 64);
        expect(Buffer.from(buf.subarray(0, n)).toString()).toBe(`written by the ${who} child\n`);
        // The child has exited: its descriptor, the last for that end, is closed.
        expect(readSync(pair[0], buf, 64)).toBe(0);
        close(conn);
      } finally {
        close(pair[0]);
        close(l);
      }
    });
  }
});
