// Interrupting a pool thread's syscall with a signal (see interrupt.h).
#include "interrupt.h"

#include <errno.h>

namespace posix_sockets {

namespace {

// Does nothing: its only effect is that the interrupted syscall returns.
void OnInterrupt(int) {}

bool Unused(int sig) {
  struct sigaction old {};
  return sigaction(sig, nullptr, &old) == 0 && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL;
}

int Install() {
  int sig = 0;
#if defined(SIGRTMIN) && defined(SIGRTMAX)
  for (int s = SIGRTMAX; s >= SIGRTMIN && sig == 0; s--) {
    if (Unused(s)) sig = s;
  }
#else
  if (Unused(SIGUSR2)) sig = SIGUSR2;  // Node uses SIGUSR1 (the inspector), not SIGUSR2
#endif
  if (sig == 0) return 0;
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: the syscall must return, not be restarted
  return sigaction(sig, &sa, nullptr) == 0 ? sig : 0;
}

}  // namespace

int InterruptSignal() {
  static const int sig = Install();  // thread-safe once
  return sig;
}

void BlockSignalsForPool(sigset_t* old) {
  sigset_t set;
  sigfillset(&set);
  // Faults must stay deliverable (a blocked SIGSEGV kills without a report).
  for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) sigdelset(&set, s);
  if (int sig = InterruptSignal()) sigdelset(&set, sig);
  pthread_sigmask(SIG_SETMASK, &set, old);
}

bool Interruption::Enter() {
  std::lock_guard<std::mutex> g(m_);
  if (requested_) {
    state_ = kAfter;
    errno = EINTR;
    return false;
  }
  thread_ = pthread_self();
  state_ = kInside;
  return true;
}

void Interruption::Leave() {
  int saved = errno;
  bool signalled;
  {
    std::lock_guard<std::mutex> g(m_);
    state_ = kAfter;
    signalled = signalled_;
  }
  // Every signal was sent under m_ before this point, so each is delivered or
  // pending now: take the pending ones, so that none reaches the next call.
  if (signalled) {
    int sig = InterruptSignal();
    sigset_t only, old, pending;
    sigemptyset(&only);
    sigaddset(&only, sig);
    pthread_sigmask(SIG_BLOCK, &only, &old);
    while (sigpending(&pending) == 0 && sigismember(&pending, sig) == 1) {
      int got;
      sigwait(&only, &got);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  errno = saved;
}

bool Interruption::Interrupt() {
  int sig = InterruptSignal();
  std::lock_guard<std::mutex> g(m_);
  requested_ = true;
  if (state_ != kInside) return false;
  if (sig != 0 && pthread_kill(thread_, sig) == 0) signalled_ = true;
  return sig != 0;
}

bool Interruption::Requested() {
  std::lock_guard<std::mutex> g(m_);
  return requested_;
}

}  // namespace posix_sockets
