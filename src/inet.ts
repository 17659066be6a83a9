// inet_pton(3) and inet_ntop(3): the C library's own parser and printer.
import { addon, ERRNO_SLOT } from './addon.js';
import { setErrno } from './errno.js';
import * as v from './validate.js';
import type { HasBytes } from './validate.js';

/**
 * inet_pton(3): parses `src` into `dst` (e.g. `serverAddr.sin_addr`, an `in_addr`
 * or `in6_addr`). Returns 1 on success, 0 if `src` is not a valid address, -1
 * (errno EAFNOSUPPORT) for an unknown family.
 */
export function inet_pton(af: number, src: string, dst: HasBytes | ArrayBufferView): number {
  v.int('inet_pton', 'af', af);
  if (typeof src !== 'string') throw new TypeError(`inet_pton(): argument 'src' must be a string, got ${v.describe(src)}`);
  const bytes = v.memory('inet_pton', 'dst', dst);
  const r = addon.inet_pton(af, src, bytes);
  if (r === -1) setErrno(addon.lastCall[ERRNO_SLOT]);
  return r;
}

/**
 * inet_ntop(3): the text form of the address in `src` (an `in_addr`, `in6_addr`
 * or its bytes). Returns null and sets errno on failure (EAFNOSUPPORT, or
 * ENOSPC when `size` is too small). `size` defaults to INET6_ADDRSTRLEN.
 */
export function inet_ntop(af: number, src: HasBytes | ArrayBufferView, size?: number): string | null {
  v.int('inet_ntop', 'af', af);
  const bytes = v.memory('inet_ntop', 'src', src);
  if (size !== undefined) v.socklen('inet_ntop', 'size', size);
  const r = addon.inet_ntop(af, bytes, size);
  if (r === null) setErrno(addon.lastCall[ERRNO_SLOT]);
  return r;
}
