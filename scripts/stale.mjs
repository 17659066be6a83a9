// The one "is this build out of date" test, for every build step run on demand
// (scripts/setup.mjs, scripts/build-examples.mjs, the tests' global setup):
// an output is stale when it is missing or older than any of its inputs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time under `path` (a file or a directory, recursively); 0 if it does not exist. */
export function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const e of readdirSync(path)) t = Math.max(t, newest(join(path, e)));
  return t;
}

/** Whether any of `outputs` is missing or older than the newest of `inputs` (files or directories). */
export function stale(outputs, inputs) {
  const since = Math.max(...inputs.map(newest));
  return outputs.some((p) => !existsSync(p) || statSync(p).mtimeMs < since);
}

/** The files in `dir` (not below it) whose names end in `ext`, e.g. a build's sources beside its output directory. */
export const filesIn = (dir, ext) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => join(dir, f)) : []);
