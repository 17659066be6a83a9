// The structs are C's: same sizes, same field offsets, same bytes as a C
// program that fills the same fields; casts are views over the same memory.
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  CStruct,
  INADDR_LOOPBACK,
  c_int,
  htonl,
  htons,
  in6_addr,
  in6addr_any,
  in6addr_loopback,
  in_addr,
  inet_pton,
  linger,
  sizeof,
  sockaddr,
  sockaddr_in,
  sockaddr_in6,
  sockaddr_storage,
  sockaddr_un,
  socklen_t,
  timeval,
} from '../../src/index.js';
import { addon } from '../../src/addon.js';
import { C_DUMP, C_HEADERS, cMap, compilesC, hex } from '../support/c.js';

type StructClass = (new (from?: CStruct | ArrayBufferView) => CStruct) & { SIZE: number };

// The JS class for each C type (c_int stands for C's `int`).
const STRUCTS: Array<[string, StructClass | typeof c_int]> = [
  ['struct sockaddr', sockaddr],
  ['struct sockaddr_in', sockaddr_in],
  ['struct sockaddr_in6', sockaddr_in6],
  ['struct sockaddr_un', sockaddr_un],
  ['struct sockaddr_storage', sockaddr_storage],
  ['struct in_addr', in_addr],
  ['struct in6_addr', in6_addr],
  ['struct timeval', timeval],
  ['struct linger', linger],
  ['int', c_int],
];


describe('struct layout', () => {
  it('sizeof_equals_c_sizeof', () => {
    const c = cMap(STRUCTS.map(([ctype]) => `  printf("${ctype.replace(' ', '_')} %zu\\n", sizeof(${ctype}));`).join('\n'));
    for (const [ctype, cls] of STRUCTS) {
      const want = Number(c.get(ctype.replace(' ', '_')));
      expect(sizeof(cls), ctype).toBe(want);
      expect(cls.SIZE, ctype).toBe(want);
      expect(sizeof(new (cls as StructClass)()), ctype).toBe(want);
      expect(new (cls as StructClass)().bytes.byteLength, ctype).toBe(want);
    }
  });

  it('layout_offsets_and_field_sizes_equal_c_offsetof', () => {
    // Every entry the addon reports, checked against C's offsetof/sizeof.
    const keys = Object.keys(addon.layout);
    expect(keys.length).toBeGreaterThan(30);
    const lines = keys.map((k) => {
      let expr: string;
      const field = /^(\w+)\.(\w+)$/.exec(k);
      const fieldSize = /^(\w+)\.(\w+)\.size$/.exec(k);
      if (field) expr = `offsetof(struct ${field[1]}, ${field[2]})`;
      else if (fieldSize) expr = `sizeof(((struct ${fieldSize[1]} *)0)->${fieldSize[2]})`;
      else if (k.startsWith('sizeof_')) {
        const t = k.slice('sizeof_'.length);
        expr = ['int', 'socklen_t', 'sa_family_t', 'in_port_t'].includes(t) ? `sizeof(${t})` : `sizeof(struct ${t})`;
      } else throw new Error(`unknown layout key ${k}`);
      return `  printf("${k} %zu\\n", (size_t)(${expr}));`;
    });
    const c = cMap(lines.join('\n'));
    for (const k of keys) expect(addon.layout[k], k).toBe(Number(c.get(k)));
  });

  it('fields_land_at_the_same_bytes_as_in_c', () => {
    // C fills each struct's fields; the JS structs filled the same way must hold identical bytes.
    const c = cMap(
      `  struct sockaddr sa; memset(&sa, 0, sizeof sa); sa.sa_family = AF_INET6; dump("sockaddr", &sa, sizeof sa);
  struct sockaddr_in a; memset(&a, 0, sizeof a);
  a.sin_family = AF_INET; a.sin_port = htons(0x1234); a.sin_addr.s_addr = htonl(0x7f000001);
  dump("sockaddr_in", &a, sizeof a);
  struct sockaddr_in6 a6; memset(&a6, 0, sizeof a6);
  a6.sin6_family = AF_INET6; a6.sin6_port = htons(0xabcd); a6.sin6_flowinfo = 0x01020304;
  inet_pton(AF_INET6, "2001:db8::7", &a6.sin6_addr); a6.sin6_scope_id = 0x0a0b0c0d;
  dump("sockaddr_in6", &a6, sizeof a6);
  struct sockaddr_un u; memset(&u, 0, sizeof u); u.sun_family = AF_UNIX; strcpy(u.sun_path, "/tmp/s.sock");
  dump("sockaddr_un", &u, sizeof u);
  struct sockaddr_storage ss; memset(&ss, 0, sizeof ss); ss.ss_family = AF_UNIX; dump("sockaddr_storage", &ss, sizeof ss);
  struct in_addr ia; ia.s_addr = 0xdeadbeef; dump("in_addr", &ia, sizeof ia);
  struct timeval tv; memset(&tv, 0, sizeof tv); tv.tv_sec = 0x12345678; tv.tv_usec = -2; dump("timeval", &tv, sizeof tv);
  struct linger lg; lg.l_onoff = 1; lg.l_linger = -3; dump("linger", &lg, sizeof lg);
  int i = -5; dump("int", &i, sizeof i);`,
      C_DUMP,
    );
    const sa = new sockaddr();
    sa.sa_family = AF_INET6;
    const a = new sockaddr_in();
    a.sin_family = AF_INET;
    a.sin_port = htons(0x1234);
    a.sin_addr.s_addr = htonl(0x7f000001);
    const a6 = new sockaddr_in6();
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(0xabcd);
    a6.sin6_flowinfo = 0x01020304;
    expect(inet_pton(AF_INET6, '2001:db8::7', a6.sin6_addr)).toBe(1);
    a6.sin6_scope_id = 0x0a0b0c0d;
    const u = new sockaddr_un();
    u.sun_family = AF_UNIX;
    u.sun_path = '/tmp/s.sock';
    const ss = new sockaddr_storage();
    ss.ss_family = AF_UNIX;
    const ia = new in_addr();
    ia.s_addr = 0xdeadbeef;
    const tv = new timeval();
    tv.tv_sec = 0x12345678;
    tv.tv_usec = -2;
    const lg = new linger();
    lg.l_onoff = 1;
    lg.l_linger = -3;
    const i = new c_int(-5);
    const js: Record<string, CStruct> = { sockaddr: sa, sockaddr_in: a, sockaddr_in6: a6, sockaddr_un: u, sockaddr_storage: ss, in_addr: ia, timeval: tv, linger: lg, int: i };
    for (const [name, s] of Object.entries(js)) expect(hex(s.bytes), name).toBe(c.get(name));
    // And the getters read back what was stored.
    expect([tv.tv_sec, tv.tv_usec, lg.l_onoff, lg.l_linger, i.value]).toEqual([0x12345678, -2, 1, -3, -5]);
    expect([a6.sin6_flowinfo, a6.sin6_scope_id, ia.s_addr]).toEqual([0x01020304, 0x0a0b0c0d, 0xdeadbeef]);
  });

  it('bsd_length_fields_exist_exactly_where_c_has_them', () => {
    const cases: Array<[string, string, CStruct, string]> = [
      ['sockaddr', 'sa_len', new sockaddr(), 'sa_len'],
      ['sockaddr_in', 'sin_len', new sockaddr_in(), 'sin_len'],
      ['sockaddr_in6', 'sin6_len', new sockaddr_in6(), 'sin6_len'],
      ['sockaddr_un', 'sun_len', new sockaddr_un(), 'sun_len'],
      ['sockaddr_storage', 'ss_len', new sockaddr_storage(), 'ss_len'],
    ];
    for (const [type, field, s, prop] of cases) {
      const inC = compilesC(`${C_HEADERS}\nint probe(struct ${type} *p) { return (int)p->${field}; }\n`);
      const value = (s as unknown as Record<string, unknown>)[prop];
      expect(addon.layout[`${type}.${field}`] !== undefined, `${type}.${field} in layout`).toBe(inC);
      expect(value === undefined, `${type}.${field} undefined`).toBe(!inC);
      if (inC) expect(value).toBe(0);
    }
  });
});

describe('struct semantics', () => {
  it('new_struct_is_zero_filled', () => {
    for (const [, cls] of STRUCTS) {
      const s = cls === c_int ? new c_int() : new (cls as StructClass)();
      expect(s.bytes.every((b) => b === 0), cls.name).toBe(true);
    }
  });

  it('sockaddr_view_reads_the_family_set_through_sockaddr_in', () => {
    const addrIn = new sockaddr_in();
    addrIn.sin_family = AF_INET;
    expect(new sockaddr(addrIn).sa_family).toBe(AF_INET);
  });

  it('writing_through_the_sockaddr_view_changes_the_sockaddr_in', () => {
    const addrIn = new sockaddr_in();
    const view = new sockaddr(addrIn);
    view.sa_family = AF_INET6;
    expect(addrIn.sin_family).toBe(AF_INET6);
    view.sa_data[0] = 0x23;
    view.sa_data[1] = 0x28;
    expect(addrIn.sin_port).toBe(htons(9000));
    expect(view.bytes.buffer).toBe(addrIn.bytes.buffer);
  });

  it('storage_viewed_as_sockaddr_in6_shares_memory', () => {
    const ss = new sockaddr_storage();
    const a6 = new sockaddr_in6(ss);
    a6.sin6_family = AF_INET6;
    expect(ss.ss_family).toBe(AF_INET6);
    expect(sizeof(a6)).toBeLessThanOrEqual(sizeof(ss));
  });

  it('sin_port_is_stored_in_network_byte_order', () => {
    const a = new sockaddr_in();
    a.sin_port = htons(9000);
    const off = addon.layout['sockaddr_in.sin_port'];
    expect([a.bytes[off], a.bytes[off + 1]]).toEqual([0x23, 0x28]);
  });

  it('s_addr_htonl_loopback_gives_bytes_127_0_0_1', () => {
    const a = new sockaddr_in();
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const off = addon.layout['sockaddr_in.sin_addr'];
    expect([...a.bytes.subarray(off, off + 4)]).toEqual([127, 0, 0, 1]);
  });

  it('sin_addr_assignment_copies_bytes', () => {
    const src = new in_addr();
    src.s_addr = htonl(0x0a000001);
    const a = new sockaddr_in();
    a.sin_addr = src;
    src.s_addr = 0;
    expect(a.sin_addr.s_addr).toBe(htonl(0x0a000001));
  });

  it('sin6_addr_assignment_copies_bytes_not_a_reference', () => {
    const a6 = new sockaddr_in6();
    a6.sin6_addr = in6addr_loopback;
    const off = addon.layout['sockaddr_in6.sin6_addr'];
    expect([...a6.bytes.subarray(off, off + 16)]).toEqual([...in6addr_loopback.s6_addr]);
    a6.sin6_addr.s6_addr[0] = 0xff;
    expect(in6addr_loopback.s6_addr[0]).toBe(0);
    a6.sin6_addr = in6addr_any;
    expect(a6.sin6_addr.s6_addr.every((b) => b === 0)).toBe(true);
  });

  it('struct_assignment_rejects_the_wrong_struct_type', () => {
    const a6 = new sockaddr_in6();
    expect(() => {
      a6.sin6_addr = new in_addr() as unknown as in6_addr;
    }).toThrow(TypeError);
    const a = new sockaddr_in();
    expect(() => {
      a.sin_addr = 'x' as unknown as in_addr;
    }).toThrow(TypeError);
  });

  it('sun_path_round_trips_and_rejects_a_path_too_long', () => {
    const capacity = addon.layout['sockaddr_un.sun_path.size'];
    const u = new sockaddr_un();
    u.sun_path = '/tmp/posix-sockets/a.sock';
    expect(u.sun_path).toBe('/tmp/posix-sockets/a.sock');
    u.sun_path = 'x';
    expect(u.sun_path).toBe('x');
    expect(u.sun_path_bytes[1]).toBe(0); // the rest is zeroed, like strncpy
    const full = 'p'.repeat(capacity);
    u.sun_path = full;
    expect(u.sun_path).toBe(full);
    expect(() => {
      u.sun_path = 'p'.repeat(capacity + 1);
    }).toThrow(RangeError);
    expect(u.sun_path).toBe(full); // unchanged by the failed assignment
    expect(() => {
      u.sun_path = 5 as unknown as string;
    }).toThrow(TypeError);
  });

  it('viewing_a_smaller_buffer_as_a_bigger_struct_throws_range_error', () => {
    expect(() => new sockaddr_in6(new sockaddr_in())).toThrow(RangeError);
    expect(() => new sockaddr_in(new Uint8Array(sizeof(sockaddr_in) - 1))).toThrow(RangeError);
    expect(() => new sockaddr_storage(new sockaddr_un(new Uint8Array(sizeof(sockaddr_un))))).toThrow(RangeError);
    expect(() => new timeval(new DataView(new ArrayBuffer(1)))).toThrow(RangeError);
    // A big enough buffer at an offset is viewed in place.
    const big = new Uint8Array(64);
    const a = new sockaddr_in(big.subarray(8));
    a.sin_family = AF_INET;
    expect(new sockaddr(big.subarray(8)).sa_family).toBe(AF_INET);
  });

  it('struct_constructor_rejects_non_memory', () => {
    expect(() => new sockaddr_in('x' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => new sockaddr_in({} as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => new sockaddr_in(new ArrayBuffer(16) as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('field_setters_reject_non_integers_and_out_of_range_values', () => {
    const a = new sockaddr_in();
    const set = (v: unknown) => () => {
      a.sin_port = v as number;
    };
    for (const bad of [1.5, NaN, Infinity, -Infinity, 65536, -32769, 2 ** 53]) {
      expect(set(bad), String(bad)).toThrow(RangeError);
    }
    for (const bad of ['1', 1n, undefined, null, {}, Symbol('x')]) {
      expect(set(bad), typeof bad).toThrow(TypeError);
    }
    expect(set(65536)).toThrow(/sin_port/);
    expect(a.sin_port).toBe(0); // nothing was written
    a.sin_port = 65535;
    expect(a.sin_port).toBe(65535);
    const ia = new in_addr();
    expect(() => {
      ia.s_addr = 2 ** 32;
    }).toThrow(RangeError);
    ia.s_addr = 2 ** 32 - 1;
    expect(ia.s_addr).toBe(0xffffffff);
    // Like C's conversion to int, an unsigned 32-bit value wraps; beyond 32 bits it cannot fit.
    expect(new c_int(2 ** 31).value).toBe(-(2 ** 31));
    expect(() => new c_int(2 ** 32)).toThrow(RangeError);
    expect(() => new c_int('1' as unknown as number)).toThrow(TypeError);
    const tv = new timeval();
    expect(() => {
      tv.tv_usec = 0.5;
    }).toThrow(RangeError);
  });

  it('socklen_t_holds_a_length_and_rejects_bad_values', () => {
    expect(socklen_t(sizeof(sockaddr_in)).value).toBe(sizeof(sockaddr_in));
    expect(socklen_t().value).toBe(0);
    expect(() => socklen_t(-1)).toThrow(RangeError);
    expect(() => socklen_t(2 ** 32)).toThrow(RangeError);
    expect(() => socklen_t('16' as unknown as number)).toThrow(TypeError);
  });
});
