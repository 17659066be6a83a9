// No call of this library can kill the process (native/runtime_fds.h): on a
// descriptor the Node runtime owns, close() and every other call return -1
// with EBADF without touching it, and say once on stderr why; descriptors the
// program made or inherited close as in C. Run in a child process, so that a
// regression aborts the child and not the test runner.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { EBADF } from '../../src/index.js';
import { distEntry } from '../support/child.js';

const script = `import * as s from ${JSON.stringify(distEntry())};
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
await new Promise((r) => setTimeout(r, 10)); // the loop's descriptors all exist
const owned = [];
for (const name of readdirSync('/proc/self/fd')) {
  let link;
  try { link = readlinkSync('/proc/self/fd/' + name); } catch { continue; }
  // close-on-exec (proc(5) fdinfo flags, octal): made in this process, not inherited.
  const info = /flags:\\s*([0-7]+)/.exec(readFileSync('/proc/self/fdinfo/' + name, 'utf8'));
  const flags = info === null ? 0 : parseInt(info[1], 8);
  if (Number(name) > 2 && /^(anon_inode:|pipe:)/.test(link) && flags & 0o2000000) owned.push([Number(name), link]);
}
const calls = [];
for (const [fd, link] of owned) {
  const r = [s.close(fd), s.errno, s.fcntl(fd, s.F_SETFL, s.O_NONBLOCK), s.errno, s.shutdown(fd, s.SHUT_RDWR), s.errno];
  r.push(await s.recv(fd, Buffer.alloc(1), 1, 0), s.errno);
  // epoll on the loop's own instance would take its events or change its set.
  r.push(s.epoll_ctl(fd, s.EPOLL_CTL_ADD, 0, new s.epoll_event()), s.errno);
  r.push(s.epoll_waitSync(fd, s.array(s.epoll_event, 1), 1, 0), s.errno);
  r.push(await s.epoll_wait(fd, s.array(s.epoll_event, 1), 1, 0), s.errno);
  calls.push({ fd, link, r });
}
// The loop still runs: a timer fires, an async call completes.
await new Promise((r) => setTimeout(r, 10));
const made = s.socket(s.AF_INET, s.SOCK_STREAM, 0);
const madeClose = s.close(made);
const inherited = s.close(3); // a socket the parent passed (stdio[3])
// An epoll instance the program made, close-on-exec like the runtime's, is the program's.
const epClose = s.close(s.epoll_create1(s.EPOLL_CLOEXEC));
console.log(JSON.stringify({ calls, madeClose, inherited, epClose }));
`;

it('calls_on_the_runtimes_own_descriptors_fail_with_ebadf_and_the_process_lives', () => {
  const dir = mkdtempSync(join(tmpdir(), 'posix-sockets-runtime-fds-'));
  try {
    const file = join(dir, 'script.mjs');
    writeFileSync(file, script);
    const child = spawnSync(process.execPath, [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', 'pipe'], timeout: 20_000 });
    expect(child.signal).toBeNull();
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toMatch(/^\{/);
    const out = JSON.parse(child.stdout) as { calls: { fd: number; link: string; r: number[] }[]; madeClose: number; inherited: number; epClose: number };
    expect(out.epClose).toBe(0);
    // Node's epoll instance, its eventfd and its signal pipe, at least.
    expect(out.calls.some((c) => c.link === "anon_inode:[eventpoll]"), JSON.stringify(out)).toBe(true);
    expect(out.calls.some((c) => c.link.startsWith('pipe:'))).toBe(true);
    for (const c of out.calls) {
      expect(c.r, `${c.fd} ${c.link}`).toEqual([-1, EBADF, -1, EBADF, -1, EBADF, -1, EBADF, -1, EBADF, -1, EBADF, -1, EBADF]);
    }
    // Said once, naming a descriptor and why.
    const warnings = child.stderr.split('\n').filter((l) => l.includes('belongs to the Node.js runtime'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^posix-sockets: descriptor \d+ \((anon_inode|pipe):.*\) belongs to the Node\.js runtime; closing or changing it would abort the process/);
    // The program's own and inherited descriptors close as in C.
    expect(out.madeClose).toBe(0);
    expect(out.inherited).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
