// The echo pair line by line: each sample input (ASCII, Korean, a 511-byte and
// a 513-byte line) and each error path gives the TypeScript ports the C
// originals' transcript, over IPv4 and IPv6. The C run is the truth; the quirk
// each input is there for is checked on it too, so the input proves what it claims.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseStdout, runPairing, sampleLines, scenario, type PairRun } from '../../tools/echo-compare.js';
import { Program, checkPrograms, holdPort, packageRoot, type Impl } from '../../tools/echo-run.js';

// Built by the global setup (test/support/global-setup.ts); says how to build them if not.
beforeAll(() => checkPrograms());

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
  const runs = new Map<string, PairRun>();
  beforeAll(async () => {
    for (const [server, client] of [['c', 'c'], ['ts', 'ts']] as [Impl, Impl][]) {
      runs.set(server, await runPairing(scenario('echo'), server, client, v6, { strace: false }));
    }
  }, 30_000);
  const c = () => runs.get('c')!;
  const ts = () => runs.get('ts')!;
  const block = (run: PairRun, name: string) => blocks(run.client!.stdout)[sampleLines.findIndex((l) => l.name === name)];

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
    const k = sampleLines.findIndex((l) => l.name === '513 bytes');
    expect(want[k]).toContain('총 512바이트를 보냈습니다.');
    expect(want[k + 1]).toBe('보낼 데이터\n2\n테스트1\n총 1바이트를 보냈습니다.\n방금 1바이트를 받았습니다..\nB\n');
    expect(got.slice(k)).toEqual(want.slice(k));
  });

  it('server_transcript_equals_c_server_transcript', () => {
    expect(c().server!.stdout.length).toBeGreaterThan(0);
    expect(normaliseStdout(ts().server!.stdout).equals(normaliseStdout(c().server!.stdout))).toBe(true);
    expect(ts().server!.exit).toEqual(c().server!.exit);
    expect(ts().client!.exit).toEqual({ code: 0, signal: null });
    expect(c().client!.exit).toEqual({ code: 0, signal: null });
  });

  it('refused_connect_prints_the_error_and_exits_1_as_c_does', async () => {
    const cRun = await runPairing(scenario('refused'), null, 'c', v6, { strace: false });
    const tsRun = await runPairing(scenario('refused'), null, 'ts', v6, { strace: false });
    expect(cRun.client!.stdout.toString()).toBe('[connect()] Connection refused\n');
    expect(cRun.client!.exit).toEqual({ code: 1, signal: null });
    expect(tsRun.client!.stdout.equals(cRun.client!.stdout)).toBe(true);
    expect(tsRun.client!.exit).toEqual(cRun.client!.exit);
  });

  it('server_on_a_taken_port_prints_nothing_and_listens_elsewhere_as_c_does', async () => {
    for (const impl of ['c', 'ts'] as const) {
      const held = holdPort(v6);
      const server = new Program({ impl, role: 'server', v6, args: [String(held.port)] });
      try {
        // bind() fails unchecked; listen() binds an ephemeral port instead of exiting.
        const port = await server.listening();
        expect(port, impl).not.toBeNull();
        expect(port, impl).not.toBe(held.port);
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
    expect(header).toMatch(/^C server \(examples\/c\/bin\/echo_server\) +│ TS client \(examples\/dist\/echo_client\.js\)$/);
    // Server on the left, client on the right, on the same rows.
    expect(lines.some((l) => /^\[TCP 서버\] 클라이언트 접속: IP 주소=127\.0\.0\.1, 포트 번호=\d+ +│ /.test(l))).toBe(true);
    expect(lines.some((l) => /^ +│ 안녕하세요$/.test(l))).toBe(true);
    expect(r.stdout).toContain('client: exit 0');
  });
});
