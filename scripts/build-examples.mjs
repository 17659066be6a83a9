// Compiles the TypeScript ports in examples/ (examples/tsconfig.json, into
// examples/dist, against the built library in dist/) when any is missing or
// older than its sources. The C originals are built by compare itself, into a
// cache outside the package (tools/cbuild.ts). Run by scripts/setup.mjs (npm
// start, npm test, the tests' global setup). `npm run build:examples` builds
// them always.
import { execSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesIn, stale } from './stale.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const examples = join(root, 'examples');
const sources = filesIn(examples, '.ts');
const ports = sources.map((f) => join(examples, 'dist', basename(f).replace(/\.ts$/, '.js')));
if (stale(ports, [join(root, 'dist', 'index.d.ts'), join(root, 'dist', 'libc.d.ts'), join(examples, 'tsconfig.json'), ...sources])) {
  console.error('posix-sockets: compiling the TypeScript example programs…');
  run('npx tsc -p examples/tsconfig.json');
}
