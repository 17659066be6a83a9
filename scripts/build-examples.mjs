// Builds the example programs in examples/ when they are missing or older than
// their sources: the C originals (examples/c/build.sh, into examples/c/bin) and
// the TypeScript ports (examples/tsconfig.json, into examples/dist, against the
// built library in dist/). Run by scripts/setup.mjs (npm start, npm test, the
// tests' global setup). `npm run build:examples` builds them always.
import { execSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesIn, stale } from './stale.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd) => execSync(cmd, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const examples = join(root, 'examples');
const programs = ['echo_server', 'echo_client', 'echo_server6', 'echo_client6', 'select_server', 'poll_server', 'nonblocking_client'];
// epoll is Linux's.
if (process.platform === 'linux') programs.push('epoll_server');
if (stale(programs.map((p) => join(examples, 'c', 'bin', p)), [...['common.h', 'build.sh'].map((f) => join(examples, 'c', f)), ...filesIn(join(examples, 'c'), '.cpp')])) {
  console.error('posix-sockets: building the C example programs…');
  run('sh examples/c/build.sh');
}
const ports = ['common', ...programs].map((p) => join(examples, 'dist', `${p}.js`));
if (stale(ports, [join(root, 'dist', 'index.d.ts'), join(examples, 'tsconfig.json'), ...filesIn(examples, '.ts')])) {
  console.error('posix-sockets: compiling the TypeScript example programs…');
  run('npx tsc -p examples/tsconfig.json');
}
