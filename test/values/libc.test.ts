// posix-sockets/libc against the C library: each function is called on the
// same inputs by a compiled C program and by a TypeScript program importing
// 'posix-sockets/libc' (the package's own subpath, built in dist/), and the
// bytes each writes, and how each ends, must be the same.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { atoi, exit, fgets, fprintf, perror, printf, stdin, stdout } from '../../src/libc.js';
import { withCompiledC } from '../support/c.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Ran {
  stdout: Buffer;
  stderr: Buffer;
  status: number | null;
}

/** Compiles a C program (warnings off: some formats are odd on purpose) and runs it. */
function runC(source: string, args: string[] = [], input = Buffer.alloc(0)): Ran {
  return withCompiledC(
    source,
    (exe) => {
      const r = spawnSync(exe, args, { input, timeout: 10_000 });
      return { stdout: r.stdout, stderr: r.stderr, status: r.status };
    },
    ['-w'],
  );
}

/** Runs a TypeScript (ES module) program from the package root, where 'posix-sockets/libc' resolves to dist/. */
function runTS(source: string, args: string[] = [], input = Buffer.alloc(0)): Ran {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', source, '--', ...args], { cwd: root, input, timeout: 10_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** A C string literal of any bytes: every byte as a three-digit octal escape. */
const cLiteral = (s: string | Buffer) => `"${[...Buffer.from(s)].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('')}"`;

// ---------------------------------------------------------------------------
// printf

/** A printf argument with its C type: int, unsigned, long, unsigned long, size_t, char (as int), char* (null too). */
type Arg = ['int' | 'unsigned' | 'long' | 'ulong' | 'size_t' | 'char', number | bigint] | ['str', string | null] | ['buf', Buffer];

const printfCases: [string, ...Arg[]][] = [
  ['%d', ['int', 0]],
  ['%d', ['int', 42]],
  ['%d|%i', ['int', -42], ['int', -7]],
  ['%d %d', ['int', 2147483647], ['int', -2147483648]],
  ['%u', ['int', -1]],
  ['%u', ['unsigned', 4000000000]],
  ['%x %X %o', ['int', 255], ['int', 48879], ['int', 8]],
  ['%x', ['int', -1]],
  ['%#x %#X %#o %#x', ['int', 255], ['int', 255], ['int', 8], ['int', 0]],
  ['%ld %ld', ['long', -1], ['long', 9223372036854775807n]],
  ['%lu %lx', ['long', -1], ['ulong', 18446744073709551615n]],
  ['%lld %lli', ['long', -9223372036854775808n], ['long', 5]],
  ['%zu %zu %zd', ['size_t', 10], ['size_t', 18446744073709551615n], ['size_t', 18446744073709551615n]],
  ['%c%c%c', ['char', 65], ['char', 0x30], ['char', 321]],
  ['[%5c|%-3c]', ['char', 97], ['char', 98]],
  ['%s, %s!', ['str', 'hello'], ['str', 'world']],
  ['%s', ['str', '안녕하세요']],
  ['[%s]', ['str', '']],
  ['[%s] [%.3s] [%.6s] [%10s]', ['str', null], ['str', null], ['str', null], ['str', null]],
  ['[%s]', ['buf', Buffer.from('ab\0cd')]],
  ['%%|%5%|100%%'],
  ['[%5d] [%-5d] [%05d] [%05d]', ['int', 42], ['int', 42], ['int', 42], ['int', -42]],
  ['[%+d] [% d] [%+ d] [%+5d] [% 05d]', ['int', 5], ['int', 5], ['int', 5], ['int', -5], ['int', 5]],
  ['[%.3d] [%8.3d] [%-8.3d] [%08.3d]', ['int', 7], ['int', -7], ['int', 7], ['int', 7]],
  ['[%.0d] [%+.0d] [%#.0o] [%#.0x] [%5.0d]', ['int', 0], ['int', 0], ['int', 0], ['int', 0], ['int', 0]],
  ['[%#08x] [%-#8x] [%#5o]', ['int', 255], ['int', 255], ['int', 8]],
  ['[%10s] [%-10s] [%.2s] [%5.1s] [%05s]', ['str', 'abc'], ['str', 'abc'], ['str', 'abc'], ['str', 'abc'], ['str', 'ab']],
  ['[%8s] [%.4s]', ['str', '안녕'], ['str', '안녕']],
  ['[%*d] [%-*d] [%*d]', ['int', 5], ['int', 42], ['int', 5], ['int', 42], ['int', -5], ['int', 42]],
  ['[%.*d] [%.*d] [%.*s] [%*.*s]', ['int', 3], ['int', 7], ['int', -1], ['int', 7], ['int', 2], ['str', 'abc'], ['int', 6], ['int', 2], ['str', 'abc']],
  ['[%hhd] [%hhu] [%hu] [%hd] [%hx]', ['int', 300], ['int', -1], ['int', -1], ['int', 40000], ['int', 65537]],
  ['총 %d바이트를 보냈습니다.\n', ['int', 5]],
  ['\n[TCP 서버] 클라이언트 접속: IP 주소=%s, 포트 번호=%d\n', ['str', '127.0.0.1'], ['int', 51234]],
];

function cArg([type, v]: Arg): string {
  switch (type) {
    case 'str':
      return v === null ? '(char*)0' : cLiteral(v as string);
    case 'buf':
      return cLiteral(v as Buffer);
    case 'int':
    case 'char':
      return `(int)${v}LL`;
    case 'unsigned':
      return `(unsigned)${v}ULL`;
    case 'long':
      return BigInt(v as number) === -(1n << 63n) ? '(long)(-9223372036854775807LL - 1)' : `(long)${v}LL`;
    case 'ulong':
    case 'size_t':
      return `(${type === 'ulong' ? 'unsigned long' : 'size_t'})${v}ULL`;
  }
}

const tsArg = ([type, v]: Arg) => (type === 'buf' ? `Buffer.from(${JSON.stringify([...(v as Buffer)])})` : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v));

describe('printf', () => {
  it('printf_writes_the_bytes_and_returns_the_count_of_the_c_library', () => {
    const c = runC(`#include <stdio.h>\n#include <stddef.h>\nint main(void) {\n\tint n;\n${printfCases
        .map(([f, ...a]) => `\tn = printf(${[cLiteral(f), ...a.map(cArg)].join(', ')});\n\tprintf("|%d\\n", n);\n`)
        .join('')}\treturn 0;\n}\n`,
    );
    const ts = runTS(
      `import { printf } from 'posix-sockets/libc';\nlet n;\n${printfCases
        .map(([f, ...a]) => `n = printf(${[JSON.stringify(f), ...a.map(tsArg)].join(', ')});\nprintf('|%d\\n', n);\n`)
        .join('')}`,
    );
    expect(ts.stderr.toString()).toBe('');
    expect(c.status).toBe(0);
    expect(ts.stdout.toString('latin1').split('\n')).toEqual(c.stdout.toString('latin1').split('\n'));
    expect(ts.stdout.equals(c.stdout)).toBe(true);
  });

  it('fprintf_to_stderr_and_stdout_as_c', () => {
    const c = runC(`#include <stdio.h>\nint main(void) {\n\tfprintf(stderr, "usage: %s port\\n", "prog");\n\tfprintf(stdout, "[%4d]\\n", 7);\n\treturn 0;\n}\n`);
    const ts = runTS(`import { fprintf, stderr, stdout } from 'posix-sockets/libc';\nfprintf(stderr, 'usage: %s port\\n', 'prog');\nfprintf(stdout, '[%4d]\\n', 7);\n`);
    expect(ts.stderr.toString()).toBe(c.stderr.toString());
    expect(ts.stdout.toString()).toBe(c.stdout.toString());
  });

  it('a_missing_or_mistyped_argument_throws_naming_printf_and_the_argument', () => {
    expect(() => printf('%d %d\n', 1)).toThrow(new TypeError('printf(): argument 3 for %d must be a number or bigint, got nothing (too few arguments)'));
    expect(() => printf('%s\n', 5)).toThrow(new TypeError('printf(): argument 2 for %s must be a string, Uint8Array or null, got number'));
    expect(() => printf('%d\n', 1.5)).toThrow(new RangeError('printf(): argument 2 for %d must be an integer, got 1.5'));
    expect(() => printf('%f\n', 1)).toThrow(/^printf\(\): unsupported conversion '%f'/);
    expect(() => printf('100%')).toThrow(/^printf\(\): unsupported conversion '%'/);
    expect(() => fprintf({ fd: 1 }, 'x')).toThrow(new TypeError("fprintf(): argument 'stream' must be stdin, stdout or stderr, got Object"));
    expect(() => fprintf(stdin, 'x')).toThrow(new TypeError("fprintf(): argument 'stream' must be stdout or stderr (stdin is for reading)"));
  });
});

// ---------------------------------------------------------------------------
// fgets

/** Calls fgets once per size in argv on a buffer of 'x's, printing what it returned and the whole buffer. */
const fgetsC = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char* argv[]) {
	char buf[1024];
	for (int k = 1; k < argc; k++) {
		int size = atoi(argv[k]);
		memset(buf, 'x', sizeof(buf));
		char* r = fgets(buf, size, stdin);
		printf("%d %s %d:", size, r == NULL ? "NULL" : r == buf ? "buf" : "?", (int)strlen(buf));
		for (int i = 0; i < (size > 0 ? size : 1); i++) printf(" %02x", (unsigned char)buf[i]);
		printf("\\n");
	}
	return 0;
}
`;
const fgetsTS = `import { fgets, printf, strlen, atoi, stdin } from 'posix-sockets/libc';
const argv = process.argv; // under node -e: [node, ...arguments], as C's argv
const buf = Buffer.alloc(1024);
for (let k = 1; k < argv.length; k++) {
	const size = atoi(argv[k]);
	buf.fill(0x78);
	const r = fgets(buf, size, stdin);
	printf('%d %s %d:', size, r === null ? 'NULL' : r === buf ? 'buf' : '?', strlen(buf));
	for (let i = 0; i < (size > 0 ? size : 1); i++) printf(' %02x', buf[i]);
	printf('\\n');
}
`;

describe('fgets', () => {
  const lines = Array.from({ length: 120 }, (_, k) => `line ${k} ${'.'.repeat(k % 50)}\n`).join('');
  it.each([
    ['lines, a short buffer, no final newline', 'abcdefg\nhi\n\nxyz', [0, 1, 5, 5, 5, 5, 5, 5, 5, 5]],
    ['NUL bytes are copied', 'a\0b\ncd\0', [3, 10, 10, 10]],
    ['a line longer than the buffer (513: the echo client)', `${'C'.repeat(600)}\nend\n`, [513, 513, 513, 513]],
    ['empty input', '', [4, 1, 4]],
    ['more than one 4096-byte read', lines, Array.from({ length: 130 }, () => 100)],
  ])('%s', (_name, input, sizes) => {
    const args = sizes.map(String);
    const c = runC(fgetsC, args, Buffer.from(input));
    const ts = runTS(fgetsTS, args, Buffer.from(input));
    expect(ts.stderr.toString()).toBe('');
    expect(c.status).toBe(0);
    expect(ts.stdout.toString().split('\n')).toEqual(c.stdout.toString().split('\n'));
  });

  it('a_size_larger_than_the_buffer_throws_a_range_error', () => {
    expect(() => fgets(Buffer.alloc(4), 5, stdin)).toThrow(new RangeError("fgets(): argument 'size' (5) exceeds the size of 's' (4 bytes)"));
    expect(() => fgets(Buffer.alloc(4), 4, stdout)).toThrow(new TypeError("fgets(): argument 'stream' must be stdin"));
    expect(() => fgets('abc' as unknown as Buffer, 4, stdin)).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------
// perror, exit, atoi

describe('perror', () => {
  it('perror_prints_the_message_of_errno_as_c', () => {
    const c = runC(`#include <stdio.h>\n#include <unistd.h>\n#include <sys/socket.h>\nint main(void) {\n\tclose(-1);\n\tperror("close");\n\tperror("");\n\tperror(NULL);\n\tsocket(12345, SOCK_STREAM, 0);\n\tperror("소켓 생성");\n\treturn 0;\n}\n`,
    );
    const ts = runTS(
      `import { perror } from 'posix-sockets/libc';\nimport { close, socket, SOCK_STREAM } from 'posix-sockets';\nclose(-1);\nperror('close');\nperror('');\nperror(null);\nsocket(12345, SOCK_STREAM, 0);\nperror('소켓 생성');\n`,
    );
    expect(c.stderr.toString()).toContain('Bad file descriptor');
    expect(ts.stderr.toString()).toBe(c.stderr.toString());
    expect(ts.stdout.length).toBe(0);
  });
});

describe('exit', () => {
  it.each([0, 1, 3, 255, 256, 257, -1])('exit_%i_ends_with_the_status_c_gives', (status) => {
    const c = runC(`#include <stdio.h>\n#include <stdlib.h>\nint main(int argc, char* argv[]) {\n\tprintf("before\\n");\n\texit(atoi(argv[1]));\n\tprintf("after\\n");\n}\n`, [String(status)]);
    const ts = runTS(`import { printf, exit, atoi } from 'posix-sockets/libc';\nprintf('before\\n');\nexit(atoi(process.argv[1]));\nprintf('after\\n');\n`, [String(status)]);
    expect(ts.status).toBe(c.status);
    expect(ts.stdout.toString()).toBe(c.stdout.toString());
    expect(c.stdout.toString()).toBe('before\n');
  });

  it('a_non_integer_status_throws', () => {
    expect(() => exit(1.5)).toThrow(new RangeError("exit(): argument 'status' must be a 32-bit integer, got 1.5"));
    expect(() => exit('1' as unknown as number)).toThrow(new TypeError("exit(): argument 'status' must be a number, got string"));
  });
});

describe('atoi', () => {
  const inputs = ['9000', '  -12abc', '+7', '+-1', 'abc', '', '0x1A', '00012', ' - 3', '\t\n\v\f\r 5', '2147483647', '2147483648', '-2147483649', '99999999999', '9999999999999999999999', '-9999999999999999999999', '٣'];
  it('atoi_parses_as_the_c_library_does', () => {
    const c = runC(`#include <stdio.h>\n#include <stdlib.h>\nint main(int argc, char* argv[]) {\n\tfor (int k = 1; k < argc; k++) printf("%d\\n", atoi(argv[k]));\n\treturn 0;\n}\n`, inputs);
    const ts = runTS(`import { printf, atoi } from 'posix-sockets/libc';\nfor (const a of process.argv.slice(1)) printf('%d\\n', atoi(a));\n`, inputs);
    expect(ts.stdout.toString().split('\n')).toEqual(c.stdout.toString().split('\n'));
    expect(atoi(Buffer.from('42\0 99'))).toBe(42);
    expect(() => atoi(42 as unknown as string)).toThrow(new TypeError("atoi(): argument 'nptr' must be a string or Uint8Array, got number"));
  });
});
