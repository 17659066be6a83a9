// Builds a lesson's C side with the system compiler, into a cache directory
// outside the package: an executable is keyed by the compiler, the flags and
// the bytes of the source and of every local header it includes ("..."), so
// it is rebuilt exactly when one of them changes, and never written into an
// installed package (which may be read-only).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** A compile that failed: the compiler's own message. */
export class CompileError extends Error {
  override name = 'CompileError';
}

/** The cache: $POSIX_SOCKETS_CACHE, else $XDG_CACHE_HOME/posix-sockets, else ~/.cache/posix-sockets; C executables in c/. */
export function cacheDir(): string {
  const env = process.env;
  const base = env.POSIX_SOCKETS_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'posix-sockets');
  return join(base, 'c');
}

/** `${CC:-cc}` for C, `${CXX:-c++}` for C++, as make(1) chooses. */
export function compilerFor(source: string): string {
  return /\.c$/.test(source) ? (process.env.CC ?? 'cc') : (process.env.CXX ?? 'c++');
}

const versions = new Map<string, string>();

function version(compiler: string): string {
  let v = versions.get(compiler);
  if (v === undefined) {
    const r = spawnSync(compiler, ['--version'], { encoding: 'utf8' });
    if (r.error !== undefined) throw new CompileError(`cannot run the C compiler '${compiler}': ${r.error.message} (set CC or CXX)`);
    v = r.stdout;
    versions.set(compiler, v);
  }
  return v;
}

/** The source and the local headers it includes, recursively: [path, bytes] in the order found. */
function sources(file: string, seen = new Map<string, Buffer>()): Map<string, Buffer> {
  if (seen.has(file)) return seen;
  const bytes = readFileSync(file);
  seen.set(file, bytes);
  for (const m of bytes.toString('utf8').matchAll(/^\s*#\s*include\s*"([^"]+)"/gm)) {
    const header = resolve(dirname(file), m[1]);
    if (existsSync(header)) sources(header, seen);
  }
  return seen;
}

/** The executable built from `source` with `cflags`, compiled now unless the cache has it. */
export function buildC(source: string, cflags: string[]): string {
  const compiler = compilerFor(source);
  const hash = createHash('sha256');
  hash.update(JSON.stringify([compiler, version(compiler), cflags]));
  for (const [path, bytes] of sources(source)) hash.update(`\0${basename(path)}\0`).update(bytes);
  const key = hash.digest('hex').slice(0, 16);
  const exe = join(cacheDir(), `${basename(source).replace(/\.[^.]+$/, '')}-${key}`);
  if (existsSync(exe)) return exe;
  mkdirSync(cacheDir(), { recursive: true });
  // Into a private name first, then renamed: a concurrent build of the same key finds a whole file or none.
  const tmp = `${exe}.${process.pid}.tmp`;
  const r = spawnSync(compiler, [...cflags, '-o', tmp, source], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    rmSync(tmp, { force: true });
    const why = r.error?.message ?? r.stderr.trim();
    throw new CompileError(`${compiler} ${[...cflags, '-o', '<cache>', source].join(' ')} failed:\n${why}`);
  }
  renameSync(tmp, exe);
  return exe;
}

