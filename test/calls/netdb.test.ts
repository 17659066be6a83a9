// Names and addresses by the C library: getaddrinfo, getnameinfo,
// gethostbyname, gethostbyaddr, their error texts, and the inet(3) parsers,
// each compared with a C program compiled here (same list, same order, same
// codes). Only numeric hosts and the names /etc/hosts holds are resolved, and
// a test proves with strace that no resolution here sends a DNS query.
import { execFileSync } from 'node:child_process';
import { pbkdf2 } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  AI_CANONNAME,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_PASSIVE,
  AI_V4MAPPED,
  EAI_OVERFLOW,
  INADDR_LOOPBACK,
  NI_MAXHOST,
  NI_MAXSERV,
  NI_NAMEREQD,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  SOCK_DGRAM,
  SOCK_STREAM,
  addrinfo,
  gai_strerror,
  getaddrinfo,
  getaddrinfoSync,
  gethostbyaddr,
  gethostbyaddrSync,
  gethostbyname,
  gethostbynameSync,
  getnameinfo,
  getnameinfoSync,
  hostent,
  hstrerror,
  htonl,
  htons,
  in_addr,
  inet_addr,
  inet_aton,
  inet_network,
  inet_ntoa,
  inet_ntop,
  inet_pton,
  ntohs,
  sockaddr_in,
  sockaddr_in6,
  strerror,
  type addrinfo_ptr,
  type char_buf,
} from '../../src/index.js';
import { addon } from '../../src/addon.js';
import { C_HEADERS, runC } from '../support/c.js';
import { tempDir } from '../support/sockets.js';

// /etc/hosts must map localhost, or resolving it would ask DNS.
const hosts = readFileSync('/etc/hosts', 'utf8');
if (!/^\s*127\.0\.0\.1\s+(\S+\s+)*localhost(\s|$)/m.test(hosts)) throw new Error('/etc/hosts has no 127.0.0.1 localhost line');

interface Case {
  node: string | null;
  service: string | null;
  hints: { flags: number; family: number; socktype: number; protocol: number } | null;
}
const h = (flags: number, family = AF_UNSPEC, socktype = 0, protocol = 0) => ({ flags, family, socktype, protocol });

const CASES: Case[] = [
  { node: '127.0.0.1', service: '80', hints: null },
  { node: '::1', service: 'http', hints: h(AI_NUMERICHOST) },
  { node: null, service: '8080', hints: h(AI_PASSIVE, AF_INET6, SOCK_STREAM) },
  { node: null, service: '0', hints: h(AI_PASSIVE) },
  { node: 'localhost', service: 'echo', hints: h(AI_CANONNAME, AF_INET) },
  { node: 'localhost', service: '7', hints: h(0, AF_INET, SOCK_DGRAM) },
  { node: '10.1', service: null, hints: h(AI_NUMERICHOST) },
  { node: '0x7f.1', service: '1', hints: h(AI_NUMERICHOST, AF_INET) },
  { node: 'not-a-number', service: '80', hints: h(AI_NUMERICHOST) },
  { node: '127.0.0.1', service: 'no-such-service', hints: h(AI_NUMERICHOST) },
  { node: '127.0.0.1', service: 'http', hints: h(AI_NUMERICHOST | AI_NUMERICSERV) },
  { node: '127.0.0.1', service: '80', hints: h(AI_NUMERICHOST, 12345) },
  { node: '127.0.0.1', service: '80', hints: h(0x4000_0000) },
  { node: '127.0.0.1', service: '80', hints: h(AI_NUMERICHOST, AF_UNSPEC, 12345) },
  { node: null, service: null, hints: null },
  { node: '1.2.3.4', service: '9', hints: h(AI_NUMERICHOST | AI_V4MAPPED, AF_INET6) },
  { node: 'fe80::1%1', service: '22', hints: h(AI_NUMERICHOST, AF_INET6, SOCK_STREAM) },
  { node: '::ffff:10.0.0.1', service: '65535', hints: h(AI_NUMERICHOST) },
  { node: '127.0.0.1', service: '65536', hints: h(AI_NUMERICHOST) },
];

/** C's getaddrinfo on each case: `ret text` then one line per entry, in list order. */
function cGai(cases: Case[]): string {
  const body = cases
    .map((c, k) => {
      const hints = c.hints
        ? `struct addrinfo hints; memset(&hints, 0, sizeof hints); hints.ai_flags = ${c.hints.flags}; hints.ai_family = ${c.hints.family}; hints.ai_socktype = ${c.hints.socktype}; hints.ai_protocol = ${c.hints.protocol};`
        : '';
      const arg = (s: string | null) => (s === null ? 'NULL' : JSON.stringify(s));
      return `  { ${hints} struct addrinfo *res = NULL;
    int r = getaddrinfo(${arg(c.node)}, ${arg(c.service)}, ${c.hints ? '&hints' : 'NULL'}, &res);
    printf("case ${k}: %d %s\\n", r, r ? gai_strerror(r) : "ok");
    for (struct addrinfo *p = r ? NULL : res; p; p = p->ai_next) entry(p);
    if (!r) freeaddrinfo(res); }`;
    })
    .join('\n');
  return runC(`${C_HEADERS}
static void entry(const struct addrinfo *p) {
  char t[INET6_ADDRSTRLEN] = "?"; int port = -1; unsigned scope = 0;
  if (p->ai_family == AF_INET) { const struct sockaddr_in *a = (const void *)p->ai_addr; inet_ntop(AF_INET, &a->sin_addr, t, sizeof t); port = ntohs(a->sin_port); }
  if (p->ai_family == AF_INET6) { const struct sockaddr_in6 *a = (const void *)p->ai_addr; inet_ntop(AF_INET6, &a->sin6_addr, t, sizeof t); port = ntohs(a->sin6_port); scope = a->sin6_scope_id; }
  printf("  %d %d %d %d %u %s %d %u %s\\n", p->ai_flags, p->ai_family, p->ai_socktype, p->ai_protocol, (unsigned)p->ai_addrlen, t, port, scope, p->ai_canonname ? p->ai_canonname : "-");
}
int main(void) {
${body}
  return 0;
}
`);
}

function hintsOf(c: Case): addrinfo | null {
  if (c.hints === null) return null;
  const hints = new addrinfo();
  hints.ai_flags = c.hints.flags;
  hints.ai_family = c.hints.family;
  hints.ai_socktype = c.hints.socktype;
  hints.ai_protocol = c.hints.protocol;
  return hints;
}

function printList(k: number, r: number, res: addrinfo_ptr): string {
  const lines = [`case ${k}: ${r} ${r ? gai_strerror(r) : 'ok'}`];
  for (let p = r ? null : res.value; p !== null; p = p.ai_next) {
    let t = '?';
    let port = -1;
    let scope = 0;
    if (p.ai_addr instanceof sockaddr_in) {
      t = inet_ntop(AF_INET, p.ai_addr.sin_addr)!;
      port = ntohs(p.ai_addr.sin_port);
    }
    if (p.ai_addr instanceof sockaddr_in6) {
      t = inet_ntop(AF_INET6, p.ai_addr.sin6_addr)!;
      port = ntohs(p.ai_addr.sin6_port);
      scope = p.ai_addr.sin6_scope_id;
    }
    lines.push(`  ${p.ai_flags} ${p.ai_family} ${p.ai_socktype} ${p.ai_protocol} ${p.ai_addrlen} ${t} ${port} ${scope} ${p.ai_canonname ?? '-'}`);
  }
  return lines.join('\n');
}

describe('getaddrinfo', () => {
  it('lists_what_c_lists_in_the_same_order', async () => {
    const c = cGai(CASES);
    expect(c).toContain('case 0: 0 ok\n  '); // a list, not only codes
    expect(c).toMatch(/case 4: 0 ok\n {2}\S+ 2 1 6 16 127\.0\.0\.1 7 0 localhost/);
    const sync: string[] = [];
    const awaited: string[] = [];
    for (const [k, cs] of CASES.entries()) {
      const res: addrinfo_ptr = { value: null };
      sync.push(printList(k, getaddrinfoSync(cs.node, cs.service, hintsOf(cs), res), res));
      const res2: addrinfo_ptr = { value: null };
      awaited.push(printList(k, await getaddrinfo(cs.node, cs.service, hintsOf(cs), res2), res2));
      lib.freeaddrinfo(res.value);
    }
    expect(sync.join('\n') + '\n').toBe(c);
    expect(awaited.join('\n') + '\n').toBe(c);
  });

  it('ai_addr_is_the_sockaddr_view_its_family_says_and_connects', () => {
    const hints = new addrinfo();
    hints.ai_family = AF_INET6;
    hints.ai_flags = AI_NUMERICHOST;
    const res: addrinfo_ptr = { value: null };
    expect(getaddrinfoSync('::1', '443', hints, res)).toBe(0);
    const ai = res.value!;
    expect(ai.ai_addr).toBeInstanceOf(sockaddr_in6);
    expect(lib.sizeof(ai.ai_addr!)).toBe(ai.ai_addrlen);
    expect(ntohs((ai.ai_addr as sockaddr_in6).sin6_port)).toBe(443);
  });

  it('gai_strerror_is_libcs_text_for_every_code', () => {
    const codes = [...Object.entries(lib.constants).filter(([k]) => k.startsWith('EAI_')).map(([, v]) => v), 0, 1, -12345, 2 ** 31 - 1];
    const c = runC(`${C_HEADERS}\nint main(void) {\n  int codes[] = { ${codes.join(', ')} };\n  for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) printf("%d %s\\n", codes[i], gai_strerror(codes[i]));\n  return 0;\n}\n`);
    expect(codes.map((n) => `${n} ${gai_strerror(n)}`).join('\n') + '\n').toBe(c);
    expect(codes.length).toBeGreaterThan(15);
  });

  it('awaited_resolution_runs_on_the_librarys_threads_not_libuvs', async () => {
    // Every libuv threadpool thread busy with a long job: dns.lookup would
    // wait for one; this getaddrinfo does not, and completes first.
    const size = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const done: string[] = [];
    const jobs = Array.from(
      { length: size },
      () => new Promise<void>((resolve) => pbkdf2('x', 'y', 400_000, 32, 'sha512', () => (done.push('pbkdf2'), resolve()))),
    );
    const res: addrinfo_ptr = { value: null };
    const r = await getaddrinfo('127.0.0.1', '80', null, res);
    done.push('getaddrinfo');
    await Promise.all(jobs);
    expect(r).toBe(0);
    expect(done[0]).toBe('getaddrinfo');
    expect(addon.reactorStats().poolThreads).toBeGreaterThan(0);
  });
});

describe('getnameinfo', () => {
  it('names_an_address_as_c_names_it', async () => {
    const cases: Array<[string, number, number, number, number]> = [
      // address, port, hostlen, servlen, flags
      ['127.0.0.1', 80, NI_MAXHOST, NI_MAXSERV, NI_NUMERICHOST | NI_NUMERICSERV],
      ['127.0.0.1', 80, NI_MAXHOST, NI_MAXSERV, NI_NUMERICHOST],
      ['127.0.0.1', 7, NI_MAXHOST, NI_MAXSERV, NI_NUMERICHOST | lib.NI_DGRAM],
      ['127.0.0.1', 80, NI_MAXHOST, NI_MAXSERV, 0], // /etc/hosts: localhost
      ['127.0.0.1', 80, NI_MAXHOST, NI_MAXSERV, NI_NAMEREQD],
      ['127.0.0.1', 80, 4, NI_MAXSERV, NI_NUMERICHOST], // EAI_OVERFLOW
      ['127.0.0.1', 80, NI_MAXHOST, 2, NI_NUMERICHOST], // EAI_OVERFLOW
      ['127.0.0.1', 80, 0, NI_MAXSERV, NI_NUMERICHOST], // no host wanted
      ['::1', 22, NI_MAXHOST, NI_MAXSERV, NI_NUMERICHOST | NI_NUMERICSERV],
      ['fe80::1', 22, NI_MAXHOST, NI_MAXSERV, NI_NUMERICHOST | NI_NUMERICSERV],
    ];
    const cLines = cases
      .map(([addr, port, hl, sl, flags], k) => {
        const v6 = addr.includes(':');
        const sa = v6
          ? `struct sockaddr_in6 a; memset(&a, 0, sizeof a); a.sin6_family = AF_INET6; a.sin6_port = htons(${port}); inet_pton(AF_INET6, "${addr}", &a.sin6_addr); a.sin6_scope_id = ${addr.startsWith('fe80') ? 1 : 0};`
          : `struct sockaddr_in a; memset(&a, 0, sizeof a); a.sin_family = AF_INET; a.sin_port = htons(${port}); inet_pton(AF_INET, "${addr}", &a.sin_addr);`;
        return `  { ${sa} char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "";
    int r = getnameinfo((struct sockaddr *)&a, sizeof a, ${hl} ? host : NULL, ${hl}, serv, ${sl}, ${flags});
    printf("case ${k}: %d %s [%s] [%s]\\n", r, r ? gai_strerror(r) : "ok", r ? "" : host, r ? "" : serv); }`;
      })
      .join('\n');
    const c = runC(`${C_HEADERS}\nint main(void) {\n${cLines}\n  return 0;\n}\n`);
    expect(c).toContain('case 3: 0 ok [localhost] [http]');
    expect(c).toContain(`case 5: ${EAI_OVERFLOW} `);
    for (const awaited of [false, true]) {
      const lines: string[] = [];
      for (const [k, [addr, port, hl, sl, flags]] of cases.entries()) {
        let a: sockaddr_in | sockaddr_in6;
        if (addr.includes(':')) {
          a = new sockaddr_in6();
          a.sin6_family = AF_INET6;
          a.sin6_port = htons(port);
          inet_pton(AF_INET6, addr, a.sin6_addr);
          a.sin6_scope_id = addr.startsWith('fe80') ? 1 : 0;
        } else {
          a = new sockaddr_in();
          a.sin_family = AF_INET;
          a.sin_port = htons(port);
          inet_pton(AF_INET, addr, a.sin_addr);
        }
        const host: char_buf = { value: '' };
        const serv: char_buf = { value: '' };
        const call = awaited ? getnameinfo : getnameinfoSync;
        const r = await call(a, lib.sizeof(a), hl ? host : null, hl, serv, sl, flags);
        lines.push(`case ${k}: ${r} ${r ? gai_strerror(r) : 'ok'} [${r ? '' : host.value}] [${r ? '' : serv.value}]`);
      }
      expect(lines.join('\n') + '\n', awaited ? 'getnameinfo' : 'getnameinfoSync').toBe(c);
    }
  });
});

describe('gethostbyname and gethostbyaddr', () => {
  const show = (he: hostent | null, herr: number) =>
    he === null
      ? `null ${herr} ${hstrerror(herr)} errno ${strerror(lib.errno)}`
      : `${he.h_name} [${he.h_aliases.join(',')}] ${he.h_addrtype} ${he.h_length} ${he.h_addr_list.map((a) => inet_ntoa(a)).join(',')}`;
  const C_SHOW = `static void show(const struct hostent *he) {
  if (!he) { printf("null %d %s errno %s\\n", h_errno, hstrerror(h_errno), strerror(errno)); return; }
  printf("%s [", he->h_name);
  for (char **p = he->h_aliases; *p; p++) printf("%s%s", p == he->h_aliases ? "" : ",", *p);
  printf("] %d %d ", he->h_addrtype, he->h_length);
  for (char **p = he->h_addr_list; *p; p++) { struct in_addr a; memcpy(&a, *p, 4); printf("%s%s", p == he->h_addr_list ? "" : ",", inet_ntoa(a)); }
  printf("\\n");
}`;
  // Names answered without DNS: /etc/hosts, numbers, and a malformed number (HOST_NOT_FOUND at once).
  const NAMES = ['localhost', '127.0.0.1', '10.1', '1.2.3.4.5'];

  it('host_entries_equal_c', async () => {
    const c = runC(`${C_HEADERS}\n${C_SHOW}\nint main(void) {
  const char *names[] = { ${NAMES.map((n) => JSON.stringify(n)).join(', ')} };
  // Each call starts from errno EBADF (a failed close), so what libc leaves in errno shows.
  for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) { close(-1); show(gethostbyname(names[i])); }
  struct in_addr lo; lo.s_addr = htonl(INADDR_LOOPBACK);
  show(gethostbyaddr(&lo, sizeof lo, AF_INET));
  return 0;
}\n`);
    expect(c).toMatch(/^localhost \[\S*\] 2 4 127\.0\.0\.1\n/);
    expect(c).toContain('null 1 Unknown host');
    const lo = new in_addr();
    lo.s_addr = htonl(INADDR_LOOPBACK);
    const sync = [...NAMES.map((n) => (lib.close(-1), show(gethostbynameSync(n), lib.h_errno))), show(gethostbyaddrSync(lo, 4, AF_INET), lib.h_errno)];
    expect(sync.join('\n') + '\n').toBe(c);
    const awaited: string[] = [];
    for (const n of NAMES) {
      lib.close(-1);
      awaited.push(show(await gethostbyname(n), lib.h_errno));
    }
    awaited.push(show(await gethostbyaddr(lo, 4, AF_INET), lib.h_errno));
    expect(awaited.join('\n') + '\n').toBe(c);
  });

  it('hstrerror_is_libcs_text', () => {
    const codes = [lib.HOST_NOT_FOUND!, lib.TRY_AGAIN!, lib.NO_RECOVERY!, lib.NO_DATA!, lib.NETDB_INTERNAL!, 0, 99, -5];
    const c = runC(`${C_HEADERS}\nint main(void) {\n  int c[] = { ${codes.join(', ')} };\n  for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) printf("%d %s\\n", c[i], hstrerror(c[i]));\n  return 0;\n}\n`);
    expect(codes.map((n) => `${n} ${hstrerror(n)}`).join('\n') + '\n').toBe(c);
  });
});

describe('inet_addr, inet_aton, inet_ntoa, inet_network', () => {
  const INPUTS = ['10.1', '1.2.3.4', '0x7f.1', '127.1', '1', '0', '255.255.255.255', '256.1.1.1', '1.2.3.4.5', '', ' 1.2.3.4', '1.2.3.4 junk', '01.02.03.04', '0377.0.0.1', '4294967295', '4294967296', 'abc', '1.2.3.', '0x', '1..2'];

  it('parse_as_libc_parses', () => {
    const c = runC(`${C_HEADERS}\nint main(void) {
  const char *in[] = { ${INPUTS.map((s) => JSON.stringify(s)).join(', ')} };
  for (unsigned i = 0; i < sizeof in / sizeof in[0]; i++) {
    struct in_addr a; a.s_addr = 0x5a5a5a5a;
    int r = inet_aton(in[i], &a);
    printf("%u %d %08x %s %u\\n", (unsigned)inet_addr(in[i]), r, (unsigned)ntohl(a.s_addr), inet_ntoa(a), (unsigned)inet_network(in[i]));
  }
  return 0;
}\n`);
    const js = INPUTS.map((s) => {
      const a = new in_addr();
      a.s_addr = 0x5a5a5a5a;
      const r = inet_aton(s, a);
      return `${inet_addr(s)} ${r} ${lib.ntohl(a.s_addr).toString(16).padStart(8, '0')} ${inet_ntoa(a)} ${inet_network(s)}`;
    });
    expect(js.join('\n') + '\n').toBe(c);
    // The case: inet_aton("10.1") is 10.0.0.1, as in C.
    const a = new in_addr();
    expect(inet_aton('10.1', a)).toBe(1);
    expect(inet_ntoa(a)).toBe('10.0.0.1');
    expect(inet_addr('10.1')).toBe(htonl(0x0a000001));
    expect(INADDR_LOOPBACK).toBe(0x7f000001);
  });
});

describe('no DNS', () => {
  it('no_resolution_in_these_tests_sends_a_query', () => {
    // strace of a C program making every resolution above: no connect or send to port 53.
    const dir = tempDir();
    const body = [
      ...CASES.map((cs) => {
        const arg = (s: string | null) => (s === null ? 'NULL' : JSON.stringify(s));
        const hints = cs.hints ? `struct addrinfo hi; memset(&hi, 0, sizeof hi); hi.ai_flags = ${cs.hints.flags}; hi.ai_family = ${cs.hints.family}; hi.ai_socktype = ${cs.hints.socktype};` : '';
        return `{ ${hints} struct addrinfo *r; if (!getaddrinfo(${arg(cs.node)}, ${arg(cs.service)}, ${cs.hints ? '&hi' : 'NULL'}, &r)) freeaddrinfo(r); }`;
      }),
      `{ struct sockaddr_in a; memset(&a, 0, sizeof a); a.sin_family = AF_INET; a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); char h[NI_MAXHOST], s[NI_MAXSERV]; getnameinfo((struct sockaddr *)&a, sizeof a, h, sizeof h, s, sizeof s, 0); getnameinfo((struct sockaddr *)&a, sizeof a, h, sizeof h, s, sizeof s, NI_NAMEREQD); }`,
      `{ const char *n[] = { "localhost", "127.0.0.1", "10.1", "1.2.3.4.5" }; for (int i = 0; i < 4; i++) gethostbyname(n[i]); struct in_addr lo; lo.s_addr = htonl(INADDR_LOOPBACK); gethostbyaddr(&lo, 4, AF_INET); }`,
    ].join('\n  ');
    writeFileSync(join(dir, 'resolve.c'), `${C_HEADERS}\nint main(void) {\n  ${body}\n  return 0;\n}\n`);
    execFileSync('cc', ['-o', join(dir, 'resolve'), join(dir, 'resolve.c')]);
    const out = join(dir, 'trace');
    execFileSync('strace', ['-f', '-qq', '-e', 'trace=network', '-o', out, join(dir, 'resolve')], { stdio: 'ignore' });
    const trace = readFileSync(out, 'utf8');
    expect(trace).not.toMatch(/htons\(53\)/);
    // The resolver ran (AI_ADDRCONFIG asks netlink for the addresses), and
    // its only IP connects are glibc's address-sorting probes: UDP sockets
    // connected to port 0 (which sends nothing). DNS would connect one to a
    // name server's port 53 and send to it.
    expect(trace).toContain('RTM_GETADDR');
    const ipConnects = trace.split('\n').filter((l) => /connect\(\d+, \{sa_family=AF_INET6?,/.test(l));
    for (const l of ipConnects) expect(l).toMatch(/sin6?_port=htons\(0\)/);
  });
});

describe('argument checks', () => {
  it('resolver_arguments_are_checked_naming_them', () => {
    expect(() => getaddrinfoSync('127.0.0.1', null, {} as addrinfo, { value: null })).toThrow(/getaddrinfoSync\(\): argument 'hints'/);
    expect(() => getaddrinfoSync(5 as unknown as string, null, null, { value: null })).toThrow(/argument 'node'/);
    expect(() => getaddrinfo('127.0.0.1', null, null, null as unknown as addrinfo_ptr)).toThrow(/getaddrinfo\(\): argument 'res'/);
    expect(() => getnameinfoSync(new sockaddr_in(), 17, null, 0, null, 0, 0)).toThrow(/argument 'addrlen' \(17\) exceeds/);
    expect(() => inet_aton('1.2.3.4', new Uint8Array(2))).toThrow(RangeError);
    expect(() => gethostbynameSync(null as unknown as string)).toThrow(/gethostbynameSync\(\): argument 'name'/);
  });
});
