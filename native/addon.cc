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

bool IsView(const Napi::Value& v) { return v.IsTypedArray() || v.IsDataView(); }

}  // namespace

// The data pointer comes straight from napi_get_*_info: going through
// ArrayBuffer().Data() fails for views of a SharedArrayBuffer.
Bytes ViewBytes(const Napi::Value& v) {
  Bytes b;
  void* data = nullptr;
  napi_status status;
  if (v.IsTypedArray()) {
    status = napi_get_typedarray_info(v.Env(), v, nullptr, nullptr, &data, nullptr, nullptr);
    b.length = v.As<Napi::TypedArray>().ByteLength();
  } else {
    status = napi_get_dataview_info(v.Env(), v, &b.length, &data, nullptr, nullptr);
  }
  NAPI_THROW_IF_FAILED(v.Env(), status, Bytes{});
  if (b.length > 0) b.data = static_cast<uint8_t*>(data);
  // A detached buffer reports length 0; keep a non-null pointer for
  // zero-length syscalls so the kernel sees a valid (if empty) buffer.
  static uint8_t empty[1];
  if (b.data == nullptr) b.data = empty;
  return b;
}

Bytes GetBytes(const Napi::CallbackInfo& info, size_t index, const char* what) {
  Napi::Value v = info[index];
  if (!IsView(v)) {
    throw Napi::TypeError::New(info.Env(),
                               std::string("argument '") + what + "' must be an ArrayBufferView");
  }
  return ViewBytes(v);
}

Bytes GetOptionalBytes(const Napi::CallbackInfo& info, size_t index, const char* what) {
  Napi::Value v = info[index];
  if (v.IsNull() || v.IsUndefined()) return Bytes{};
  return GetBytes(info, index, what);
}

int64_t GetInteger(const Napi::CallbackInfo& info, size_t index, const char* what,
                   int64_t min, int64_t max) {
  Napi::Value v = info[index];
  if (!v.IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string("argument '") + what + "' must be a number");
  }
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::trunc(d) != d || d < static_cast<double>(min) ||
      d > static_cast<double>(max)) {
    throw Napi::RangeError::New(info.Env(), std::string("argument '") + what +
                                                "' must be an integer from " + std::to_string(min) +
                                                " to " + std::to_string(max));
  }
  return static_cast<int64_t>(d);
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
