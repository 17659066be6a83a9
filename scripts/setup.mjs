// Brings a fresh clone to a runnable state, so `npm start` and `npm test` work
// as the first command: installs dependencies when missing or older than
// package-lock.json, then builds whichever part is missing or stale: the addon
// from source (node-gyp, into build/Release, which the loader prefers to the
// prebuilt binaries), the library (dist/), the tools (tools/dist/), the
// TypeScript ports in examples/ (the C programs are compiled on first use by
// the command itself, tools/cbuild.ts). Installing builds none of them (no
// install script).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTs } from './constants.mjs';
import { filesIn, stale } from './stale.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
const at = (...p) => join(root, ...p);

// npm ci also when package-lock.json changed since the last install (a pull
// that added a dependency), not only on a fresh clone.
if (!existsSync(at('node_modules', '.package-lock.json')) || stale([at('node_modules', '.package-lock.json')], [at('package-lock.json')])) {
  console.error('posix-sockets: installing dependencies (npm ci)…');
  run('npm ci --no-audit --no-fund');
}
if (stale([at('build', 'Release', 'posix_sockets.node')], [at('native'), at('binding.gyp'), at('scripts', 'constants.mjs')])) {
  console.error('posix-sockets: building the addon (node-gyp)…');
  run('npx node-gyp rebuild');
}
generateTs(); // src/constant-names.ts, from native/constants.txt
if (stale([at('dist', 'index.js')], [at('src'), at('tsconfig.json')])) {
  console.error('posix-sockets: compiling the TypeScript…');
  run('npx tsc -p tsconfig.json');
}
// The tools build against dist/index.d.ts, so after the library.
if (stale([at('tools', 'dist', 'cli.js')], [...filesIn(at('tools'), '.ts'), at('tools', 'tsconfig.json'), at('dist', 'index.d.ts')])) {
  console.error('posix-sockets: compiling the tools…');
  run('npx tsc -p tools/tsconfig.json');
}

// The TypeScript ports in examples/, when missing or stale.
await import('./build-examples.mjs');
