// N-API surface of the native CPU backend (see src/backends/cpu/addon.ts for the JS side).
//
// Dispatch cost matters more than anything here: a small op must cost about a microsecond.
// So `run(kind, sub)` takes two small ints and reads everything else from a Float64Array
// registered once by `init` (layout in views.h), and returns whether it ran natively.
//
// The buffer table is process-global and not locked: load the addon from one JS thread only.
#include <napi.h>

#include <string>
#include <unordered_map>

#include "buffers.h"
#include "gemm.h"
#include "kernels.h"
#include "kernels_f32.h"
#include "mpi.h"
#include "op_codes.h"
#include "thread_pool.h"

namespace dlflow {
namespace {

struct AddonData {
  Napi::Reference<Napi::Float64Array> args;
  const double* args_data = nullptr;
  int64_t args_length = 0;
  // Weak references to the ArrayBuffers lent by hostView, detached when their buffer is
  // freed so JS can never touch memory that went back to the cache.
  std::unordered_map<int64_t, Napi::Reference<Napi::ArrayBuffer>> views;
};

AddonData& data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v >= -9007199254740992.0 && v <= 9007199254740992.0) || v != static_cast<double>(static_cast<int64_t>(v)))
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be an integer");
  return static_cast<int64_t>(v);
}

// Runs fn, turning native exceptions into JS errors (RangeError for index errors).
template <class F>
auto guarded(Napi::Env env, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (const RangeError& e) {
    throw Napi::RangeError::New(env, e.what());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

void report(Napi::Env env, int64_t delta) {
  if (delta != 0) Napi::MemoryManagement::AdjustExternalMemory(env, delta);
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(info.Env(), "init expects a Float64Array");
  auto arr = info[0].As<Napi::Float64Array>();
  AddonData& d = data(info.Env());
  d.args = Napi::Persistent(arr);
  d.args_data = arr.Data();
  d.args_length = static_cast<int64_t>(arr.ElementLength());
  return info.Env().Undefined();
}

Napi::Value Alloc(const Napi::CallbackInfo& info) {
  int64_t bytes = int_arg(info, 0, "bytes");
  if (bytes < 0) throw Napi::RangeError::New(info.Env(), "alloc: negative size");
  int64_t delta = 0;
  int64_t handle = guarded(info.Env(), [&] { return buffer_alloc(static_cast<size_t>(bytes), &delta); });
  report(info.Env(), delta);
  return Napi::Number::New(info.Env(), static_cast<double>(handle));
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  int64_t handle = int_arg(info, 0, "handle");
  guarded(info.Env(), [&] { buffer_get(handle); });  // validate before touching the view map
  AddonData& d = data(info.Env());
  auto it = d.views.find(handle);
  if (it != d.views.end()) {
    Napi::ArrayBuffer ab = it->second.Value();
    if (!ab.IsEmpty() && !ab.IsDetached()) ab.Detach();
    d.views.erase(it);
  }
  int64_t delta = 0;
  guarded(info.Env(), [&] { buffer_free(handle, &delta); });
  report(info.Env(), delta);
  return info.Env().Undefined();
}

Napi::Value HostView(const Napi::CallbackInfo& info) {
  int64_t handle = int_arg(info, 0, "handle");
  const BufferInfo buf = guarded(info.Env(), [&] { return buffer_get(handle); });
  AddonData& d = data(info.Env());
  auto it = d.views.find(handle);
  if (it != d.views.end()) {
    Napi::ArrayBuffer ab = it->second.Value();
    if (!ab.IsEmpty()) return ab;
  }
  // External and zero-copy; the memory stays owned by the buffer table.
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(info.Env(), buf.data, buf.bytes);
  d.views[handle] = Napi::Weak(ab);
  return ab;
}

Napi::Value Stats(const Napi::CallbackInfo& info) {
  BufferStats s = buffer_stats();
  Napi::Array out = Napi::Array::New(info.Env(), 3);
  out.Set(0u, Napi::Number::New(info.Env(), static_cast<double>(s.live_buffers)));
  out.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(s.live_bytes)));
  out.Set(2u, Napi::Number::New(info.Env(), static_cast<double>(s.cached_bytes)));
  return out;
}

Napi::Value EmptyCache(const Napi::CallbackInfo& info) {
  int64_t delta = 0;
  buffer_empty_cache(&delta);
  report(info.Env(), delta);
  return info.Env().Undefined();
}

// One case per op kind, expanded from the generated DLFLOW_OP_KINDS (op_codes.h): a plain
// switch on the per-op path, as cheap as the hand-written one. A kind whose kernel file lacks
// run_<kind> or supports_<kind> leaves an undefined symbol the addon fails to load on (kernels.h).
bool dispatch(ArgReader& r, int64_t kind, int sub) {
  switch (kind) {
#define DLFLOW_RUN_CASE(code, name) \
  case code: return run_##name(r, sub);
    DLFLOW_OP_KINDS(DLFLOW_RUN_CASE)
#undef DLFLOW_RUN_CASE
    default: throw std::runtime_error("run: unknown op kind code " + std::to_string(kind));
  }
}

// Whether `run` of this kind/sub-op can be native for inputs of `dtype`.
bool supports(int kind, int sub, int dtype) {
  if (dtype < 0 || dtype >= kNumDTypes) return false;
  switch (kind) {
#define DLFLOW_SUPPORTS_CASE(code, name) \
  case code: return supports_##name(sub, dtype);
    DLFLOW_OP_KINDS(DLFLOW_SUPPORTS_CASE)
#undef DLFLOW_SUPPORTS_CASE
    default: return false;
  }
}

Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData& d = data(env);
  if (d.args_data == nullptr) throw Napi::Error::New(env, "run: init() was not called");
  // Fast path for the two ints: no double→int validation helpers beyond a range check.
  const int64_t kind = info[0].As<Napi::Number>().Int64Value();
  const int sub = info[1].As<Napi::Number>().Int32Value();
  ArgReader r(d.args_data, d.args_length);
  bool done = guarded(env, [&] { return dispatch(r, kind, sub); });
  return Napi::Boolean::New(env, done);
}

Napi::Value Supports(const Napi::CallbackInfo& info) {
  bool ok = supports(static_cast<int>(int_arg(info, 0, "kind")), static_cast<int>(int_arg(info, 1, "sub")),
                     static_cast<int>(int_arg(info, 2, "dtype")));
  return Napi::Boolean::New(info.Env(), ok);
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int64_t n = int_arg(info, 0, "threads");
  if (n < 1 || n > 1024) throw Napi::RangeError::New(info.Env(), "setNumThreads: expected 1..1024");
  set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), num_threads());
}

Napi::Value CpuInfo(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("isa", f32_kernels().isa);
  o.Set("gemm", sgemm_kernel_name());
  return o;
}

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<AddonData>(new AddonData());
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("alloc", Napi::Function::New(env, Alloc, "alloc"));
  exports.Set("free", Napi::Function::New(env, Free, "free"));
  exports.Set("hostView", Napi::Function::New(env, HostView, "hostView"));
  exports.Set("stats", Napi::Function::New(env, Stats, "stats"));
  exports.Set("emptyCache", Napi::Function::New(env, EmptyCache, "emptyCache"));
  exports.Set("run", Napi::Function::New(env, Run, "run"));
  exports.Set("supports", Napi::Function::New(env, Supports, "supports"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("cpuInfo", Napi::Function::New(env, CpuInfo, "cpuInfo"));
  register_mpi(env, exports);  // collectives over Open MPI, loaded at run time (mpi.cc)
  return exports;
}

}  // namespace
}  // namespace dlflow

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return dlflow::Module(env, exports); }

NODE_API_MODULE(dlflow_native, InitModule)
