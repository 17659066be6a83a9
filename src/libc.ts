// posix-sockets/libc: the few C library functions a textbook socket program
// uses besides the socket calls, with C's semantics, so that a port keeps the
// program's own lines: printf(3)/fprintf(3), fgets(3) on stdin, perror(3),
// exit(3), atoi(3), strlen(3).
//
// Output is written with write(2) as each call is made: C's stdout is fully
// buffered on a pipe, which is deliberately not emulated (a C program killed
// with output in its buffer loses it; compare runs C programs under
// `stdbuf -o0` so that both sides write each printf as it happens).
import { readSync, writeSync } from 'node:fs';
import { errno, strerror } from './errno.js';
import { describe } from './validate.js';

/** A C stream: the descriptor behind stdin, stdout or stderr. */
export interface FILE {
  readonly fd: number;
}

/** The standard streams (stdio(3)). */
export const stdin: FILE = Object.freeze({ fd: 0 });
export const stdout: FILE = Object.freeze({ fd: 1 });
export const stderr: FILE = Object.freeze({ fd: 2 });

/** A C string argument: a JS string (written as UTF-8) or a char buffer, read up to its first NUL. */
export type CString = string | Uint8Array;

/** An argument of printf: an integer (number or bigint) for %d %i %u %x %X %o %c, a string for %s. */
export type PrintfArg = number | bigint | CString | null;

/** strlen(3): the bytes before the first NUL (the whole buffer if it has none). */
export function strlen(s: Uint8Array): number {
  if (!(s instanceof Uint8Array)) throw new TypeError(`strlen(): argument 's' must be a Uint8Array or Buffer, got ${describe(s)}`);
  const n = s.indexOf(0);
  return n === -1 ? s.length : n;
}

function stream(fn: string, name: string, f: unknown): FILE {
  if (f !== stdin && f !== stdout && f !== stderr) {
    throw new TypeError(`${fn}(): argument '${name}' must be stdin, stdout or stderr, got ${describe(f)}`);
  }
  return f as FILE;
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Writes all of `bytes` to a descriptor, as write(2) in a loop (EAGAIN: a descriptor left non-blocking by a parent). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      pause(1);
    }
  }
}

// ---------------------------------------------------------------------------
// printf

/** Bits of each length modifier's type (LP64: long, size_t, intmax_t and ptrdiff_t are 64-bit on Linux and macOS). */
const lengthBits: Record<string, number> = { hh: 8, h: 16, '': 32, l: 64, ll: 64, j: 64, z: 64, t: 64 };

const spec = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?(hh|h|ll|l|j|z|t)?([diuoxXcs%])?/y;

function integer(fn: string, k: number, conv: string, v: PrintfArg | undefined): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`${fn}(): argument ${k} for %${conv} must be an integer, got ${v}`);
    return BigInt(v);
  }
  throw new TypeError(`${fn}(): argument ${k} for %${conv} must be a number or bigint, got ${v === undefined ? 'nothing (too few arguments)' : describe(v)}`);
}

function cBytes(fn: string, k: number, v: PrintfArg | undefined): Uint8Array {
  if (v === null) return Buffer.from('(null)'); // glibc prints (null) for a null char*
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof Uint8Array) return v.subarray(0, strlen(v));
  throw new TypeError(`${fn}(): argument ${k} for %s must be a string, Uint8Array or null, got ${v === undefined ? 'nothing (too few arguments)' : describe(v)}`);
}

/** `body` padded to `width` bytes: spaces on the left, on the right with `-`. */
function pad(body: Uint8Array, width: number, left: boolean): Uint8Array {
  if (body.length >= width) return body;
  const fill = Buffer.alloc(width - body.length, 0x20);
  return left ? Buffer.concat([body, fill]) : Buffer.concat([fill, body]);
}

/**
 * The bytes printf(3) writes for `format` and `args`: the conversions
 * %d %i %u %o %x %X %c %s %% with C's flags (- + space # 0), field width and
 * precision (digits or *), and the length modifiers hh h l ll j z t.
 * Integers are converted to the modifier's C type first, as the C call does:
 * %u of -1 is 4294967295, %hhd of 300 is 44. Widths and precisions count bytes.
 */
function format(fn: string, fmt: string, args: readonly PrintfArg[]): Buffer {
  if (typeof fmt !== 'string') throw new TypeError(`${fn}(): argument 'format' must be a string, got ${describe(fmt)}`);
  const parts: Uint8Array[] = [];
  let next = 0;
  const arg = () => args[next++];
  const argNo = () => next + 2; // C's numbering: the format is argument 1
  let literal = 0;
  for (let i = fmt.indexOf('%'); i !== -1; i = fmt.indexOf('%', i)) {
    parts.push(Buffer.from(fmt.slice(literal, i), 'utf8'));
    spec.lastIndex = i;
    const m = spec.exec(fmt)!;
    const [whole, flags, widthText, precText, len = '', conv] = m;
    if (conv === undefined) {
      throw new TypeError(`${fn}(): unsupported conversion '${fmt.slice(i, i + whole.length + 1)}' in the format (supported: %d %i %u %o %x %X %c %s %%)`);
    }
    i = literal = i + whole.length;
    if (conv === '%') {
      parts.push(Buffer.from('%'));
      continue;
    }
    let left = flags.includes('-');
    let width = 0;
    if (widthText === '*') {
      const k = argNo();
      width = Number(BigInt.asIntN(32, integer(fn, k, '*', arg())));
      if (width < 0) {
        left = true;
        width = -width;
      }
    } else if (widthText !== undefined) width = Number(widthText);
    let prec: number | null = null;
    if (precText === '*') {
      const k = argNo();
      const p = Number(BigInt.asIntN(32, integer(fn, k, '*', arg())));
      prec = p < 0 ? null : p; // a negative precision is taken as if omitted
    } else if (precText !== undefined) prec = precText === '' ? 0 : Number(precText);
    const k = argNo();
    const v = arg();
    if (conv === 's') {
      if (len !== '') throw new TypeError(`${fn}(): unsupported conversion '%${len}s' (wide strings)`);
      let s = cBytes(fn, k, v);
      // glibc: a null string with a precision too small for "(null)" prints nothing.
      if (prec !== null) s = v === null && prec < 6 ? Buffer.alloc(0) : s.subarray(0, prec);
      parts.push(pad(s, width, left));
      continue;
    }
    const n = integer(fn, k, conv, v);
    if (conv === 'c') {
      if (len !== '') throw new TypeError(`${fn}(): unsupported conversion '%${len}c' (wide characters)`);
      parts.push(pad(Uint8Array.of(Number(BigInt.asUintN(8, n))), width, left));
      continue;
    }
    const bits = lengthBits[len];
    const signed = conv === 'd' || conv === 'i';
    const value = signed ? BigInt.asIntN(bits, n) : BigInt.asUintN(bits, n);
    const negative = value < 0n;
    const base = conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10;
    let digits = (negative ? -value : value).toString(base);
    if (conv === 'X') digits = digits.toUpperCase();
    if (prec !== null && value === 0n && prec === 0) digits = '';
    if (prec !== null && digits.length < prec) digits = digits.padStart(prec, '0');
    let prefix = '';
    if (signed) prefix = negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    if (flags.includes('#')) {
      if (conv === 'o' && !digits.startsWith('0')) digits = `0${digits}`;
      if ((conv === 'x' || conv === 'X') && value !== 0n) prefix = conv === 'x' ? '0x' : '0X';
    }
    // The 0 flag pads with zeros between the sign or 0x and the digits; - or a precision turns it off.
    if (flags.includes('0') && !left && prec === null && prefix.length + digits.length < width) {
      digits = digits.padStart(width - prefix.length, '0');
    }
    parts.push(pad(Buffer.from(prefix + digits, 'latin1'), width, left));
  }
  parts.push(Buffer.from(fmt.slice(literal), 'utf8'));
  return Buffer.concat(parts);
}

/** printf(3): writes the formatted bytes to stdout (fd 1) at once; returns the number of bytes written. */
export function printf(fmt: string, ...args: PrintfArg[]): number {
  const out = format('printf', fmt, args);
  writeAll(stdout.fd, out);
  return out.length;
}

/** fprintf(3) to stdout or stderr; returns the number of bytes written. */
export function fprintf(f: FILE, fmt: string, ...args: PrintfArg[]): number {
  if (stream('fprintf', 'stream', f) === stdin) throw new TypeError("fprintf(): argument 'stream' must be stdout or stderr (stdin is for reading)");
  const fd = f.fd;
  const out = format('fprintf', fmt, args);
  writeAll(fd, out);
  return out.length;
}

/** perror(3): `s: <strerror(errno)>\n` on stderr, or only the message when `s` is null or empty. */
export function perror(s: string | null): void {
  if (s !== null && typeof s !== 'string') throw new TypeError(`perror(): argument 's' must be a string or null, got ${describe(s)}`);
  const msg = strerror(errno);
  writeAll(stderr.fd, Buffer.from(s === null || s === '' ? `${msg}\n` : `${s}: ${msg}\n`, 'utf8'));
}

/** exit(3): ends the process with `status` (the parent sees status & 0377). Nothing is buffered, so nothing is lost. */
export function exit(status: number): never {
  if (typeof status !== 'number') throw new TypeError(`exit(): argument 'status' must be a number, got ${describe(status)}`);
  if (!Number.isInteger(status) || status < -0x80000000 || status > 0x7fffffff) {
    throw new RangeError(`exit(): argument 'status' must be a 32-bit integer, got ${status}`);
  }
  process.exit(status & 0xff);
}

/**
 * atoi(3): glibc's `(int) strtol(nptr, NULL, 10)`: leading white space, an
 * optional sign, decimal digits; 0 if there are none. Out of long's range it
 * saturates, then the conversion to int keeps the low 32 bits.
 */
export function atoi(nptr: CString): number {
  let s: string;
  if (typeof nptr === 'string') s = nptr;
  else if (nptr instanceof Uint8Array) s = Buffer.from(nptr.subarray(0, strlen(nptr))).toString('latin1');
  else throw new TypeError(`atoi(): argument 'nptr' must be a string or Uint8Array, got ${describe(nptr)}`);
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  if (m === null) return 0;
  let v = BigInt(m[1]);
  const LONG_MAX = (1n << 63n) - 1n;
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < -LONG_MAX - 1n) v = -LONG_MAX - 1n;
  return Number(BigInt.asIntN(32, v));
}

// ---------------------------------------------------------------------------
// fgets on stdin, through a buffer as glibc's stdio reads it

const BUFSIZ = 4096; // glibc's buffer for a pipe or file: st_blksize, one read(2) of 4096 at a time
const inBuf = Buffer.alloc(BUFSIZ);
let inPos = 0;
let inEnd = 0;
let inEof = false; // glibc >= 2.28: the end-of-file indicator is sticky, fgets does not read again
let inErr = false;

/** One byte from stdin's buffer, refilled with read(2); -1 at end of file or on a read error. */
function getc(fd: number): number {
  if (inPos === inEnd) {
    if (inEof) return -1;
    let n: number;
    for (;;) {
      try {
        n = readSync(fd, inBuf, 0, BUFSIZ, null);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          pause(10); // stdin left non-blocking by a parent: wait as the blocking read would
          continue;
        }
        inErr = true;
        return -1;
      }
    }
    if (n === 0) {
      inEof = true;
      return -1;
    }
    inPos = 0;
    inEnd = n;
  }
  return inBuf[inPos++];
}

/**
 * fgets(3): reads at most `size` - 1 bytes into `s`, stopping after a newline
 * (which is kept; NUL bytes are copied like any other), and NUL-terminates.
 * Returns `s`, or null at end of file when nothing was read (then `s` is
 * unchanged) or on a read error. As in glibc, a size of 1 stores only the NUL
 * and a size below 1 returns null, both without reading.
 */
export function fgets(s: Uint8Array, size: number, f: FILE): Uint8Array | null {
  if (!(s instanceof Uint8Array)) throw new TypeError(`fgets(): argument 's' must be a Uint8Array or Buffer, got ${describe(s)}`);
  if (typeof size !== 'number') throw new TypeError(`fgets(): argument 'size' must be a number, got ${describe(size)}`);
  if (!Number.isInteger(size) || size < -0x80000000 || size > 0x7fffffff) {
    throw new RangeError(`fgets(): argument 'size' must be a 32-bit integer, got ${size}`);
  }
  if (size > s.length) throw new RangeError(`fgets(): argument 'size' (${size}) exceeds the size of 's' (${s.length} bytes)`);
  if (stream('fgets', 'stream', f) !== stdin) throw new TypeError("fgets(): argument 'stream' must be stdin");
  if (size <= 0) return null;
  let n = 0;
  while (n < size - 1) {
    const c = getc(f.fd);
    if (c === -1) {
      if (n === 0 || inErr) return null;
      break;
    }
    s[n++] = c;
    if (c === 0x0a) break;
  }
  s[n] = 0;
  return s;
}
