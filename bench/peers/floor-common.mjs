// Shared by the floor peers: the bench's floor addon (bench/floor/floor.c,
// built by the runner), and a check that reads the errno of whichever side
// made the call (the floor's own calls, or posix-sockets' setup calls).
import { createRequire } from 'node:module';
import { errno, strerror } from '../../dist/index.js';
import { fail } from './common.mjs';

export const floor = createRequire(import.meta.url)('../floor/build/Release/floor.node');

/** `check(r, what)` for a peer whose calls named in `floorCalls` are the floor's. */
export const checker = (floorCalls) => (r, what) => {
  if (r === -1) fail(`${what}: ${strerror(floorCalls.includes(what) ? floor.errno() : errno)}`);
  return r;
};
