// compare over the bundled lessons: for each lesson, scenario and variant,
// every pairing of the C programs and their TypeScript ports must match the
// all-C run: stdout byte for byte, exit status, and, where strace exists, the
// socket calls with their arguments. And compare must be able to fail: a port
// with one character changed is a difference, named down to the line.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareLesson, differences, firstHunk, normaliseCalls, parseCalls, renderDiffs, renderTable, type Row } from '../../tools/compare.js';
import { packageRoot, straceOptions, tools } from '../../tools/run.js';
import { bundledLessons, runEcho } from '../support/lessons.js';

const strace = tools.strace !== null;
const cli = join(packageRoot, 'tools', 'dist', 'cli.js');

describe.each(bundledLessons().map((l) => [l.name, l] as const))('lesson %s', (_name, lesson) => {
  it('every_pairing_matches_c_in_every_scenario', async () => {
    const rows: Row[] = await compareLesson(lesson, { strace });
    expect(differences(rows).length, `${renderTable(lesson, rows)}\n\n${renderDiffs(rows)}`).toBe(0);
    expect(rows.filter((r) => r.reference)).toHaveLength(lesson.scenarios.length * lesson.variants.length);
    for (const r of rows) {
      // Every instance ran and was compared: none missing, the syscalls compared rather than skipped.
      const run = lesson.scenarios.find((s) => s.name === r.scenario)!.run;
      expect(r.instances.map((i) => i.name)).toEqual(run.map((i) => i.name));
      if (r.reference) {
        if (strace) console.log(`${lesson.name} ${r.scenario} ${r.variant ?? ''}: C network calls ${r.instances.map((i) => `${i.name} ${i.syscalls.text}`).join(', ')}`);
        continue;
      }
      expect(r.pairing.some((i) => i === 'ts')).toBe(true);
      for (const i of r.instances) {
        expect([i.stdout.same, i.exit.same]).toEqual([true, true]);
        expect(i.syscalls.same).toBe(strace ? true : null);
      }
    }
  }, 120_000);
});

describe('a planted difference', () => {
  const dir = mkdtempSync(join(tmpdir(), 'posix-sockets-planted-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The echo lesson's client with one character of one printf changed ('.' -> '!'), as a lesson of its own. */
  function plantedLesson(): string {
    const examples = join(packageRoot, 'examples');
    const plant = (s: string) => {
      const changed = s.replace('총 %d바이트를 보냈습니다.', '총 %d바이트를 보냈습니다!');
      expect(changed).not.toBe(s);
      return changed;
    };
    writeFileSync(join(dir, 'echo_client.ts'), plant(readFileSync(join(examples, 'echo_client.ts'), 'utf8')));
    writeFileSync(join(dir, 'echo_client.js'), plant(readFileSync(join(examples, 'dist', 'echo_client.js'), 'utf8')));
    // What the compiled port imports: its common.js, and the package by name.
    copyFileSync(join(examples, 'dist', 'common.js'), join(dir, 'common.js'));
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    if (!existsSync(join(dir, 'node_modules', 'posix-sockets'))) symlinkSync(packageRoot, join(dir, 'node_modules', 'posix-sockets'));
    const lesson = {
      name: 'planted',
      roles: {
        server: { c: join(examples, 'c', 'echo_server.cpp'), ts: join(examples, 'echo_server.ts'), js: join(examples, 'dist', 'echo_server.js'), args: ['{port}'], ready: 'listening', stop: 'idle' },
        client: { c: join(examples, 'c', 'echo_client.cpp'), ts: 'echo_client.ts', js: 'echo_client.js', args: ['{host}', '{port}'] },
      },
      stdout: { replace: [{ pattern: '(포트 번호=)\\d+', with: '$1<client port>' }] },
      scenarios: [{ name: 'echo', stdin: { client: 'hello, world\n' } }],
    };
    const file = join(dir, 'planted.lesson.json');
    writeFileSync(file, JSON.stringify(lesson));
    return file;
  }

  it('a_one_character_change_in_a_port_exits_1_and_names_the_line', () => {
    const file = plantedLesson();
    const r = spawnSync(process.execPath, [cli, 'compare', file], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    // The two pairings with the planted client differ in its stdout only, at its third line.
    expect(r.stdout).toContain('2 differences from the all-C reference');
    expect(r.stdout).toContain('--- planted echo IPv4 C × C: client stdout\n+++ planted echo IPv4 C × TS: client stdout\n@@ -2,5 +2,5 @@ first difference at line 4\n');
    expect(r.stdout).toContain('-총 12바이트를 보냈습니다.\n+총 12바이트를 보냈습니다!\n');
    const json = spawnSync(process.execPath, [cli, 'compare', file, '--json', '--no-strace'], { encoding: 'utf8', timeout: 60_000 });
    expect(json.status).toBe(1);
    const out = JSON.parse(json.stdout) as { ok: boolean; lessons: { rows: Row[] }[] };
    expect(out.ok).toBe(false);
    const cells = out.lessons[0].rows.map((row) => row.instances.map((i) => `${i.name} ${i.stdout.same} ${i.exit.same}`).join(', '));
    expect(cells).toEqual(['server null null, client null null', 'server true true, client false true', 'server true true, client true true', 'server true true, client false true']);
  }, 60_000);

  it('another_port_of_a_role_is_judged_by_the_same_lesson', () => {
    plantedLesson();
    const r = spawnSync(process.execPath, [cli, 'compare', 'echo', '--scenario', 'echo', '--ts', `client=${join(dir, 'echo_client.js')}`, '--no-strace'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('--- echo echo IPv4 C × C: client stdout\n+++ echo echo IPv4 C × TS: client stdout\n@@ -2,5 +2,5 @@ first difference at line 4\n');
    // The server is the lesson's own and matches; only the client given differs.
    expect(r.stdout).toMatch(/^echo lines +IPv4 +C × TS +\| +same +same +n\/a \(no strace\) +\| +DIFFERS +same /m);
  }, 60_000);

  it('a_lesson_that_cannot_be_read_exits_2_naming_the_field', () => {
    const file = join(dir, 'broken.lesson.json');
    writeFileSync(file, JSON.stringify({ name: 'broken', roles: {}, scenarios: [] }));
    const r = spawnSync(process.execPath, [cli, 'compare', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`posix-sockets: ${file}: roles: must name at least one role\n`);
  });
});

describe('normalisation and differences', () => {
  it('syscalls_of_a_c_run_normalise_descriptors_ports_and_skip_file_closes', async () => {
    const run = await runEcho('echo', ['c', 'c'], false, { strace });
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

  it('the_whole_network_class_is_compared_on_every_descriptor', () => {
    expect(straceOptions('out').join(' ')).toContain('trace=%network,close');
    const text = [
      'getsockname(0, {sa_family=AF_UNIX}, [128 => 2]) = 0', // not the program's: still a difference from C
      'socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3',
      'getsockopt(3, SOL_SOCKET, SO_TYPE, [1], [4]) = 0',
      'socketpair(AF_UNIX, SOCK_STREAM, 0, [4, 5]) = 0',
      'sendmsg(5, {msg_name=NULL, msg_namelen=0}, 0) = 1',
      'close(7) = 0', // a file's: close counts for the program's sockets only
    ].join('\n');
    expect(normaliseCalls(text, 0)).toEqual([
      'getsockname(0, {sa_family=AF_UNIX}, [128 => 2]) = 0',
      'socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = FD1',
      'getsockopt(FD1, SOL_SOCKET, SO_TYPE, [1], [4]) = 0',
      'socketpair(AF_UNIX, SOCK_STREAM, 0, [FD2, FD3]) = 0',
      'sendmsg(FD3, {msg_name=NULL, msg_namelen=0}, 0) = 1',
    ]);
  });

  it('a_call_another_thread_interrupted_is_joined_as_strace_prints_it_whole', () => {
    const calls = parseCalls('101 accept(3,  <unfinished ...>\n102 getpeername(4, {sa_family=AF_INET}, [16]) = 0\n101 <... accept resumed>{sa_family=AF_INET}, [16]) = 5\n');
    expect(calls.map((c) => c.text)).toEqual(['getpeername(4, {sa_family=AF_INET}, [16]) = 0', 'accept(3, {sa_family=AF_INET}, [16]) = 5']);
  });

  it('a_close_begun_before_its_number_was_made_again_is_the_earlier_holders', () => {
    // A runtime thread's close(17) frees 17 at once; the program's socket() gets
    // 17 before strace prints that close as resumed.
    const text = [
      '201 1.000000 close(17 <unfinished ...>',
      '200 1.000100 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 17 <0.000010>',
      '201 <... close resumed>) = 0 <0.000500>',
      '200 1.000700 bind(17, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("0.0.0.0")}, 16) = 0 <0.000010>',
      '200 1.000800 close(17) = 0 <0.000010>',
    ].join('\n');
    expect(normaliseCalls(text, 1)).toEqual([
      'socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = FD1',
      'bind(FD1, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("0.0.0.0")}, 16) = 0',
      'close(FD1) = 0',
    ]);
  });

  it('per_descriptor_order_keeps_each_descriptors_calls_in_order', () => {
    const text = ['socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3', 'accept(3, NULL, NULL) = 4', 'accept(3, NULL, NULL) = 5', 'recvfrom(5, "b", 9, 0, NULL, NULL) = 1', 'recvfrom(4, "a", 9, 0, NULL, NULL) = 1'].join('\n');
    expect(normaliseCalls(text, 0, null, 'per-descriptor')).toEqual([
      'socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = FD1',
      'accept(FD1, NULL, NULL) = FD2',
      'accept(FD1, NULL, NULL) = FD3',
      'recvfrom(FD2, "a", 9, 0, NULL, NULL) = 1',
      'recvfrom(FD3, "b", 9, 0, NULL, NULL) = 1',
    ]);
    expect(normaliseCalls(text, 0)[3]).toBe('recvfrom(FD3, "b", 9, 0, NULL, NULL) = 1');
  });

  it('multiplexing_calls_name_the_programs_descriptors_wherever_they_appear', () => {
    // strace of a C server and of its port: node's own epoll instance (before the first
    // socket), the library's poller (made and named by no later call but close), and libuv's
    // calls on other descriptors are not the program's.
    const c = [
      'socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3',
      'pselect6(4, [3], NULL, NULL, NULL, NULL) = 1 (in [3])',
      'accept(3, NULL, NULL) = 4',
      'pselect6(5, [3 4], NULL, NULL, {tv_sec=4, tv_nsec=5}, NULL) = 1 (in [4], left {tv_sec=3, tv_nsec=999})',
      'poll([{fd=3, events=POLLIN}, {fd=4, events=POLLIN}], 2, -1) = 1 ([{fd=4, revents=POLLIN}])',
      'epoll_create1(0) = 5',
      'epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN, data={u32=1, u64=1}}) = 0',
      'epoll_wait(5, [{events=EPOLLIN, data={u32=1, u64=1}}], 64, -1) = 1',
    ];
    const ts = [
      'epoll_create1(EPOLL_CLOEXEC) = 3',
      'epoll_pwait(3, [], 1024, 0, NULL, 8) = 0',
      'socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 18',
      'epoll_create1(EPOLL_CLOEXEC) = 19',
      'pselect6(19, [18], NULL, NULL, NULL, NULL) = 1 (in [18])',
      'accept(18, NULL, NULL) = 20',
      'pselect6(21, [18 20], NULL, NULL, {tv_sec=4, tv_nsec=5}, NULL) = 1 (in [20], left {tv_sec=3, tv_nsec=871})',
      'poll([{fd=18, events=POLLIN}, {fd=20, events=POLLIN}], 2, -1) = 1 ([{fd=20, revents=POLLIN}])',
      'poll([{fd=7, events=POLLIN}], 1, 0) = 0',
      'epoll_create1(0) = 22',
      'epoll_ctl(3, EPOLL_CTL_ADD, 22, {events=EPOLLIN, data={u32=22, u64=22}}) = 0',
      'epoll_ctl(22, EPOLL_CTL_ADD, 20, {events=EPOLLIN, data={u32=1, u64=1}}) = 0',
      'epoll_wait(22, [{events=EPOLLIN, data={u32=1, u64=1}}], 64, -1) = 1',
      'close(19) = 0',
    ];
    const also = ['select', 'pselect6', 'poll', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_pwait'];
    const want = [
      'socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = FD1',
      'pselect6(FD1+1, [FD1], NULL, NULL, NULL, NULL) = 1 (in [FD1])',
      'accept(FD1, NULL, NULL) = FD2',
      'pselect6(FD2+1, [FD1 FD2], NULL, NULL, {tv_sec=4, tv_nsec=5}, NULL) = 1 (in [FD2], left {…})',
      'poll([{fd=FD1, events=POLLIN}, {fd=FD2, events=POLLIN}], 2, -1) = 1 ([{fd=FD2, revents=POLLIN}])',
      'epoll_create1(0) = FD3',
      'epoll_ctl(FD3, EPOLL_CTL_ADD, FD2, {events=EPOLLIN, data={u32=1, u64=1}}) = 0',
      'epoll_wait(FD3, [{events=EPOLLIN, data={u32=1, u64=1}}], 64, -1) = 1',
    ];
    expect(normaliseCalls(c.join('\n'), 0, null, 'in-order', also)).toEqual(want);
    expect(normaliseCalls(ts.join('\n'), 0, null, 'in-order', also)).toEqual(want);
    // Without the lesson's trace, the same lines give only the socket calls.
    expect(normaliseCalls(ts.join('\n'), 0)).toEqual(['socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = FD1', 'accept(FD1, NULL, NULL) = FD2']);
  });

  it('a_changed_line_is_shown_as_a_unified_diff', async () => {
    const run = await runEcho('refused', [null, 'c'], false, { strace: false });
    const lines = run.client!.stdout.toString('latin1').split('\n');
    const changed = [...lines];
    changed[0] = changed[0].replace('refused', 'REFUSED');
    const hunk = firstHunk(lines, changed, 'C', 'TS', true);
    expect(hunk.split('\n')).toEqual(['--- C', '+++ TS', '@@ -1,2 +1,2 @@ first difference at line 1', '-[connect()] Connection refused', '+[connect()] Connection REFUSED', ' ']);
    expect(firstHunk(lines, lines, 'C', 'TS')).toBe('');
  });
});
