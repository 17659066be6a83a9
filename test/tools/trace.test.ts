// POSIX_SOCKETS_TRACE=1 prints each call as strace prints the syscall, so a
// TypeScript program's trace reads line for line like strace of the C program:
// send/recv as sendto/recvfrom with no address, protocols by name, strace's
// string quoting. strace of the C programs (and of C compiled here) is the truth.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseCalls } from '../../tools/compare.js';
import { tools } from '../../tools/run.js';
import { fmtData } from '../../src/trace.js';
import { withCompiledC } from '../support/c.js';
import { runEcho } from '../support/lessons.js';

const strace = tools.strace !== null;
const traceOn = { POSIX_SOCKETS_TRACE: '1' };

describe.each([
  ['IPv4', false],
  ['IPv6', true],
])('%s', (_ip, v6) => {
  it('refused_connect_is_traced_as_strace_prints_it', async () => {
    const ts = await runEcho('refused', [null, 'ts'], v6, { strace: false, env: traceOn });
    const lines = ts.client!.stderr.toString().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const fd = /^socket\(AF_INET6?, SOCK_STREAM, IPPROTO_IP\) = (\d+)$/.exec(lines[0])?.[1];
    expect(fd, lines[0]).toBeDefined();
    const addr = v6
      ? `{sa_family=AF_INET6, sin6_port=htons(${ts.port}), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28`
      : `{sa_family=AF_INET, sin_port=htons(${ts.port}), sin_addr=inet_addr("127.0.0.1")}, 16`;
    expect(lines[1]).toBe(`connect(${fd}, ${addr}) = -1 ECONNREFUSED (Connection refused)`);
    if (strace) {
      // The C client's own connect, from strace, is the same line once descriptors are numbered alike.
      const c = await runEcho('refused', [null, 'c'], v6, { strace: true });
      expect(normaliseCalls(ts.client!.stderr.toString(), ts.port)).toEqual(normaliseCalls(c.client!.strace!, c.port));
    }
  });

  it('echo_pair_trace_equals_strace_of_the_c_programs_line_for_line', async () => {
    const ts = await runEcho('echo', ['ts', 'ts'], v6, { strace: false, env: traceOn });
    const server = normaliseCalls(ts.server!.stderr.toString(), ts.port);
    const client = normaliseCalls(ts.client!.stderr.toString(), ts.port);
    // recv and send are traced as the syscalls they are.
    expect(server).toContain('recvfrom(FD2, "hello, world", 511, 0, NULL, NULL) = 12');
    expect(client).toContain('sendto(FD1, "hello, world", 12, 0, NULL, 0) = 12');
    if (strace) {
      const c = await runEcho('echo', ['c', 'c'], v6, { strace: true });
      expect(server).toEqual(normaliseCalls(c.server!.strace!, c.port, c.server!.stoppedAt));
      expect(client).toEqual(normaliseCalls(c.client!.strace!, c.port, c.client!.stoppedAt));
    }
  });
});

describe('data', () => {
  it('data_is_quoted_as_strace_quotes_it', () => {
    // Every byte value, and the cases strace quotes specially: an octal escape
    // followed by a digit is written with three digits ("\0011"), C escapes
    // (\t \n \v \f \r \" \\), and more than 32 bytes end in "...".
    const chunks: number[][] = [];
    for (let b = 0; b < 256; b += 32) chunks.push(Array.from({ length: 32 }, (_, k) => b + k));
    const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));
    chunks.push([1, ...ascii('1'), 0, ...ascii('7'), 0x1b, ...ascii('8'), 0o377, ...ascii('0'), 9, 10, 11, 12, 13, ...ascii('"\\')]);
    chunks.push(ascii('x'.repeat(33)), [0xea, 0xb0, 0x80], []);
    const source = `#include <sys/socket.h>
int main(void) {
  static const unsigned char data[][40] = { ${chunks.map((c) => `{ ${c.join(', ') || '0'} }`).join(',\n    ')} };
  static const int len[] = { ${chunks.map((c) => c.length).join(', ')} };
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) return 1;
  for (unsigned k = 0; k < sizeof(len) / sizeof(len[0]); k++) send(sv[0], data[k], len[k], 0);
  return 0;
}
`;
    withCompiledC(
      source,
      (exe) => {
        if (!strace) {
          // Without strace, at least the rules above hold.
          expect(fmtData(Buffer.from([1, 0x31]), 2)).toBe('"\\0011"');
          return;
        }
        const out = `${exe}.strace`;
        execFileSync(tools.strace!, ['-qq', '-e', 'trace=sendto', '-o', out, exe], { stdio: 'ignore', timeout: 10_000 });
        const quoted = readFileSync(out, 'utf8')
          .trimEnd()
          .split('\n')
          .map((l) => /^sendto\(\d+, (".*"(?:\.\.\.)?), \d+, 0, NULL, 0\) += \d+$/.exec(l)?.[1] ?? l);
        expect(quoted).toEqual(chunks.map((c) => fmtData(Buffer.from(c), c.length)));
      },
      [],
    );
  });
});
