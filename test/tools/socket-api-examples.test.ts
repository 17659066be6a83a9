// The socket-API example pairs against their C originals: note 004's
// read()/write() echo server (rw_echo_server) and the domain-name chapter's
// resolve-then-connect client (name_client). Every pairing (C × C, C × TS,
// TS × C, TS × TS) gives the same stdout, exit status and, under strace, the
// same socket calls as C × C once descriptors and ports are numbered alike.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tcpRows, waitUntil } from '../support/kernel.js';
import { tempDir } from '../support/sockets.js';
import { freePort } from '../../tools/echo-run.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = tempDir();
type Impl = 'c' | 'ts';

beforeAll(() => {
  for (const prog of ['rw_echo_server', 'name_client']) {
    execFileSync('c++', ['-O2', '-Wall', '-o', join(bin, prog), join(root, 'examples', 'c', `${prog}.cpp`)], { stdio: 'pipe' });
  }
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'examples', 'tsconfig.json')], { stdio: 'pipe' });
}, 120_000);

// The calls compared: the socket class, plus read/write on sockets (note 004's data calls).
const CALLS = 'socket,bind,listen,accept,accept4,connect,sendto,recvfrom,read,write,close';

interface Run {
  stdout: string;
  exit: string;
  calls: string[];
}

/** Starts one program (under strace); `done` resolves when it exits. */
function start(impl: Impl, prog: string, args: string[]) {
  const trace = join(tempDir(), 'trace');
  const cmd = impl === 'c' ? ['stdbuf', '-o0', join(bin, prog), ...args] : [process.execPath, join(root, 'examples', 'dist', `${prog}.js`), ...args];
  const child = spawn('strace', ['-f', '-qq', '-e', `trace=${CALLS}`, '-e', 'signal=none', '-o', trace, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => resolve({ stdout, exit: code !== null ? String(code) : String(signal), calls: socketCalls(readFileSync(trace, 'utf8')) })),
  );
  return { child, done };
}

/**
 * The calls made on sockets, in order, with descriptors numbered as they
 * appear (FD1, FD2…), ports named, and calls still in progress at a stop
 * left out. read/write/close count only on socket descriptors.
 */
function socketCalls(text: string): string[] {
  const fds = new Map<string, string>();
  const name = (fd: string) => {
    if (!fds.has(fd)) fds.set(fd, `FD${fds.size + 1}`);
    return fds.get(fd)!;
  };
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\d+ +/, '');
    if (line === '' || line.includes('<unfinished') || line.includes('resumed>')) continue;
    const m = /^(\w+)\((\d+)?(.*)\) += (-?\d+)(.*)$/.exec(line);
    if (!m) continue;
    const [, call, fd, rest, ret, tail] = m;
    const makesFd = call === 'socket' || call === 'accept' || call === 'accept4';
    if (!makesFd && (fd === undefined || !fds.has(fd))) continue; // not a socket of this program's
    if (call === 'socket' && rest.includes('AF_UNIX')) continue; // libc's nscd probe: not the program's
    const args = (fd === undefined ? '' : name(fd)) + rest.replace(/sin_port=htons\(\d+\)/g, 'sin_port=htons(PORT)');
    const result = makesFd && Number(ret) >= 0 ? name(ret) : ret;
    out.push(`${call}(${args}) = ${result}${tail.replace(/ \(.*\)$/, '')}`);
  }
  return out;
}

const normaliseStdout = (s: string) => s.replace(/포트 번호=\d+/g, '포트 번호=CLIENT_PORT').replace(/:\d+\]/g, ':CLIENT_PORT]');

/** Waits until something listens on `port`. */
async function listening(port: number): Promise<void> {
  expect(await waitUntil(() => tcpRows(port).some((r) => r.state === 0x0a), 10_000)).toBe(true);
}

async function pairing(server: Impl, client: Impl): Promise<{ server: Run; client: Run }> {
  const port = freePort(false);
  const s = start(server, 'rw_echo_server', [String(port)]);
  await listening(port);
  const c = start(client, 'name_client', ['localhost', String(port)]);
  const clientRun = await c.done;
  // The server has printed its goodbye once the client's close reached it.
  await new Promise((resolve) => setTimeout(resolve, 300));
  // The program, not strace (which would detach and leave it running).
  const traced = readFileSync(`/proc/${s.child.pid}/task/${s.child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  for (const pid of traced) process.kill(pid, 'SIGTERM');
  return { server: await s.done, client: clientRun };
}

describe('socket-API example pairs against C', () => {
  it('every_pairing_of_the_read_write_server_and_the_name_client_behaves_as_c_with_c', async () => {
    const ref = await pairing('c', 'c');
    expect(normaliseStdout(ref.server.stdout)).toBe(
      '[TCP 서버] 클라이언트 접속: IP 주소=127.0.0.1, 포트 번호=CLIENT_PORT\n' +
        '[TCP/127.0.0.1:CLIENT_PORT] 12바이트를 받았습니다.\n' +
        '[TCP 서버] 클라이언트 종료: IP 주소=127.0.0.1, 포트 번호=CLIENT_PORT\n',
    );
    expect(ref.client.stdout).toContain('IP 주소(변환 후) = 127.0.0.1\n도메인 이름(다시 변환 후) = localhost\n');
    expect(ref.client.stdout).toContain('[받은 데이터] hello, world\n');
    expect(ref.server.calls).toContain('write(FD2, "hello, world", 12) = 12');
    expect(ref.client.calls).toContain('sendto(FD1, "hello, world", 12, 0, NULL, 0) = 12');
    for (const [server, client] of [['c', 'ts'], ['ts', 'c'], ['ts', 'ts']] as const) {
      const run = await pairing(server, client);
      const what = `${server} server × ${client} client`;
      expect(normaliseStdout(run.server.stdout), what).toBe(normaliseStdout(ref.server.stdout));
      expect(run.client.stdout, what).toBe(ref.client.stdout);
      expect([run.server.exit, run.client.exit], what).toEqual([ref.server.exit, ref.client.exit]);
      expect(run.server.calls, `${what}: server calls`).toEqual(ref.server.calls);
      expect(run.client.calls, `${what}: client calls`).toEqual(ref.client.calls);
    }
  }, 120_000);

  it('name_client_failures_print_and_exit_as_c', async () => {
    // An unresolvable number (gethostbyname fails at once, no DNS), and no server on the port.
    const port = freePort(false);
    for (const args of [['1.2.3.4.5', String(port)], ['localhost', String(port)]]) {
      const c = await start('c', 'name_client', args).done;
      const ts = await start('ts', 'name_client', args).done;
      expect(ts.stdout, args[0]).toBe(c.stdout);
      expect(ts.exit, args[0]).toBe(c.exit);
      expect(ts.calls, args[0]).toEqual(c.calls);
    }
    const refused = await start('c', 'name_client', ['localhost', String(port)]).done;
    expect(refused.stdout).toContain('[connect()] Connection refused\n');
    expect(refused.exit).toBe('1');
  }, 60_000);
});

