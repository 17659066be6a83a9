// The C side's build cache (tools/cbuild.ts): where the executables go, what
// makes one rebuilt, and what a missing compiler says.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompileError, buildC, cacheDir } from '../../tools/cbuild.js';
import { packageRoot } from '../../tools/run.js';

const tmp = mkdtempSync(join(tmpdir(), 'posix-sockets-cbuild-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };

/** A program that prints the value of a macro from its local header. */
function program(dir: string, value: string): string {
  writeFileSync(join(tmp, dir + '.h'), `#define VALUE "${value}"\n`);
  const source = join(tmp, `${dir}.c`);
  writeFileSync(source, `#include <stdio.h>\n#include "${dir}.h"\nint main(void) { puts(VALUE); return 0; }\n`);
  return source;
}

const output = (exe: string) => spawnSync(exe, { encoding: 'utf8' }).stdout;

describe('cbuild', () => {
  const saved = { ...process.env };
  let cache: string;
  beforeEach(() => {
    cache = mkdtempSync(join(tmp, 'cache-'));
    process.env.POSIX_SOCKETS_CACHE = cache;
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it('cache_dir_is_per_package_version', () => {
    expect(cacheDir()).toBe(join(cache, version, 'c'));
    delete process.env.POSIX_SOCKETS_CACHE;
    process.env.XDG_CACHE_HOME = join(tmp, 'xdg');
    expect(cacheDir()).toBe(join(tmp, 'xdg', 'posix-sockets', version, 'c'));
  });

  it('builds_once_and_rebuilds_when_a_header_or_the_flags_change', () => {
    const source = program('p', 'one');
    const exe = buildC(source, ['-O2']);
    expect(dirname(exe)).toBe(join(cache, version, 'c'));
    expect(output(exe)).toBe('one\n');
    expect(buildC(source, ['-O2'])).toBe(exe);
    const other = buildC(source, ['-O0']);
    expect(other).not.toBe(exe);
    writeFileSync(join(tmp, 'p.h'), '#define VALUE "two"\n');
    const rebuilt = buildC(source, ['-O2']);
    expect(rebuilt).not.toBe(exe);
    expect(output(rebuilt)).toBe('two\n');
    expect(readdirSync(dirname(exe)).sort()).toEqual([exe, other, rebuilt].map((p) => p.slice(dirname(exe).length + 1)).sort());
  });

  it('missing_compiler_names_it_and_its_install_and_builds_nothing', () => {
    process.env.CC = 'posix-sockets-no-such-cc';
    const source = program('q', 'x');
    expect(() => buildC(source, [])).toThrow(CompileError);
    expect(() => buildC(source, [])).toThrow(/there is no C compiler \(posix-sockets-no-such-cc\) on PATH\.\nInstall one with: \S/);
    expect(existsSync(join(cache, version))).toBe(false);
  });

  it('compile_error_shows_the_compilers_message', () => {
    const source = join(tmp, 'bad.c');
    writeFileSync(source, 'int main(void) { return undeclared_name; }\n');
    expect(() => buildC(source, [])).toThrow(/undeclared_name/);
    expect(readdirSync(cacheDir())).toEqual([]);
  });
});
