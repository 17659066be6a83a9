// Descriptors are the kernel's, exactly as a C program gets them: the same
// flags (nothing added behind the caller's back), and the same errors on a
// closed descriptor or one that is not a socket.
import { execFileSync } from 'node:child_process';
import { closeSync, constants as fsConstants, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AF_INET,
  EBADF,
  ENOTSOCK,
  FD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  O_NONBLOCK,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_REUSEADDR,
  SO_TYPE,
  accept,
  accept4,
  accept4Sync,
  acceptSync,
  bind,
  c_int,
  close,
  connect,
  connectSync,
  errno,
  fcntl,
  getpeername,
  getsockname,
  getsockopt,
  listen,
  recv,
  recvSync,
  recvfrom,
  recvfromSync,
  send,
  sendSync,
  sendto,
  sendtoSync,
  setsockopt,
  shutdown,
  SHUT_RDWR,
  sizeof,
  sockaddr_in,
  socket,
  socklen_t,
} from '../../src/index.js';
import { listenLoopback, loopback4, ok, tempDir } from '../support/sockets.js';
import { C_HEADERS, runC } from '../support/c.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isLinux = process.platform === 'linux';

// ---------------------------------------------------------------------------
// Flags

const C_REPORT = `
static void report(const char *label, int fd) {
  printf("%s F_GETFD %d\\n", label, fcntl(fd, F_GETFD));
  printf("%s F_GETFL %d\\n", label, fcntl(fd, F_GETFL));
#ifdef __linux__
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  FILE *f = fopen(path, "r");
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "flags:", 6) == 0) {
      line[strcspn(line, "\\n")] = 0;
      printf("%s fdinfo %s\\n", label, line + 6 + strspn(line + 6, " \\t"));
    }
  }
  if (f) fclose(f);
#endif
}
static int loopback_listener(struct sockaddr_in *a) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof *a;
  if (bind(l, (struct sockaddr *)a, sizeof *a) || listen(l, 8) || getsockname(l, (struct sockaddr *)a, &len)) exit(1);
  return l;
}
static int connected(const struct sockaddr_in *a) {
  int c = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(c, (const struct sockaddr *)a, sizeof *a)) exit(2);
  return c;
}
`;

const C_FLAGS_MAIN = `
int main(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0); report("socket", s);
  fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK); report("setfl_nonblock", s);
  fcntl(s, F_SETFD, FD_CLOEXEC); report("setfd_cloexec", s);
  close(s);
  s = socket(AF_INET, SOCK_DGRAM, 0); report("udp", s); close(s);
#ifdef SOCK_NONBLOCK
  s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0); report("sock_nonblock", s); close(s);
#endif
#ifdef SOCK_CLOEXEC
  s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); report("sock_cloexec", s); close(s);
#endif
  struct sockaddr_in a;
  int l = loopback_listener(&a); report("listener", l);
  int c = connected(&a); int acc = accept(l, NULL, NULL); report("accepted", acc); close(acc); close(c);
#ifdef __linux__
  c = connected(&a); acc = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); report("accept4", acc); close(acc); close(c);
#endif
  fcntl(l, F_SETFL, fcntl(l, F_GETFL) | O_NONBLOCK);
  c = connected(&a); acc = accept(l, NULL, NULL); report("accepted_nonblocking_listener", acc); close(acc); close(c);
  close(l);
  return 0;
}
`;

function report(lines: string[], label: string, fd: number): void {
  lines.push(`${label} F_GETFD ${fcntl(fd, F_GETFD)}`);
  lines.push(`${label} F_GETFL ${fcntl(fd, F_GETFL)}`);
  if (isLinux) {
    const flags = /^flags:\s*(\S+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
    expect(flags, `fdinfo of ${fd}`).not.toBeNull();
    lines.push(`${label} fdinfo ${flags![1]}`);
  }
}

function connected(addr: sockaddr_in): number {
  const c = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
  ok(connectSync(c, addr, sizeof(addr)), 'connect');
  return c;
}

describe('descriptor flags', () => {
  it('descriptor_flags_equal_those_of_a_c_program_making_the_same_calls', () => {
    // _GNU_SOURCE: glibc declares accept4() only then.
    const c = runC(`#define _GNU_SOURCE\n${C_HEADERS}\n${C_REPORT}\n${C_FLAGS_MAIN}`).trim().split('\n');
    const js: string[] = [];
    let s = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    report(js, 'socket', s);
    ok(fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK), 'fcntl');
    report(js, 'setfl_nonblock', s);
    ok(fcntl(s, F_SETFD, FD_CLOEXEC), 'fcntl');
    report(js, 'setfd_cloexec', s);
    close(s);
    s = ok(socket(AF_INET, SOCK_DGRAM, 0), 'socket');
    report(js, 'udp', s);
    close(s);
    if (SOCK_NONBLOCK !== undefined) {
      s = ok(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), 'socket');
      report(js, 'sock_nonblock', s);
      close(s);
    }
    if (SOCK_CLOEXEC !== undefined) {
      s = ok(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), 'socket');
      report(js, 'sock_cloexec', s);
      close(s);
    }
    const l = listenLoopback(AF_INET, 8);
    report(js, 'listener', l.fd);
    let cl = connected(l.addr as sockaddr_in);
    let acc = ok(acceptSync(l.fd, null, null), 'accept');
    report(js, 'accepted', acc);
    close(acc);
    close(cl);
    if (isLinux) {
      cl = connected(l.addr as sockaddr_in);
      acc = ok(accept4Sync!(l.fd, null, null, SOCK_NONBLOCK! | SOCK_CLOEXEC!), 'accept4');
      report(js, 'accept4', acc);
      close(acc);
      close(cl);
    }
    ok(fcntl(l.fd, F_SETFL, fcntl(l.fd, F_GETFL) | O_NONBLOCK), 'fcntl');
    cl = connected(l.addr as sockaddr_in);
    acc = ok(acceptSync(l.fd, null, null), 'accept');
    report(js, 'accepted_nonblocking_listener', acc);
    close(acc);
    close(cl);
    close(l.fd);
    expect(js).toEqual(c);
  });

  it('socket_has_neither_cloexec_nor_nonblock', () => {
    const s = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    expect(fcntl(s, F_GETFD) & FD_CLOEXEC).toBe(0);
    expect(fcntl(s, F_GETFL) & O_NONBLOCK).toBe(0);
    close(s);
  });

  it('promise_accept_gives_a_blocking_descriptor_without_cloexec', async () => {
    const l = listenLoopback();
    const cl = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    ok(await connect(cl, l.addr, sizeof(l.addr)), 'connect');
    const acc = ok(await accept(l.fd, null, null), 'accept');
    expect(fcntl(acc, F_GETFD) & FD_CLOEXEC).toBe(0);
    expect(fcntl(acc, F_GETFL) & O_NONBLOCK).toBe(0);
    close(acc);
    close(cl);
    close(l.fd);
  });

  it('sock_cloexec_and_sock_nonblock_set_the_flags', async () => {
    // Linux names; where the platform lacks them they are undefined.
    expect(SOCK_CLOEXEC === undefined).toBe(!isLinux);
    if (SOCK_CLOEXEC === undefined || SOCK_NONBLOCK === undefined) return;
    const s = ok(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), 'socket');
    expect(fcntl(s, F_GETFD) & FD_CLOEXEC).toBe(FD_CLOEXEC);
    expect(fcntl(s, F_GETFL) & O_NONBLOCK).toBe(O_NONBLOCK);
    close(s);
    const l = listenLoopback();
    const cl = connected(l.addr as sockaddr_in);
    const acc = ok(await accept4!(l.fd, null, null, SOCK_CLOEXEC), 'accept4');
    expect(fcntl(acc, F_GETFD) & FD_CLOEXEC).toBe(FD_CLOEXEC);
    expect(fcntl(acc, F_GETFL) & O_NONBLOCK).toBe(0);
    close(acc);
    close(cl);
    close(l.fd);
  });

  it('fcntl_setfl_nonblock_sets_and_clears_it', () => {
    const s = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    const flags = fcntl(s, F_GETFL);
    expect(fcntl(s, F_SETFL, flags | O_NONBLOCK)).toBe(0);
    expect(fcntl(s, F_GETFL) & O_NONBLOCK).toBe(O_NONBLOCK);
    expect(fcntl(s, F_SETFL, flags)).toBe(0);
    expect(fcntl(s, F_GETFL)).toBe(flags);
    close(s);
  });
});

// ---------------------------------------------------------------------------
// Closed descriptors and descriptors that are not sockets

const C_CALLS = `
static void show(const char *label, const char *call, long r) {
  printf("%s %s %ld %d\\n", label, call, r, r == -1 ? errno : 0);
}
static void calls(const char *label, int fd) {
  char buf[16] = "hello";
  struct sockaddr_in a; memset(&a, 0, sizeof a);
  a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a; int one = 1; socklen_t olen = sizeof one;
  show(label, "bind", bind(fd, (struct sockaddr *)&a, sizeof a));
  show(label, "listen", listen(fd, 1));
  len = sizeof a; show(label, "accept", accept(fd, (struct sockaddr *)&a, &len));
  show(label, "connect", connect(fd, (struct sockaddr *)&a, sizeof a));
  show(label, "send", send(fd, buf, 5, 0));
  show(label, "recv", recv(fd, buf, sizeof buf, 0));
  show(label, "sendto", sendto(fd, buf, 5, 0, (struct sockaddr *)&a, sizeof a));
  len = sizeof a; show(label, "recvfrom", recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&a, &len));
  show(label, "shutdown", shutdown(fd, SHUT_RDWR));
  len = sizeof a; show(label, "getsockname", getsockname(fd, (struct sockaddr *)&a, &len));
  len = sizeof a; show(label, "getpeername", getpeername(fd, (struct sockaddr *)&a, &len));
  show(label, "setsockopt", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
  show(label, "getsockopt", getsockopt(fd, SOL_SOCKET, SO_TYPE, &one, &olen));
  show(label, "close", close(fd));
}
int main(int argc, char **argv) {
  int s = socket(AF_INET, SOCK_STREAM, 0); close(s);
  calls("closed", s);
  calls("file", open(argv[1], O_RDWR));
  calls("fifo", open(argv[2], O_RDWR));
  return 0;
}
`;

function jsCalls(lines: string[], label: string, fd: number): void {
  const show = (call: string, r: number) => lines.push(`${label} ${call} ${r} ${r === -1 ? errno : 0}`);
  const buf = Buffer.from('hello\0\0\0\0\0\0\0\0\0\0\0');
  const a = loopback4();
  const len = socklen_t(sizeof(a));
  const one = new c_int(1);
  const olen = socklen_t(sizeof(one));
  show('bind', bind(fd, a, sizeof(a)));
  show('listen', listen(fd, 1));
  len.value = sizeof(a);
  show('accept', acceptSync(fd, a, len));
  show('connect', connectSync(fd, a, sizeof(a)));
  show('send', sendSync(fd, buf, 5, 0));
  show('recv', recvSync(fd, buf, buf.length, 0));
  show('sendto', sendtoSync(fd, buf, 5, 0, a, sizeof(a)));
  len.value = sizeof(a);
  show('recvfrom', recvfromSync(fd, buf, buf.length, 0, a, len));
  show('shutdown', shutdown(fd, SHUT_RDWR));
  len.value = sizeof(a);
  show('getsockname', getsockname(fd, a, len));
  len.value = sizeof(a);
  show('getpeername', getpeername(fd, a, len));
  show('setsockopt', setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one, sizeof(one)));
  show('getsockopt', getsockopt(fd, SOL_SOCKET, SO_TYPE, one, olen));
  show('close', close(fd));
}

function makeNonSockets(tag: string): [string, string] {
  const file = join(dir, `${tag}.txt`);
  writeFileSync(file, 'not a socket\n');
  const fifo = join(dir, `${tag}.fifo`);
  execFileSync('mkfifo', [fifo]);
  return [file, fifo];
}

describe('bad descriptors', () => {
  it('closed_file_and_fifo_descriptors_fail_as_in_c', () => {
    const [cFile, cFifo] = makeNonSockets('c');
    const c = runC(`${C_HEADERS}\n${C_CALLS}`, [cFile, cFifo]).trim().split('\n');
    const [file, fifo] = makeNonSockets('js');
    const js: string[] = [];
    const s = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    close(s);
    jsCalls(js, 'closed', s);
    jsCalls(js, 'file', openSync(file, fsConstants.O_RDWR));
    jsCalls(js, 'fifo', openSync(fifo, fsConstants.O_RDWR));
    expect(js).toEqual(c);
    // What C says, spelled out: EBADF when closed, ENOTSOCK for a file or a pipe.
    expect(js.filter((l) => l.startsWith('closed ')).every((l) => l.endsWith(` -1 ${EBADF}`))).toBe(true);
    expect(js.filter((l) => /^(file|fifo) (?!close)/.test(l)).every((l) => l.endsWith(` -1 ${ENOTSOCK}`))).toBe(true);
  });

  it('close_twice_fails_with_ebadf', () => {
    const s = ok(socket(AF_INET, SOCK_DGRAM, 0), 'socket');
    expect(close(s)).toBe(0);
    expect(close(s)).toBe(-1);
    expect(errno).toBe(EBADF);
  });

  it('async_calls_on_a_closed_descriptor_resolve_minus_one_with_ebadf', async () => {
    const s = ok(socket(AF_INET, SOCK_STREAM, 0), 'socket');
    close(s);
    const a = loopback4();
    const buf = Buffer.alloc(8);
    const calls: Array<[string, () => Promise<number>]> = [
      ['recv', () => recv(s, buf, 8, 0)],
      ['send', () => send(s, buf, 8, 0)],
      ['accept', () => accept(s, null, null)],
      ['connect', () => connect(s, a, sizeof(a))],
      ['sendto', () => sendto(s, buf, 8, 0, a, sizeof(a))],
      ['recvfrom', () => recvfrom(s, buf, 8, 0, null, null)],
    ];
    if (accept4) calls.push(['accept4', () => accept4!(s, null, null, 0)]);
    for (const [name, call] of calls) {
      socket(AF_INET, -1, 0); // leaves errno at something other than EBADF
      expect(errno).not.toBe(EBADF);
      expect(await call(), name).toBe(-1);
      expect(errno, name).toBe(EBADF);
    }
  });

  it('async_calls_on_a_file_resolve_minus_one_with_enotsock', async () => {
    const [file] = makeNonSockets('async');
    const fd = openSync(file, fsConstants.O_RDWR);
    try {
      const buf = Buffer.alloc(8);
      for (const [name, call] of [
        ['recv', () => recv(fd, buf, 8, 0)],
        ['send', () => send(fd, buf, 8, 0)],
        ['accept', () => accept(fd, null, null)],
      ] as Array<[string, () => Promise<number>]>) {
        close(-1);
        expect(await call(), name).toBe(-1);
        expect(errno, name).toBe(ENOTSOCK);
      }
    } finally {
      closeSync(fd);
    }
  });
});
