// The syscalls behind an Op: accept(2)/accept4(2), connect(2), send(2),
// sendto(2), recv(2), recvfrom(2), made exactly as the caller asked.
#include "op.h"

#include <errno.h>
#include <unistd.h>

#include "facts.h"

namespace posix_sockets {

ssize_t DoAccept(int fd, sockaddr* addr, socklen_t* len, int flags, bool useAccept4) {
  ssize_t ret;
#ifdef __linux__
  ret = useAccept4 ? accept4(fd, addr, len, flags) : accept(fd, addr, len);
#else
  (void)useAccept4;
  ret = accept(fd, addr, len);
#endif
  if (ret >= 0) {
    int saved = errno;
    NoteAccepted(fd, static_cast<int>(ret), useAccept4 ? flags : 0);
    errno = saved;
  }
  return ret;
}

void Perform(Op& op) {
  if (op.kind == OpKind::Job) {
    op.job->RunOnPool();
    op.ret = op.job->Ret();
    op.err = op.job->Err();
    return;
  }
  if (op.vec) {
    op.ret = PerformVectored(op);
    op.err = op.ret == -1 ? errno : 0;
    return;
  }
  sockaddr* a = op.addrPresent ? reinterpret_cast<sockaddr*>(op.addr) : nullptr;
  switch (op.kind) {
    case OpKind::Accept:
      op.addrLenOut = op.addrLenIn;
      op.ret = DoAccept(op.fd, a, op.lenPresent ? &op.addrLenOut : nullptr, op.flags, op.useAccept4);
      break;
    case OpKind::Connect:
      op.ret = connect(op.fd, a, op.addrLenIn);
      break;
    case OpKind::Send:
      op.ret = op.plainIo        ? write(op.fd, op.buf, op.len)
               : op.takesAddress ? sendto(op.fd, op.buf, op.len, op.flags, a, op.addrLenIn)
                                 : send(op.fd, op.buf, op.len, op.flags);
      break;
    case OpKind::Recv:
      if (op.plainIo) {
        op.ret = read(op.fd, op.buf, op.len);
      } else if (op.takesAddress) {
        op.addrLenOut = op.addrLenIn;
        op.ret = recvfrom(op.fd, op.buf, op.len, op.flags, a,
                          op.lenPresent ? &op.addrLenOut : nullptr);
      } else {
        op.ret = recv(op.fd, op.buf, op.len, op.flags);
      }
      break;
    case OpKind::Job:
      break;  // made above
  }
  op.err = op.ret == -1 ? errno : 0;
}

}  // namespace posix_sockets
