// Same result, same time, in every socket state (docs/threading.md): each
// blocking call × socket state × flags × blocking/O_NONBLOCK, against a C
// program that builds the same state and makes the same call. C's call either
// returns (ret, errno) or is still blocked after BOUND_MS; the awaited call
// must settle with the same ret and errno, or still be waiting, and the sync
// twin (where C returned) must give the same. One test per case.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '../../src/index.js';
import { addon } from '../../src/addon.js';
import { C_HEADERS, withCompiledC } from '../support/c.js';
import { listenLoopback, loopback4, ok, unixAddr } from '../support/sockets.js';
import { sleep } from '../support/kernel.js';

const BOUND_MS = 300;
// A flag no kernel defines (the kernel ignores unknown bits).
const MSG_UNDEFINED = 0x10000000;
const CLOSED_NUMBER = 987654;

const STATES = [
  'tcp_unbound',
  'tcp_bound',
  'tcp_listening',
  'tcp_connecting',
  'tcp_connected',
  'tcp_connected_data',
  'tcp_peer_shut_wr',
  'tcp_self_shut_wr',
  'tcp_self_shut_rd',
  'tcp_reset',
  'tcp_refused',
  'udp_unbound',
  'udp_bound',
  'udp_connected',
  'udp_refused',
  'unix_stream_unbound',
  'unix_stream_listening',
  'unix_stream_connected',
  'unix_stream_full',
  'unix_dgram_bound',
  'unix_dgram_connected',
  'pipe',
  'file',
  'closed',
] as const;
type State = (typeof STATES)[number];

type Call = 'accept' | 'accept4' | 'connect' | 'send' | 'sendto' | 'recv' | 'recvfrom';
const FLAG_NAMES: Record<string, number> = {
  0: 0,
  MSG_PEEK: s.MSG_PEEK,
  MSG_WAITALL: s.MSG_WAITALL,
  MSG_DONTWAIT: s.MSG_DONTWAIT,
  MSG_OOB: s.MSG_OOB,
  MSG_UNDEFINED,
  SOCK_NONBLOCK: s.SOCK_NONBLOCK,
  INVALID: 1, // accept4: neither SOCK_NONBLOCK nor SOCK_CLOEXEC
};
const CALLS: [Call, string[]][] = [
  ['accept', ['0']],
  ...(s.accept4 ? ([['accept4', ['0', 'SOCK_NONBLOCK', 'INVALID']]] as [Call, string[]][]) : []),
  ['connect', ['0']],
  ['send', ['0', 'MSG_DONTWAIT', 'MSG_OOB', 'MSG_UNDEFINED']],
  ['sendto', ['0', 'MSG_DONTWAIT']],
  ['recv', ['0', 'MSG_PEEK', 'MSG_WAITALL', 'MSG_DONTWAIT', 'MSG_OOB', 'MSG_UNDEFINED']],
  ['recvfrom', ['0', 'MSG_DONTWAIT']],
];

interface Case {
  id: string;
  state: State;
  call: Call;
  flag: string;
  nonblock: boolean;
  n: number; // names its unix socket paths, which must stay short
}
const CASES: Case[] = [];
for (const state of STATES) {
  for (const nonblock of [false, true]) {
    for (const [call, flags] of CALLS) {
      for (const flag of flags) {
        CASES.push({ id: `${call}_${flag}_on_${state}_${nonblock ? 'nonblocking' : 'blocking'}`, state, call, flag, nonblock, n: CASES.length });
      }
    }
  }
}

/** What a call did: returned (ret, errno), or still blocked after BOUND_MS. */
type Outcome = string;
const returned = (ret: number, err: number): Outcome => `returned ${ret}${ret === -1 ? ` errno ${err} (${s.strerror(err)})` : ''}`;
const BLOCKED: Outcome = 'blocked';

// ---------------------------------------------------------------------------
// C: each case in its own forked process, many at once; a watchdog thread
// prints "blocked" and exits when the call has not returned after BOUND_MS.

function cProgram(dir: string): string {
  const stateIndex = (st: State) => STATES.indexOf(st);
  const table = CASES.map(
    (c) => `  {"${c.id}", ${stateIndex(c.state)}, "${c.call}", ${FLAG_NAMES[c.flag]}, ${c.nonblock ? 1 : 0}},`,
  ).join('\n');
  return `#define _GNU_SOURCE
${C_HEADERS}
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

struct kase { const char *id; int state; const char *call; int flags; int nonblock; };
static struct kase cases[] = {
${table}
};
static const char *dir = "${dir}";
static struct sockaddr_in target, udp_peer_addr;
static const char *id;
static int n;

static struct sockaddr_in lo(void) {
  struct sockaddr_in a; memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); return a;
}
static int tcp_listener(int backlog, struct sockaddr_in *out) {
  struct sockaddr_in a = lo(); socklen_t al = sizeof(a);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  bind(l, (struct sockaddr *)&a, sizeof(a)); listen(l, backlog);
  getsockname(l, (struct sockaddr *)&a, &al); *out = a; return l;
}
static void set_blocking(int fd, int nonblock) {
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, nonblock ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK));
}
static struct sockaddr_un un(const char *name) {
  struct sockaddr_un a; memset(&a, 0, sizeof(a)); a.sun_family = AF_UNIX;
  snprintf(a.sun_path, sizeof(a.sun_path), "%s/%d-%s", dir, n, name); return a;
}
static int closed_port(int type) {
  struct sockaddr_in a = lo(); socklen_t al = sizeof(a);
  int t = socket(AF_INET, type, 0);
  bind(t, (struct sockaddr *)&a, sizeof(a)); getsockname(t, (struct sockaddr *)&a, &al); close(t);
  return a.sin_port;
}

static int build(int state) {
  struct sockaddr_in a = lo(), la;
  int s = -1, l, p;
  switch (state) {
  case ${stateIndex('tcp_unbound')}: return socket(AF_INET, SOCK_STREAM, 0);
  case ${stateIndex('tcp_bound')}: s = socket(AF_INET, SOCK_STREAM, 0); bind(s, (struct sockaddr *)&a, sizeof(a)); return s;
  case ${stateIndex('tcp_listening')}: return tcp_listener(8, &la);
  case ${stateIndex('tcp_connecting')}:
    l = tcp_listener(0, &la);
    p = socket(AF_INET, SOCK_STREAM, 0); connect(p, (struct sockaddr *)&la, sizeof(la));
    s = socket(AF_INET, SOCK_STREAM, 0); set_blocking(s, 1);
    connect(s, (struct sockaddr *)&la, sizeof(la)); set_blocking(s, 0); return s;
  case ${stateIndex('tcp_connected')}: case ${stateIndex('tcp_connected_data')}: case ${stateIndex('tcp_peer_shut_wr')}:
  case ${stateIndex('tcp_self_shut_wr')}: case ${stateIndex('tcp_self_shut_rd')}: case ${stateIndex('tcp_reset')}:
    l = tcp_listener(8, &la);
    s = socket(AF_INET, SOCK_STREAM, 0); connect(s, (struct sockaddr *)&la, sizeof(la));
    p = accept(l, NULL, NULL);
    if (state == ${stateIndex('tcp_connected_data')}) send(p, "hello", 5, 0);
    if (state == ${stateIndex('tcp_peer_shut_wr')}) shutdown(p, SHUT_WR);
    if (state == ${stateIndex('tcp_self_shut_wr')}) shutdown(s, SHUT_WR);
    if (state == ${stateIndex('tcp_self_shut_rd')}) shutdown(s, SHUT_RD);
    if (state == ${stateIndex('tcp_reset')}) { struct linger lg = {1, 0}; setsockopt(p, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)); close(p); }
    return s;
  case ${stateIndex('tcp_refused')}:
    a.sin_port = closed_port(SOCK_STREAM);
    s = socket(AF_INET, SOCK_STREAM, 0); set_blocking(s, 1);
    connect(s, (struct sockaddr *)&a, sizeof(a)); usleep(20000); set_blocking(s, 0); return s;
  case ${stateIndex('udp_unbound')}: return socket(AF_INET, SOCK_DGRAM, 0);
  case ${stateIndex('udp_bound')}: s = socket(AF_INET, SOCK_DGRAM, 0); bind(s, (struct sockaddr *)&a, sizeof(a)); return s;
  case ${stateIndex('udp_connected')}: s = socket(AF_INET, SOCK_DGRAM, 0); connect(s, (struct sockaddr *)&udp_peer_addr, sizeof(a)); return s;
  case ${stateIndex('udp_refused')}:
    a.sin_port = closed_port(SOCK_DGRAM);
    s = socket(AF_INET, SOCK_DGRAM, 0); connect(s, (struct sockaddr *)&a, sizeof(a));
    send(s, "x", 1, 0); usleep(20000); return s;
  case ${stateIndex('unix_stream_unbound')}: return socket(AF_UNIX, SOCK_STREAM, 0);
  case ${stateIndex('unix_stream_listening')}: case ${stateIndex('unix_stream_connected')}: case ${stateIndex('unix_stream_full')}: {
    struct sockaddr_un u = un("l");
    l = socket(AF_UNIX, SOCK_STREAM, 0); bind(l, (struct sockaddr *)&u, sizeof(u)); listen(l, 8);
    if (state == ${stateIndex('unix_stream_listening')}) return l;
    s = socket(AF_UNIX, SOCK_STREAM, 0); connect(s, (struct sockaddr *)&u, sizeof(u)); accept(l, NULL, NULL);
    if (state == ${stateIndex('unix_stream_full')}) {
      static char chunk[4096];
      while (send(s, chunk, 4096, MSG_DONTWAIT) > 0) {}
      while (send(s, chunk, 1, MSG_DONTWAIT) > 0) {}
    }
    return s;
  }
  case ${stateIndex('unix_dgram_bound')}: case ${stateIndex('unix_dgram_connected')}: {
    struct sockaddr_un u = un("d"), v = un("e");
    s = socket(AF_UNIX, SOCK_DGRAM, 0); bind(s, (struct sockaddr *)&u, sizeof(u));
    if (state == ${stateIndex('unix_dgram_connected')}) {
      p = socket(AF_UNIX, SOCK_DGRAM, 0); bind(p, (struct sockaddr *)&v, sizeof(v));
      connect(s, (struct sockaddr *)&v, sizeof(v));
    }
    return s;
  }
  case ${stateIndex('pipe')}: {
    struct sockaddr_un u = un("fifo"); mkfifo(u.sun_path, 0600); return open(u.sun_path, O_RDWR);
  }
  case ${stateIndex('file')}: { struct sockaddr_un u = un("file"); return open(u.sun_path, O_RDWR | O_CREAT, 0600); }
  case ${stateIndex('closed')}: return ${CLOSED_NUMBER};
  }
  return -1;
}

static void *watchdog(void *arg) {
  (void)arg;
  usleep(${BOUND_MS * 1000});
  printf("%s blocked\\n", id); fflush(stdout); _exit(0);
  return NULL;
}

static void run(struct kase *k) {
  id = k->id;
  n = (int)(k - cases);
  int s = build(k->state);
  if (k->nonblock) set_blocking(s, 1);
  usleep(20000);
  pthread_t t; pthread_create(&t, NULL, watchdog, NULL);
  char buf[100]; struct sockaddr_storage ss; socklen_t sl = sizeof(ss);
  ssize_t r = -1; const char *c = k->call;
  errno = 0;
  if (!strcmp(c, "accept")) r = accept(s, NULL, NULL);
  else if (!strcmp(c, "accept4")) r = accept4(s, NULL, NULL, k->flags);
  else if (!strcmp(c, "connect")) r = connect(s, (struct sockaddr *)&target, sizeof(target));
  else if (!strcmp(c, "send")) r = send(s, "hello", 5, k->flags | MSG_NOSIGNAL);
  else if (!strcmp(c, "sendto")) r = sendto(s, "hello", 5, k->flags | MSG_NOSIGNAL, (struct sockaddr *)&udp_peer_addr, sizeof(udp_peer_addr));
  else if (!strcmp(c, "recv")) r = recv(s, buf, 100, k->flags);
  else if (!strcmp(c, "recvfrom")) r = recvfrom(s, buf, 100, k->flags, (struct sockaddr *)&ss, &sl);
  printf("%s %zd %d\\n", id, r, r == -1 ? errno : 0); fflush(stdout); _exit(0);
}

int main(void) {
  int tl = tcp_listener(4096, &target); (void)tl;
  struct sockaddr_in a = lo(); socklen_t al = sizeof(a);
  int up = socket(AF_INET, SOCK_DGRAM, 0);
  bind(up, (struct sockaddr *)&a, sizeof(a)); getsockname(up, (struct sockaddr *)&a, &al); udp_peer_addr = a;
  int n = sizeof(cases) / sizeof(cases[0]), running = 0;
  for (int i = 0; i < n; i++) {
    if (running == 64) { wait(NULL); running--; }
    fflush(stdout);
    if (fork() == 0) run(&cases[i]);
    running++;
  }
  while (running-- > 0) wait(NULL);
  return 0;
}
`;
}

// ---------------------------------------------------------------------------
// TypeScript: the same states with the library's sync twins.

interface Built {
  fd: number;
  open: number[];
}

let target: { fd: number; addr: s.sockaddr_in };
let udpPeer: { fd: number; addr: s.sockaddr_in };
let dir: string;

function closedPort(type: number): number {
  const t = ok(s.socket(s.AF_INET, type, 0), 'socket');
  ok(s.bind(t, loopback4(), s.sizeof(s.sockaddr_in)), 'bind');
  const port = localPort(t);
  s.close(t);
  return port;
}

function localPort(fd: number): number {
  const a = new s.sockaddr_in();
  ok(s.getsockname(fd, a, s.socklen_t(s.sizeof(a))), 'getsockname');
  return s.ntohs(a.sin_port);
}

function setBlocking(fd: number, nonblock: boolean): void {
  const fl = s.fcntl(fd, s.F_GETFL);
  s.fcntl(fd, s.F_SETFL, nonblock ? fl | s.O_NONBLOCK : fl & ~s.O_NONBLOCK);
}

function build(c: Case, suffix: string): Built {
  const open: number[] = [];
  const keep = (fd: number) => (open.push(fd), fd);
  const sock = (domain: number, type: number) => keep(ok(s.socket(domain, type, 0), 'socket'));
  const in4 = s.sizeof(s.sockaddr_in);
  const un = (name: string) => unixAddr(join(dir, `t${c.n}${suffix}-${name}`)); // C used `${n}-…`
  const st = c.state;
  switch (st) {
    case 'tcp_unbound':
      return { fd: sock(s.AF_INET, s.SOCK_STREAM), open };
    case 'tcp_bound': {
      const fd = sock(s.AF_INET, s.SOCK_STREAM);
      ok(s.bind(fd, loopback4(), in4), 'bind');
      return { fd, open };
    }
    case 'tcp_listening':
      return { fd: keep(listenLoopback(s.AF_INET, 8).fd), open };
    case 'tcp_connecting': {
      const l = listenLoopback(s.AF_INET, 0);
      keep(l.fd);
      ok(s.connectSync(sock(s.AF_INET, s.SOCK_STREAM), l.addr, in4), 'connect');
      const fd = sock(s.AF_INET, s.SOCK_STREAM);
      setBlocking(fd, true);
      s.connectSync(fd, l.addr, in4);
      setBlocking(fd, false);
      return { fd, open };
    }
    case 'tcp_connected':
    case 'tcp_connected_data':
    case 'tcp_peer_shut_wr':
    case 'tcp_self_shut_wr':
    case 'tcp_self_shut_rd':
    case 'tcp_reset': {
      const l = listenLoopback(s.AF_INET, 8);
      keep(l.fd);
      const fd = sock(s.AF_INET, s.SOCK_STREAM);
      ok(s.connectSync(fd, l.addr, in4), 'connect');
      const p = keep(ok(s.acceptSync(l.fd, null, null), 'accept'));
      if (st === 'tcp_connected_data') s.sendSync(p, 'hello', 5, 0);
      if (st === 'tcp_peer_shut_wr') s.shutdown(p, s.SHUT_WR);
      if (st === 'tcp_self_shut_wr') s.shutdown(fd, s.SHUT_WR);
      if (st === 'tcp_self_shut_rd') s.shutdown(fd, s.SHUT_RD);
      if (st === 'tcp_reset') {
        const lg = new s.linger();
        lg.l_onoff = 1;
        lg.l_linger = 0;
        s.setsockopt(p, s.SOL_SOCKET, s.SO_LINGER, lg, s.sizeof(lg));
        s.close(open.pop()!);
      }
      return { fd, open };
    }
    case 'tcp_refused': {
      const fd = sock(s.AF_INET, s.SOCK_STREAM);
      setBlocking(fd, true);
      s.connectSync(fd, loopback4(closedPort(s.SOCK_STREAM)), in4);
      return { fd, open }; // made blocking again after the pause (run())
    }
    case 'udp_unbound':
      return { fd: sock(s.AF_INET, s.SOCK_DGRAM), open };
    case 'udp_bound': {
      const fd = sock(s.AF_INET, s.SOCK_DGRAM);
      ok(s.bind(fd, loopback4(), in4), 'bind');
      return { fd, open };
    }
    case 'udp_connected': {
      const fd = sock(s.AF_INET, s.SOCK_DGRAM);
      ok(s.connectSync(fd, udpPeer.addr, in4), 'connect');
      return { fd, open };
    }
    case 'udp_refused': {
      const fd = sock(s.AF_INET, s.SOCK_DGRAM);
      ok(s.connectSync(fd, loopback4(closedPort(s.SOCK_DGRAM)), in4), 'connect');
      s.sendSync(fd, 'x', 1, 0);
      return { fd, open };
    }
    case 'unix_stream_unbound':
      return { fd: sock(s.AF_UNIX, s.SOCK_STREAM), open };
    case 'unix_stream_listening':
    case 'unix_stream_connected':
    case 'unix_stream_full': {
      const u = un('l');
      const l = sock(s.AF_UNIX, s.SOCK_STREAM);
      ok(s.bind(l, u, s.sizeof(u)), 'bind');
      ok(s.listen(l, 8), 'listen');
      if (st === 'unix_stream_listening') return { fd: l, open };
      const fd = sock(s.AF_UNIX, s.SOCK_STREAM);
      ok(s.connectSync(fd, u, s.sizeof(u)), 'connect');
      keep(ok(s.acceptSync(l, null, null), 'accept'));
      if (st === 'unix_stream_full') {
        const chunk = Buffer.alloc(4096);
        while (s.sendSync(fd, chunk, 4096, s.MSG_DONTWAIT) > 0);
        while (s.sendSync(fd, chunk, 1, s.MSG_DONTWAIT) > 0);
      }
      return { fd, open };
    }
    case 'unix_dgram_bound':
    case 'unix_dgram_connected': {
      const u = un('d');
      const v = un('e');
      const fd = sock(s.AF_UNIX, s.SOCK_DGRAM);
      ok(s.bind(fd, u, s.sizeof(u)), 'bind');
      if (st === 'unix_dgram_connected') {
        ok(s.bind(sock(s.AF_UNIX, s.SOCK_DGRAM), v, s.sizeof(v)), 'bind');
        ok(s.connectSync(fd, v, s.sizeof(v)), 'connect');
      }
      return { fd, open };
    }
    case 'pipe': {
      const path = un('fifo').sun_path;
      execFileSync('mkfifo', ['-m', '600', path]);
      return { fd: keep(openSync(path, 'r+')), open };
    }
    case 'file':
      return { fd: keep(openSync(un('file').sun_path, 'w+')), open };
    case 'closed':
      return { fd: CLOSED_NUMBER, open };
  }
}

// The awaited call and its sync twin, with the same arguments.
const TWINS: Record<Call, [(...args: never[]) => Promise<number>, (...args: never[]) => number]> = {
  accept: [s.accept, s.acceptSync],
  accept4: [s.accept4!, s.accept4Sync!],
  connect: [s.connect, s.connectSync],
  send: [s.send, s.sendSync],
  sendto: [s.sendto, s.sendtoSync],
  recv: [s.recv, s.recvSync],
  recvfrom: [s.recvfrom, s.recvfromSync],
};

function callArgs(c: Case, fd: number): unknown[] {
  const flags = FLAG_NAMES[c.flag];
  const in4 = s.sizeof(s.sockaddr_in);
  switch (c.call) {
    case 'accept':
      return [fd, null, null];
    case 'accept4':
      return [fd, null, null, flags];
    case 'connect':
      return [fd, target.addr, in4];
    case 'send':
      return [fd, 'hello', 5, flags | s.MSG_NOSIGNAL];
    case 'sendto':
      return [fd, 'hello', 5, flags | s.MSG_NOSIGNAL, udpPeer.addr, in4];
    case 'recv':
      return [fd, Buffer.alloc(100), 100, flags];
    case 'recvfrom':
      return [fd, Buffer.alloc(100), 100, flags, new s.sockaddr_storage(), s.socklen_t(s.sizeof(s.sockaddr_storage))];
  }
}

const startAsync = (c: Case, fd: number) => (TWINS[c.call][0] as (...a: unknown[]) => Promise<number>)(...callArgs(c, fd));
const callSync = (c: Case, fd: number) => (TWINS[c.call][1] as (...a: unknown[]) => number)(...callArgs(c, fd));

async function prepare(c: Case, suffix: string): Promise<Built> {
  const b = build(c, suffix);
  if (c.state === 'tcp_refused') {
    await sleep(20);
    setBlocking(b.fd, false);
  }
  if (c.nonblock) setBlocking(b.fd, true);
  await sleep(20);
  return b;
}

/** The awaited call: settled within BOUND_MS, or still waiting. */
async function runAsync(c: Case): Promise<Outcome> {
  const b = await prepare(c, '');
  let outcome: Outcome | undefined;
  const call = startAsync(c, b.fd).then((r) => {
    outcome ??= returned(r, s.errno);
  });
  await Promise.race([call, sleep(BOUND_MS)]);
  outcome ??= BLOCKED;
  for (const fd of b.open.reverse()) s.close(fd);
  await call; // closing ends a call still waiting
  return outcome;
}

function runSync(c: Case, b: Built): Outcome {
  const r = callSync(c, b.fd);
  const outcome = returned(r, s.errno);
  for (const fd of b.open.reverse()) s.close(fd);
  return outcome;
}

const cResults = new Map<string, Outcome>();
const tsResults = new Map<string, Outcome>();
const syncResults = new Map<string, Outcome>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'posix-sockets-matrix-'));
  const cOut = withCompiledC(cProgram(dir), (exe) => execFileSync(exe, { encoding: 'utf8', timeout: 60_000 }), ['-pthread', '-Werror=implicit-function-declaration']);
  for (const line of cOut.trim().split('\n')) {
    const [id, ret, err] = line.split(' ');
    cResults.set(id, ret === 'blocked' ? BLOCKED : returned(Number(ret), Number(err)));
  }
  target = listenLoopback(s.AF_INET, 4096) as typeof target;
  const up = ok(s.socket(s.AF_INET, s.SOCK_DGRAM, 0), 'socket');
  ok(s.bind(up, loopback4(), s.sizeof(s.sockaddr_in)), 'bind');
  udpPeer = { fd: up, addr: loopback4(localPort(up)) };
  // Many cases at once, so the blocked ones cost BOUND_MS once per batch.
  for (let i = 0; i < CASES.length; i += 150) {
    const batch = CASES.slice(i, i + 150);
    const outcomes = await Promise.all(batch.map((c) => runAsync(c)));
    batch.forEach((c, j) => tsResults.set(c.id, outcomes[j]));
  }
  // The sync twins where C's call returns: states built many at once, calls one by one.
  const returning = CASES.filter((c) => cResults.get(c.id) !== BLOCKED);
  for (let i = 0; i < returning.length; i += 150) {
    const batch = returning.slice(i, i + 150);
    const built = await Promise.all(batch.map((c) => prepare(c, '-sync')));
    batch.forEach((c, j) => syncResults.set(c.id, runSync(c, built[j])));
  }
  // MATRIX_DUMP=FILE: every case's C, awaited and sync outcome, one line each.
  if (process.env.MATRIX_DUMP) {
    const rows = CASES.map((c) => [c.id, cResults.get(c.id), tsResults.get(c.id), syncResults.get(c.id) ?? '-'].join(' | '));
    (await import('node:fs')).writeFileSync(process.env.MATRIX_DUMP, rows.join('\n'));
  }
}, 120_000);

afterAll(() => {
  s.close(target.fd);
  s.close(udpPeer.fd);
  rmSync(dir, { recursive: true, force: true });
});

describe(`blocking calls × socket states × flags × O_NONBLOCK (${CASES.length} cases) against C`, () => {
  it('c_ran_every_case', () => {
    expect(cResults.size).toBe(CASES.length);
  });
  for (const c of CASES) {
    it(c.id, () => {
      const expected = cResults.get(c.id);
      expect(tsResults.get(c.id), 'awaited').toBe(expected);
      if (expected !== BLOCKED) expect(syncResults.get(c.id), 'sync twin').toBe(expected);
    });
  }
  it('no_call_is_left_in_flight', () => {
    expect(addon.reactorStats().waiting).toBe(0);
    expect(addon.reactorStats().pending).toBe(0);
  });
});
