// The bundled lessons for the tests, and the echo lesson's runs by role, as
// the echo tests read them: one pairing of one scenario in IPv4 or IPv6.
import { runScenario, type Impl, type InstanceRun, type RunOptions } from '../../tools/compare.js';
import { bundledLesson, bundledLessonFiles, loadLesson, type Lesson } from '../../tools/lesson.js';
import { packageRoot } from '../../tools/run.js';

/** The bundled lessons this platform runs (the epoll lesson is Linux's). */
export const bundledLessons = (): Lesson[] =>
  bundledLessonFiles(packageRoot)
    .map((f) => loadLesson(f))
    .filter((l) => l.platforms === null || l.platforms.includes(process.platform));

export const echoLesson = (): Lesson => bundledLesson(packageRoot, 'echo')!;

export interface EchoRun {
  port: number;
  server?: InstanceRun;
  client?: InstanceRun;
}

/** One pairing ([server, client], null where that side does not run) of an echo scenario. */
export async function runEcho(scenario: string, pairing: [Impl | null, Impl | null], v6: boolean, opts: RunOptions): Promise<EchoRun> {
  const lesson = echoLesson();
  const s = lesson.scenarios.find((x) => x.name === scenario)!;
  const run = await runScenario(lesson, lesson.variants.find((v) => v.ip === (v6 ? 6 : 4))!, s, pairing, opts);
  if (run.problems.length > 0) throw new Error(`echo ${scenario}: ${run.problems.join('; ')}`);
  const side = (role: string) => run.instances.find((i) => i.role === role);
  return { port: run.port, server: side('server'), client: side('client') };
}
