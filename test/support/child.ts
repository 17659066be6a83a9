// Code that cannot load TypeScript (a worker, a child process under strace)
// runs the built package: these are the URLs it imports, built once by the
// global setup (global-setup.ts), and the one prelude that makes its
// connected pair.
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
