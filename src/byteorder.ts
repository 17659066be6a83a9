// byteorder(3): htons, htonl, ntohs, ntohl on this host's endianness.
import { endianness } from 'node:os';

const littleEndian = endianness() === 'LE';

function swap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

function swap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | ((x >>> 24) & 0xff)) >>> 0;
}

function check(fn: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number') throw new TypeError(`${fn}(): argument '${name}' must be a number, got ${typeof v}`);
  if (!Number.isInteger(v)) throw new RangeError(`${fn}(): argument '${name}' must be an integer, got ${v}`);
}

// C converts its argument to uint16_t / uint32_t; so do these.
/** htons(3): host to network byte order, 16 bits. */
export function htons(hostshort: number): number {
  check('htons', 'hostshort', hostshort);
  const x = hostshort & 0xffff;
  return littleEndian ? swap16(x) : x;
}
/** ntohs(3): network to host byte order, 16 bits. */
export const ntohs = htons;
/** htonl(3): host to network byte order, 32 bits. */
export function htonl(hostlong: number): number {
  check('htonl', 'hostlong', hostlong);
  const x = hostlong >>> 0;
  return littleEndian ? swap32(x) : x;
}
/** ntohl(3): network to host byte order, 32 bits. */
export const ntohl = htonl;
