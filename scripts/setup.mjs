// Brings a fresh clone to a runnable state, so `npm start` and `npm test` work
// as the first command: installs dependencies (which compiles the TypeScript)
// if they are missing, builds the addon from source (node-gyp, into
// build/Release, which the loader prefers to the prebuilt binaries) and the
// TypeScript when missing or stale; then the echo programs in examples/.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.error('posix-sockets: installing dependencies (npm ci)…');
  run('npm ci --no-audit --no-fund');
}
const addon = join(root, 'build', 'Release', 'posix_sockets.node');
if (mtime(addon) < Math.max(newest(join(root, 'native')), mtime(join(root, 'binding.gyp')))) {
  console.error('posix-sockets: building the addon (node-gyp)…');
  run('npx node-gyp rebuild');
}
if (mtime(join(root, 'dist', 'index.js')) < newest(join(root, 'src'))) {
  console.error('posix-sockets: compiling the TypeScript…');
  run('npx tsc -p tsconfig.json');
}


// The echo programs in examples/, when missing or stale.
await import('./build-examples.mjs');
