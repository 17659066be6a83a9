// Under strace, a TypeScript program making the rest of the socket API's calls
// makes exactly the C program's syscalls: socketpair, sendmsg/recvmsg with an
// SCM_RIGHTS message over iovecs, read/write and readv/writev on its sockets, the multicast setsockopts with
// their ip_mreq, and getaddrinfo's own calls (netlink, the nscd probe), line
// for line once descriptors and kernel-chosen numbers are named alike.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { C_HEADERS } from '../support/c.js';
import { distEntry } from '../support/child.js';
import { tempDir } from '../support/sockets.js';
import { parseCalls } from '../../tools/compare.js';

const CALLS = 'socket,socketpair,bind,connect,getsockname,sendto,recvfrom,sendmsg,recvmsg,setsockopt,read,write,readv,writev,close';

const C_PROGRAM = `${C_HEADERS}
int main(void) {
  int sv[2], dg[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  socketpair(AF_UNIX, SOCK_DGRAM, 0, dg);
  char a[] = "hello", b[] = ", world";
  struct iovec out[2] = { { a, 5 }, { b, 7 } };
  union { struct cmsghdr h; unsigned char c[CMSG_SPACE(sizeof(int))]; } u;
  memset(&u, 0, sizeof u);
  struct msghdr m; memset(&m, 0, sizeof m);
  m.msg_iov = out; m.msg_iovlen = 2; m.msg_control = u.c; m.msg_controllen = sizeof u.c;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &sv[0], sizeof(int));
  sendmsg(dg[0], &m, 0);
  char in[16]; struct iovec iin = { in, sizeof in };
  union { struct cmsghdr h; unsigned char c[CMSG_SPACE(sizeof(int))]; } r;
  struct msghdr rm; memset(&rm, 0, sizeof rm);
  rm.msg_iov = &iin; rm.msg_iovlen = 1; rm.msg_control = r.c; rm.msg_controllen = sizeof r.c;
  recvmsg(dg[1], &rm, MSG_CMSG_CLOEXEC);
  int got; memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&rm)), sizeof got);
  writev(got, out, 2);
  char x[3], y[9]; struct iovec vin[2] = { { x, sizeof x }, { y, sizeof y } };
  readv(sv[1], vin, 2);
  write(sv[1], "back", 4);
  char z[8]; read(sv[0], z, sizeof z);
  close(got);
  int u4 = socket(AF_INET, SOCK_DGRAM, 0);
  struct ip_mreq mr; memset(&mr, 0, sizeof mr);
  inet_pton(AF_INET, "239.255.42.7", &mr.imr_multiaddr); mr.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
  setsockopt(u4, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof mr);
  setsockopt(u4, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mr, sizeof mr);
  close(u4);
  struct addrinfo *res;
  if (getaddrinfo("127.0.0.1", "80", NULL, &res) == 0) freeaddrinfo(res);
  close(sv[0]); close(sv[1]); close(dg[0]); close(dg[1]);
  return 0;
}
`;

/** The same calls in TypeScript; `awaited` uses the Promise forms where there are any. */
function tsProgram(awaited: boolean): string {
  const w = (call: string) => (awaited ? `await s.${call}` : `s.${call.replace('(', 'Sync(')}`);
  return `import * as s from ${JSON.stringify(distEntry())};
const sv = new Int32Array(2), dg = new Int32Array(2);
s.socketpair(s.AF_UNIX, s.SOCK_STREAM, 0, sv);
s.socketpair(s.AF_UNIX, s.SOCK_DGRAM, 0, dg);
const out = [new s.iovec(Buffer.from('hello')), new s.iovec(Buffer.from(', world'))];
const m = new s.msghdr();
m.msg_iov = out; m.msg_iovlen = 2; m.msg_control = new Uint8Array(s.CMSG_SPACE(4)); m.msg_controllen = m.msg_control.byteLength;
const c = s.CMSG_FIRSTHDR(m);
c.cmsg_level = s.SOL_SOCKET; c.cmsg_type = s.SCM_RIGHTS; c.cmsg_len = s.CMSG_LEN(4);
const d = s.CMSG_DATA(c); new Int32Array(d.buffer, d.byteOffset, 1)[0] = sv[0];
${w('sendmsg(dg[0], m, 0)')};
const rm = new s.msghdr();
rm.msg_iov = [new s.iovec(new Uint8Array(16))]; rm.msg_iovlen = 1; rm.msg_control = new Uint8Array(s.CMSG_SPACE(4)); rm.msg_controllen = rm.msg_control.byteLength;
${w('recvmsg(dg[1], rm, s.MSG_CMSG_CLOEXEC)')};
const rd = s.CMSG_DATA(s.CMSG_FIRSTHDR(rm)); const got = new Int32Array(rd.buffer, rd.byteOffset, 1)[0];
${w('writev(got, out, 2)')};
${w('readv(sv[1], [new s.iovec(new Uint8Array(3)), new s.iovec(new Uint8Array(9))], 2)')};
${w("write(sv[1], 'back', 4)")};
${w('read(sv[0], new Uint8Array(8), 8)')};
s.close(got);
const u4 = s.socket(s.AF_INET, s.SOCK_DGRAM, 0);
const mr = new s.ip_mreq();
s.inet_pton(s.AF_INET, '239.255.42.7', mr.imr_multiaddr); mr.imr_interface.s_addr = s.htonl(s.INADDR_LOOPBACK);
s.setsockopt(u4, s.IPPROTO_IP, s.IP_ADD_MEMBERSHIP, mr, s.sizeof(mr));
s.setsockopt(u4, s.IPPROTO_IP, s.IP_DROP_MEMBERSHIP, mr, s.sizeof(mr));
s.close(u4);
${w("getaddrinfo('127.0.0.1', '80', null, { value: null })")};
s.close(sv[0]); s.close(sv[1]); s.close(dg[0]); s.close(dg[1]);
`;
}

/**
 * strace's lines for the program's own sockets, with descriptors named in
 * the order they are made (FD1, FD2…, whatever number the kernel gave: the
 * reactor's own poller may hold a number C's program reuses) and the numbers
 * the kernel picks for netlink named N.
 */
function normalise(trace: string): string[] {
  const fds = new Map<string, string>();
  let made = 0;
  const fresh = (fd: string) => {
    const n = `FD${++made}`;
    fds.set(fd, n);
    return n;
  };
  const out: string[] = [];
  // A call another thread interrupted (a pool thread's) is joined as strace prints it whole.
  for (let { text: line } of parseCalls(trace)) {
    const pair = /^socketpair\((.*), \[(\d+), (\d+)\]\) = 0$/.exec(line);
    if (pair) {
      out.push(`socketpair(${pair[1]}, [${fresh(pair[2])}, ${fresh(pair[3])}]) = 0`);
      continue;
    }
    const m = /^(\w+)\((\d+)(.*)\) += (-?\d+)(.*)$/.exec(line) ?? /^(socket)\(()(.*)\) += (-?\d+)(.*)$/.exec(line);
    if (!m) continue;
    const [, call, fd, rest, ret, tail] = m;
    if (call !== 'socket' && !fds.has(fd)) continue; // not one of the program's sockets
    const self = call === 'socket' ? '' : fds.get(fd)!;
    // A descriptor passed in SCM_RIGHTS: one of ours when sent, a new one when received.
    const args = rest.replace(/cmsg_data=\[(\d+)\]/g, (_, n: string) => `cmsg_data=[${call === 'recvmsg' ? fresh(n) : (fds.get(n) ?? '?')}]`);
    const result = call === 'socket' && Number(ret) >= 0 ? fresh(ret) : ret;
    if (call === 'close' && ret === '0') fds.delete(fd);
    line = `${call}(${self}${args}) = ${result}${tail}`;
    out.push(line.replace(/(nl_pid|nlmsg_seq|nlmsg_pid|cstamp|tstamp)=\d+/g, '$1=N'));
  }
  return out;
}

function straceOf(cmd: string[]): string[] {
  const dir = tempDir();
  const trace = join(dir, 'trace');
  execFileSync('strace', ['-f', '-qq', '-e', `trace=${CALLS}`, '-e', 'signal=none', '-o', trace, ...cmd], { stdio: 'ignore', timeout: 20_000 });
  return normalise(readFileSync(trace, 'utf8'));
}

describe('the rest of the socket API under strace', () => {
  it('sync_twins_make_the_c_programs_syscalls_line_for_line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.c'), C_PROGRAM);
    execFileSync('cc', ['-o', join(dir, 'p'), join(dir, 'p.c')]);
    const c = straceOf([join(dir, 'p')]);
    expect(c.join('\n')).toMatch(/sendmsg\(FD3, \{msg_name=NULL, msg_namelen=0, msg_iov=\[\{iov_base="hello", iov_len=5\}, \{iov_base=", world", iov_len=7\}\], msg_iovlen=2, msg_control=\[\{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=\[FD1\]\}\]/);
    expect(c.join('\n')).toContain('imr_multiaddr=inet_addr("239.255.42.7")');
    expect(c.join('\n')).toContain('RTM_GETADDR');
    expect(c).toContain('write(FD2, "back", 4) = 4');
    expect(c).toContain('read(FD1, "back", 8) = 4');
    writeFileSync(join(dir, 'p.mjs'), tsProgram(false));
    expect(straceOf([process.execPath, join(dir, 'p.mjs')])).toEqual(c);
  });

  it('posix_sockets_trace_prints_socketpair_read_write_readv_as_strace_does', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.c'), C_PROGRAM);
    execFileSync('cc', ['-o', join(dir, 'p'), join(dir, 'p.c')]);
    const traced = ['socketpair', 'read', 'write', 'readv'];
    const pick = (lines: string[]) => lines.filter((l) => traced.includes(l.slice(0, l.indexOf('('))));
    const c = pick(straceOf([join(dir, 'p')]));
    expect(c.length).toBe(5);
    for (const awaited of [false, true]) {
      writeFileSync(join(dir, 'p.mjs'), tsProgram(awaited));
      const r = spawnSync(process.execPath, [join(dir, 'p.mjs')], { encoding: 'utf8', env: { ...process.env, POSIX_SOCKETS_TRACE: '1' } });
      expect(pick(normalise(r.stderr)), awaited ? 'awaited' : 'sync').toEqual(c);
    }
  });

  it('awaited_forms_make_the_same_syscalls', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.c'), C_PROGRAM);
    execFileSync('cc', ['-o', join(dir, 'p'), join(dir, 'p.c')]);
    const c = straceOf([join(dir, 'p')]);
    writeFileSync(join(dir, 'p.mjs'), tsProgram(true));
    expect(straceOf([process.execPath, join(dir, 'p.mjs')])).toEqual(c);
  });
});
