// The resolution jobs of netdb.cc: each reads its inputs from JS on the JS
// thread, runs in the C library on any thread, and converts its deep-copied
// result to JS on the JS thread. The *Sync forms run a job in place; the
// awaited forms hand it to the library's pool.
#pragma once

#include <netdb.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <vector>

#include "addon.h"
#include "reactor/job.h"

namespace posix_sockets {

// errno as the C library leaves it: a C program's errno is one variable that
// libc may write even on success (glibc's nscd probe), so each call starts
// from the caller's errno (errnoIn) and hands back what libc left (errnoOut),
// on whichever thread it ran.
struct LibcJob : Job {
  int errnoIn = 0, errnoOut = 0;
};

struct GaiJob : LibcJob {
  struct Entry {
    int flags = 0, family = 0, socktype = 0, protocol = 0;
    socklen_t addrlen = 0;
    bool hasAddr = false, hasCanonname = false;
    std::vector<uint8_t> addr;
    std::string canonname;
  };
  std::string node, service;
  bool hasNode = false, hasService = false, hasHints = false;
  addrinfo hints{};
  int ret = 0, err = 0;
  std::vector<Entry> list;

  // (node|null, service|null, hints bytes|null) at info[index...]
  void Read(const Napi::CallbackInfo& info, size_t index);
  void Run();
  void RunOnPool() override { Run(); }
  Napi::Value Result(Napi::Env env) const override;
};

struct NameinfoJob : LibcJob {
  std::vector<uint8_t> addr;
  bool hasAddr = false, hasHost = false, hasServ = false;
  socklen_t addrlen = 0, hostlen = 0, servlen = 0;
  int flags = 0, ret = 0, err = 0;
  std::vector<char> host, serv;

  // (addr|null, addrlen, hostPresent, hostlen, servPresent, servlen, flags)
  void Read(const Napi::CallbackInfo& info, size_t index);
  void Run();
  void RunOnPool() override { Run(); }
  Napi::Value Result(Napi::Env env) const override;
};

struct HostJob : LibcJob {
  bool byAddr = false;
  std::string name;
  std::vector<uint8_t> addr;
  int type = 0;
  int herr = 0;
  bool found = false;
  std::string hname;
  std::vector<std::string> aliases;
  int addrtype = 0, length = 0;
  std::vector<std::vector<uint8_t>> addrs;

  // (name) or (addr, len, type)
  void Read(const Napi::CallbackInfo& info, size_t index, bool byAddr);
  void Copy(const hostent* h);
  void RunHere();  // under a lock: libc's result is one static buffer
  void RunOnPool() override;
  Napi::Value Result(Napi::Env env) const override;
};

}  // namespace posix_sockets
