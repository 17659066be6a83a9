// The constants are the system headers' own values: compared with what a C
// program compiled on this machine prints for the same names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import * as constantsModule from '../../src/constants.js';
import { addon } from '../../src/addon.js';
import { C_HEADERS, runC } from '../support/c.js';
import { builtPlatform, readConstantNames, tsDeclarations, tsFile } from '../../scripts/constants.mjs';

const ALL_CAPS = /^[A-Z][A-Z0-9_]*$/;
// The seed programs' Windows names: not from any header.
const NOT_FROM_HEADERS = new Set(['INVALID_SOCKET', 'SOCKET_ERROR']);

/** Every ALL_CAPS export of the public API that is (or may be) a constant. */
const exportedNames = Object.keys(lib).filter(
  (k) => ALL_CAPS.test(k) && !NOT_FROM_HEADERS.has(k) && (typeof (lib as Record<string, unknown>)[k] === 'number' || (lib as Record<string, unknown>)[k] === undefined),
);
const names = [...new Set([...Object.keys(lib.constants), ...exportedNames])].sort();

/** What C says: NAME -> value, or undefined where the headers do not define it. */
function cValues(list: string[]): Map<string, number | undefined> {
  const body = list
    .map(
      (n) => `#ifdef ${n}\n  printf("${n} %lld\\n", (long long)(${n}));\n#else\n  printf("${n} absent\\n");\n#endif`,
    )
    .join('\n');
  const out = runC(`${C_HEADERS}\nint main(void) {\n${body}\n  return 0;\n}\n`);
  const m = new Map<string, number | undefined>();
  for (const line of out.trim().split('\n')) {
    const [name, value] = line.split(' ');
    m.set(name, value === 'absent' ? undefined : Number(value));
  }
  return m;
}

describe('constants', () => {
  it('every_constant_equals_the_value_c_prints', () => {
    expect(names.length).toBeGreaterThan(100);
    const c = cValues(names);
    expect([...c.keys()].sort()).toEqual(names);
    const mismatches: string[] = [];
    for (const name of names) {
      const want = c.get(name);
      const inObject = Object.prototype.hasOwnProperty.call(lib.constants, name) ? lib.constants[name] : undefined;
      const named = (lib as Record<string, unknown>)[name];
      if (inObject !== want) mismatches.push(`constants.${name}: ${inObject} (C: ${want ?? 'absent'})`);
      if (exportedNames.includes(name) && named !== want) mismatches.push(`${name}: ${named} (C: ${want ?? 'absent'})`);
      if (want === undefined && name in lib.constants) mismatches.push(`constants has ${name}, which C lacks`);
    }
    expect(mismatches).toEqual([]);
  });

  it('constants_object_is_frozen_and_numeric', () => {
    expect(Object.isFrozen(lib.constants)).toBe(true);
    for (const [name, value] of Object.entries(lib.constants)) {
      expect(ALL_CAPS.test(name), name).toBe(true);
      expect(Number.isInteger(value), name).toBe(true);
    }
  });

  it('invalid_socket_and_socket_error_are_minus_one', () => {
    expect(lib.INVALID_SOCKET).toBe(-1);
    expect(lib.SOCKET_ERROR).toBe(-1);
    // What socket() returns on failure is the value the seed programs compare with.
    expect(lib.socket(-1, lib.SOCK_STREAM, 0)).toBe(lib.INVALID_SOCKET);
  });

  it('named_exports_and_addon_constants_are_the_names_of_the_one_list', () => {
    // native/constants.txt is the one list: the build generates from it both
    // the addon's table and the named exports.
    const listed = readConstantNames();
    const listedNames = listed.map((e) => e.name);
    const tsNames = Object.keys(constantsModule).filter((k) => k !== 'constants' && !NOT_FROM_HEADERS.has(k));
    expect(listedNames.length).toBeGreaterThan(100);
    expect([...tsNames].sort()).toEqual([...listedNames].sort());
    // The declarations are the ones the list gives now (not a stale generation).
    expect(readFileSync(tsFile, 'utf8')).toBe(tsDeclarations(listed, builtPlatform()));
    // On this platform the addon exports exactly the listed names C defines,
    // and every name marked posix (typed `number`) is one of them.
    const c = cValues(listedNames);
    expect(Object.keys(addon.constants).sort()).toEqual(listedNames.filter((n) => c.get(n) !== undefined).sort());
    expect(listed.filter((e) => e.posix && c.get(e.name) === undefined).map((e) => e.name)).toEqual([]);
    // And index.ts re-exports all of them.
    for (const n of tsNames) expect(Object.prototype.hasOwnProperty.call(lib, n), n).toBe(true);
  });

  it('in6addr_any_and_loopback_are_the_c_library_bytes', () => {
    const out = runC(`${C_HEADERS}
static void dump(const char *name, const struct in6_addr *a) {
  printf("%s", name);
  for (size_t i = 0; i < sizeof(*a); i++) printf(" %u", ((const unsigned char *)a)[i]);
  printf("\\n");
}
int main(void) {
  dump("in6addr_any", &in6addr_any);
  dump("in6addr_loopback", &in6addr_loopback);
  return 0;
}
`);
    const c = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((l) => {
          const [name, ...bytes] = l.split(' ');
          return [name, bytes.map(Number)];
        }),
    );
    expect([...lib.in6addr_any.s6_addr]).toEqual(c.in6addr_any);
    expect([...lib.in6addr_loopback.s6_addr]).toEqual(c.in6addr_loopback);
    expect(c.in6addr_any).toHaveLength(16);
  });
});
