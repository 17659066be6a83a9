// What the bench builds before it runs, each only when missing or stale: the C
// reference peers (bench/c/, cc -O2) and the floor addon (bench/floor/,
// node-gyp against the running Node's headers). Used by run.mjs and profile.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stale } from '../scripts/stale.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const bin = join(here, 'bin');
const floorDir = join(here, 'floor');
export const floorAddon = join(floorDir, 'build', 'Release', 'floor.node');

// A command as typed: paths below the working directory relative to it, node as `node`.
const shown = (a) => (a === process.execPath ? 'node' : a.startsWith(process.cwd() + sep) ? relative(process.cwd(), a) : a);
const show = (cmd, args) => process.stderr.write(`${[cmd, ...args].map(shown).join(' ')}\n`);

/** Compiles bench/c/ into bench/bin/; returns the compiler used. */
export function buildC() {
  mkdirSync(bin, { recursive: true });
  const cc = process.env.CC || 'cc';
  const header = join(here, 'c', 'common.h');
  for (const prog of ['server', 'client']) {
    const src = join(here, 'c', `${prog}.c`);
    const out = join(bin, prog);
    if (stale([out], [src, header])) {
      const args = ['-O2', '-Wall', '-o', out, src];
      show(cc, args);
      execFileSync(cc, args, { stdio: 'inherit' });
    }
  }
  // The koffi peer's constants and sockaddr_in layout, from the system headers.
  writeFileSync(join(bin, 'constants.json'), execFileSync(join(bin, 'client'), ['constants']));
  return cc;
}

/**
 * Builds the floor addon into bench/floor/build/ (git-ignored) with the
 * project's node-gyp, against the headers of the Node running this script:
 * npm's configured nodedir, else the headers installed beside this node
 * (<prefix>/include/node), else node-gyp's own download for this version.
 */
export function buildFloor() {
  if (!stale([floorAddon], [join(floorDir, 'floor.c'), join(floorDir, 'binding.gyp')])) return;
  const gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  const prefix = dirname(dirname(process.execPath));
  const nodedir = process.env.npm_config_nodedir || (existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null);
  const args = [gyp, 'rebuild', '--directory', floorDir, ...(nodedir ? [`--nodedir=${nodedir}`] : []), '--loglevel=warn'];
  show(process.execPath, args);
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}
