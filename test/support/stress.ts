// Sizing of the stress tests (many clients, connection cycles). The normal run
// uses the full figures; POSIX_SOCKETS_STRESS_SCALE (a number from 0 to 1,
// e.g. 0.1) scales them down for slow builds such as the sanitizer run
// (scripts/test-asan.sh), where every native call costs several times more.
const raw = process.env.POSIX_SOCKETS_STRESS_SCALE;

/** The factor applied to stress counts: 1 unless POSIX_SOCKETS_STRESS_SCALE says otherwise. */
export const stressScale: number = (() => {
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!(n > 0 && n <= 1)) throw new RangeError(`POSIX_SOCKETS_STRESS_SCALE must be a number in (0, 1], got ${raw}`);
  return n;
})();

/** `count` scaled by POSIX_SOCKETS_STRESS_SCALE, never below `min`. */
export function scaled(count: number, min: number): number {
  return Math.max(min, Math.round(count * stressScale));
}
