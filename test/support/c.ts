// The one C-compile helper: the truth a test compares with is what a C
// program gets on this machine, compiled with the system's `cc`. A missing
// compiler is an error, never a reason to skip.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Compiles `source` into a fresh temp dir, calls `use` with the executable's path, then removes the dir. */
export function withCompiledC<T>(source: string, use: (exe: string) => T, flags: string[] = ['-Werror=implicit-function-declaration']): T {
  const dir = mkdtempSync(join(tmpdir(), 'posix-sockets-c-'));
  try {
    const src = join(dir, 'prog.c');
    const exe = join(dir, 'prog');
    writeFileSync(src, source);
    execFileSync('cc', [...flags, '-o', exe, src], { stdio: ['ignore', 'pipe', 'pipe'] });
    return use(exe);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiles a C program and runs it; returns its stdout. */
export function runC(source: string, args: string[] = []): string {
  return withCompiledC(source, (exe) => execFileSync(exe, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }));
}

/** Whether `cc` compiles `source` (e.g. whether a struct has a field on this platform). */
export function compilesC(source: string): boolean {
  try {
    withCompiledC(source, () => undefined, ['-c']);
    return true;
  } catch (e) {
    // A compiler that cannot be run is an error, not a missing field.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw e;
    return false;
  }
}

/**
 * The socket headers a C program comparing with this library includes, with
 * _GNU_SOURCE as the addon (C++, where g++ defines it) sees them: struct
 * ucred and the GNU-only EAI_* codes are defined only then.
 */
export const C_HEADERS = `#define _GNU_SOURCE\n${[
  'sys/types.h',
  'sys/socket.h',
  'netinet/in.h',
  'netinet/tcp.h',
  'arpa/inet.h',
  'fcntl.h',
  'errno.h',
  'sys/un.h',
  'sys/time.h',
  'unistd.h',
  'stdio.h',
  'stdlib.h',
  'string.h',
  'stddef.h',
  'stdint.h',
  'netdb.h',
  'limits.h',
  'sys/ioctl.h',
  'sys/uio.h',
]
  .map((h) => `#include <${h}>`)
  .join('\n')}\n// I/O multiplexing (select, poll, signal masks; epoll on Linux).\n#include <sys/select.h>\n#include <poll.h>\n#include <signal.h>\n#ifdef __linux__\n#include <linux/sockios.h>\n#include <sys/epoll.h>\n#endif`;

/** Runs a C program (`body` inside main, `prelude` before it) whose output lines are `key value`; returns them as a map. */
export function cMap(body: string, prelude = ''): Map<string, string> {
  const out = runC(`${C_HEADERS}\n${prelude}\nint main(void) {\n${body}\n  return 0;\n}\n`);
  return new Map(
    out
      .trim()
      .split('\n')
      .map((l) => {
        const i = l.indexOf(' ');
        return [l.slice(0, i), l.slice(i + 1)] as [string, string];
      }),
  );
}

/** A C function for cMap's prelude: `dump("name", &x, sizeof(x))` prints `name` and the bytes in hex. */
export const C_DUMP = `static void dump(const char *name, const void *p, size_t n) {
  printf("%s", name);
  for (size_t i = 0; i < n; i++) printf(" %02x", ((const unsigned char *)p)[i]);
  printf("\\n");
}`;

/** Bytes in hex, as C_DUMP prints them. */
export const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
