// Multicast on the loopback interface: join a group, send to it, receive,
// drop, with ip_mreq / ip_mreqn / ipv6_mreq laid out as the headers lay them
// out, each step compared with a C program making the same calls; and every
// IP_* / IPV6_* / MCAST_* option the headers define is exported with C's value.
// All traffic stays on lo (the sender's IP_MULTICAST_IF is 127.0.0.1, TTL 0).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import {
  AF_INET,
  AF_INET6,
  INADDR_ANY,
  INADDR_LOOPBACK,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPV6_JOIN_GROUP,
  IPV6_LEAVE_GROUP,
  IP_ADD_MEMBERSHIP,
  IP_DROP_MEMBERSHIP,
  IP_MULTICAST_IF,
  IP_MULTICAST_LOOP,
  IP_MULTICAST_TTL,
  MSG_DONTWAIT,
  SOCK_DGRAM,
  SOL_SOCKET,
  SO_BROADCAST,
  bind,
  c_int,
  close,
  errno,
  getsockname,
  getsockopt,
  htonl,
  htons,
  in_addr,
  inet_pton,
  ip_mreq,
  ip_mreqn,
  ipv6_mreq,
  recvSync,
  sendtoSync,
  setsockopt,
  sizeof,
  sockaddr_in,
  sockaddr_in6,
  socket,
  socklen_t,
  strerror,
} from '../../src/index.js';
import { C_HEADERS, runC } from '../support/c.js';
import { sleep } from '../support/kernel.js';

const GROUP = '239.255.42.1';
const GROUP2 = '239.255.42.2';
const GROUP6 = 'ff02::4242';
const loIndex = Number(readFileSync('/sys/class/net/lo/ifindex', 'utf8'));

const C_MULTICAST = `${C_HEADERS}
static void line(const char *what, long r) {
  if (r == -1) printf("%s -1 %s\\n", what, strerror(errno)); else printf("%s %ld\\n", what, r);
}
int main(int argc, char **argv) {
  unsigned lo = (unsigned)atoi(argv[1]);
  int r = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a; memset(&a, 0, sizeof a); a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_ANY);
  socklen_t l = sizeof a; bind(r, (struct sockaddr *)&a, sizeof a); getsockname(r, (struct sockaddr *)&a, &l);
  struct ip_mreq m; memset(&m, 0, sizeof m);
  inet_pton(AF_INET, "${GROUP}", &m.imr_multiaddr); m.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
  line("join", setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m));
  line("join twice", setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m));
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct in_addr ifa; ifa.s_addr = htonl(INADDR_LOOPBACK);
  line("IP_MULTICAST_IF", setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &ifa, sizeof ifa));
  unsigned char loop = 1, ttl = 0;
  line("IP_MULTICAST_LOOP", setsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop));
  line("IP_MULTICAST_TTL", setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl));
  struct in_addr got; socklen_t gl = sizeof got; memset(&got, 0, sizeof got);
  line("get IP_MULTICAST_IF", getsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &got, &gl)); printf("  %08x %u\\n", (unsigned)ntohl(got.s_addr), (unsigned)gl);
  struct sockaddr_in g = a; inet_pton(AF_INET, "${GROUP}", &g.sin_addr);
  line("sendto group", sendto(s, "to the group", 12, 0, (struct sockaddr *)&g, sizeof g));
  usleep(50000);
  char b[32]; long n = recv(r, b, sizeof b, MSG_DONTWAIT); line("recv", n); if (n > 0) printf("  %.*s\\n", (int)n, b);
  line("drop", setsockopt(r, IPPROTO_IP, IP_DROP_MEMBERSHIP, &m, sizeof m));
  line("drop again", setsockopt(r, IPPROTO_IP, IP_DROP_MEMBERSHIP, &m, sizeof m));
  line("sendto after drop", sendto(s, "nobody", 6, 0, (struct sockaddr *)&g, sizeof g));
  usleep(50000);
  line("recv after drop", recv(r, b, sizeof b, MSG_DONTWAIT));
  line("join short", setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m - 1));
  struct ip_mreq bad = m; inet_pton(AF_INET, "10.0.0.1", &bad.imr_multiaddr);
  line("join unicast", setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &bad, sizeof bad));
#ifdef __linux__
  struct ip_mreqn mn; memset(&mn, 0, sizeof mn);
  inet_pton(AF_INET, "${GROUP2}", &mn.imr_multiaddr); mn.imr_ifindex = (int)lo;
  line("join by index", setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mn, sizeof mn));
  g.sin_addr = mn.imr_multiaddr;
  line("sendto group2", sendto(s, "by index", 8, 0, (struct sockaddr *)&g, sizeof g));
  usleep(50000);
  n = recv(r, b, sizeof b, MSG_DONTWAIT); line("recv", n); if (n > 0) printf("  %.*s\\n", (int)n, b);
  line("drop by index", setsockopt(r, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mn, sizeof mn));
#endif
  int r6 = socket(AF_INET6, SOCK_DGRAM, 0);
  struct ipv6_mreq m6; memset(&m6, 0, sizeof m6);
  inet_pton(AF_INET6, "${GROUP6}", &m6.ipv6mr_multiaddr); m6.ipv6mr_interface = lo;
  line("IPV6_JOIN_GROUP", setsockopt(r6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m6, sizeof m6));
  line("IPV6_LEAVE_GROUP", setsockopt(r6, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &m6, sizeof m6));
  line("IPV6_LEAVE_GROUP again", setsockopt(r6, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &m6, sizeof m6));
  struct sockaddr_in bc = a; inet_pton(AF_INET, "127.255.255.255", &bc.sin_addr);
  line("sendto broadcast", sendto(s, "b", 1, 0, (struct sockaddr *)&bc, sizeof bc));
  int one = 1;
  line("SO_BROADCAST", setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof one));
  line("sendto broadcast", sendto(s, "b", 1, 0, (struct sockaddr *)&bc, sizeof bc));
  return 0;
}
`;

/** The JS side after the first send: the same calls as the C program, in its order. */
async function jsMulticastRest(lines: string[], r: number, s: number, m: ip_mreq, g: sockaddr_in, a: sockaddr_in): Promise<void> {
  const line = (what: string, ret: number) => lines.push(ret === -1 ? `${what} -1 ${strerror(errno)}` : `${what} ${ret}`);
  const recvLine = (what: string) => {
    const b = new Uint8Array(32);
    const n = recvSync(r, b, 32, MSG_DONTWAIT);
    line(what, n);
    if (n > 0) lines.push(`  ${Buffer.from(b.subarray(0, n)).toString()}`);
  };
  await sleep(50);
  recvLine('recv');
  line('drop', setsockopt(r, IPPROTO_IP, IP_DROP_MEMBERSHIP!, m, sizeof(m)));
  line('drop again', setsockopt(r, IPPROTO_IP, IP_DROP_MEMBERSHIP!, m, sizeof(m)));
  line('sendto after drop', sendtoSync(s, 'nobody', 6, 0, g, sizeof(g)));
  await sleep(50);
  recvLine('recv after drop');
  line('join short', setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP!, m, sizeof(m) - 1));
  const bad = new ip_mreq(new Uint8Array(m.bytes));
  inet_pton(AF_INET, '10.0.0.1', bad.imr_multiaddr);
  line('join unicast', setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP!, bad, sizeof(bad)));
  if (process.platform === 'linux') {
    const mn = new ip_mreqn();
    inet_pton(AF_INET, GROUP2, mn.imr_multiaddr);
    mn.imr_ifindex = loIndex;
    line('join by index', setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP!, mn, sizeof(mn)));
    g.sin_addr = mn.imr_multiaddr;
    line('sendto group2', sendtoSync(s, 'by index', 8, 0, g, sizeof(g)));
    await sleep(50);
    recvLine('recv');
    line('drop by index', setsockopt(r, IPPROTO_IP, IP_DROP_MEMBERSHIP!, mn, sizeof(mn)));
  }
  const r6 = socket(AF_INET6, SOCK_DGRAM, 0);
  const m6 = new ipv6_mreq();
  inet_pton(AF_INET6, GROUP6, m6.ipv6mr_multiaddr);
  m6.ipv6mr_interface = loIndex;
  line('IPV6_JOIN_GROUP', setsockopt(r6, IPPROTO_IPV6, IPV6_JOIN_GROUP, m6, sizeof(m6)));
  line('IPV6_LEAVE_GROUP', setsockopt(r6, IPPROTO_IPV6, IPV6_LEAVE_GROUP, m6, sizeof(m6)));
  line('IPV6_LEAVE_GROUP again', setsockopt(r6, IPPROTO_IPV6, IPV6_LEAVE_GROUP, m6, sizeof(m6)));
  const bc = new sockaddr_in(new Uint8Array(a.bytes));
  inet_pton(AF_INET, '127.255.255.255', bc.sin_addr);
  line('sendto broadcast', sendtoSync(s, 'b', 1, 0, bc, sizeof(bc)));
  line('SO_BROADCAST', setsockopt(s, SOL_SOCKET, SO_BROADCAST, new c_int(1), sizeof(c_int)));
  line('sendto broadcast', sendtoSync(s, 'b', 1, 0, bc, sizeof(bc)));
  for (const fd of [r, s, r6]) close(fd);
}

describe('multicast on lo', () => {
  it('join_send_receive_drop_equal_c', async () => {
    const c = runC(C_MULTICAST, [String(loIndex)]);
    expect(c).toContain('recv 12\n  to the group\n');
    expect(c).toContain('recv after drop -1 ');
    // The JS side: the same calls, in two halves around the waits.
    const lines: string[] = [];
    const line = (what: string, ret: number) => lines.push(ret === -1 ? `${what} -1 ${strerror(errno)}` : `${what} ${ret}`);
    const r = socket(AF_INET, SOCK_DGRAM, 0);
    const a = new sockaddr_in();
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    bind(r, a, sizeof(a));
    getsockname(r, a, socklen_t(sizeof(a)));
    const m = new ip_mreq();
    inet_pton(AF_INET, GROUP, m.imr_multiaddr);
    m.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
    line('join', setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP!, m, sizeof(m)));
    line('join twice', setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP!, m, sizeof(m)));
    const s = socket(AF_INET, SOCK_DGRAM, 0);
    const ifa = new in_addr();
    ifa.s_addr = htonl(INADDR_LOOPBACK);
    line('IP_MULTICAST_IF', setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF!, ifa, sizeof(ifa)));
    line('IP_MULTICAST_LOOP', setsockopt(s, IPPROTO_IP, IP_MULTICAST_LOOP!, new Uint8Array([1]), 1));
    line('IP_MULTICAST_TTL', setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL!, new Uint8Array([0]), 1));
    const got = new in_addr();
    const gl = socklen_t(sizeof(got));
    line('get IP_MULTICAST_IF', getsockopt(s, IPPROTO_IP, IP_MULTICAST_IF!, got, gl));
    lines.push(`  ${lib.ntohl(got.s_addr).toString(16).padStart(8, '0')} ${gl.value}`);
    const g = new sockaddr_in(new Uint8Array(a.bytes));
    inet_pton(AF_INET, GROUP, g.sin_addr);
    line('sendto group', sendtoSync(s, 'to the group', 12, 0, g, sizeof(g)));
    await jsMulticastRest(lines, r, s, m, g, a);
    expect(lines.join('\n') + '\n').toBe(c);
  });

  it('mreq_structs_lay_out_their_addresses_where_c_does', () => {
    const c = runC(`${C_HEADERS}\nint main(void) {
  struct ip_mreq m; memset(&m, 0, sizeof m); inet_pton(AF_INET, "${GROUP}", &m.imr_multiaddr); m.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
  struct ipv6_mreq m6; memset(&m6, 0, sizeof m6); inet_pton(AF_INET6, "${GROUP6}", &m6.ipv6mr_multiaddr); m6.ipv6mr_interface = 7;
  for (unsigned i = 0; i < sizeof m; i++) printf("%02x", ((unsigned char *)&m)[i]); printf("\\n");
  for (unsigned i = 0; i < sizeof m6; i++) printf("%02x", ((unsigned char *)&m6)[i]); printf("\\n");
  return 0;
}\n`);
    const m = new ip_mreq();
    inet_pton(AF_INET, GROUP, m.imr_multiaddr);
    m.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
    const m6 = new ipv6_mreq();
    inet_pton(AF_INET6, GROUP6, m6.ipv6mr_multiaddr);
    m6.ipv6mr_interface = 7;
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    expect(`${hex(m.bytes)}\n${hex(m6.bytes)}\n`).toBe(c);
    expect(() => (m.imr_multiaddr = new sockaddr_in6() as unknown as in_addr)).toThrow(/ip_mreq.imr_multiaddr must be assigned a in_addr/);
  });

  it('every_ip_ipv6_and_mcast_option_the_headers_define_is_exported_with_cs_value', () => {
    // The preprocessor's own list of the macros netinet/in.h defines.
    const macros = execFileSync('cc', ['-dM', '-E', '-x', 'c', '-'], { input: `${C_HEADERS}\n`, encoding: 'utf8' })
      .split('\n')
      .map((l) => /^#define ((?:IP|IPV6|MCAST)_[A-Z0-9_]+) /.exec(l)?.[1])
      .filter((n): n is string => n !== undefined && !n.endsWith('_INIT') && n !== 'IP_MSFILTER_SIZE');
    expect(macros.length).toBeGreaterThan(100);
    expect(macros).toContain('IP_ADD_MEMBERSHIP');
    const c = runC(`${C_HEADERS}\nint main(void) {\n${macros.map((n) => `  printf("${n} %lld\\n", (long long)(${n}));`).join('\n')}\n  return 0;\n}\n`);
    const missing: string[] = [];
    for (const l of c.trim().split('\n')) {
      const [name, value] = l.split(' ');
      if (lib.constants[name] !== Number(value)) missing.push(`${name}: ${lib.constants[name]} (C: ${value})`);
    }
    expect(missing).toEqual([]);
  });
});

