// Code that cannot load TypeScript (a worker, a child process under strace)
// runs the built package: these are the URLs it imports, built once by the
// global setup (global-setup.ts), and the one prelude that makes its
// connected pair.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The URL of the built library entry (dist/index.js). */
export function distEntry(): string {
  return pathToFileURL(join(root, 'dist', 'index.js')).href;
}

/** The URL of the built loopback fixture (tools/dist/loopback.js), the same one the in-process tests use. */
export function loopbackEntry(): string {
  return pathToFileURL(join(root, 'tools', 'dist', 'loopback.js')).href;
}

/**
 * The start of a child-process script (for strace): imports the built package
 * as `s` and makes a connected loopback pair with the blocking twins, `l`
 * listening, `c` the client, `srv` the accepted socket, `addr` the listener's
 * address.
 */
export function pairScriptPrelude(): string {
  return `import * as s from ${JSON.stringify(distEntry())};
import { connectedPairSync } from ${JSON.stringify(loopbackEntry())};
const { listener: { fd: l, addr }, client: c, server: srv } = connectedPairSync(s.AF_INET, 4);`;
}

/**
 * Runs `pairScriptPrelude()` + `body` as a child process under
 * `strace -f -qq -e trace=<calls> -e signal=none`; returns its stdout and
 * strace's output. The script and the trace live in a temp dir, removed after.
 */
export function straceInPairScript(body: string, calls: string, timeoutMs: number): { stdout: string; trace: string } {
  const dir = mkdtempSync(join(tmpdir(), 'posix-sockets-strace-'));
  try {
    const script = join(dir, 'script.mjs');
    const trace = join(dir, 'trace.txt');
    writeFileSync(script, `${pairScriptPrelude()}\n${body}`);
    const stdout = execFileSync('strace', ['-f', '-qq', '-e', `trace=${calls}`, '-e', 'signal=none', '-o', trace, process.execPath, script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    return { stdout, trace: readFileSync(trace, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
