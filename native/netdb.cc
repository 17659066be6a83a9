// Names and addresses, by the C library itself: getaddrinfo(3),
// getnameinfo(3), gai_strerror(3), gethostbyname(3), gethostbyaddr(3),
// hstrerror(3), and inet_addr/inet_aton/inet_ntoa/inet_network (inet(3)),
// so lists, their order and every accept/reject decision are libc's.
//
// Each resolution is a job: its inputs copied from JS, run by the C library
// (on the calling thread for the *Sync forms, on a pool thread of the library
// for the awaited ones), its result deep-copied out of libc's memory before
// that memory is freed, and converted to JS values on the JS thread.
#include "netdb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <memory>
#include <mutex>
#include <string>

#include "reactor/reactor.h"

namespace posix_sockets {

namespace {

using Napi::CallbackInfo;
using Napi::Value;

// A string argument or null (C's NULL); embedded NULs end it, as in C.
bool GetCString(const CallbackInfo& info, size_t index, const char* what, std::string& out) {
  Napi::Value v = info[index];
  if (v.IsNull() || v.IsUndefined()) return false;
  if (!v.IsString()) {
    throw Napi::TypeError::New(info.Env(), std::string("argument '") + what + "' must be a string or null");
  }
  out = v.As<Napi::String>().Utf8Value();
  out = std::string(out.c_str());
  return true;
}

std::string GetRequiredCString(const CallbackInfo& info, size_t index, const char* what) {
  std::string s;
  if (!GetCString(info, index, what, s)) {
    throw Napi::TypeError::New(info.Env(), std::string("argument '") + what + "' must be a string");
  }
  return s;
}

Napi::Value CopyBytes(Napi::Env env, const void* data, size_t len) {
  auto b = Napi::Uint8Array::New(env, len);
  if (len) memcpy(b.Data(), data, len);
  return b;
}

}  // namespace

// ---------------------------------------------------------------------------
// getaddrinfo

void GaiJob::Run() {
  addrinfo* res = nullptr;
  errno = errnoIn;
  ret = getaddrinfo(hasNode ? node.c_str() : nullptr, hasService ? service.c_str() : nullptr,
                    hasHints ? &hints : nullptr, &res);
  err = ret == EAI_SYSTEM ? errno : 0;
  errnoOut = errno;
  for (addrinfo* p = ret == 0 ? res : nullptr; p != nullptr; p = p->ai_next) {
    Entry e;
    e.flags = p->ai_flags;
    e.family = p->ai_family;
    e.socktype = p->ai_socktype;
    e.protocol = p->ai_protocol;
    e.addrlen = p->ai_addrlen;
    if (p->ai_addr != nullptr) {
      const uint8_t* a = reinterpret_cast<const uint8_t*>(p->ai_addr);
      e.addr.assign(a, a + p->ai_addrlen);
      e.hasAddr = true;
    }
    if (p->ai_canonname != nullptr) {
      e.canonname = p->ai_canonname;
      e.hasCanonname = true;
    }
    list.push_back(std::move(e));
  }
  if (res != nullptr) freeaddrinfo(res);
  if (errnoOut == errnoIn) errnoOut = errno;  // freeaddrinfo may write it too
}

void GaiJob::Read(const CallbackInfo& info, size_t index) {
  hasNode = GetCString(info, index, "node", node);
  hasService = GetCString(info, index + 1, "service", service);
  Napi::Value h = info[index + 2];
  hasHints = !h.IsNull() && !h.IsUndefined();
  if (hasHints) {
    posix_sockets::Bytes b = GetBytes(info, index + 2, "hints");
    if (b.length < sizeof(addrinfo)) {
      throw Napi::RangeError::New(info.Env(), "argument 'hints' must be a struct addrinfo");
    }
    // The caller's hints as laid out; its pointers are NULL, as getaddrinfo(3) requires.
    memcpy(&hints, b.data, sizeof(addrinfo));
    hints.ai_addr = nullptr;
    hints.ai_canonname = nullptr;
    hints.ai_next = nullptr;
  }
}

Napi::Value GaiJob::Result(Napi::Env env) const {
  Napi::Object o = Napi::Object::New(env);
  o.Set("ret", ret);
  o.Set("err", err);
  o.Set("errno", errnoOut);
  Napi::Array arr = Napi::Array::New(env, list.size());
  for (size_t i = 0; i < list.size(); i++) {
    const Entry& e = list[i];
    Napi::Object x = Napi::Object::New(env);
    x.Set("ai_flags", e.flags);
    x.Set("ai_family", e.family);
    x.Set("ai_socktype", e.socktype);
    x.Set("ai_protocol", e.protocol);
    x.Set("ai_addrlen", static_cast<double>(e.addrlen));
    x.Set("ai_addr", e.hasAddr ? CopyBytes(env, e.addr.data(), e.addr.size()) : env.Null());
    x.Set("ai_canonname", e.hasCanonname ? Napi::String::New(env, e.canonname) : env.Null());
    arr.Set(static_cast<uint32_t>(i), x);
  }
  o.Set("list", arr);
  return o;
}

// ---------------------------------------------------------------------------
// getnameinfo: (addr, addrlen, hostPresent, hostlen, servPresent, servlen, flags)

void NameinfoJob::Read(const CallbackInfo& info, size_t index) {
  Napi::Env env = info.Env();
  posix_sockets::Bytes a = GetOptionalBytes(info, index, "addr");
  addrlen = static_cast<socklen_t>(GetInteger(info, index + 1, "addrlen", 0, UINT32_MAX));
  if (a.data != nullptr) {
    if (addrlen > a.length) throw Napi::RangeError::New(env, "argument 'addrlen' exceeds the size of 'addr'");
    addr.assign(a.data, a.data + addrlen);
    hasAddr = true;
  }
  hasHost = info[index + 2].ToBoolean();
  hostlen = static_cast<socklen_t>(GetInteger(info, index + 3, "hostlen", 0, 1 << 20));
  hasServ = info[index + 4].ToBoolean();
  servlen = static_cast<socklen_t>(GetInteger(info, index + 5, "servlen", 0, 1 << 20));
  flags = GetInt(info, index + 6, "flags");
}

void NameinfoJob::Run() {
  host.assign(hostlen + 1, 0);
  serv.assign(servlen + 1, 0);
  // An empty addr vector with hasAddr: a valid pointer to zero bytes.
  static const sockaddr_storage none{};
  const sockaddr* sa = !hasAddr ? nullptr
                       : addr.empty() ? reinterpret_cast<const sockaddr*>(&none)
                                      : reinterpret_cast<const sockaddr*>(addr.data());
  errno = errnoIn;
  ret = getnameinfo(sa, addrlen, hasHost ? host.data() : nullptr, hasHost ? hostlen : 0,
                    hasServ ? serv.data() : nullptr, hasServ ? servlen : 0, flags);
  err = ret == EAI_SYSTEM ? errno : 0;
  errnoOut = errno;
}

Napi::Value NameinfoJob::Result(Napi::Env env) const {
  Napi::Object o = Napi::Object::New(env);
  o.Set("ret", ret);
  o.Set("err", err);
  o.Set("errno", errnoOut);
  o.Set("host", Napi::String::New(env, host.data()));
  o.Set("serv", Napi::String::New(env, serv.data()));
  return o;
}

// ---------------------------------------------------------------------------
// gethostbyname / gethostbyaddr

void HostJob::Read(const CallbackInfo& info, size_t index, bool byAddr_) {
  byAddr = byAddr_;
  if (!byAddr) {
    name = GetRequiredCString(info, index, "name");
    return;
  }
  posix_sockets::Bytes a = GetBytes(info, index, "addr");
  socklen_t len = static_cast<socklen_t>(GetInteger(info, index + 1, "len", 0, UINT32_MAX));
  if (len > a.length) throw Napi::RangeError::New(info.Env(), "argument 'len' exceeds the size of 'addr'");
  addr.assign(a.data, a.data + len);
  type = GetInt(info, index + 2, "type");
}

void HostJob::Copy(const hostent* h) {
  found = h != nullptr;
  if (!found) return;
  hname = h->h_name ? h->h_name : "";
  for (char** p = h->h_aliases; p && *p; p++) aliases.emplace_back(*p);
  addrtype = h->h_addrtype;
  length = h->h_length;
  for (char** p = h->h_addr_list; p && *p; p++) {
    addrs.emplace_back(reinterpret_cast<uint8_t*>(*p), reinterpret_cast<uint8_t*>(*p) + h->h_length);
  }
}

// gethostbyname(3) and gethostbyaddr(3) themselves, on either thread, so that
// the awaited form leaves the result, h_errno and errno the sync form and C
// leave (the _r variants differ in errno). Their result is libc's one static
// buffer: every call of this library holds this lock from the call until the
// entry is copied out.
namespace {
std::mutex& HostLock() {
  static std::mutex* m = new std::mutex();  // never destroyed: pool threads may outlive statics
  return *m;
}
}  // namespace

void HostJob::RunHere() {
  std::lock_guard<std::mutex> g(HostLock());
  const void* a = addr.empty() ? static_cast<const void*>("") : addr.data();
  errno = errnoIn;
  hostent* h = byAddr ? gethostbyaddr(a, static_cast<socklen_t>(addr.size()), type) : gethostbyname(name.c_str());
  errnoOut = errno;
  herr = h == nullptr ? h_errno : 0;
  Copy(h);
}

void HostJob::RunOnPool() { RunHere(); }

Napi::Value HostJob::Result(Napi::Env env) const {
  Napi::Object o = Napi::Object::New(env);
  o.Set("herr", herr);
  o.Set("errno", errnoOut);
  if (!found) {
    o.Set("hostent", env.Null());
    return o;
  }
  Napi::Object h = Napi::Object::New(env);
  h.Set("h_name", hname);
  Napi::Array al = Napi::Array::New(env, aliases.size());
  for (size_t i = 0; i < aliases.size(); i++) al.Set(static_cast<uint32_t>(i), aliases[i]);
  h.Set("h_aliases", al);
  h.Set("h_addrtype", addrtype);
  h.Set("h_length", length);
  Napi::Array ad = Napi::Array::New(env, addrs.size());
  for (size_t i = 0; i < addrs.size(); i++) ad.Set(static_cast<uint32_t>(i), CopyBytes(env, addrs[i].data(), addrs[i].size()));
  h.Set("h_addr_list", ad);
  o.Set("hostent", h);
  return o;
}

namespace {

Value GetaddrinfoSync(const CallbackInfo& info) {
  GaiJob job;
  job.Read(info, 0);
  job.errnoIn = GetInt(info, 3, "errno");
  job.Run();
  return job.Result(info.Env());
}

Value GetnameinfoSync(const CallbackInfo& info) {
  NameinfoJob job;
  job.Read(info, 0);
  job.errnoIn = GetInt(info, 7, "errno");
  job.Run();
  return job.Result(info.Env());
}

Value GethostbynameSync(const CallbackInfo& info) {
  HostJob job;
  job.Read(info, 0, false);
  job.errnoIn = GetInt(info, 1, "errno");
  job.RunHere();
  return job.Result(info.Env());
}

Value GethostbyaddrSync(const CallbackInfo& info) {
  HostJob job;
  job.Read(info, 0, true);
  job.errnoIn = GetInt(info, 3, "errno");
  job.RunHere();
  return job.Result(info.Env());
}

// The awaited forms: the same job on a pool thread of the library (reactor/job.h).
template <typename J>
Value StartJobWith(const CallbackInfo& info, std::unique_ptr<J> job, size_t callbackIndex) {
  if (!info[callbackIndex].IsFunction()) throw Napi::TypeError::New(info.Env(), "argument 'callback' must be a function");
  return Napi::Number::New(info.Env(), StartJob(info.Env(), std::move(job), info[callbackIndex].As<Napi::Function>()));
}

Value GetaddrinfoAsync(const CallbackInfo& info) {
  auto job = std::make_unique<GaiJob>();
  job->Read(info, 0);
  job->errnoIn = GetInt(info, 3, "errno");
  return StartJobWith(info, std::move(job), 4);
}

Value GetnameinfoAsync(const CallbackInfo& info) {
  auto job = std::make_unique<NameinfoJob>();
  job->Read(info, 0);
  job->errnoIn = GetInt(info, 7, "errno");
  return StartJobWith(info, std::move(job), 8);
}

Value GethostbynameAsync(const CallbackInfo& info) {
  auto job = std::make_unique<HostJob>();
  job->Read(info, 0, false);
  job->errnoIn = GetInt(info, 1, "errno");
  return StartJobWith(info, std::move(job), 2);
}

Value GethostbyaddrAsync(const CallbackInfo& info) {
  auto job = std::make_unique<HostJob>();
  job->Read(info, 0, true);
  job->errnoIn = GetInt(info, 3, "errno");
  return StartJobWith(info, std::move(job), 4);
}

Value GaiStrerror(const CallbackInfo& info) {
  return Napi::String::New(info.Env(), gai_strerror(GetInt(info, 0, "errcode")));
}

Value Hstrerror(const CallbackInfo& info) {
  return Napi::String::New(info.Env(), hstrerror(GetInt(info, 0, "err")));
}

// inet(3)

Value InetAddr(const CallbackInfo& info) {
  std::string cp = GetRequiredCString(info, 0, "cp");
  return Napi::Number::New(info.Env(), static_cast<double>(inet_addr(cp.c_str())));
}

Value InetNetwork(const CallbackInfo& info) {
  std::string cp = GetRequiredCString(info, 0, "cp");
  return Napi::Number::New(info.Env(), static_cast<double>(inet_network(cp.c_str())));
}

Value InetAton(const CallbackInfo& info) {
  std::string cp = GetRequiredCString(info, 0, "cp");
  posix_sockets::Bytes inp = GetBytes(info, 1, "inp");
  if (inp.length < sizeof(in_addr)) throw Napi::RangeError::New(info.Env(), "argument 'inp' must be a struct in_addr");
  in_addr a;
  memcpy(&a, inp.data, sizeof(a));
  int r = inet_aton(cp.c_str(), &a);
  memcpy(inp.data, &a, sizeof(a));
  return Napi::Number::New(info.Env(), r);
}

Value InetNtoa(const CallbackInfo& info) {
  posix_sockets::Bytes in = GetBytes(info, 0, "in");
  if (in.length < sizeof(in_addr)) throw Napi::RangeError::New(info.Env(), "argument 'in' must be a struct in_addr");
  in_addr a;
  memcpy(&a, in.data, sizeof(a));
  return Napi::String::New(info.Env(), inet_ntoa(a));
}

}  // namespace

void ExportNetdb(Napi::Env env, Napi::Object exports) {
  auto fn = [&](const char* name, Napi::Function::Callback cb) {
    exports.Set(name, Napi::Function::New(env, cb, name));
  };
  fn("getaddrinfoSync", GetaddrinfoSync);
  fn("getnameinfoSync", GetnameinfoSync);
  fn("gethostbynameSync", GethostbynameSync);
  fn("gethostbyaddrSync", GethostbyaddrSync);
  fn("getaddrinfo", GetaddrinfoAsync);
  fn("getnameinfo", GetnameinfoAsync);
  fn("gethostbyname", GethostbynameAsync);
  fn("gethostbyaddr", GethostbyaddrAsync);
  fn("gai_strerror", GaiStrerror);
  fn("hstrerror", Hstrerror);
  fn("inet_addr", InetAddr);
  fn("inet_network", InetNetwork);
  fn("inet_aton", InetAton);
  fn("inet_ntoa", InetNtoa);
}

}  // namespace posix_sockets
