// Module entry: per-environment state and argument readers shared by the
// other files. The JS layer validates arguments first and throws errors that
// name them; the checks here repeat the essentials so that the addon can
// never be made to read or write outside a buffer, whoever calls it.
#include "addon.h"

#include <cmath>
#include <string>

namespace posix_sockets {

AddonState& State(Napi::Env env) { return *env.GetInstanceData<AddonState>(); }

namespace {

size_t ElementSize(napi_typedarray_type t) {
  switch (t) {
    case napi_int16_array:
    case napi_uint16_array:
      return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array:
      return 4;
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array:
      return 8;
    default:
      return 1;  // (u)int8, uint8 clamped; an unknown kind errs on the short side
  }
}

// The bytes of a TypedArray or DataView, with one N-API call for the common
// case; false for any other value. The data pointer comes straight from
// napi_get_*_info: going through ArrayBuffer().Data() fails for views of a
// SharedArrayBuffer.
bool TryViewBytes(napi_env env, napi_value v, Bytes* b) {
  void* data = nullptr;
  napi_typedarray_type type;
  size_t length = 0;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) == napi_ok) {
    b->length = length * ElementSize(type);
  } else if (napi_get_dataview_info(env, v, &b->length, &data, nullptr, nullptr) != napi_ok) {
    return false;
  }
  b->data = b->length > 0 ? static_cast<uint8_t*>(data) : nullptr;
  // A detached buffer reports length 0; keep a non-null pointer for
  // zero-length syscalls so the kernel sees a valid (if empty) buffer.
  static uint8_t empty[1];
  if (b->data == nullptr) b->data = empty;
  return true;
}

}  // namespace

Bytes ViewBytes(const Napi::Value& v) {
  Bytes b;
  if (!TryViewBytes(v.Env(), v, &b)) {
    NAPI_THROW(Napi::TypeError::New(v.Env(), "expected an ArrayBufferView"), Bytes{});
  }
  return b;
}

Bytes GetBytes(const Napi::CallbackInfo& info, size_t index, const char* what) {
  Bytes b;
  if (!TryViewBytes(info.Env(), info[index], &b)) {
    throw Napi::TypeError::New(info.Env(),
                               std::string("argument '") + what + "' must be an ArrayBufferView");
  }
  return b;
}

Bytes GetOptionalBytes(const Napi::CallbackInfo& info, size_t index, const char* what) {
  Napi::Value v = info[index];
  if (v.IsNull() || v.IsUndefined()) return Bytes{};
  return GetBytes(info, index, what);
}

int64_t GetInteger(const Napi::CallbackInfo& info, size_t index, const char* what,
                   int64_t min, int64_t max) {
  double d;
  if (napi_get_value_double(info.Env(), info[index], &d) != napi_ok) {
    throw Napi::TypeError::New(info.Env(), std::string("argument '") + what + "' must be a number");
  }
  if (!std::isfinite(d) || std::trunc(d) != d || d < static_cast<double>(min) ||
      d > static_cast<double>(max)) {
    throw Napi::RangeError::New(info.Env(), std::string("argument '") + what +
                                                "' must be an integer from " + std::to_string(min) +
                                                " to " + std::to_string(max));
  }
  return static_cast<int64_t>(d);
}

double MadeAtOnce(Napi::Env env, double ret, int err, uint32_t outlen) {
  int32_t* slots = State(env).lastCall;
  if (ret == -1) slots[kErrnoSlot] = err;
  slots[kOutLenSlot] = static_cast<int32_t>(outlen);
  return ret;
}

int GetInt(const Napi::CallbackInfo& info, size_t index, const char* what) {
  return static_cast<int>(GetInteger(info, index, what, INT32_MIN, INT32_MAX));
}

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* state = new AddonState();
  Napi::Int32Array lastCall = Napi::Int32Array::New(env, kSlots);
  state->lastCallRef = Napi::Persistent(lastCall);
  state->lastCall = lastCall.Data();
  // Freed by the environment's cleanup when the main thread or the worker exits.
  env.SetInstanceData<AddonState>(state);
  exports.Set("lastCall", lastCall);
  exports.Set("pending", Napi::Number::New(env, kPending));

  ExportConstants(env, exports);
  ExportCalls(env, exports);
  ExportInet(env, exports);
  ExportIo(env, exports);
  ExportMsg(env, exports);
  ExportNetdb(env, exports);
  ExportMultiplex(env, exports);
  return exports;
}

}  // namespace

}  // namespace posix_sockets

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  return posix_sockets::Init(env, exports);
}

NODE_API_MODULE(posix_sockets, InitAddon)
