// Shared by the Node.js peers: the same `role workload key=value...` arguments
// and the same one-line outputs as the C peers (bench/c/).
import { readFileSync, writeSync } from 'node:fs';

export const role = process.argv[2];
export const workload = process.argv[3];
const args = Object.fromEntries(process.argv.slice(4).map((a) => a.split('=')));

/** The number given as `key=...`, or `def`. */
export const num = (key, def) => (args[key] === undefined ? def : Number(args[key]));

export const now = () => performance.now() / 1000;

// Written synchronously: a sync peer blocks in a syscall right after.
const line = (s) => writeSync(1, s + '\n');

export const printPort = (port) => line(`port ${port}`);
export const report = (ops, bytes, seconds) => line(JSON.stringify({ ops, bytes, seconds }));
// VmHWM, as the C server reports it; process.resourceUsage().maxRSS would
// include the runner's own size, kept across execve.
export const reportRss = () =>
  line(JSON.stringify({ peak_rss_kb: Number(/^VmHWM:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? -1) }));

export function fail(what) {
  process.stderr.write(`bench ${role} ${workload}: ${what}\n`);
  process.exit(1);
}

/**
 * Ends the process after `limit` seconds whatever it is waiting for (a peer
 * that blocks the JS thread in a Sync call is ended by the runner instead).
 * A signal, not process.exit(): exit handlers could wait on blocked threads.
 */
export function selfStop(limit) {
  setTimeout(() => {
    process.stderr.write(`bench ${role} ${workload}: time limit (${limit} s)\n`);
    process.kill(process.pid, 'SIGKILL');
  }, limit * 1000).unref();
}

/** The 8-byte byte count the W2 server answers with. */
export function ackBytes(total) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(total));
  return b;
}
