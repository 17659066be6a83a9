// Helpers shared by the vectored calls (io.cc: readv/writev; msg.cc: sendmsg/recvmsg).
#pragma once

#include <sys/uio.h>

#include <vector>

#include "addon.h"

namespace posix_sockets {

// Reads the iovec array of a vectored call from two parallel JS arrays at
// info[index] (iov_base views or null) and info[index + 1] (iov_len numbers):
// `count` entries, each length within its view. Throws TypeError/RangeError.
std::vector<iovec> GetIovecs(const Napi::CallbackInfo& info, size_t index, size_t count);

// The bytes an iovec array covers (op.len of a vectored op).
size_t IovecTotal(const std::vector<iovec>& iov);

// A sync call's result; when it is -1, errno is left in lastCall[kErrnoSlot].
Napi::Value SyscallResult(const Napi::CallbackInfo& info, ssize_t ret);

}  // namespace posix_sockets
