// Builds a lesson's C side with the system compiler, on first use, into the
// user's cache: the one place the posix-sockets command finds or compiles a C
// program (compare, echo-pair and the tests alike). An executable is keyed by
// the compiler, the flags and the bytes of the source and of every local
// header it includes ("..."), so it is rebuilt exactly when one of them
// changes, and it is never written into the package (an installed one may be
// read-only).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** A compile that failed, or no compiler to compile with: the compiler's own message, or what to install. */
export class CompileError extends Error {
  override name = 'CompileError';
}

const { version: packageVersion } = createRequire(import.meta.url)('posix-sockets/package.json') as { version: string };

/**
 * The cache: $POSIX_SOCKETS_CACHE, else the user's cache directory
 * ($XDG_CACHE_HOME, else ~/Library/Caches on macOS and ~/.cache elsewhere)
 * /posix-sockets; C executables in <version>/c/, one directory per package
 * version, so that an old version's can be removed by itself.
 */
export function cacheDir(): string {
  const env = process.env;
  const user = env.XDG_CACHE_HOME || join(homedir(), process.platform === 'darwin' ? join('Library', 'Caches') : '.cache');
  return join(env.POSIX_SOCKETS_CACHE || join(user, 'posix-sockets'), packageVersion, 'c');
}

/** `${CC:-cc}` for C, `${CXX:-c++}` for C++, as make(1) chooses. */
export function compilerFor(source: string): string {
  return /\.c$/.test(source) ? process.env.CC || 'cc' : process.env.CXX || 'c++';
}

/** What to run to get a C (`cxx` false) or C++ compiler on this OS. */
function installCommand(cxx: boolean): string {
  if (process.platform === 'darwin') return 'xcode-select --install';
  if (existsSync('/etc/alpine-release')) return 'apk add build-base';
  return cxx ? 'sudo apt-get install g++ (Debian, Ubuntu), sudo dnf install gcc-c++ (Fedora, RHEL)' : 'sudo apt-get install gcc (Debian, Ubuntu), sudo dnf install gcc (Fedora, RHEL)';
}

const versions = new Map<string, string>();

/** The compiler's --version text (part of the key); throws naming the compiler and its install when there is none. */
function version(compiler: string, source: string): string {
  let v = versions.get(compiler);
  if (v === undefined) {
    const r = spawnSync(compiler, ['--version'], { encoding: 'utf8' });
    if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      const cxx = !/\.c$/.test(source);
      throw new CompileError(
        `the C programs are compiled on first use, and there is no ${cxx ? 'C++' : 'C'} compiler (${compiler}) on PATH.\n` +
          `Install one with: ${installCommand(cxx)}  (or set ${cxx ? 'CXX' : 'CC'})\n` +
          'The TypeScript ports need none: `posix-sockets echo-pair` pairs the TypeScript server and client.',
      );
    }
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
  hash.update(JSON.stringify([compiler, version(compiler, source), cflags]));
  for (const [path, bytes] of sources(source)) hash.update(`\0${basename(path)}\0`).update(bytes);
  const key = hash.digest('hex').slice(0, 16);
  const dir = cacheDir();
  const exe = join(dir, `${basename(source).replace(/\.[^.]+$/, '')}-${key}`);
  if (existsSync(exe)) return exe;
  mkdirSync(dir, { recursive: true });
  // A first use from a terminal takes a few seconds per program: say what is happening.
  if (process.stderr.isTTY) process.stderr.write(`posix-sockets: compiling ${basename(source)} with ${compiler} into ${dir}\n`);
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
