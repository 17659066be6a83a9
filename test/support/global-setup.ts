// Vitest's global setup: before any test file, builds whatever is missing or
// stale, once (the addon, dist/ for workers and child scripts, tools/dist/,
// the echo programs), with the same script as `npm start`, so that a single
// `npx vitest run FILE` needs no step before it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/setup.mjs', import.meta.url))], { stdio: 'inherit' });
}
