// The echo pair line by line: each sample input (ASCII, Korean, a 511-byte and
// a 513-byte line) and each error path gives the TypeScript ports the C
// originals' transcript, over IPv4 and IPv6. The C run is the truth; the quirk
// each input is there for is checked on it too, so the input proves what it claims.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseStdout, runnable, type Impl } from '../../tools/compare.js';
import { Program, holdPort, packageRoot } from '../../tools/run.js';
import { echoLesson, runEcho, type EchoRun } from '../support/lessons.js';

/** The echo scenario's client input, line by line: ASCII, Korean, 511 and 513 bytes. */
const sampleLines = echoLesson()
  .scenarios.find((s) => s.name === 'echo')!
  .stdin.client.toString('utf8')
  .split('\n')
  .slice(0, -1);
const lineOf = (name: string) => ({ ASCII: 0, Korean: 1, '511 bytes': 2, '513 bytes': 3 })[name]!;

/** The client transcript cut into one block per line sent, starting at each "보낼 데이터". */
function blocks(stdout: Buffer): string[] {
  return stdout
    .toString('utf8')
    .split('보낼 데이터\n')
    .slice(1)
    .map((b) => `보낼 데이터\n${b}`);
}

describe.each([
  ['IPv4', false],
  ['IPv6', true],
])('%s', (_ip, v6) => {
  const runs = new Map<string, EchoRun>();
  beforeAll(async () => {
    for (const [server, client] of [['c', 'c'], ['ts', 'ts']] as [Impl, Impl][]) {
      runs.set(server, await runEcho('echo', [server, client], v6, { strace: false }));
    }
  }, 30_000);
  const c = () => runs.get('c')!;
  const ts = () => runs.get('ts')!;
  const block = (run: EchoRun, name: string) => blocks(run.client!.stdout)[lineOf(name)];

  it('ascii_line_is_echoed_as_by_c', () => {
    const want = block(c(), 'ASCII');
    expect(want).toContain(`총 12바이트를 보냈습니다.\n방금 12바이트를 받았습니다..\nhello, world\n`);
    expect(block(ts(), 'ASCII')).toBe(want);
  });

  it('korean_line_is_echoed_byte_for_byte_as_by_c', () => {
    const want = block(c(), 'Korean');
    // 5 syllables, 3 bytes each in UTF-8, plus the newline that is chopped.
    expect(want).toContain('16\n테스트15\n총 15바이트를 보냈습니다.\n방금 15바이트를 받았습니다..\n안녕하세요\n');
    expect(block(ts(), 'Korean')).toBe(want);
  });

  it('line_of_511_bytes_is_sent_with_its_newline_as_by_c', () => {
    // 511 + '\n' = 512 = BUFSIZE: not chopped, so the newline is sent, echoed, printed.
    const want = block(c(), '511 bytes');
    expect(want).toBe(`보낼 데이터\n512\n테스트512\n총 512바이트를 보냈습니다.\n방금 512바이트를 받았습니다..\n${'A'.repeat(511)}\n\n`);
    expect(block(ts(), '511 bytes')).toBe(want);
    // The server reads at most 511: the newline arrives as a second recv of 1 byte.
    const server = c().server!.stdout.toString('utf8');
    expect(server).toContain(`511${'A'.repeat(511)}1\n`);
  });

  it('line_of_513_bytes_is_split_into_512_and_1_as_by_c', () => {
    const got = blocks(ts().client!.stdout);
    const want = blocks(c().client!.stdout);
    const k = lineOf('513 bytes');
    expect(sampleLines[k]).toBe('B'.repeat(513));
    expect(want[k]).toContain('총 512바이트를 보냈습니다.');
    expect(want[k + 1]).toBe('보낼 데이터\n2\n테스트1\n총 1바이트를 보냈습니다.\n방금 1바이트를 받았습니다..\nB\n');
    expect(got.slice(k)).toEqual(want.slice(k));
  });

  it('server_transcript_equals_c_server_transcript', () => {
    expect(c().server!.stdout.length).toBeGreaterThan(0);
    const same = (run: EchoRun) => normaliseStdout(run.server!.stdout, echoLesson(), run.port);
    expect(same(ts()).equals(same(c()))).toBe(true);
    expect(ts().server!.exit).toEqual(c().server!.exit);
    expect(ts().client!.exit).toEqual({ code: 0, signal: null });
    expect(c().client!.exit).toEqual({ code: 0, signal: null });
  });

  it('refused_connect_prints_the_error_and_exits_1_as_c_does', async () => {
    const cRun = await runEcho('refused', [null, 'c'], v6, { strace: false });
    const tsRun = await runEcho('refused', [null, 'ts'], v6, { strace: false });
    expect(cRun.client!.stdout.toString()).toBe('[connect()] Connection refused\n');
    expect(cRun.client!.exit).toEqual({ code: 1, signal: null });
    expect(tsRun.client!.stdout.equals(cRun.client!.stdout)).toBe(true);
    expect(tsRun.client!.exit).toEqual(cRun.client!.exit);
  });

  it('server_on_a_taken_port_prints_nothing_and_listens_elsewhere_as_c_does', async () => {
    const lesson = echoLesson();
    const program = lesson.variants.find((v) => v.ip === (v6 ? 6 : 4))!.programs.server;
    for (const impl of ['c', 'ts'] as const) {
      const held = holdPort(v6);
      const r = runnable(program, impl);
      const server = new Program({ argv: [...r.argv, String(held.port)], unbuffered: r.c, input: Buffer.alloc(0) });
      try {
        // bind() fails unchecked; listen() binds an ephemeral port instead of exiting.
        const ports = await server.ready('tcp', 1);
        expect(ports, impl).not.toBeNull();
        expect(ports![0], impl).not.toBe(held.port);
        expect(server.running, impl).toBe(true);
      } finally {
        expect(await server.stop('SIGTERM'), impl).toEqual({ code: null, signal: 'SIGTERM' });
        held.release();
      }
      expect(server.stdout.length, impl).toBe(0);
    }
  });
});

describe('posix-sockets echo-pair', () => {
  it('echo_pair_command_shows_both_transcripts_side_by_side', () => {
    const r = spawnSync(process.execPath, [join(packageRoot, 'tools', 'dist', 'cli.js'), 'echo-pair', '--server', 'c', '--client', 'ts'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const header = lines.find((l) => l.includes(' │ '))!;
    expect(header).toMatch(/^C server \(examples\/c\/echo_server\.cpp\) +│ TS client \(examples\/echo_client\.ts\)$/);
    // Server on the left, client on the right, on the same rows.
    expect(lines.some((l) => /^\[TCP 서버\] 클라이언트 접속: IP 주소=127\.0\.0\.1, 포트 번호=\d+ +│ /.test(l))).toBe(true);
    expect(lines.some((l) => /^ +│ 안녕하세요$/.test(l))).toBe(true);
    expect(r.stdout).toContain('client: exit 0');
  });
});
