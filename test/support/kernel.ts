// What the kernel reports about this process's sockets beyond the socket
// calls (procfs, proc(5)), and the waiting that observing it needs; the
// parsing and waiting themselves live in tools/ and are shared with the tools.
import { readFileSync, readlinkSync } from 'node:fs';
import { tcpTable, type TcpRow } from '../../tools/procfs.js';

export { TCP_STATE, type TcpRow } from '../../tools/procfs.js';
export { sleep, waitUntil } from '../../tools/wait.js';

/** The rows of /proc/net/tcp (or tcp6) whose local or remote port is `port`. */
export function tcpRows(port: number, file: 'tcp' | 'tcp6' = 'tcp'): TcpRow[] {
  return tcpTable(file).filter((row) => row.localPort === port || row.remotePort === port);
}

/** The kernel's ephemeral port range (ip(7), ip_local_port_range). */
export function ephemeralPortRange(): [number, number] {
  const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  return [lo, hi];
}

/** The inode of the open file behind `fd` in this process, e.g. 'socket:[12345]'. */
export const fdTarget = (fd: number) => readlinkSync(`/proc/self/fd/${fd}`);
