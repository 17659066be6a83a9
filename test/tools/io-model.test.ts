// The I/O-model chapter's programs against their C originals: each echo server
// (select, poll, epoll) through each scenario, and the non-blocking-connect
// client accepted and refused. Same stdout (client ports numbered), same exit
// status, and under strace the same network-class and multiplexing syscalls
// with the same arguments, descriptors numbered in the order they were made.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ioModelServers, measureRun, runClientScenario, runServerScenario, serverScenarios } from '../../tools/io-model-compare.js';
import { packageRoot, tools } from '../../tools/echo-run.js';

const strace = tools.strace !== null;
const waitCall: Record<string, RegExp> = { select_server: /^pselect6\(|^select\(/, poll_server: /^poll\(/, epoll_server: /^epoll_wait\(/ };

beforeAll(() => {
  execFileSync(process.execPath, [join(packageRoot, 'scripts', 'build-examples.mjs')], { stdio: 'inherit' });
}, 120_000);

describe.each(ioModelServers)('%s', (server) => {
  it.each(serverScenarios.map((s) => [s.name, s] as const))('%s: the TypeScript port prints and calls what the C original does', async (_name, s) => {
    const c = measureRun(await runServerScenario(server, 'c', s, { strace }));
    const ts = measureRun(await runServerScenario(server, 'ts', s, { strace }));
    expect(c.stdout).toContain('클라이언트 종료');
    expect(ts.stdout).toBe(c.stdout);
    expect(ts.exit).toBe(c.exit);
    expect(ts.clients).toEqual(c.clients);
    if (strace) {
      expect(c.calls!.filter((l) => waitCall[server].test(l)).length).toBeGreaterThanOrEqual(s.steps.length);
      expect(ts.calls).toEqual(c.calls);
    }
  }, 60_000);
});

describe('nonblocking_client', () => {
  it.each(['accepted', 'refused'] as const)('%s: EINPROGRESS, select for writability and SO_ERROR as in C', async (outcome) => {
    const c = measureRun(await runClientScenario('c', outcome, { strace }));
    const ts = measureRun(await runClientScenario('ts', outcome, { strace }));
    expect(c.stdout).toContain(outcome === 'accepted' ? '서버 접속 성공' : 'Connection refused');
    expect(ts.stdout).toBe(c.stdout);
    expect(ts.exit).toBe(c.exit);
    if (strace) {
      expect(c.calls!.some((l) => /EINPROGRESS/.test(l))).toBe(true);
      expect(c.calls!.some((l) => /getsockopt\(FD1, SOL_SOCKET, SO_ERROR, \[(0|ECONNREFUSED)\]/.test(l))).toBe(true);
      expect(ts.calls).toEqual(c.calls);
    }
  }, 30_000);
});
