// One time step of a recurrent layer and its gradient (op kinds recurrentCell and
// recurrentCellBackward), float32, with the equations of the contract (src/backends/ops.ts) and
// of the reference kernel (src/backends/reference/recurrent.ts).
//
// The layer's GEMMs (the input projection of all steps, the recurrent product of each step, the
// weight gradients over all steps) run on the packed GEMM; this file fuses everything between
// them: a step's gate nonlinearities, the state update and what backward needs, in one pass
// over the rows instead of a dozen elementwise kernels with their temporaries. Rows (the
// sequences of the batch) are independent, so threads take blocks of rows; each row runs
// through vectorised row kernels compiled per instruction set (kernels_recurrent_body.inc, the
// table chosen as kernels_f32's). Rows of a padded sequence that has ended (`live` false) keep
// their state and pass their gradient through, outside the row kernels.
#include <cstring>
#include <stdexcept>
#include <string>

#include "kernels.h"
#include "kernels_f32.h"
#include "op_codes.h"
#include "thread_pool.h"

#pragma GCC diagnostic ignored "-Wpsabi"

namespace dlflow {
namespace {

// The row kernels of one instruction set (see kernels_recurrent_body.inc).
struct RecurrentRows {
  void (*rnn)(const float* xg, const float* hg, float* h_out, int64_t H, bool relu);
  void (*lstm)(const float* xg, const float* hg, const float* c, float* h_out, float* c_out, float* saved, int64_t H);
  void (*gru)(const float* xg, const float* hg, const float* h, float* h_out, float* saved, int64_t H);
  void (*rnn_back)(const float* dh, const float* dy, const float* y, float* dxg, float* dh_pass, int64_t H, bool relu);
  void (*lstm_back)(const float* dh, const float* dy, const float* dc, const float* saved, const float* c, const float* c_out,
                    float* dxg, float* dc_prev, float* dh_pass, int64_t H);
  void (*gru_back)(const float* dh, const float* dy, const float* saved, const float* h, float* dxg, float* dhg, float* dh_pass, int64_t H);
};

namespace portable {
#include "kernels_recurrent_body.inc"
}  // namespace portable

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
#include "kernels_recurrent_body.inc"
}  // namespace avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")
namespace avx512 {
#include "kernels_recurrent_body.inc"
}  // namespace avx512
#pragma GCC pop_options
#endif

const RecurrentRows& recurrent_rows() {
  static const RecurrentRows table = [] {
    RecurrentRows t{};
    portable::fill_table(t);
#if defined(__x86_64__)
    const std::string isa = f32_kernels().isa;
    if (isa == "avx512") avx512::fill_table(t);
    else if (isa == "avx2") avx2::fill_table(t);
#endif
    return t;
  }();
  return table;
}

int gates_of(int mode) { return mode == mLstm ? 4 : mode == mGru ? 3 : 1; }

// A float32 matrix [rows, cols] whose rows are unit-stride (any row stride); null when absent.
struct Rows {
  float* base = nullptr;
  int64_t stride = 0;
  float* row(int64_t n) const { return base == nullptr ? nullptr : base + n * stride; }
};

bool rows_of(const View& v, int64_t rows, int64_t cols, Rows* out) {
  if (v.dtype != kF32 || v.ndim != 2 || v.shape[0] != rows || v.shape[1] != cols) return false;
  if (cols > 1 && v.strides[1] != 1) return false;
  out->base = v.ptr<float>();
  out->stride = v.strides[0];
  return true;
}

// The optional view after its presence flag (abi.ts optionalView).
bool optional_view(ArgReader& r, const char* name, View* v) {
  if (r.i64("flag") == 0) return false;
  *v = r.view(name);
  return true;
}

// An optional matrix: absent is fine (base stays null), present must have the shape.
bool optional_rows(bool present, const View& v, int64_t rows, int64_t cols, Rows* out) {
  return !present || rows_of(v, rows, cols, out);
}

// The live flags of the rows (bool [N], any stride); null when absent.
struct LiveFlags {
  const uint8_t* base = nullptr;
  int64_t stride = 0;
  bool dead(int64_t n) const { return base != nullptr && base[n * stride] == 0; }
};

bool live_of(bool present, const View& v, int64_t rows, LiveFlags* out) {
  if (!present) return true;
  if (v.dtype != kBool || v.ndim != 1 || v.shape[0] != rows) return false;
  out->base = v.ptr<uint8_t>();
  out->stride = v.strides[0];
  return true;
}

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string(what) + ": a view the mode needs is missing");
}

// Rows per task so that a task covers about 8K gate values.
int64_t grain_of(int64_t G, int64_t H) { return std::max<int64_t>(1, 8192 / std::max<int64_t>(1, G * H)); }

}  // namespace

// recurrentCell: xg, hg, h, hOut, [c], [cOut], [saved], [live]; sub = mode
bool supports_recurrent_cell(int sub, int dtype) { return dtype == kF32 && sub >= 0 && sub < kNumRecurrentModes; }

bool run_recurrent_cell(ArgReader& r, int mode) {
  const View xg = r.view("xg"), hg = r.view("hg"), h = r.view("h"), h_out = r.view("hOut");
  View c, c_out, saved, live;
  const bool has_c = optional_view(r, "c", &c), has_c_out = optional_view(r, "cOut", &c_out);
  const bool has_saved = optional_view(r, "saved", &saved), has_live = optional_view(r, "live", &live);
  if (h.ndim != 2) return false;
  const int64_t N = h.shape[0], H = h.shape[1], G = gates_of(mode);
  Rows X, Hg, Hp, Ho, C, Co, S;
  LiveFlags L;
  if (!rows_of(xg, N, G * H, &X) || !rows_of(hg, N, G * H, &Hg) || !rows_of(h, N, H, &Hp) || !rows_of(h_out, N, H, &Ho)) return false;
  if (!optional_rows(has_c, c, N, H, &C) || !optional_rows(has_c_out, c_out, N, H, &Co) || !optional_rows(has_saved, saved, N, 4 * H, &S)) return false;
  if (!live_of(has_live, live, N, &L)) return false;
  if (mode == mLstm) require(has_c && has_c_out && has_saved, "recurrentCell (lstm)");
  if (mode == mGru) require(has_saved, "recurrentCell (gru)");
  const RecurrentRows& k = recurrent_rows();
  parallel_for(N, grain_of(G, H), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; n++) {
      if (L.dead(n)) {
        std::memcpy(Ho.row(n), Hp.row(n), H * sizeof(float));
        if (has_c_out) std::memcpy(Co.row(n), C.row(n), H * sizeof(float));
        if (has_saved) std::memset(S.row(n), 0, 4 * H * sizeof(float));
        continue;
      }
      if (mode == mLstm) k.lstm(X.row(n), Hg.row(n), C.row(n), Ho.row(n), Co.row(n), S.row(n), H);
      else if (mode == mGru) k.gru(X.row(n), Hg.row(n), Hp.row(n), Ho.row(n), S.row(n), H);
      else k.rnn(X.row(n), Hg.row(n), Ho.row(n), H, mode == mRnnRelu);
    }
  });
  return true;
}

// recurrentCellBackward: dh, h, hOut, dxg, dhPass, [dy], [dc], [c], [cOut], [saved], [live], [dhg], [dcPrev]; sub = mode
bool supports_recurrent_cell_backward(int sub, int dtype) { return dtype == kF32 && sub >= 0 && sub < kNumRecurrentModes; }

bool run_recurrent_cell_backward(ArgReader& r, int mode) {
  const View dh = r.view("dh"), h = r.view("h"), h_out = r.view("hOut"), dxg = r.view("dxg"), dh_pass = r.view("dhPass");
  View dy, dc, c, c_out, saved, live, dhg, dc_prev;
  const bool has_dy = optional_view(r, "dy", &dy), has_dc = optional_view(r, "dc", &dc);
  const bool has_c = optional_view(r, "c", &c), has_c_out = optional_view(r, "cOut", &c_out);
  const bool has_saved = optional_view(r, "saved", &saved), has_live = optional_view(r, "live", &live);
  const bool has_dhg = optional_view(r, "dhg", &dhg), has_dc_prev = optional_view(r, "dcPrev", &dc_prev);
  if (h.ndim != 2) return false;
  const int64_t N = h.shape[0], H = h.shape[1], G = gates_of(mode);
  Rows Dh, Hp, Ho, Dx, Dp, Dy, Dc, C, Co, S, Dhg, Dcp;
  LiveFlags L;
  if (!rows_of(dh, N, H, &Dh) || !rows_of(h, N, H, &Hp) || !rows_of(h_out, N, H, &Ho) || !rows_of(dxg, N, G * H, &Dx) ||
      !rows_of(dh_pass, N, H, &Dp)) return false;
  if (!optional_rows(has_dy, dy, N, H, &Dy) || !optional_rows(has_dc, dc, N, H, &Dc) || !optional_rows(has_c, c, N, H, &C) ||
      !optional_rows(has_c_out, c_out, N, H, &Co) || !optional_rows(has_saved, saved, N, 4 * H, &S) ||
      !optional_rows(has_dhg, dhg, N, G * H, &Dhg) || !optional_rows(has_dc_prev, dc_prev, N, H, &Dcp)) return false;
  if (!live_of(has_live, live, N, &L)) return false;
  if (mode == mLstm) require(has_c && has_c_out && has_saved && has_dc_prev, "recurrentCellBackward (lstm)");
  if (mode == mGru) require(has_saved && has_dhg, "recurrentCellBackward (gru)");
  const RecurrentRows& k = recurrent_rows();
  parallel_for(N, grain_of(G, H), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; n++) {
      if (L.dead(n)) {
        std::memset(Dx.row(n), 0, G * H * sizeof(float));
        if (has_dhg) std::memset(Dhg.row(n), 0, G * H * sizeof(float));
        for (int64_t j = 0; j < H; j++) Dp.row(n)[j] = Dh.row(n)[j] + (has_dy ? Dy.row(n)[j] : 0.0f);
        if (has_dc_prev) {
          if (has_dc) std::memcpy(Dcp.row(n), Dc.row(n), H * sizeof(float));
          else std::memset(Dcp.row(n), 0, H * sizeof(float));
        }
        continue;
      }
      if (mode == mLstm) k.lstm_back(Dh.row(n), Dy.row(n), Dc.row(n), S.row(n), C.row(n), Co.row(n), Dx.row(n), Dcp.row(n), Dp.row(n), H);
      else if (mode == mGru) k.gru_back(Dh.row(n), Dy.row(n), S.row(n), Hp.row(n), Dx.row(n), Dhg.row(n), Dp.row(n), H);
      else k.rnn_back(Dh.row(n), Dy.row(n), Ho.row(n), Dx.row(n), Dp.row(n), H, mode == mRnnRelu);
    }
  });
  return true;
}

}  // namespace dlflow
