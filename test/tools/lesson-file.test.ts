// The lesson file format (docs/lessons.md): what the loader makes of the
// bundled echo lesson, and that each kind of mistake is reported with the
// file and the field.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LessonError, bundledLessonFiles, loadLesson, substitute } from '../../tools/lesson.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = join(root, 'examples');
const tmp = mkdtempSync(join(tmpdir(), 'posix-sockets-lesson-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A lesson file in a temp dir next to the examples' programs (paths relative to examples/). */
function write(lesson: object): string {
  const file = join(tmp, `t${Math.random().toString(36).slice(2)}.lesson.json`);
  writeFileSync(file, JSON.stringify(lesson));
  return file;
}

const pair = {
  name: 't',
  roles: {
    server: { c: join(examples, 'c/echo_server.cpp'), ts: join(examples, 'echo_server.ts'), args: ['{port}'], ready: 'listening', stop: 'idle' },
    client: { c: join(examples, 'c/echo_client.cpp'), ts: join(examples, 'echo_client.ts'), args: ['{host}', '{port}'] },
  },
  scenarios: [{ name: 'echo', stdin: { client: 'hi\n' } }],
};

describe('the echo lesson', () => {
  const lesson = loadLesson(join(examples, '01-echo.lesson.json'));

  it('is bundled', () => {
    expect(bundledLessonFiles(root)).toContain(join(examples, '01-echo.lesson.json'));
  });

  it('has_two_variants_whose_programs_are_the_ipv4_and_ipv6_pairs', () => {
    expect(lesson.roles).toEqual(['server', 'client']);
    expect(lesson.variants.map((v) => [v.name, v.ip, v.host])).toEqual([['IPv4', 4, '127.0.0.1'], ['IPv6', 6, '::1']]);
    const [v4, v6] = lesson.variants;
    expect(v4.programs.server.c).toEqual({ source: join(examples, 'c/echo_server.cpp'), cflags: ['-O2', '-Wall'] });
    expect(v6.programs.client.ts).toEqual({ source: join(examples, 'echo_client6.ts'), run: join(examples, 'dist/echo_client6.js') });
    // What a variant does not override is the lesson's.
    expect(v6.programs.server.args).toEqual(['{port}']);
    expect(v6.programs.server.ready).toEqual({ kind: 'listening', count: 1 });
    expect(v6.programs.server.stop).toBe('idle');
  });

  it('scenarios_without_steps_get_start_wait_stop', () => {
    const echo = lesson.scenarios[0];
    expect(echo.run).toEqual([{ name: 'server', role: 'server' }, { name: 'client', role: 'client' }]);
    expect(echo.steps).toEqual([
      { start: 'server' },
      { start: 'client' },
      { wait: 'client', until: { kind: 'exit' }, timeout: 15_000 },
      { wait: 'server', until: { kind: 'idle' }, timeout: 5000 },
      { stop: 'server', signal: 'SIGTERM' },
    ]);
    // 12 + 1, 15 + 1, 511 + 1, 513 + 1 bytes.
    expect(echo.stdin.client.length).toBe(13 + 16 + 512 + 514);
  });

  it('the_port_taken_scenario_holds_the_port_and_runs_the_server_alone', () => {
    const s = lesson.scenarios.find((x) => x.name === 'port-taken')!;
    expect(s.holdPort).toBe(true);
    expect(s.run.map((i) => i.role)).toEqual(['server']);
  });
});

describe('mistakes are named by file and field', () => {
  const fails = (lesson: object, message: RegExp) => {
    const file = write(lesson);
    expect(() => loadLesson(file)).toThrow(LessonError);
    expect(() => loadLesson(file)).toThrow(message);
  };

  it('a_minimal_lesson_loads', () => {
    const l = loadLesson(write(pair));
    expect(l.variants.map((v) => v.name)).toEqual(['IPv4']);
    expect(l.transport).toBe('tcp');
  });

  it('an_unknown_field', () => fails({ ...pair, scenario: [] }, /\.lesson\.json: scenario: unknown field \(known: /));
  it('a_missing_c_side', () => fails({ ...pair, roles: { ...pair.roles, client: { ts: pair.roles.client.ts } } }, /: roles\.client\.c: missing/));
  it('a_file_that_does_not_exist', () => fails({ ...pair, roles: { ...pair.roles, client: { ...pair.roles.client, ts: 'nope.ts' } } }, /: roles\.client\.ts: no such file: .*nope\.ts/));
  it('a_step_naming_an_unknown_instance', () =>
    fails({ ...pair, scenarios: [{ name: 'x', steps: [{ start: 'server' }, { wait: 'clinet', until: 'exit' }] }] }, /: scenarios\[0\]\.steps\[1\]\.wait: unknown instance 'clinet' \(this scenario runs server, client\)/));
  it('a_step_with_two_actions', () => fails({ ...pair, scenarios: [{ name: 'x', steps: [{ start: 'server', stop: 'server' }] }] }, /steps\[0\]\.stop: does not go with 'start'/));
  it('a_bad_ready', () => fails({ ...pair, roles: { ...pair.roles, server: { ...pair.roles.server, ready: 'up' } } }, /roles\.server\.ready: must be an object, got string "up"/));
  it('a_bad_signal', () => fails({ ...pair, scenarios: [{ name: 'x', steps: [{ stop: 'server', signal: 'TERM' }] }] }, /steps\[0\]\.signal: must be one of 'SIGTERM'/));
  it('a_trace_of_a_call_that_is_not_a_multiplexing_call', () =>
    fails({ ...pair, roles: { ...pair.roles, server: { ...pair.roles.server, trace: ['select', 'read'] } } }, /roles\.server\.trace\[1\]: must be one of 'select'/));
  it('a_trace_and_platforms_load', () => {
    const l = loadLesson(write({ ...pair, platforms: ['linux'], roles: { ...pair.roles, server: { ...pair.roles.server, trace: ['poll', 'ppoll'] } } }));
    expect(l.platforms).toEqual(['linux']);
    expect(l.variants[0].programs.server.alsoTraced).toEqual(['poll', 'ppoll']);
    expect(l.variants[0].programs.client.alsoTraced).toEqual([]);
  });
  it('a_scenario_twice', () => fails({ ...pair, scenarios: [{ name: 'x' }, { name: 'x' }] }, /scenarios\[1\]\.name: scenario 'x' twice/));
  it('stdin_for_an_instance_not_run', () => fails({ ...pair, scenarios: [{ name: 'x', run: ['client'], stdin: { server: 'a' } }] }, /scenarios\[0\]\.stdin\.server: unknown field/));
  it('not_json', () => {
    const file = join(tmp, 'bad.lesson.json');
    writeFileSync(file, '{ "name": ');
    expect(() => loadLesson(file)).toThrow(/bad\.lesson\.json: .*JSON/);
  });
});

describe('placeholders', () => {
  it('port_and_host_are_substituted', () => {
    expect(substitute('{host}:{port} {port}', { port: 4321, host: '::1' })).toBe('::1:4321 4321');
  });
});
