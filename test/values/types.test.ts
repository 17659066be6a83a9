// The types fit the platform: every TypeScript block in the README compiles
// under `tsc --strict` as a user's program (importing the package by name),
// a name this platform's headers define is a `number` (no `!`, no cast), and
// one they lack is a compile error where a number is needed.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addon } from '../../src/addon.js';
import { readConstantNames } from '../../scripts/constants.mjs';
import { distEntry } from '../support/child.js';
import { tempDir } from '../support/sockets.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');

/**
 * A directory laid out as a user's project: `posix-sockets` resolves through
 * node_modules to this package (its package.json "exports", dist/), with
 * Node's types and the echo examples' helpers (`./common.js`) beside.
 */
function project(files: Record<string, string>): string {
  distEntry(); // dist/ up to date
  const dir = tempDir();
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'posix-sockets'));
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'));
  copyFileSync(join(root, 'examples', 'common.ts'), join(dir, 'common.ts'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true, types: ['node'] },
      include: ['*.ts'],
    }),
  );
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** tsc's diagnostics for the project (empty when it compiles). */
function compile(dir: string): string {
  try {
    execFileSync(tsc, ['-p', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}

function hasAndLacks(): { has: string[]; lacks: string[] } {
  const names = readConstantNames().filter((e) => !e.posix).map((e) => e.name);
  return { has: names.filter((n) => n in addon.constants), lacks: names.filter((n) => !(n in addon.constants)) };
}

const use = (names: string[]) => `import * as s from 'posix-sockets';\n${names.map((n) => `export const ${n}_: number = s.${n};`).join('\n')}\n`;

describe('types', () => {
  it('readme_blocks_and_every_name_the_platform_has_compile_under_strict', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const files: Record<string, string> = Object.fromEntries(blocks.map((b, i) => [`block${i}.ts`, b.includes('import') ? b : `export {};\n${b}`]));
    const { has } = hasAndLacks();
    expect(has.length).toBeGreaterThan(50);
    // A name the headers define is a number, and a call the platform has is callable: no `!`, no cast.
    files['has.ts'] = use(has) + (typeof addon.accept4 === 'function' ? 'export const a4: Promise<number> = s.accept4(-1, null, null, 0);\nexport const a4s: number = s.accept4Sync(-1, null, null, 0);\n' : '');
    expect(compile(project(files))).toBe('');
  }, 60_000);

  it('each_name_the_platform_lacks_is_a_compile_error_as_a_number', () => {
    const { lacks } = hasAndLacks();
    expect(lacks.length).toBeGreaterThan(0);
    const errors = compile(project({ 'lacks.ts': use(lacks) }))
      .split('\n')
      .filter((l) => l.includes("error TS2322: Type 'undefined' is not assignable to type 'number'"));
    expect(errors).toHaveLength(lacks.length);
  }, 60_000);
});
