// Where W1's and W3's two processes run: the placements `npm run bench` and
// bench/profile.mjs pin each side with (taskset -c), on the CPUs this process
// may use: "same" puts both on the first, "split" the client on the second.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The CPUs this process may run on (Cpus_allowed_list), in order. */
function allowedCpus() {
  try {
    const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))[1];
    return list.split(',').flatMap((r) => {
      const [lo, hi = lo] = r.split('-').map(Number);
      return Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);
    });
  } catch {
    return Array.from({ length: os.availableParallelism() }, (_, k) => k);
  }
}

const hasTaskset = () => {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export const UNPINNED = { id: 'none', label: 'unpinned', server: [], client: [] };

/** The placements asked for (default: same, and split where two CPUs are allowed), as taskset prefixes. */
export function placements(requested, notes) {
  const cpus = allowedCpus();
  const ids = requested ? requested.toLowerCase().split(',') : os.availableParallelism() >= 2 && cpus.length >= 2 ? ['same', 'split'] : ['same'];
  for (const id of ids) if (!['same', 'split', 'none'].includes(id)) throw new Error(`bench: --placement ${id}: same, split or none`);
  if (ids.includes('split') && cpus.length < 2) throw new Error('bench: --placement split needs two CPUs');
  const pinned = ids.filter((id) => id !== 'none');
  if (pinned.length && !hasTaskset()) {
    notes.push('W1, W3: taskset not found (util-linux): run unpinned, where a round trip jumps between the same-vCPU and different-vCPU figures');
    return [{ ...UNPINNED, label: 'unpinned (taskset not found)' }];
  }
  const pin = (cpu) => ['taskset', '-c', String(cpu)];
  const all = {
    same: { id: 'same', label: 'same vCPU', server: pin(cpus[0]), client: pin(cpus[0]) },
    split: { id: 'split', label: 'different vCPUs', server: pin(cpus[0]), client: pin(cpus[1]) },
    none: UNPINNED,
  };
  const chosen = [...new Set(ids)].map((id) => all[id]);
  const where = chosen.map((p) => (p.id === 'none' ? 'unpinned' : `${p.label}: server on CPU ${p.server[2]}, client on CPU ${p.client[2]} (taskset -c)`));
  notes.push(`W1, W3: ${where.join('; ')}; W2 and W4 run unpinned`);
  return chosen;
}
