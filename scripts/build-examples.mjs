// Builds the example programs in examples/ when they are missing or older than
// their sources: the C originals (examples/c/build.sh, into examples/c/bin) and
// the TypeScript ports (examples/tsconfig.json, into examples/dist, against the
// built library in dist/). Run by scripts/setup.mjs (npm start, npm test) and by
// the tests that run the programs. `npm run build:examples` builds them always.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

const examples = join(root, 'examples');
const programs = ['echo_server', 'echo_client', 'echo_server6', 'echo_client6', 'select_server', 'poll_server', 'nonblocking_client'];
// epoll is Linux's.
if (process.platform === 'linux') programs.push('epoll_server');
const cSources = Math.max(...['common.h', 'build.sh', ...programs.map((p) => `${p}.cpp`)].map((f) => mtime(join(examples, 'c', f))));
if (programs.some((p) => mtime(join(examples, 'c', 'bin', p)) < cSources)) {
  console.error('posix-sockets: building the C echo programs…');
  run('sh examples/c/build.sh');
}
const tsSources = Math.max(
  mtime(join(root, 'dist', 'index.d.ts')),
  mtime(join(examples, 'tsconfig.json')),
  ...readdirSync(examples).filter((f) => f.endsWith('.ts')).map((f) => mtime(join(examples, f))),
);
if (['common', ...programs].some((p) => mtime(join(examples, 'dist', `${p}.js`)) < tsSources)) {
  console.error('posix-sockets: compiling the TypeScript echo programs…');
  run('npx tsc -p examples/tsconfig.json');
}
