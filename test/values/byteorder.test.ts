// htons/htonl/ntohs/ntohl give what C's give on this host, including C's
// conversion of the argument to uint16_t / uint32_t.
import { describe, expect, it } from 'vitest';
import { htonl, htons, ntohl, ntohs } from '../../src/index.js';
import { C_HEADERS, runC } from '../support/c.js';

const VALUES = [0, 1, 0xff, 0x100, 0x1234, 0x7fff, 0x8000, 0xffff, 0x10000, 0x12345678, 0x7fffffff, 0x80000000, 0xffffffff, -1, 2 ** 32 + 5];

function cResults(): Map<string, number> {
  const body = VALUES.map(
    (v) => `  { long long v = ${v}LL;
    printf("htons %lld %u\\n", v, (unsigned)htons((uint16_t)v));
    printf("ntohs %lld %u\\n", v, (unsigned)ntohs((uint16_t)v));
    printf("htonl %lld %u\\n", v, (unsigned)htonl((uint32_t)v));
    printf("ntohl %lld %u\\n", v, (unsigned)ntohl((uint32_t)v)); }`,
  ).join('\n');
  const out = runC(`${C_HEADERS}\nint main(void) {\n${body}\n  return 0;\n}\n`);
  return new Map(
    out
      .trim()
      .split('\n')
      .map((l) => {
        const [fn, v, r] = l.split(' ');
        return [`${fn} ${v}`, Number(r)] as [string, number];
      }),
  );
}

describe('byte order', () => {
  it('byte_order_functions_equal_c_for_every_value', () => {
    const c = cResults();
    const fns = { htons, ntohs, htonl, ntohl };
    expect(c.size).toBe(VALUES.length * 4);
    for (const v of VALUES) {
      for (const [name, fn] of Object.entries(fns)) {
        expect(fn(v), `${name}(${v})`).toBe(c.get(`${name} ${v}`));
      }
    }
  });

  it('byte_order_round_trips', () => {
    for (const v of [0, 1, 0x1234, 0xffff]) expect(ntohs(htons(v))).toBe(v);
    for (const v of [0, 1, 0x12345678, 0xffffffff]) expect(ntohl(htonl(v))).toBe(v);
  });

  it('htons_puts_the_high_byte_first_in_memory', () => {
    const b = new Uint8Array(new Uint16Array([htons(0x1234)]).buffer);
    expect([...b]).toEqual([0x12, 0x34]);
    const l = new Uint8Array(new Uint32Array([htonl(0x7f000001)]).buffer);
    expect([...l]).toEqual([127, 0, 0, 1]);
  });
});
