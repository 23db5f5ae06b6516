// Collectives over Open MPI, bound at run time.
//
// Loading: libmpi.so.40 (fallback libmpi.so) is dlopen'ed with RTLD_GLOBAL (Open MPI's own
// plugins resolve libmpi's symbols from the global scope) on the first `mpiInit`; no mpi.h is
// needed to build. The few prototypes used are declared below, and the predefined handles
// (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are taken as the addresses of the globals Open MPI
// exports for them (`ompi_mpi_comm_world`, `ompi_mpi_float`, `ompi_mpi_op_sum`, …): that is how
// Open MPI's mpi.h defines them, so this binds to Open MPI's ABI (every 4.x and 5.x release;
// MPICH and its derivatives use integer handles and are not supported).
//
// Threading: every MPI call runs on one dedicated communication thread, in submission order,
// the way PyTorch's ProcessGroupMPI works. MPI is initialised on that thread with
// MPI_THREAD_SERIALIZED requested (FUNNELED is enough, since that thread alone calls MPI). The JS
// thread submits a task and gets a request id back; a blocking collective is submit + wait.
// Why not MPI_Iallreduce + MPI_Test from the JS thread: Open MPI's non-blocking collectives
// progress only inside MPI calls, so while JavaScript computes (DDP's backward) they would
// stand still. A thread blocked in MPI_Allreduce progresses it while JavaScript runs on.
//
// Timeouts: `mpiWait(request, ms)` waits at most `ms` and says whether the task finished, so
// the JS side can turn a peer that never arrives into an error naming the collective instead
// of a hang. A task that timed out keeps its thread blocked inside MPI; the caller is expected
// to report and exit (mpirun then ends the other ranks).
//
// Memory: a collective reads and writes buffers of the addon's handle table (a handle number)
// or a TypedArray's memory, by raw pointer, on the communication thread. The JS side keeps
// both alive until the request is waited on (src/distributed/mpi_group.ts).
#include "mpi.h"

#include <dlfcn.h>

#include <chrono>
#include <climits>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "buffers.h"
#include "op_codes.h"

namespace dlflow {
namespace {

// Open MPI's handle types are pointers to its internal structs.
using MPI_Comm = void*;
using MPI_Datatype = void*;
using MPI_Op = void*;
using MPI_Group = void*;
using MPI_Errhandler = void*;
using MPI_Status = void;  // only ever passed as MPI_STATUS_IGNORE (a null pointer)

// Open MPI's values of the constants used (mpi.h).
constexpr int kMpiSuccess = 0;
constexpr int kMpiThreadFunneled = 1;
constexpr int kMpiThreadSerialized = 2;
constexpr int kMpiUndefined = -32766;
constexpr int kMpiMaxErrorString = 256;
constexpr int kMpiMaxLibraryVersionString = 256;

struct MpiApi {
  int (*Init_thread)(int*, char***, int, int*);
  int (*Initialized)(int*);
  int (*Query_thread)(int*);
  int (*Finalize)();
  int (*Comm_rank)(MPI_Comm, int*);
  int (*Comm_size)(MPI_Comm, int*);
  int (*Comm_split)(MPI_Comm, int, int, MPI_Comm*);
  int (*Comm_group)(MPI_Comm, MPI_Group*);
  int (*Group_incl)(MPI_Group, int, const int*, MPI_Group*);
  int (*Group_free)(MPI_Group*);
  int (*Comm_create_group)(MPI_Comm, MPI_Group, int, MPI_Comm*);
  int (*Comm_free)(MPI_Comm*);
  int (*Comm_set_errhandler)(MPI_Comm, MPI_Errhandler);
  int (*Error_string)(int, char*, int*);
  int (*Get_library_version)(char*, int*);
  int (*Allreduce)(const void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm);
  int (*Bcast)(void*, int, MPI_Datatype, int, MPI_Comm);
  int (*Allgather)(const void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm);
  int (*Reduce_scatter_block)(const void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm);
  int (*Barrier)(MPI_Comm);
  // Predefined handles: addresses of Open MPI's exported globals.
  MPI_Comm comm_world, comm_null;
  MPI_Datatype type_float, type_int32;
  MPI_Op op_sum, op_max, op_min;
  MPI_Errhandler errors_return;
};

// Process-wide and deliberately leaked: a communication thread stuck in MPI after a timeout
// must still find its queue alive while the process runs its exit-time destructors.
struct State {
  MpiApi api{};
  bool loaded = false;
  std::string load_error;
  // Set on the JS thread only.
  bool initialized = false;
  bool finalized = false;
  int world_rank = -1, world_size = 0;
  std::string library;
  // Queue to the communication thread.
  std::mutex mu;
  std::condition_variable queue_cv, done_cv;
  std::deque<std::function<void()>> queue;
  bool thread_started = false;
};

State& state() {
  static State* s = new State();
  return *s;
}

struct Task {
  std::string name;
  std::function<int()> body;   // returns an MPI error code
  bool done = false;           // guarded by State::mu
  int rc = kMpiSuccess;
  std::string error;           // message for a non-zero rc
};

struct Comm {
  MPI_Comm handle;
  int rank, size;
};

// JS-thread tables: request id -> task, comm id -> communicator (0 is the world).
struct Tables {
  std::unordered_map<int64_t, std::shared_ptr<Task>> requests;
  int64_t next_request = 1;
  std::vector<Comm> comms;  // a freed slot has a null handle
};

Tables& tables() {
  static Tables* t = new Tables();
  return *t;
}

template <class T>
bool sym(void* lib, const char* name, T* out, std::string* missing) {
  void* p = dlsym(lib, name);
  if (p == nullptr) {
    if (!missing->empty()) *missing += ", ";
    *missing += name;
    return false;
  }
  *out = reinterpret_cast<T>(p);
  return true;
}

// dlopen + dlsym once; false with state().load_error set when Open MPI is missing or foreign.
bool load_mpi() {
  State& s = state();
  if (s.loaded) return true;
  if (!s.load_error.empty()) return false;
  void* lib = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL);
  if (lib == nullptr) lib = dlopen("libmpi.so", RTLD_NOW | RTLD_GLOBAL);
  if (lib == nullptr) {
    s.load_error = std::string("Open MPI's library libmpi.so.40 could not be loaded (") + dlerror() +
                   "); install Open MPI (Debian/Ubuntu: `apt install openmpi-bin libopenmpi3`)";
    return false;
  }
  MpiApi& a = s.api;
  std::string missing;
  sym(lib, "MPI_Init_thread", &a.Init_thread, &missing);
  sym(lib, "MPI_Initialized", &a.Initialized, &missing);
  sym(lib, "MPI_Query_thread", &a.Query_thread, &missing);
  sym(lib, "MPI_Finalize", &a.Finalize, &missing);
  sym(lib, "MPI_Comm_rank", &a.Comm_rank, &missing);
  sym(lib, "MPI_Comm_size", &a.Comm_size, &missing);
  sym(lib, "MPI_Comm_split", &a.Comm_split, &missing);
  sym(lib, "MPI_Comm_group", &a.Comm_group, &missing);
  sym(lib, "MPI_Group_incl", &a.Group_incl, &missing);
  sym(lib, "MPI_Group_free", &a.Group_free, &missing);
  sym(lib, "MPI_Comm_create_group", &a.Comm_create_group, &missing);
  sym(lib, "MPI_Comm_free", &a.Comm_free, &missing);
  sym(lib, "MPI_Comm_set_errhandler", &a.Comm_set_errhandler, &missing);
  sym(lib, "MPI_Error_string", &a.Error_string, &missing);
  sym(lib, "MPI_Get_library_version", &a.Get_library_version, &missing);
  sym(lib, "MPI_Allreduce", &a.Allreduce, &missing);
  sym(lib, "MPI_Bcast", &a.Bcast, &missing);
  sym(lib, "MPI_Allgather", &a.Allgather, &missing);
  sym(lib, "MPI_Reduce_scatter_block", &a.Reduce_scatter_block, &missing);
  sym(lib, "MPI_Barrier", &a.Barrier, &missing);
  sym(lib, "ompi_mpi_comm_world", &a.comm_world, &missing);
  sym(lib, "ompi_mpi_comm_null", &a.comm_null, &missing);
  sym(lib, "ompi_mpi_float", &a.type_float, &missing);
  sym(lib, "ompi_mpi_int32_t", &a.type_int32, &missing);
  sym(lib, "ompi_mpi_op_sum", &a.op_sum, &missing);
  sym(lib, "ompi_mpi_op_max", &a.op_max, &missing);
  sym(lib, "ompi_mpi_op_min", &a.op_min, &missing);
  sym(lib, "ompi_mpi_errors_return", &a.errors_return, &missing);
  if (!missing.empty()) {
    s.load_error = "the loaded libmpi is not Open MPI (missing " + missing +
                   "); dlflow's MPI backend binds to Open MPI's ABI: install openmpi-bin";
    return false;
  }
  s.loaded = true;
  return true;
}

std::string mpi_error(int rc) {
  char buf[kMpiMaxErrorString + 1] = {};
  int len = 0;
  if (state().api.Error_string(rc, buf, &len) != kMpiSuccess) return "MPI error code " + std::to_string(rc);
  return std::string(buf, static_cast<size_t>(len > 0 ? len : 0));
}

void comm_thread_main() {
  State& s = state();
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(s.mu);
      s.queue_cv.wait(lock, [&] { return !s.queue.empty(); });
      job = std::move(s.queue.front());
      s.queue.pop_front();
    }
    job();
  }
}

// Queues a task for the communication thread; returns its request id.
int64_t submit(std::string name, std::function<int()> body) {
  State& s = state();
  auto task = std::make_shared<Task>();
  task->name = std::move(name);
  task->body = std::move(body);
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (!s.thread_started) {
      std::thread(comm_thread_main).detach();
      s.thread_started = true;
    }
    s.queue.push_back([task, &s] {
      int rc = task->body();
      std::string error = rc == kMpiSuccess ? std::string() : mpi_error(rc);
      std::lock_guard<std::mutex> lock2(s.mu);
      task->rc = rc;
      task->error = std::move(error);
      task->done = true;
      s.done_cv.notify_all();
    });
  }
  s.queue_cv.notify_one();
  Tables& t = tables();
  int64_t id = t.next_request++;
  t.requests[id] = task;
  return id;
}

// Waits up to timeout_ms for a request. True when it finished (the request is then released);
// throws when the MPI call failed.
bool wait_request(Napi::Env env, int64_t id, double timeout_ms) {
  Tables& t = tables();
  auto it = t.requests.find(id);
  if (it == t.requests.end()) throw Napi::Error::New(env, "mpiWait: unknown or already completed request " + std::to_string(id));
  std::shared_ptr<Task> task = it->second;
  State& s = state();
  if (timeout_ms > 1e11) timeout_ms = 1e11;  // ~3 years: keeps the clock arithmetic in range
  {
    std::unique_lock<std::mutex> lock(s.mu);
    if (timeout_ms > 0) {
      auto ms = std::chrono::duration<double, std::milli>(timeout_ms);
      s.done_cv.wait_for(lock, std::chrono::duration_cast<std::chrono::nanoseconds>(ms), [&] { return task->done; });
    }
    if (!task->done) return false;
  }
  t.requests.erase(it);
  if (task->rc != kMpiSuccess) throw Napi::Error::New(env, task->name + " failed in MPI: " + task->error);
  return true;
}

int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v >= -9007199254740992.0 && v <= 9007199254740992.0) || v != static_cast<double>(static_cast<int64_t>(v)))
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be an integer");
  return static_cast<int64_t>(v);
}

void require_initialized(Napi::Env env, const char* fn) {
  State& s = state();
  if (!s.initialized) throw Napi::Error::New(env, std::string(fn) + ": MPI is not initialised (call mpiInit first)");
  if (s.finalized) throw Napi::Error::New(env, std::string(fn) + ": MPI was finalised");
}

const Comm& comm_arg(const Napi::CallbackInfo& info, size_t i) {
  int64_t id = int_arg(info, i, "communicator");
  Tables& t = tables();
  if (id < 0 || id >= static_cast<int64_t>(t.comms.size()) || t.comms[id].handle == nullptr)
    throw Napi::Error::New(info.Env(), "unknown or freed communicator " + std::to_string(id));
  return t.comms[id];
}

// The memory `count` elements from element `offset` of a handle-table buffer or a TypedArray.
char* span_arg(const Napi::CallbackInfo& info, size_t i, int64_t offset, int64_t count, const char* what) {
  Napi::Env env = info.Env();
  char* data = nullptr;
  size_t bytes = 0;
  if (i < info.Length() && info[i].IsNumber()) {
    int64_t handle = int_arg(info, i, what);
    try {
      const BufferInfo& b = buffer_get(handle);
      data = b.data;
      bytes = b.bytes;
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, std::string(what) + ": " + e.what());
    }
  } else if (i < info.Length() && info[i].IsTypedArray()) {
    Napi::TypedArray ta = info[i].As<Napi::TypedArray>();
    Napi::ArrayBuffer ab = ta.ArrayBuffer();
    data = static_cast<char*>(ab.Data()) + ta.ByteOffset();
    bytes = ta.ByteLength();
  } else {
    throw Napi::TypeError::New(env, std::string(what) + " must be a buffer handle or a TypedArray");
  }
  // Elements are 4 bytes (float32 / int32, checked by the caller).
  if (offset < 0 || count < 0 || static_cast<uint64_t>(offset + count) * 4 > bytes)
    throw Napi::RangeError::New(env, std::string(what) + ": " + std::to_string(count) + " elements at " +
                                         std::to_string(offset) + " overrun a buffer of " + std::to_string(bytes) + " bytes");
  return data + offset * 4;
}

MPI_Datatype dtype_arg(const Napi::CallbackInfo& info, size_t i) {
  int64_t code = int_arg(info, i, "dtype code");
  if (code == kF32) return state().api.type_float;
  if (code == kI32) return state().api.type_int32;
  throw Napi::TypeError::New(info.Env(), "MPI collectives take float32 or int32 data (dtype code " + std::to_string(code) + ")");
}

// Reduction codes of src/distributed/mpi_group.ts: 0 sum, 1 mean (sum, then divide), 2 max, 3 min.
MPI_Op op_arg(const Napi::CallbackInfo& info, size_t i, bool is_float) {
  int64_t code = int_arg(info, i, "reduce op code");
  const MpiApi& a = state().api;
  if (code == 1 && !is_float) throw Napi::TypeError::New(info.Env(), "reduce op 'mean' needs float32 data");
  if (code == 0 || code == 1) return a.op_sum;
  if (code == 2) return a.op_max;
  if (code == 3) return a.op_min;
  throw Napi::TypeError::New(info.Env(), "unknown reduce op code " + std::to_string(code));
}

int count_arg(const Napi::CallbackInfo& info, size_t i) {
  int64_t n = int_arg(info, i, "count");
  if (n < 0 || n > INT_MAX) throw Napi::RangeError::New(info.Env(), "count must be in 0..2^31-1 elements, got " + std::to_string(n));
  return static_cast<int>(n);
}

Napi::Value Number(Napi::Env env, int64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }

// mpiInit(): { rank, size, threadLevel, library }. Loads and initialises once; later calls
// return the same answer.
Napi::Value MpiInit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State& s = state();
  if (s.finalized) throw Napi::Error::New(env, "mpiInit: MPI was finalised and cannot be initialised again in this process");
  if (!load_mpi()) throw Napi::Error::New(env, s.load_error);
  if (!s.initialized) {
    auto provided = std::make_shared<int>(-1);
    auto rank = std::make_shared<int>(-1);
    auto size = std::make_shared<int>(0);
    auto library = std::make_shared<std::string>();
    int64_t req = submit("MPI_Init_thread", [provided, rank, size, library] {
      const MpiApi& a = state().api;
      char version[kMpiMaxLibraryVersionString + 1] = {};
      int len = 0;
      if (a.Get_library_version(version, &len) == kMpiSuccess) *library = std::string(version, static_cast<size_t>(len > 0 ? len : 0));
      int already = 0;
      a.Initialized(&already);
      int rc = already ? a.Query_thread(provided.get())
                       : a.Init_thread(nullptr, nullptr, kMpiThreadSerialized, provided.get());
      if (rc != kMpiSuccess) return rc;
      // Errors come back as codes (turned into JS errors naming the call) instead of aborting.
      rc = a.Comm_set_errhandler(a.comm_world, a.errors_return);
      if (rc == kMpiSuccess) rc = a.Comm_rank(a.comm_world, rank.get());
      if (rc == kMpiSuccess) rc = a.Comm_size(a.comm_world, size.get());
      return rc;
    });
    wait_request(env, req, 1e12);
    if (*provided < kMpiThreadFunneled)
      throw Napi::Error::New(env, "mpiInit: Open MPI provides thread level " + std::to_string(*provided) +
                                      "; dlflow needs MPI_THREAD_FUNNELED or above");
    s.initialized = true;
    s.world_rank = *rank;
    s.world_size = *size;
    s.library = *library;
    while (!s.library.empty() && (s.library.back() == '\n' || s.library.back() == '\0')) s.library.pop_back();
    tables().comms.push_back({s.api.comm_world, *rank, *size});
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("rank", s.world_rank);
  o.Set("size", s.world_size);
  o.Set("library", s.library);
  return o;
}

// mpiAllreduce(comm, buf, offset, count, dtype, op) -> request; in place.
Napi::Value MpiAllreduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require_initialized(env, "mpiAllreduce");
  const Comm comm = comm_arg(info, 0);
  int count = count_arg(info, 3);
  MPI_Datatype type = dtype_arg(info, 4);
  bool is_float = type == state().api.type_float;
  int64_t op_code = int_arg(info, 5, "reduce op code");
  MPI_Op op = op_arg(info, 5, is_float);
  char* data = span_arg(info, 1, int_arg(info, 2, "offset"), count, "allreduce buffer");
  return Number(env, submit("MPI_Allreduce", [=] {
    const MpiApi& a = state().api;
    // MPI_IN_PLACE is ((void*)1) in Open MPI.
    int rc = a.Allreduce(reinterpret_cast<void*>(1), data, count, type, op, comm.handle);
    if (rc == kMpiSuccess && op_code == 1) {
      float* p = reinterpret_cast<float*>(data);
      const float n = static_cast<float>(comm.size);
      for (int i = 0; i < count; i++) p[i] = p[i] / n;
    }
    return rc;
  }));
}

// mpiBcast(comm, buf, offset, count, dtype, root) -> request.
Napi::Value MpiBcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require_initialized(env, "mpiBcast");
  const Comm comm = comm_arg(info, 0);
  int count = count_arg(info, 3);
  MPI_Datatype type = dtype_arg(info, 4);
  int64_t root = int_arg(info, 5, "root");
  if (root < 0 || root >= comm.size)
    throw Napi::RangeError::New(env, "broadcast source rank " + std::to_string(root) + " is outside the group of " + std::to_string(comm.size));
  char* data = span_arg(info, 1, int_arg(info, 2, "offset"), count, "broadcast buffer");
  return Number(env, submit("MPI_Bcast", [=] {
    return state().api.Bcast(data, count, type, static_cast<int>(root), comm.handle);
  }));
}

// mpiAllgather(comm, send, sendOffset, recv, recvOffset, count, dtype) -> request; recv holds
// count × size elements, rank r's at r × count.
Napi::Value MpiAllgather(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require_initialized(env, "mpiAllgather");
  const Comm comm = comm_arg(info, 0);
  int count = count_arg(info, 5);
  MPI_Datatype type = dtype_arg(info, 6);
  char* send = span_arg(info, 1, int_arg(info, 2, "send offset"), count, "allgather input");
  char* recv = span_arg(info, 3, int_arg(info, 4, "receive offset"), static_cast<int64_t>(count) * comm.size, "allgather output");
  return Number(env, submit("MPI_Allgather", [=] {
    return state().api.Allgather(send, count, type, recv, count, type, comm.handle);
  }));
}

// mpiReduceScatter(comm, send, sendOffset, recv, recvOffset, count, dtype, op) -> request; send
// holds count × size elements, block r reduced over ranks lands in rank r's recv.
Napi::Value MpiReduceScatter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require_initialized(env, "mpiReduceScatter");
  const Comm comm = comm_arg(info, 0);
  int count = count_arg(info, 5);
  MPI_Datatype type = dtype_arg(info, 6);
  bool is_float = type == state().api.type_float;
  int64_t op_code = int_arg(info, 7, "reduce op code");
  MPI_Op op = op_arg(info, 7, is_float);
  char* send = span_arg(info, 1, int_arg(info, 2, "send offset"), static_cast<int64_t>(count) * comm.size, "reduce-scatter input");
  char* recv = span_arg(info, 3, int_arg(info, 4, "receive offset"), count, "reduce-scatter output");
  return Number(env, submit("MPI_Reduce_scatter_block", [=] {
    int rc = state().api.Reduce_scatter_block(send, recv, count, type, op, comm.handle);
    if (rc == kMpiSuccess && op_code == 1) {
      float* p = reinterpret_cast<float*>(recv);
      const float n = static_cast<float>(comm.size);
      for (int i = 0; i < count; i++) p[i] = p[i] / n;
    }
    return rc;
  }));
}

// mpiBarrier(comm) -> request.
Napi::Value MpiBarrier(const Napi::CallbackInfo& info) {
  require_initialized(info.Env(), "mpiBarrier");
  const Comm comm = comm_arg(info, 0);
  return Number(info.Env(), submit("MPI_Barrier", [=] { return state().api.Barrier(comm.handle); }));
}

// Registers a communicator made on the communication thread; -1 for MPI_COMM_NULL (not a member).
int64_t add_comm(MPI_Comm c, int rank, int size) {
  if (c == state().api.comm_null || c == nullptr) return -1;
  Tables& t = tables();
  t.comms.push_back({c, rank, size});
  return static_cast<int64_t>(t.comms.size()) - 1;
}

// Runs a communicator constructor on the communication thread and waits (up to timeout_ms).
int64_t make_comm(Napi::Env env, const char* name, double timeout_ms, std::function<int(MPI_Comm*)> make) {
  auto out = std::make_shared<MPI_Comm>(nullptr);
  auto rank = std::make_shared<int>(-1);
  auto size = std::make_shared<int>(0);
  int64_t req = submit(name, [=] {
    const MpiApi& a = state().api;
    int rc = make(out.get());
    if (rc != kMpiSuccess || *out == a.comm_null) return rc;
    rc = a.Comm_set_errhandler(*out, a.errors_return);
    if (rc == kMpiSuccess) rc = a.Comm_rank(*out, rank.get());
    if (rc == kMpiSuccess) rc = a.Comm_size(*out, size.get());
    return rc;
  });
  if (!wait_request(env, req, timeout_ms)) {
    // Left queued; the JS side reports the timeout. Release it when it completes later.
    return -2;
  }
  return add_comm(*out, *rank, *size);
}

double timeout_arg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), "timeout must be a number of milliseconds");
  double ms = info[i].As<Napi::Number>().DoubleValue();
  if (!(ms >= 0)) throw Napi::RangeError::New(info.Env(), "timeout must be ≥ 0 ms");
  return ms;
}

// mpiCommSplit(comm, color, key, timeoutMs) -> comm id, -1 when color < 0 (MPI_UNDEFINED: not
// a member), -2 on timeout. Collective over `comm`.
Napi::Value MpiCommSplit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require_initialized(env, "mpiCommSplit");
  const Comm parent = comm_arg(info, 0);
  int64_t color = int_arg(info, 1, "color");
  int64_t key = int_arg(info, 2, "key");
  if (color > INT_MAX || key < INT_MIN || key > INT_MAX) throw Napi::RangeError::New(env, "mpiCommSplit: color/key out of int range");
  int c = color < 0 ? kMpiUndefined : static_cast<int>(color);
  int k = static_cast<int>(key);
  double timeout = timeout_arg(info, 3);
  return Number(env, make_comm(env, "MPI_Comm_split", timeout, [=](MPI_Comm* out) {
    return state().api.Comm_split(parent.handle, c, k, out);
  }));
}

// mpiCommCreateGroup(comm, ranks, tag, timeoutMs) -> comm id (-2 on timeout). Collective over
// the listed ranks of `comm` only (MPI_Comm_create_group); group rank i is ranks[i].
Napi::Value MpiCommCreateGroup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require_initialized(env, "mpiCommCreateGroup");
  const Comm parent = comm_arg(info, 0);
  if (info.Length() < 2 || !info[1].IsArray()) throw Napi::TypeError::New(env, "mpiCommCreateGroup: ranks must be an array");
  Napi::Array arr = info[1].As<Napi::Array>();
  auto ranks = std::make_shared<std::vector<int>>();
  for (uint32_t i = 0; i < arr.Length(); i++) {
    Napi::Value v = arr.Get(i);
    if (!v.IsNumber()) throw Napi::TypeError::New(env, "mpiCommCreateGroup: ranks must be numbers");
    int64_t r = v.As<Napi::Number>().Int64Value();
    if (r < 0 || r >= parent.size) throw Napi::RangeError::New(env, "mpiCommCreateGroup: rank " + std::to_string(r) + " is outside the group of " + std::to_string(parent.size));
    ranks->push_back(static_cast<int>(r));
  }
  int tag = static_cast<int>(int_arg(info, 2, "tag"));
  double timeout = timeout_arg(info, 3);
  return Number(env, make_comm(env, "MPI_Comm_create_group", timeout, [=](MPI_Comm* out) {
    const MpiApi& a = state().api;
    MPI_Group whole = nullptr, part = nullptr;
    int rc = a.Comm_group(parent.handle, &whole);
    if (rc == kMpiSuccess) rc = a.Group_incl(whole, static_cast<int>(ranks->size()), ranks->data(), &part);
    if (rc == kMpiSuccess) rc = a.Comm_create_group(parent.handle, part, tag, out);
    if (part != nullptr) a.Group_free(&part);
    if (whole != nullptr) a.Group_free(&whole);
    return rc;
  }));
}

// mpiCommInfo(comm) -> [rank, size].
Napi::Value MpiCommInfo(const Napi::CallbackInfo& info) {
  require_initialized(info.Env(), "mpiCommInfo");
  const Comm& c = comm_arg(info, 0);
  Napi::Array out = Napi::Array::New(info.Env(), 2);
  out.Set(0u, c.rank);
  out.Set(1u, c.size);
  return out;
}

// mpiCommFree(comm) -> request (the world cannot be freed). Local in Open MPI: it does not wait for peers.
Napi::Value MpiCommFree(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  require_initialized(env, "mpiCommFree");
  int64_t id = int_arg(info, 0, "communicator");
  if (id == 0) throw Napi::Error::New(env, "mpiCommFree: the world communicator is freed by mpiFinalize");
  MPI_Comm handle = comm_arg(info, 0).handle;
  tables().comms[id].handle = nullptr;
  return Number(env, submit("MPI_Comm_free", [handle]() mutable { return state().api.Comm_free(&handle); }));
}

// mpiWait(request, timeoutMs) -> true when done (throws if the MPI call failed), false if still running.
Napi::Value MpiWait(const Napi::CallbackInfo& info) {
  int64_t id = int_arg(info, 0, "request");
  double timeout = timeout_arg(info, 1);
  return Napi::Boolean::New(info.Env(), wait_request(info.Env(), id, timeout));
}

// mpiTest(request) -> whether done, without waiting.
Napi::Value MpiTest(const Napi::CallbackInfo& info) {
  int64_t id = int_arg(info, 0, "request");
  return Napi::Boolean::New(info.Env(), wait_request(info.Env(), id, 0));
}

// mpiFinalize(timeoutMs) -> whether MPI_Finalize completed in time. Collective over the world.
Napi::Value MpiFinalize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  State& s = state();
  if (!s.initialized || s.finalized) return Napi::Boolean::New(env, true);
  double timeout = timeout_arg(info, 0);
  s.finalized = true;
  int64_t req = submit("MPI_Finalize", [] { return state().api.Finalize(); });
  return Napi::Boolean::New(env, wait_request(env, req, timeout));
}

}  // namespace

void register_mpi(Napi::Env env, Napi::Object exports) {
  exports.Set("mpiInit", Napi::Function::New(env, MpiInit, "mpiInit"));
  exports.Set("mpiAllreduce", Napi::Function::New(env, MpiAllreduce, "mpiAllreduce"));
  exports.Set("mpiBcast", Napi::Function::New(env, MpiBcast, "mpiBcast"));
  exports.Set("mpiAllgather", Napi::Function::New(env, MpiAllgather, "mpiAllgather"));
  exports.Set("mpiReduceScatter", Napi::Function::New(env, MpiReduceScatter, "mpiReduceScatter"));
  exports.Set("mpiBarrier", Napi::Function::New(env, MpiBarrier, "mpiBarrier"));
  exports.Set("mpiCommSplit", Napi::Function::New(env, MpiCommSplit, "mpiCommSplit"));
  exports.Set("mpiCommCreateGroup", Napi::Function::New(env, MpiCommCreateGroup, "mpiCommCreateGroup"));
  exports.Set("mpiCommInfo", Napi::Function::New(env, MpiCommInfo, "mpiCommInfo"));
  exports.Set("mpiCommFree", Napi::Function::New(env, MpiCommFree, "mpiCommFree"));
  exports.Set("mpiWait", Napi::Function::New(env, MpiWait, "mpiWait"));
  exports.Set("mpiTest", Napi::Function::New(env, MpiTest, "mpiTest"));
  exports.Set("mpiFinalize", Napi::Function::New(env, MpiFinalize, "mpiFinalize"));
}

}  // namespace dlflow
