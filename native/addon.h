// What every file of the addon shares: the per-environment state (addon.cc),
// the argument readers, and the Export* function of each file that adds to
// the module's exports. The builds (binding.gyp, CMakeLists.txt) name every
// source file; the README's layout says what each holds.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace posix_sockets {

// Per-environment state (one per main thread or worker_thread), owned by the
// environment through napi_set_instance_data and freed by its cleanup hook.
// It holds no JS value in a static, so the addon loads in worker_threads.
class Reactor;

// Slots of AddonState::lastCall (ERRNO_SLOT and OUTLEN_SLOT in src/addon.ts).
constexpr int kErrnoSlot = 0;   // errno of the last failing call made at once
constexpr int kOutLenSlot = 1;  // the socklen_t a call wrote back through its length pointer
constexpr int kOpIdSlot = 2;    // the id of the async call just queued (kPending returned)
constexpr int kSlots = 3;

// What an async entry point returns when its call did not complete at once:
// the call is queued under lastCall[kOpIdSlot] and its callback follows from
// the event loop. Any other value is the result of a call made at once
// (errno and the out-length in their slots), and no callback follows.
constexpr double kPending = -2;

// An async call's result when it was made at once: errno (when ret is -1) and
// the out-length go to their lastCall slots, ret is the return value.
double MadeAtOnce(Napi::Env env, double ret, int err, uint32_t outlen);

struct AddonState {
  // What the last sync call left besides its result, in an Int32Array shared
  // with the JS layer (exported as `lastCall`), so that no extra value is
  // returned per call: see kErrnoSlot, kOutLenSlot.
  Napi::Reference<Napi::Int32Array> lastCallRef;
  int32_t* lastCall = nullptr;
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
void ExportIo(Napi::Env env, Napi::Object exports);
void ExportMsg(Napi::Env env, Napi::Object exports);
void ExportNetdb(Napi::Env env, Napi::Object exports);
void ExportMultiplex(Napi::Env env, Napi::Object exports);

}  // namespace posix_sockets
