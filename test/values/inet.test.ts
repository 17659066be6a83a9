// inet_pton / inet_ntop: the C library's own parser and printer. The
// accept/reject cases are those of CPython's socket tests; return values and
// bytes are compared with a C program making the same calls.
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  EAFNOSUPPORT,
  ENOSPC,
  INADDR_LOOPBACK,
  INET6_ADDRSTRLEN,
  INET_ADDRSTRLEN,
  errno,
  htonl,
  in6_addr,
  in_addr,
  inet_ntop,
  inet_pton,
  sockaddr_in,
  sockaddr_in6,
} from '../../src/index.js';
import { C_HEADERS, runC } from '../support/c.js';

const IPV4_VALID = ['0.0.0.0', '255.0.255.0', '170.170.170.170', '1.2.3.4', '255.255.255.255', '127.0.0.1'];
const IPV4_INVALID = ['0.0.0.', '300.0.0.0', 'a.0.0.0', '1.2.3.4.5', '::1.2.3.4', '', '1.2.3', '01.2.3.4', ' 1.2.3.4'];
const IPV6_VALID = [
  '::',
  '0::0',
  '1::',
  '::1',
  '::1.2.3.4',
  'ad42:abc::127:0:254:2',
  '45ef:76cb:1a:56ef:afeb:bac:1924:aeae',
  '::ffff:1.2.3.4',
  '2001:db8::7',
  'AD42:ABC::127:0:254:2',
];
const IPV6_INVALID = [':::', '1::260.2.3.0', '1::2::3', '1:2:3:4:5:6:7:8:9', '0x20::', '::1.2.3.4:0', ':', '1:2:3:4:5:6:7', '', 'a:b:c:d:e:f:g:h'];

interface CPton {
  ret: number;
  bytes: number[];
}

/** C's inet_pton on each string: its return value and, on success, the bytes; and inet_ntop of those bytes. */
function cPton(af: 'AF_INET' | 'AF_INET6', inputs: string[]): Array<CPton & { text: string }> {
  const body = inputs
    .map(
      (s) => `  { unsigned char b[16] = {0}; int r = inet_pton(${af}, ${JSON.stringify(s)}, b);
    char t[INET6_ADDRSTRLEN] = ""; if (r == 1) inet_ntop(${af}, b, t, sizeof t);
    printf("%d", r); for (int i = 0; i < (${af} == AF_INET ? 4 : 16); i++) printf(" %u", b[i]); printf(" |%s\\n", t); }`,
    )
    .join('\n');
  const out = runC(`${C_HEADERS}\nint main(void) {\n${body}\n  return 0;\n}\n`);
  return out
    .trimEnd()
    .split('\n')
    .map((l) => {
      const [nums, text] = l.split(' |');
      const [ret, ...bytes] = nums.split(' ').map(Number);
      return { ret, bytes, text };
    });
}

function jsPton(af: number, s: string): CPton {
  const dst = af === AF_INET ? new in_addr() : new in6_addr();
  const ret = inet_pton(af, s, dst);
  return { ret, bytes: [...dst.bytes] };
}

describe('inet_pton', () => {
  it('ipv4_accepts_and_rejects_as_cpython_expects', () => {
    for (const s of IPV4_VALID) expect(inet_pton(AF_INET, s, new in_addr()), s).toBe(1);
    for (const s of IPV4_INVALID) expect(inet_pton(AF_INET, s, new in_addr()), JSON.stringify(s)).toBe(0);
  });

  it('ipv6_accepts_and_rejects_as_cpython_expects', () => {
    for (const s of IPV6_VALID) expect(inet_pton(AF_INET6, s, new in6_addr()), s).toBe(1);
    for (const s of IPV6_INVALID) expect(inet_pton(AF_INET6, s, new in6_addr()), JSON.stringify(s)).toBe(0);
  });

  it('returns_and_bytes_equal_c_inet_pton', () => {
    for (const [af, name, inputs] of [
      [AF_INET, 'AF_INET', [...IPV4_VALID, ...IPV4_INVALID]],
      [AF_INET6, 'AF_INET6', [...IPV6_VALID, ...IPV6_INVALID]],
    ] as const) {
      const c = cPton(name, [...inputs]);
      inputs.forEach((s, i) => {
        const js = jsPton(af, s);
        expect(js.ret, `${name} ${s}`).toBe(c[i].ret);
        expect(js.bytes, `${name} ${s}`).toEqual(c[i].bytes);
      });
    }
  });

  it('writes_network_order_bytes_into_sin_addr', () => {
    const a = new sockaddr_in();
    expect(inet_pton(AF_INET, '1.2.3.4', a.sin_addr)).toBe(1);
    expect([...a.sin_addr.bytes]).toEqual([1, 2, 3, 4]);
    const a6 = new sockaddr_in6();
    expect(inet_pton(AF_INET6, '::1', a6.sin6_addr)).toBe(1);
    expect(a6.sin6_addr.s6_addr[15]).toBe(1);
  });

  it('invalid_text_leaves_the_destination_unchanged', () => {
    const dst = new Uint8Array([9, 9, 9, 9]);
    expect(inet_pton(AF_INET, '300.0.0.0', dst)).toBe(0);
    expect([...dst]).toEqual([9, 9, 9, 9]);
  });

  it('embedded_nul_ends_the_string_as_in_c', () => {
    // C sees "1.2.3.4" and stops at the NUL.
    expect(inet_pton(AF_INET, '1.2.3.4\0junk', new in_addr())).toBe(1);
  });

  it('unknown_family_returns_minus_one_with_eafnosupport', () => {
    const out = runC(`${C_HEADERS}
int main(void) { unsigned char b[16]; errno = 0; int r = inet_pton(AF_UNIX, "1.2.3.4", b); printf("%d %d\\n", r, errno);
  errno = 0; r = inet_pton(12345, "1.2.3.4", b); printf("%d %d\\n", r, errno); return 0; }`);
    const [unix, bogus] = out.trim().split('\n');
    expect(inet_pton(AF_UNIX, '1.2.3.4', new in6_addr())).toBe(-1);
    expect(errno).toBe(EAFNOSUPPORT);
    expect(`-1 ${errno}`).toBe(unix);
    expect(inet_pton(12345, '1.2.3.4', new in6_addr())).toBe(-1);
    expect(`-1 ${errno}`).toBe(bogus);
  });
});

describe('inet_ntop', () => {
  it('round_trips_to_c_canonical_text', () => {
    for (const [af, name, inputs] of [
      [AF_INET, 'AF_INET', IPV4_VALID],
      [AF_INET6, 'AF_INET6', IPV6_VALID],
    ] as const) {
      const c = cPton(name, [...inputs]);
      inputs.forEach((s, i) => {
        const dst = af === AF_INET ? new in_addr() : new in6_addr();
        expect(inet_pton(af, s, dst)).toBe(1);
        const text = inet_ntop(af, dst);
        expect(text, s).toBe(c[i].text);
        // The canonical form parses back to the same bytes.
        const again = af === AF_INET ? new in_addr() : new in6_addr();
        expect(inet_pton(af, text!, again)).toBe(1);
        expect([...again.bytes]).toEqual([...dst.bytes]);
      });
    }
  });

  it('reads_sin_addr_and_raw_bytes', () => {
    const a = new sockaddr_in();
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    expect(inet_ntop(AF_INET, a.sin_addr)).toBe('127.0.0.1');
    const bytes = new Uint8Array([127, 0, 0, 1]);
    expect(inet_ntop(AF_INET, bytes)).toBe('127.0.0.1');
    expect(inet_ntop(AF_INET, new in_addr(bytes))).toBe('127.0.0.1');
  });

  it('size_too_small_returns_null_with_enospc_as_c', () => {
    const out = runC(`${C_HEADERS}
int main(void) { unsigned char b[4] = {1, 2, 3, 4}; char t[64];
  for (int n = 6; n <= 9; n++) { errno = 0; const char *r = inet_ntop(AF_INET, b, t, n); printf("%d %s %d\\n", n, r ? r : "NULL", r ? 0 : errno); }
  return 0; }`);
    const src = new Uint8Array([1, 2, 3, 4]);
    const js = [6, 7, 8, 9].map((n) => {
      const r = inet_ntop(AF_INET, src, n);
      return `${n} ${r ?? 'NULL'} ${r === null ? errno : 0}`;
    });
    expect(js).toEqual(out.trim().split('\n'));
    expect(inet_ntop(AF_INET, src, 7)).toBeNull();
    expect(errno).toBe(ENOSPC);
    expect(inet_ntop(AF_INET, src, 8)).toBe('1.2.3.4');
    expect(inet_ntop(AF_INET, src, INET_ADDRSTRLEN)).toBe('1.2.3.4');
  });

  it('ipv6_size_boundary_is_text_length_plus_nul', () => {
    const dst = new in6_addr();
    expect(inet_pton(AF_INET6, '::ffff:1.2.3.4', dst)).toBe(1);
    expect(inet_ntop(AF_INET6, dst, 14)).toBeNull();
    expect(errno).toBe(ENOSPC);
    expect(inet_ntop(AF_INET6, dst, 15)).toBe('::ffff:1.2.3.4');
    expect(inet_ntop(AF_INET6, dst, INET6_ADDRSTRLEN)).toBe('::ffff:1.2.3.4');
  });

  it('unknown_family_returns_null_with_eafnosupport', () => {
    const out = runC(`${C_HEADERS}
int main(void) { unsigned char b[16] = {0}; char t[64]; errno = 0; const char *r = inet_ntop(12345, b, t, sizeof t);
  printf("%s %d\\n", r ? r : "NULL", errno); return 0; }`);
    expect(inet_ntop(12345, new in6_addr())).toBeNull();
    expect(errno).toBe(EAFNOSUPPORT);
    expect(`NULL ${errno}`).toBe(out.trim());
  });
});
