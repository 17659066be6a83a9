// Lints the package as published: publint (package.json fields against the
// packed files) and @arethetypeswrong/cli (what TypeScript and Node resolve
// for "posix-sockets" and "posix-sockets/libc" under node10, node16 from CJS
// and ESM, and bundler; node10, which predates "exports", finds the subpath's
// types through "typesVersions").
// The one rule ignored, cjs-resolves-to-esm, is the design: require() of this
// ES module graph (no top-level await) works on every Node in "engines"
// (^20.19 || >=22.12), and TypeScript's nodenext types it since 5.8.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = (...args) => execFileSync('npx', args, { cwd: root, stdio: 'inherit' });

run('publint', '--strict');
run('attw', '--pack', '.', '--ignore-rules', 'cjs-resolves-to-esm');
