// errno as C has it: a failing call sets it, a successful call leaves it
// alone; strerror is the C library's own text.
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AF_INET,
  EBADF,
  ENOTSOCK,
  SOCK_DGRAM,
  SOCK_STREAM,
  close,
  constants,
  errno,
  htons,
  in_addr,
  inet_pton,
  recv,
  recvSync,
  socket,
  strerror,
} from '../../src/index.js';
import { C_HEADERS, runC } from '../support/c.js';

// epoll's EPOLL* flags share the E.
const ERRNO_NAMES = Object.keys(constants).filter((n) => /^E(?!POLL)[A-Z0-9]+$/.test(n));

describe('errno', () => {
  it('failing_call_sets_errno', () => {
    expect(close(-1)).toBe(-1);
    expect(errno).toBe(EBADF);
    expect(socket(AF_INET, 0x7ffff, 0)).toBe(-1);
    expect(errno).not.toBe(EBADF);
    expect(errno).toBeGreaterThan(0);
  });

  it('successful_calls_leave_errno_unchanged_as_in_c', () => {
    // The same sequence in C: errno after each step.
    const c = runC(`${C_HEADERS}
int main(void) {
  errno = 0; close(-1); printf("%d\\n", errno);
  int s = socket(AF_INET, SOCK_DGRAM, 0); printf("%d\\n", errno);
  unsigned char b[4]; inet_pton(AF_INET, "1.2.3.4", b); printf("%d\\n", errno);
  close(s); printf("%d\\n", errno);
  return 0;
}`);
    const js: number[] = [];
    close(-1);
    js.push(errno);
    const s = socket(AF_INET, SOCK_DGRAM, 0);
    expect(s).toBeGreaterThanOrEqual(0);
    js.push(errno);
    expect(inet_pton(AF_INET, '1.2.3.4', new in_addr())).toBe(1);
    htons(80);
    strerror(1);
    js.push(errno);
    expect(close(s)).toBe(0);
    js.push(errno);
    expect(js.join('\n')).toBe(c.trim());
    expect(js).toEqual([EBADF, EBADF, EBADF, EBADF]);
  });

  it('async_failure_sets_errno_before_the_promise_resolves', async () => {
    close(-1); // EBADF
    const r = await recv(-1, Buffer.alloc(4), 4, 0);
    expect(r).toBe(-1);
    expect(errno).toBe(EBADF);
    // A later failure with another errno replaces it; a success keeps it.
    const file = openSync(fileURLToPath(import.meta.url), 'r');
    try {
      expect(await recv(file, Buffer.alloc(4), 4, 0)).toBe(-1);
      expect(errno).toBe(ENOTSOCK);
      const s = socket(AF_INET, SOCK_STREAM, 0);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(errno).toBe(ENOTSOCK);
      close(s);
      expect(recvSync(-1, Buffer.alloc(1), 1, 0)).toBe(-1);
      expect(errno).toBe(EBADF);
    } finally {
      closeSync(file);
    }
  });

  it('strerror_equals_c_strerror_for_every_errno_constant', () => {
    expect(ERRNO_NAMES.length).toBeGreaterThan(50);
    const extra = [0, -1, 9999, 2147483647, -2147483648];
    const body = [
      ...ERRNO_NAMES.map((n) => `  printf("%s\\n", strerror(${n}));`),
      ...extra.map((n) => `  printf("%s\\n", strerror(${n === -2147483648 ? '(-2147483647 - 1)' : n}));`),
    ].join('\n');
    const c = runC(`${C_HEADERS}\nint main(void) {\n${body}\n  return 0;\n}\n`).split('\n');
    const js = [...ERRNO_NAMES.map((n) => strerror(constants[n])), ...extra.map((n) => strerror(n))];
    for (let i = 0; i < js.length; i++) {
      expect(js[i], i < ERRNO_NAMES.length ? ERRNO_NAMES[i] : String(extra[i - ERRNO_NAMES.length])).toBe(c[i]);
    }
  });

  it('strerror_does_not_change_errno', () => {
    close(-1);
    strerror(constants.ENOENT);
    expect(errno).toBe(EBADF);
  });
});
