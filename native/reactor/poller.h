// The poller: one-shot readiness watches on the caller's descriptors, in a
// descriptor of its own that the event loop watches through one uv_poll
// handle (uv_poll on the caller's descriptors would set O_NONBLOCK on them).
// One backend per platform, chosen by the build: poller_epoll.cc (Linux),
// poller_kqueue.cc (macOS and the BSDs).
#pragma once

namespace posix_sockets {

// Directions of a watch, as a bit mask.
constexpr unsigned kWatchRead = 1, kWatchWrite = 2;

// One descriptor the poller found ready.
struct Ready {
  int fd;
  bool read, write;
};

// Owned by one environment's reactor and used on its JS thread only.
class Poller {
 public:
  // Creates the poller's descriptor (close-on-exec). False on failure.
  bool Open();
  // Watches `target` once for the given directions, in addition to those
  // already watched. False when the poller cannot watch it (e.g. a regular file).
  // `known`: the poller has held `target` since it was last forgotten, so the
  // watch is most likely changed rather than added (either way it is right).
  bool Arm(int target, bool read, bool write, bool known);
  // Stops watching `target` (before it is closed).
  void Forget(int target);
  // Fills up to `max` (at most 64) ready descriptors without waiting; returns
  // how many.
  int Poll(Ready* out, int max);
  // The directions (kWatchRead | kWatchWrite) an event in `read`/`write`
  // disarmed: epoll's EPOLLONESHOT disarms the whole watch, kqueue's
  // EV_ONESHOT only the filter that fired.
  static unsigned Disarmed(bool read, bool write);

  int fd = -1;
};

}  // namespace posix_sockets
