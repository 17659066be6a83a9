// A loopback echo through the package as a user's program imports it: a
// listener on 127.0.0.1 with a kernel-chosen port, an awaited connect and
// accept, one line sent and read back with MSG_WAITALL, then the peer's close
// seen as recv() returning 0. Run as `node echo.mjs [specifier]` (default
// 'posix-sockets'); echo.cjs runs the same through require(). Used by the
// tarball install test and the cross-built (qemu) prebuild's smoke run.
// Prints one line per check and exits 1 if any failed.
import { pathToFileURL } from 'node:url';

/** Runs the echo with the library `ps`; returns the number of failed checks. */
export async function echo(ps, how) {
  let failed = 0;
  const check = (ok, what) => {
    console.log(`${ok ? 'ok' : 'FAIL'} ${how}: ${what}`);
    if (!ok) failed++;
  };
  const call = (ret, what) => {
    if (ret === -1) throw new Error(`${what}: ${ps.strerror(ps.errno)} (errno ${ps.errno})`);
    return ret;
  };
  const addr = new ps.sockaddr_in();
  addr.sin_family = ps.AF_INET;
  addr.sin_addr.s_addr = ps.htonl(ps.INADDR_LOOPBACK);
  const lfd = call(ps.socket(ps.AF_INET, ps.SOCK_STREAM, 0), 'socket');
  call(ps.bind(lfd, addr, ps.sizeof(addr)), 'bind');
  call(ps.listen(lfd, 1), 'listen');
  call(ps.getsockname(lfd, addr, ps.socklen_t(ps.sizeof(addr))), 'getsockname');
  check(ps.ntohs(addr.sin_port) > 0, `listening on 127.0.0.1:${ps.ntohs(addr.sin_port)}`);

  const cfd = call(ps.socket(ps.AF_INET, ps.SOCK_STREAM, 0), 'socket');
  const [connected, sfd] = await Promise.all([ps.connect(cfd, addr, ps.sizeof(addr)), ps.accept(lfd, null, null)]);
  check(connected === 0 && sfd >= 0, `connect() returned ${connected}, accept() returned a descriptor`);

  const line = 'hello from posix-sockets\n';
  check((await ps.send(cfd, line, line.length, 0)) === line.length, 'send() sent the whole line');
  const buf = Buffer.alloc(64);
  const n = await ps.recv(sfd, buf, line.length, ps.MSG_WAITALL);
  check(buf.toString('utf8', 0, n) === line, 'recv(MSG_WAITALL) read the same bytes back');
  ps.close(cfd);
  check((await ps.recv(sfd, buf, buf.length, 0)) === 0, "recv() returns 0 after the peer's close");
  check(ps.recvSync(-1, buf, 1, 0) === -1 && ps.errno === ps.EBADF, 'recvSync(-1) fails with EBADF');
  ps.close(sfd);
  ps.close(lfd);
  return failed;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const spec = process.argv[2] ?? 'posix-sockets';
  const failed = await echo(await import(spec), 'import');
  process.exit(failed === 0 ? 0 : 1);
}
