// Where a call runs: at once on the JS thread, in the poller until its socket
// is ready, or on a pool thread. The policy only; the reactor carries it out.
//
// The principle: the only correct default is C's own call, made where it may
// block (a pool thread). The dispatcher chooses
// - Now only when it knows C's call returns at once;
// - Wait only when it knows C's call would block now and stops blocking
//   exactly when the poller reports readiness;
// - otherwise Pool, the exact syscall on a pool thread, which returns exactly
//   when C's would. A state it does not understand costs a thread, never a
//   wrong answer or a hang.
// It learns what it needs from the facts of the library's own calls
// (facts.h) and from probes that are not socket calls: poll(2) with a zero
// timeout, fcntl(F_GETFL), fstat(2), ioctl(FIONREAD) and ioctl(SIOCOUTQ).
//
// A new blocking call adds one OpKind, its Perform case (op.cc) and one
// Decide* rule here.
#pragma once

#include "facts.h"
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
// The same, with the facts of op.fd already read (one read per call).
Plan Decide(const Op& op, const Facts& f, bool ready = false);

// Whether a recv may be queued in the poller without the poll(2) Decide starts
// with, because its socket's readiness is exactly what ends C's wait: a
// connected stream socket this library made, blocking, with no receive
// timeout or low-water mark, and plain flags. The poller's watch is armed
// level-triggered, so data already there is reported at once; the reactor
// only asks this where the reply is not expected to be there yet (reactor.cc).
bool WaitsUnpolled(const Op& op, const Facts& f);

// MSG_DONTWAIT or a non-blocking descriptor: C's call returns at once, so it
// is made at once, even while an earlier blocking call in the same direction waits.
bool NeverWaits(const Op& op, const Facts& f);

}  // namespace posix_sockets
