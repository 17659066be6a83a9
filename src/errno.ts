// errno as C has it: a failing call sets it, a successful call leaves it alone.
import { addon } from './addon.js';

/**
 * The error number of the last failing call, like C's `errno` (errno(3)).
 * A live binding: read it right after the call (or right after `await`).
 */
export let errno = 0;

/** @internal Used by the call wrappers; not part of the public API. */
export function setErrno(n: number): void {
  errno = n;
}

/** strerror(3): the C library's own message for an error number. */
export function strerror(errnum: number): string {
  if (typeof errnum !== 'number') {
    throw new TypeError(`strerror(): argument 'errnum' must be a number, got ${typeof errnum}`);
  }
  if (!Number.isInteger(errnum) || errnum < -0x80000000 || errnum > 0x7fffffff) {
    throw new RangeError(`strerror(): argument 'errnum' must be a 32-bit integer, got ${errnum}`);
  }
  return addon.strerror(errnum);
}
