// Where a call runs: at once on the JS thread, in the poller until its socket
// is ready, or on a pool thread. The policy only; the reactor carries it out.
//
// Process-wide state: what the checks learned about each descriptor (its
// blocking mode, timeouts, whether it is an established stream), shared by
// every environment, as descriptors are.
#pragma once

#include "op.h"

namespace posix_sockets {

enum class Plan {
  Now,        // the call returns at once: make it on the JS thread
  WaitRead,   // wait in the poller for readability, then decide again
  WaitWrite,  // wait in the poller for writability, then decide again
  Pool,       // may block even when ready: make it on a pool thread
};

// `ready`: the poller just reported the socket ready in the op's direction and
// no JS has run since, so the poll(2) that Decide starts with is skipped.
Plan Decide(const Op& op, bool ready = false);

// MSG_DONTWAIT or a non-blocking descriptor: C's call returns at once, so it
// is made at once, even while an earlier blocking call in the same direction waits.
bool NeverWaits(const Op& op);

// Drops what the dispatcher learned about `fd` (its blocking mode, timeouts,
// state): called by every call that may change them or reuse the number.
void ForgetFacts(int fd);

}  // namespace posix_sockets
