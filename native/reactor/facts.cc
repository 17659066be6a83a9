// The per-descriptor facts table (see facts.h).
#include "facts.h"

#include <fcntl.h>
#include <stdio.h>

#include <algorithm>
#include <mutex>
#include <atomic>
#include <unordered_map>

namespace posix_sockets {

namespace {

class FactsTable {
 public:
  static FactsTable& Get() {
    static FactsTable* t = new FactsTable();  // never destroyed: pool threads may outlive statics
    return *t;
  }
  Facts Read(int fd) {
    std::lock_guard<std::mutex> g(m_);
    auto it = map_.find(fd);
    return it == map_.end() ? Facts{} : it->second;
  }
  // Changes the facts of a descriptor the library made (others have none).
  template <typename F>
  void Update(int fd, F f) {
    std::lock_guard<std::mutex> g(m_);
    auto it = map_.find(fd);
    if (it != map_.end()) f(it->second);
  }
  void Set(int fd, const Facts& f) {
    std::lock_guard<std::mutex> g(m_);
    map_[fd] = f;
    SetMade(fd, f.made);
  }
  void Forget(int fd) {
    std::lock_guard<std::mutex> g(m_);
    map_.erase(fd);
    SetMade(fd, false);
  }
  // Whether fd has facts with `made`, without the lock for the common numbers.
  bool Made(int fd) {
    if (fd >= 0 && fd < kBits) return (made_[fd / 64].load(std::memory_order_relaxed) >> (fd % 64)) & 1;
    return Read(fd).made;
  }

 private:
  // One bit per descriptor number below kBits, mirroring map_[fd].made (under m_).
  static constexpr int kBits = 65536;
  void SetMade(int fd, bool made) {
    if (fd < 0 || fd >= kBits) return;
    uint64_t bit = uint64_t{1} << (fd % 64);
    if (made) {
      made_[fd / 64].fetch_or(bit, std::memory_order_relaxed);
    } else {
      made_[fd / 64].fetch_and(~bit, std::memory_order_relaxed);
    }
  }

  std::mutex m_;
  std::unordered_map<int, Facts> map_;
  std::atomic<uint64_t> made_[kBits / 64] = {};
};

bool AnyNonZero(const uint8_t* p, socklen_t n) {
  return std::any_of(p, p + n, [](uint8_t b) { return b != 0; });
}

// The second of the numbers in a /proc/sys file ("min default max" for
// tcp_wmem), or the first when there is one.
uint64_t ReadSysctl(const char* path, int index) {
  FILE* f = fopen(path, "re");
  if (f == nullptr) return 0;
  unsigned long long v[3] = {0, 0, 0};
  int n = fscanf(f, "%llu %llu %llu", &v[0], &v[1], &v[2]);
  fclose(f);
  return n > index ? v[index] : 0;
}

}  // namespace

Facts ReadFacts(int fd) { return FactsTable::Get().Read(fd); }

bool MadeByLibrary(int fd) { return FactsTable::Get().Made(fd); }

void NoteSocket(int fd, int domain, int type) {
  Facts f;
  f.made = true;
  f.domain = domain;
  f.type = type;
#ifdef SOCK_NONBLOCK
  f.type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  f.blocking = (type & SOCK_NONBLOCK) ? 0 : 1;
#else
  f.blocking = 1;
#endif
  FactsTable::Get().Set(fd, f);
}

void NoteEpoll(int fd, bool nonblocking) {
  Facts f;
  f.made = true;
  f.notSocket = true;
  f.blocking = nonblocking ? 0 : 1;
  FactsTable::Get().Set(fd, f);
}

void NoteAccepted(int listener, int fd, int flags) {
  Facts l = FactsTable::Get().Read(listener);
  if (!l.made) {
    FactsTable::Get().Forget(fd);  // of an unknown listener: nothing known
    return;
  }
  // A connected socket of the listener's kind, with its timeouts and send
  // buffer (Linux copies them into the new socket).
  Facts f = l;
  f.listening = false;
#ifdef __linux__
  f.blocking = (flags & SOCK_NONBLOCK) ? 0 : 1;  // Linux: never inherited from the listener
#else
  (void)flags;  // the BSDs and macOS: O_NONBLOCK is inherited
#endif
  FactsTable::Get().Set(fd, f);
}

void NoteListen(int fd) {
  FactsTable::Get().Update(fd, [](Facts& f) { f.listening = true; });
}

void NoteShutdown(int fd) {
  // shutdown(SHUT_RD) of a listener stops it listening (Linux).
  FactsTable::Get().Update(fd, [](Facts& f) { f.listening = false; });
}

void NoteSetsockopt(int fd, int level, int optname, const uint8_t* optval, socklen_t optlen) {
  if (level != SOL_SOCKET || optval == nullptr) return;
  bool set = AnyNonZero(optval, optlen);
  int value = 0;
  if (optlen >= sizeof(int)) value = *reinterpret_cast<const int*>(optval);
  FactsTable::Get().Update(fd, [&](Facts& f) {
    switch (optname) {
      case SO_RCVTIMEO:
#ifdef SO_RCVTIMEO_NEW
      case SO_RCVTIMEO_NEW:
#endif
        f.rcvTimeout = set;
        break;
      case SO_SNDTIMEO:
#ifdef SO_SNDTIMEO_NEW
      case SO_SNDTIMEO_NEW:
#endif
        f.sndTimeout = set;
        break;
      case SO_RCVLOWAT:
        f.rcvLowat = value > 1;
        break;
      case SO_SNDBUF:
#ifdef SO_SNDBUFFORCE
      case SO_SNDBUFFORCE:
#endif
      {
        // Linux doubles the value (socket(7)), capped by wmem_max for SO_SNDBUF:
        // twice the smaller of the two is a lower bound on every system.
        uint64_t v = value > 0 ? static_cast<uint64_t>(value) : 0;
        uint64_t cap = ReadSysctl("/proc/sys/net/core/wmem_max", 0);
        if (cap != 0) v = std::min(v, cap);
        f.sndbuf = 2 * v;
        break;
      }
      default:
        break;
    }
  });
}

void NoteFcntl(int fd, int cmd, int arg) {
  if (cmd == F_SETFL) NoteBlocking(fd, !(arg & O_NONBLOCK));
}

void NoteBlocking(int fd, bool blocking) {
  FactsTable::Get().Update(fd, [blocking](Facts& f) { f.blocking = blocking ? 1 : 0; });
}

void NoteSndbufAtLeast(int fd, uint64_t bytes) {
  FactsTable::Get().Update(fd, [bytes](Facts& f) { f.sndbuf = std::max(f.sndbuf, bytes); });
}

void ForgetFacts(int fd) { FactsTable::Get().Forget(fd); }

uint64_t DefaultSndbuf(int domain, int type) {
#ifdef __linux__
  // A TCP socket starts with tcp_wmem's default and only grows from it
  // (autotuning), other sockets start with wmem_default.
  static const uint64_t tcp = ReadSysctl("/proc/sys/net/ipv4/tcp_wmem", 1);
  static const uint64_t other = ReadSysctl("/proc/sys/net/core/wmem_default", 0);
  bool isTcp = (domain == AF_INET || domain == AF_INET6) && type == SOCK_STREAM;
  return isTcp ? tcp : other;
#else
  (void)domain;
  (void)type;
  return 0;
#endif
}

}  // namespace posix_sockets
