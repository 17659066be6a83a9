// Shared declarations for the posix-sockets addon.
// One file per concern: constants.cc (names and struct layouts from the system
// headers), calls.cc (the socket syscalls, sync and async), inet.cc (strerror,
// inet_pton, inet_ntop).
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace posix_sockets {

// Per-environment state (one per main thread or worker_thread), owned by the
// environment through napi_set_instance_data and freed by its cleanup hook.
// It holds no JS value in a static, so the addon loads in worker_threads.
class Reactor;

struct AddonState {
  // An Int32Array supplied by the JS layer: [0] = errno of the last failing
  // sync call, [1] = the socklen_t written back by a call with an out length.
  Napi::Reference<Napi::Int32Array> cellRef;
  int32_t* cell = nullptr;
  // Created on the first async call; freed by its own async cleanup hook.
  Reactor* reactor = nullptr;
};

AddonState& State(Napi::Env env);

// A byte range of an ArrayBufferView (any TypedArray or DataView).
struct Bytes {
  uint8_t* data = nullptr;
  size_t length = 0;
};

// The byte range of a TypedArray or DataView (also over a SharedArrayBuffer).
Bytes ViewBytes(const Napi::Value& v);
// Reads argument `index` as an ArrayBufferView; throws TypeError naming `what`.
Bytes GetBytes(const Napi::CallbackInfo& info, size_t index, const char* what);
// Like GetBytes, but null/undefined give an empty range with data == nullptr.
Bytes GetOptionalBytes(const Napi::CallbackInfo& info, size_t index, const char* what);
// Reads an integer argument within [min, max]; throws TypeError/RangeError naming `what`.
int64_t GetInteger(const Napi::CallbackInfo& info, size_t index, const char* what,
                   int64_t min, int64_t max);
int GetInt(const Napi::CallbackInfo& info, size_t index, const char* what);

void ExportConstants(Napi::Env env, Napi::Object exports);
void ExportCalls(Napi::Env env, Napi::Object exports);
void ExportInet(Napi::Env env, Napi::Object exports);
void ExportMultiplex(Napi::Env env, Napi::Object exports);

}  // namespace posix_sockets
