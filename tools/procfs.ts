// The kernel's own view of sockets (Linux procfs, proc(5)), for state the
// socket calls cannot report about another process or about a queue: shared
// by the tools (watching a child program) and the tests.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** TCP states as /proc/net/tcp prints them (include/net/tcp_states.h). */
export const TCP_STATE = { ESTABLISHED: 0x01, SYN_SENT: 0x02, TIME_WAIT: 0x06, LISTEN: 0x0a } as const;

export interface TcpRow {
  localPort: number;
  remotePort: number;
  state: number;
  txQueue: number;
  /** For a LISTEN socket: the number of connections in the accept queue. */
  rxQueue: number;
  /** The socket's inode, as in /proc/PID/fd's `socket:[inode]`. */
  inode: string;
}

/** The fields of each socket's row in a /proc/net table (tcp, tcp6, udp, udp6: the same columns), header left out. */
function tableRows(file: string): string[][] {
  return readFileSync(`/proc/net/${file}`, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 10);
}

/** The port of a `local_address` or `rem_address` column (`0100007F:2328`). */
const portField = (f: string) => parseInt(f.split(':')[1], 16);

/** Every row of /proc/net/tcp (or tcp6). */
export function tcpTable(file: 'tcp' | 'tcp6' = 'tcp'): TcpRow[] {
  return tableRows(file).map((f) => {
    const [tx, rx] = f[4].split(':');
    return {
      localPort: portField(f[1]),
      remotePort: portField(f[2]),
      state: parseInt(f[3], 16),
      txQueue: parseInt(tx, 16),
      rxQueue: parseInt(rx, 16),
      inode: f[9],
    };
  });
}

/** The inodes of the sockets process `pid` holds open (empty if it is gone). */
export function socketInodes(pid: number | 'self'): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

export interface UdpRow {
  localPort: number;
  /** The socket's inode, as in /proc/PID/fd's `socket:[inode]`. */
  inode: string;
}

/** Every row of /proc/net/udp (or udp6): a bound UDP socket each. */
export function udpTable(file: 'udp' | 'udp6' = 'udp'): UdpRow[] {
  return tableRows(file).map((f) => ({ localPort: portField(f[1]), inode: f[9] }));
}
