////////////////////////////////////////////////////////////////////////////////////////////////////////////
//공통 코드
// The notes' common code (c/common.h) in TypeScript, plus the few C library
// functions the echo programs use: printf (%d, %s), fgets on stdin, strlen, atoi.
//
// Output goes straight to fd 1 with fs.writeSync, so nothing is lost when the
// process is killed. C's stdio is fully buffered on a pipe and is deliberately
// not emulated: where a C program is killed, it is run under `stdbuf -o0`, and
// both then write each printf as it happens.
import { readSync, writeSync } from 'node:fs';
import { errno, strerror } from 'posix-sockets';

// Windows 소켓 코드와 호환성을 위한 정의
export type SOCKET = number;
export { SOCKET_ERROR, INVALID_SOCKET } from 'posix-sockets';

// 소켓 함수 오류 출력 후 종료
export function err_quit(msg: string): never {
	const msgbuf = strerror(errno);
	printf('[%s] %s\n', msg, msgbuf);
	process.exit(1);
}

// 소켓 함수 오류 출력
export function err_display(msg: string): void;
// 소켓 함수 오류 출력
export function err_display(errcode: number): void;
export function err_display(arg: string | number): void {
	if (typeof arg === 'string') {
		const msgbuf = strerror(errno);
		printf('[%s] %s\n', arg, msgbuf);
	} else {
		const msgbuf = strerror(arg);
		printf('[오류] %s\n', msgbuf);
	}
}

////////////////////////////////////////////////////////////////////////////////////////////////////////////
// The C library functions used by the echo programs.

/** A C string argument: a JS string (written as UTF-8) or a char buffer, read up to its NUL. */
type CString = string | Uint8Array;

function cstr(s: CString | null): Uint8Array {
	if (s === null) return Buffer.from('(null)'); // glibc's printf("%s", NULL)
	return typeof s === 'string' ? Buffer.from(s, 'utf8') : s.subarray(0, strlen(s));
}

/** Writes all of `bytes` to a descriptor, as write(2) in a loop (EAGAIN: stdout left non-blocking by a parent). */
function writeAll(fd: number, bytes: Uint8Array): void {
	let off = 0;
	while (off < bytes.length) {
		try {
			off += writeSync(fd, bytes, off, bytes.length - off);
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
		}
	}
}

/** printf(3) with the conversions the notes use: %d (an integer) and %s (a string or a NUL-terminated buffer). */
export function printf(format: string, ...args: (number | CString | null)[]): number {
	const parts: Uint8Array[] = [];
	let i = 0;
	for (const piece of format.split(/(%[ds%])/)) {
		if (piece === '%d') parts.push(Buffer.from(String(Math.trunc(Number(args[i++])) | 0)));
		else if (piece === '%s') parts.push(cstr(args[i++] as CString | null));
		else if (piece === '%%') parts.push(Buffer.from('%'));
		else parts.push(Buffer.from(piece, 'utf8'));
	}
	const out = Buffer.concat(parts);
	writeAll(1, out);
	return out.length;
}

/** strlen(3): the bytes before the first NUL (the whole buffer if it has none). */
export function strlen(s: Uint8Array): number {
	const n = s.indexOf(0);
	return n === -1 ? s.length : n;
}

/** atoi(3): leading blanks, an optional sign, then decimal digits; 0 if there are none. */
export function atoi(nptr: string): number {
	const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(nptr);
	return m === null ? 0 : Number.parseInt(m[1], 10) | 0;
}

/** The FILE* for fd 0. */
export interface FILE {
	readonly fd: number;
}

/** stdin, read through a buffer as C's stdio does (one read(2) of up to 4096 bytes at a time). */
export const stdin: FILE = { fd: 0 };

const BUFSIZ = 4096;
const inBuf = Buffer.alloc(BUFSIZ);
let inPos = 0;
let inEnd = 0;
let inEof = false; // glibc >= 2.28: once read(2) gave end of file, fgets does not read again

/** One byte from the stream's buffer, refilled with read(2); -1 at end of file (EOF) or on error. */
function getc(stream: FILE): number {
	if (inPos === inEnd) {
		if (inEof) return -1;
		let n: number;
		for (;;) {
			try {
				n = readSync(stream.fd, inBuf, 0, BUFSIZ, null);
				break;
			} catch (e) {
				const code = (e as NodeJS.ErrnoException).code;
				if (code === 'EAGAIN') {
					Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
					continue;
				}
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
 * fgets(3): reads at most size - 1 bytes into `s`, stopping after a newline (which is kept), and
 * NUL-terminates. Returns `s`, or null at end of file when nothing was read.
 */
export function fgets(s: Uint8Array, size: number, stream: FILE): Uint8Array | null {
	let n = 0;
	while (n < size - 1) {
		const c = getc(stream);
		if (c === -1) {
			if (n === 0) return null;
			break;
		}
		s[n++] = c;
		if (c === 0x0a) break;
	}
	s[n] = 0;
	return s;
}
