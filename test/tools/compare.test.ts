// The compare matrix: for each scenario and IP version, every pairing of the
// C echo programs and their TypeScript ports (C×C, C×TS, TS×C, TS×TS; one side
// alone for the error paths) must match the C run: stdout byte for byte, exit
// status, and, where strace exists, the socket syscalls with their arguments.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  compareScenario,
  differences,
  firstHunk,
  normaliseCalls,
  renderDiffs,
  renderTable,
  runPairing,
  scenario,
  type Row,
} from '../../tools/echo-compare.js';
import { checkPrograms, tools } from '../../tools/echo-run.js';

// Built by the global setup (test/support/global-setup.ts); says how to build them if not.
beforeAll(() => checkPrograms());

const strace = tools.strace !== null;

/** Fails with the table and the diffs when any run differs from C × C. */
function expectAllSame(rows: Row[]): void {
  const diffs = differences(rows);
  expect(diffs.length, `${renderTable(rows)}\n\n${renderDiffs(rows)}`).toBe(0);
  for (const r of rows.filter((x) => !x.reference)) {
    for (const side of [r.sides.server, r.sides.client]) {
      if (side === undefined) continue;
      expect(side.stdout.same).toBe(true);
      expect(side.exit.same).toBe(true);
      // With strace, the syscalls were compared, not skipped.
      expect(side.syscalls.same).toBe(strace ? true : null);
    }
  }
}

describe.each([
  ['IPv4', false],
  ['IPv6', true],
])('%s', (_ip, v6) => {
  it('echo_lines_match_c_in_every_pairing', async () => {
    const rows = await compareScenario(scenario('echo'), v6, { strace });
    expect(rows.map((r) => [r.server, r.client])).toEqual([['c', 'c'], ['c', 'ts'], ['ts', 'c'], ['ts', 'ts']]);
    expectAllSame(rows);
    // The reference did the work: the server stopped by SIGTERM, the client ended by itself.
    expect(rows[0].sides.server!.exit.text).toBe('SIGTERM');
    expect(rows[0].sides.client!.exit.text).toBe('0');
  });

  it('empty_line_hang_matches_c_up_to_the_stop', async () => {
    const rows = await compareScenario(scenario('empty-line'), v6, { strace });
    expectAllSame(rows);
    // Both clients were stopped while hung, not ended by themselves.
    expect(rows[0].sides.client!.exit.text).toBe('SIGTERM');
  });

  it('refused_connect_matches_c', async () => {
    const rows = await compareScenario(scenario('refused'), v6, { strace });
    expect(rows.map((r) => [r.server, r.client])).toEqual([[null, 'c'], [null, 'ts']]);
    expectAllSame(rows);
    expect(rows[0].sides.client!.exit.text).toBe('1');
  });

  it('server_on_a_taken_port_matches_c', async () => {
    const rows = await compareScenario(scenario('port-taken'), v6, { strace });
    expect(rows.map((r) => [r.server, r.client])).toEqual([['c', null], ['ts', null]]);
    expectAllSame(rows);
    expect(rows[0].sides.server!.stdout.text).toBe('0 B');
  });
});

describe('normalisation and differences', () => {
  it('syscalls_of_a_c_run_normalise_descriptors_ports_and_skip_file_closes', async () => {
    const run = await runPairing(scenario('echo'), 'c', 'c', false, { strace });
    if (!strace) {
      expect(run.server!.strace).toBeNull();
      return;
    }
    const server = normaliseCalls(run.server!.strace!, run.port, run.server!.stoppedAt);
    // The dynamic loader's close(3) calls come before socket() and are not sockets.
    expect(server[0]).toBe('socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = FD1');
    expect(server).toContain('bind(FD1, {sa_family=AF_INET, sin_port=htons(PORT), sin_addr=inet_addr("0.0.0.0")}, 16) = 0');
    expect(server.find((c) => c.startsWith('accept('))).toMatch(/^accept\(FD1, \{sa_family=AF_INET, sin_port=htons\(CLIENT_PORT\), .*\) = FD2$/);
    // Stopped in accept(): the call in progress is left out, the close before it kept.
    expect(server[server.length - 1]).toBe('close(FD2) = 0');
    expect(run.server!.strace).toMatch(/accept\(3, [^\n]*= \? ERESTARTSYS/);
  });

  it('a_changed_line_is_shown_as_a_unified_diff', async () => {
    const run = await runPairing(scenario('refused'), null, 'c', false, { strace: false });
    const lines = run.client!.stdout.toString('latin1').split('\n');
    const changed = [...lines];
    changed[0] = changed[0].replace('refused', 'REFUSED');
    const hunk = firstHunk(lines, changed, 'C', 'TS', true);
    expect(hunk.split('\n')).toEqual(['--- C', '+++ TS', '@@ -1,2 +1,2 @@', '-[connect()] Connection refused', '+[connect()] Connection REFUSED', ' ']);
    expect(firstHunk(lines, lines, 'C', 'TS')).toBe('');
  });
});
