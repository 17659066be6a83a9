// fd_set, struct pollfd, struct epoll_event, struct timespec and sigset_t are
// C's: sizes and offsets from C's sizeof/offsetof, and the FD_* macros and
// sigsetops write the bytes C's write.
import { describe, expect, it } from 'vitest';
import {
  EINVAL,
  FD_CLR,
  FD_ISSET,
  FD_SET,
  FD_SETSIZE,
  FD_ZERO,
  SIGINT,
  SIGUSR1,
  SIGTERM,
  array,
  epoll_data,
  epoll_event,
  errno,
  fd_set,
  pollfd,
  sigaddset,
  sigdelset,
  sigemptyset,
  sigfillset,
  sigismember,
  sigset_t,
  sizeof,
  timespec,
} from '../../src/index.js';
import { addon } from '../../src/addon.js';
import { C_DUMP, cMap, hex } from '../support/c.js';

const linux = process.platform === 'linux';

describe('layout', () => {
  it('every_multiplexing_size_and_offset_equals_c_sizeof_and_offsetof', () => {
    // C's expression for each key the addon reports.
    const expr = (k: string): string => {
      const typeOf: Record<string, string> = {
        pollfd: 'struct pollfd',
        timespec: 'struct timespec',
        epoll_event: 'struct epoll_event',
        epoll_data: 'epoll_data_t',
      };
      if (k === 'fd_set.word') return 'sizeof(fd_mask)';
      const size = /^sizeof_(\w+)$/.exec(k);
      if (size) return `sizeof(${typeOf[size[1]] ?? size[1]})`;
      const f = /^(\w+)\.(\w+)(\.size)?$/.exec(k)!;
      return f[3] ? `sizeof(((${typeOf[f[1]]} *)0)->${f[2]})` : `offsetof(${typeOf[f[1]]}, ${f[2]})`;
    };
    const keys = Object.keys(addon.multiplexLayout);
    expect(keys.length).toBeGreaterThan(linux ? 25 : 12);
    const c = cMap(keys.map((k) => `  printf("${k} %zu\\n", (size_t)(${expr(k)}));`).join('\n'));
    for (const k of keys) expect(addon.multiplexLayout[k], k).toBe(Number(c.get(k)));
  });

  it('struct_classes_have_c_sizes', () => {
    const c = cMap(
      ['fd_set', 'struct pollfd', 'struct timespec', 'sigset_t', ...(linux ? ['struct epoll_event'] : [])]
        .map((t) => `  printf("${t.replace('struct ', '')} %zu\\n", sizeof(${t}));`)
        .join('\n'),
    );
    expect(sizeof(fd_set)).toBe(Number(c.get('fd_set')));
    expect(sizeof(new pollfd())).toBe(Number(c.get('pollfd')));
    expect(sizeof(timespec)).toBe(Number(c.get('timespec')));
    expect(sizeof(sigset_t)).toBe(Number(c.get('sigset_t')));
    expect(FD_SETSIZE * 1).toBe(sizeof(fd_set) * 8);
    if (linux) {
      expect(sizeof(epoll_event)).toBe(Number(c.get('epoll_event')));
      // x86-64's header packs it; every other architecture pads the union to 8.
      expect(sizeof(epoll_event)).toBe(process.arch === 'x64' ? 12 : 16);
    }
  });

  it('array_is_one_contiguous_buffer_with_a_struct_view_per_element', () => {
    const fds = array(pollfd, 3);
    expect(fds.length).toBe(3);
    expect(sizeof(fds.bytes)).toBe(3 * sizeof(pollfd));
    fds[1].fd = 7;
    fds[1].events = 0x41;
    fds[2].revents = -1;
    const c = cMap(
      `  struct pollfd fds[3];\n  memset(fds, 0, sizeof(fds));\n  fds[1].fd = 7;\n  fds[1].events = 0x41;\n  fds[2].revents = -1;\n  dump("fds", fds, sizeof(fds));`,
      C_DUMP,
    );
    expect(hex(fds.bytes)).toBe(c.get('fds'));
    expect(fds[2].revents).toBe(-1);
    expect(Object.isFrozen(fds)).toBe(true);
    expect(() => array(pollfd, -1)).toThrow(RangeError);
  });

  it.runIf(linux)('epoll_event_data_union_fields_are_views_of_the_same_bytes_as_in_c', () => {
    const evs = array(epoll_event, 2);
    evs[0].events = 0x80000001; // EPOLLET | EPOLLIN
    evs[0].data.fd = 5;
    evs[1].events = 4;
    evs[1].data.u64 = 0x1122334455667788n;
    const c = cMap(
      `  struct epoll_event ev[2];\n  memset(ev, 0, sizeof(ev));\n  ev[0].events = EPOLLET | EPOLLIN;\n  ev[0].data.fd = 5;\n  ev[1].events = 4;\n  ev[1].data.u64 = 0x1122334455667788ULL;\n  dump("ev", ev, sizeof(ev));\n  printf("u32 %u\\n", ev[1].data.u32);`,
      C_DUMP,
    );
    expect(hex(evs.bytes)).toBe(c.get('ev'));
    expect(evs[0].data.u64).toBe(5n);
    expect(evs[1].data.u32).toBe(Number(c.get('u32')));
    expect(evs[0].events).toBe(0x80000001);
    const d = new epoll_data();
    d.fd = -1;
    expect(d.u32).toBe(0xffffffff);
    expect(() => {
      evs[0].data.u64 = 1 as unknown as bigint;
    }).toThrow(TypeError);
  });
});

describe('fd_set macros', () => {
  // Descriptors at word and byte edges, the first and the last.
  const fds = [0, 1, 7, 8, 31, 32, 63, 64, 65, 100, 511, 512, 1000, FD_SETSIZE - 1];
  const cleared = [8, 64, 1000];

  it('FD_SET_and_FD_CLR_write_the_bytes_glibc_macros_write', () => {
    const set = new fd_set();
    set.bytes.fill(0xa5); // FD_ZERO must clear what was there
    FD_ZERO(set);
    for (const fd of fds) FD_SET(fd, set);
    for (const fd of cleared) FD_CLR(fd, set);
    const c = cMap(
      `  fd_set set;\n  memset(&set, 0xa5, sizeof(set));\n  FD_ZERO(&set);\n` +
        fds.map((fd) => `  FD_SET(${fd}, &set);`).join('\n') +
        '\n' +
        cleared.map((fd) => `  FD_CLR(${fd}, &set);`).join('\n') +
        `\n  dump("set", &set, sizeof(set));\n  printf("isset");\n  for (int fd = 0; fd < FD_SETSIZE; fd++) printf(" %d", FD_ISSET(fd, &set));\n  printf("\\n");`,
      C_DUMP,
    );
    expect(hex(set.bytes)).toBe(c.get('set'));
    const isset = Array.from({ length: FD_SETSIZE }, (_, fd) => FD_ISSET(fd, set)).join(' ');
    expect(isset).toBe(c.get('isset'));
  });

  it('a_descriptor_outside_the_set_throws_range_error_naming_the_macro', () => {
    const set = new fd_set();
    expect(() => FD_SET(FD_SETSIZE, set)).toThrow(/FD_SET\(\): argument 'fd'/);
    expect(() => FD_ISSET(-1, set)).toThrow(RangeError);
    expect(() => FD_CLR(1.5, set)).toThrow(RangeError);
    expect(() => FD_SET(1, new Uint8Array(128) as unknown as fd_set)).toThrow(TypeError);
  });
});

describe('sigsetops', () => {
  it('sigemptyset_sigaddset_sigdelset_write_the_bytes_c_writes', () => {
    const set = new sigset_t();
    set.bytes.fill(0x5a);
    expect(sigemptyset(set)).toBe(0);
    expect(sigaddset(set, SIGUSR1)).toBe(0);
    expect(sigaddset(set, SIGINT)).toBe(0);
    expect(sigaddset(set, SIGTERM)).toBe(0);
    expect(sigdelset(set, SIGINT)).toBe(0);
    const full = new sigset_t();
    expect(sigfillset(full)).toBe(0);
    const c = cMap(
      `  sigset_t set, full;\n  memset(&set, 0x5a, sizeof(set));\n  sigemptyset(&set);\n  sigaddset(&set, SIGUSR1);\n  sigaddset(&set, SIGINT);\n  sigaddset(&set, SIGTERM);\n  sigdelset(&set, SIGINT);\n  sigfillset(&full);\n  dump("set", &set, sizeof(set));\n  dump("full", &full, sizeof(full));\n  printf("member %d %d\\n", sigismember(&set, SIGUSR1), sigismember(&set, SIGINT));\n  errno = 0;\n  int r = sigaddset(&set, 0);\n  printf("bad %d %d\\n", r, errno);`,
      C_DUMP,
    );
    expect(hex(set.bytes)).toBe(c.get('set'));
    expect(hex(full.bytes)).toBe(c.get('full'));
    expect(`${sigismember(set, SIGUSR1)} ${sigismember(set, SIGINT)}`).toBe(c.get('member'));
    expect(`${sigaddset(set, 0)} ${errno}`).toBe(c.get('bad'));
    expect(errno).toBe(EINVAL);
  });
});
