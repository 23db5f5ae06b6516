// A recurrent layer over a whole sequence and its gradient (op kinds recurrentSequence and
// recurrentSequenceBackward), float32, with the equations of the contract (src/backends/ops.ts)
// and of the reference kernel (src/backends/reference/recurrent.ts).
//
// The sequences of a batch are independent, so threads take blocks of rows and run every step
// of their rows alone: no barrier between steps, each step's recurrent product (a block of
// rows of h times W_hhᵀ, W_hhᵀ transposed once per call so the GEMM reads it in place) followed
// at once by the fused gate kernel on the same rows while they are in cache. Backward walks the
// steps in reverse the same way: the fused gate gradient, then h's gradient as
// dhPass + dhg·W_hh. The products over all steps (the input projection, the weights'
// gradients) are the caller's, as single large GEMMs. The row kernels are compiled per
// instruction set (kernels_recurrent_body.inc, the table chosen as kernels_f32's). Rows of a
// padded sequence past its end (`live` false) keep their state and pass their gradient through.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels.h"
#include "gemm.h"
#include "kernels_f32.h"
#include "op_codes.h"
#include "thread_pool.h"

#pragma GCC diagnostic ignored "-Wpsabi"

namespace dlflow {
namespace {

// The row kernels of one instruction set (see kernels_recurrent_body.inc).
struct RecurrentRows {
  void (*rnn)(const float* pre, float* h_out, int64_t H, bool relu);
  void (*lstm)(const float* pre, const float* c, float* h_out, float* c_out, float* saved, int64_t H);
  void (*gru)(const float* xg, const float* hg, const float* h, float* h_out, float* saved, int64_t H);
  void (*rnn_back)(const float* dh, const float* dy, const float* y, float* dxg, float* dh_pass, int64_t H, bool relu);
  void (*lstm_back)(const float* dh, const float* dy, const float* dc, const float* saved, const float* c,
                    float* dxg, float* dc_prev, float* dh_pass, int64_t H);
  void (*gru_back)(const float* dh, const float* dy, const float* saved, const float* h, float* dxg, float* dhg, float* dh_pass, int64_t H);
  void (*add_row)(const float* row, int64_t n, double* acc);  // acc[j] += row[j], in double
};

// The gate polynomials are written as a·b + c for FMAs (see kernels_recurrent_body.inc); the
// addon's -ffp-contract=off (kept elsewhere so ISAs agree bit for bit) is lifted here only.
#pragma GCC optimize("fp-contract=fast")

#define DLF_ISA_BODY "kernels_recurrent_body.inc"
#include "isa_regions.inc"

const RecurrentRows& recurrent_rows() {
  static const RecurrentRows table = DLF_ISA_TABLE(RecurrentRows);
  return table;
}

int gates_of(int mode) { return mode == mLstm ? 4 : mode == mGru ? 3 : 1; }
// Values per unit in `saved` (the contract): LSTM's gates and tanh(c'), GRU's r, z, n, h_n.
int saved_of(int mode) { return mode == mLstm ? 5 : 4; }

// The optional view after its presence flag (abi.ts optionalView).
bool optional_view(ArgReader& r, const char* name, View* v) {
  if (r.i64("flag") == 0) return false;
  *v = r.view(name);
  return true;
}

// A float32 [T, N, cols] or [N, cols] view with unit stride along cols: row n of step t.
struct Rows {
  float* base = nullptr;
  int64_t step = 0, stride = 0;
  float* at(int64_t t, int64_t n) const { return base == nullptr ? nullptr : base + t * step + n * stride; }
  float* row(int64_t n) const { return at(0, n); }
};

bool rows_of(const View& v, int64_t T, int64_t N, int64_t cols, Rows* out) {
  const bool seq = T >= 0;
  if (v.dtype != kF32 || v.ndim != (seq ? 3 : 2)) return false;
  const int d = seq ? 1 : 0;
  if ((seq && v.shape[0] != T) || v.shape[d] != N || v.shape[d + 1] != cols || (cols > 1 && v.strides[d + 1] != 1)) return false;
  *out = Rows{v.ptr<float>(), seq ? v.strides[0] : 0, v.strides[d]};
  return true;
}

// An optional matrix: absent leaves `out` null; present must have the shape.
bool optional_rows(bool present, const View& v, int64_t T, int64_t N, int64_t cols, Rows* out) {
  return !present || rows_of(v, T, N, cols, out);
}

// Contiguous outputs (written whole, rows computed by different threads).
bool contiguous_rows(const View& v, int64_t T, int64_t N, int64_t cols, Rows* out) {
  return v.contiguous() && rows_of(v, T, N, cols, out);
}

// The live flags (bool [T, N], any strides); absent: every row live.
struct LiveFlags {
  const uint8_t* base = nullptr;
  int64_t st = 0, sn = 0;
  bool dead(int64_t t, int64_t n) const { return base != nullptr && base[t * st + n * sn] == 0; }
};

bool live_of(bool present, const View& v, int64_t T, int64_t N, LiveFlags* out) {
  if (!present) return true;
  if (v.dtype != kBool || v.ndim != 2 || v.shape[0] != T || v.shape[1] != N) return false;
  *out = LiveFlags{v.ptr<uint8_t>(), v.strides[0], v.strides[1]};
  return true;
}

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string(what) + ": a view the mode needs is missing");
}

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// A weight packed once per call into the GEMM microkernel's B panels (kc deep, nr wide), for
// the T products of a step loop: element (p, j) of B [K, N] is b[p * b_rs + j * b_cs], so a
// transpose costs nothing. Packing once instead of at every step, and running the microkernel
// without sgemm's per-call planning, matter at these sizes (8 rows × 48 columns × 128 deep
// per call).
class PackedPanels {
 public:
  PackedPanels(const float* b, int64_t b_rs, int64_t b_cs, int64_t K, int64_t N)
      : ps_(sgemm_panel_shape()), K_(K), N_(N), kc_(std::max<int64_t>(1, std::min<int64_t>(K, ps_.kc))),
        nkb_(ceil_div(K, kc_)), npan_(ceil_div(N, ps_.nr)) {
    const size_t floats = static_cast<size_t>(nkb_ * npan_ * kc_ * ps_.nr);
    data_.reset(static_cast<float*>(std::aligned_alloc(64, (floats * sizeof(float) + 63) / 64 * 64)));
    if (!data_) throw std::bad_alloc();
    for (int64_t kb = 0; kb < nkb_; kb++)
      for (int64_t p = 0; p < npan_; p++)
        sgemm_pack_b_panel(cols(p), depth(kb), b + kb * kc_ * b_rs + p * ps_.nr * b_cs, b_rs, b_cs, panel(kb, p));
  }

  // C[0:m, 0:N] (+)= A[0:m, 0:K] (onto C when `accumulate`, else over it), A's rows read in
  // place (row stride a_rs, unit column stride).
  void multiply(int64_t m, const float* a, int64_t a_rs, float* c, int64_t ldc, bool accumulate) const {
    for (int64_t i0 = 0; i0 < m; i0 += ps_.mr) {
      const int mm = static_cast<int>(std::min<int64_t>(ps_.mr, m - i0));
      for (int64_t kb = 0; kb < nkb_; kb++)
        for (int64_t p = 0; p < npan_; p++)
          sgemm_panel_kernel_direct_a(mm, static_cast<int>(cols(p)), depth(kb), a + i0 * a_rs + kb * kc_, a_rs, 1, panel(kb, p),
                                      c + i0 * ldc + p * ps_.nr, ldc, accumulate || kb > 0);
    }
  }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  int64_t cols(int64_t p) const { return std::min<int64_t>(ps_.nr, N_ - p * ps_.nr); }
  int64_t depth(int64_t kb) const { return std::min(kc_, K_ - kb * kc_); }
  float* panel(int64_t kb, int64_t p) const { return data_.get() + (kb * npan_ + p) * kc_ * ps_.nr; }

  GemmPanelShape ps_;
  int64_t K_, N_, kc_, nkb_, npan_;
  std::unique_ptr<float, Free> data_;
};

// Steps in processing order: step k runs time t_of(k) from the state of time prev_of(k) (-1: the initial state).
struct StepOrder {
  int64_t T;
  bool reverse;
  int64_t t_of(int64_t k) const { return reverse ? T - 1 - k : k; }
  int64_t prev_of(int64_t k) const { return k == 0 ? -1 : reverse ? T - k : k - 1; }
};

// Rows a step handles at once: two of the GEMM's 8-row register tiles.
constexpr int64_t kSubRows = 16;

// Blocks of rows, two per thread (rounded to 8 rows, the GEMM's register tile), handed out
// dynamically so that a thread whose core is busy with other work takes fewer; a thread runs
// every step of its block. A single block (few rows) runs on the calling thread.
int64_t row_block_size(int64_t N) {
  return std::max<int64_t>(8, (ceil_div(N, 2 * num_threads()) + 7) / 8 * 8);
}
int64_t row_blocks(int64_t N) { return ceil_div(N, row_block_size(N)); }

// Runs fn(block, begin, end) over the row blocks.
void for_row_blocks(int64_t N, const std::function<void(int64_t, int64_t, int64_t)>& fn) {
  const int64_t size = row_block_size(N);
  parallel_tasks(row_blocks(N), [&](int64_t b) { fn(b, b * size, std::min(N, (b + 1) * size)); });
}

// A bias [GH] (float32, any stride) read into a dense vector; empty when absent.
bool bias_values(bool present, const View& v, int64_t GH, std::vector<float>* out) {
  if (!present) return true;
  if (v.dtype != kF32 || v.ndim != 1 || v.shape[0] != GH) return false;
  out->resize(static_cast<size_t>(GH));
  for (int64_t j = 0; j < GH; j++) (*out)[j] = v.ptr<float>()[j * v.strides[0]];
  return true;
}

// rows [0, m) of c (leading dimension ld) = bias, or left for the product to overwrite when absent.
void fill_rows(float* c, int64_t m, int64_t ld, const std::vector<float>& bias) {
  for (int64_t i = 0; !bias.empty() && i < m; i++) std::memcpy(c + i * ld, bias.data(), bias.size() * sizeof(float));
}

// [W_ih | W_hh] [GH, in + H] in one dense matrix: LSTM's and the RNNs' step is then one
// product of [x_t | h] (K = in + H) instead of two, the short one over x alone (K = in, 28 for
// rows of an image) costing a whole pass over the outputs for little arithmetic.
std::vector<float> joined_weights(const View& wi, const View& w, int64_t GH, int64_t I, int64_t H) {
  std::vector<float> out(static_cast<size_t>(GH * (I + H)));
  for (int64_t j = 0; j < GH; j++) {
    float* row = out.data() + j * (I + H);
    for (int64_t k = 0; k < I; k++) row[k] = wi.ptr<float>()[j * wi.strides[0] + k * wi.strides[1]];
    for (int64_t k = 0; k < H; k++) row[I + k] = w.ptr<float>()[j * w.strides[0] + k * w.strides[1]];
  }
  return out;
}

}  // namespace

// recurrentSequence: reverse, x, weightIh, weightHh, h0, output, [biasIh], [biasHh], [c0], [live], [cells], [saved],
// [stepInputs]; sub = mode
bool supports_recurrent_sequence(int sub, int dtype) { return dtype == kF32 && sub >= 0 && sub < kNumRecurrentModes; }

bool run_recurrent_sequence(ArgReader& r, int mode) {
  const bool reverse = r.i64("reverse") != 0;
  const View x = r.view("x"), wi = r.view("weightIh"), w = r.view("weightHh"), h0 = r.view("h0"), output = r.view("output");
  View bias_i, bias_h, c0, live, cells, saved, step_inputs;
  const bool has_bi = optional_view(r, "biasIh", &bias_i), has_bh = optional_view(r, "biasHh", &bias_h);
  const bool has_c0 = optional_view(r, "c0", &c0), has_live = optional_view(r, "live", &live);
  const bool has_cells = optional_view(r, "cells", &cells), has_saved = optional_view(r, "saved", &saved);
  const bool has_steps = optional_view(r, "stepInputs", &step_inputs);
  if (output.ndim != 3 || x.ndim != 3 || w.ndim != 2 || wi.ndim != 2 || w.dtype != kF32 || wi.dtype != kF32) return false;
  const int64_t T = output.shape[0], N = output.shape[1], H = output.shape[2], GH = gates_of(mode) * H, I = x.shape[2], K = I + H;
  if (w.shape[0] != GH || w.shape[1] != H || wi.shape[0] != GH || wi.shape[1] != I) return false;
  std::vector<float> bi, bh;
  if (!bias_values(has_bi, bias_i, GH, &bi) || !bias_values(has_bh, bias_h, GH, &bh)) return false;
  Rows X, H0, C0, O, C, S, XH;
  LiveFlags L;
  if (!rows_of(x, T, N, I, &X) || !rows_of(h0, -1, N, H, &H0) || !optional_rows(has_c0, c0, -1, N, H, &C0)) return false;
  if (!contiguous_rows(output, T, N, H, &O) || (has_cells && !contiguous_rows(cells, T, N, H, &C)) ||
      (has_saved && !contiguous_rows(saved, T, N, saved_of(mode) * H, &S)) || (has_steps && !contiguous_rows(step_inputs, T, N, K, &XH)) ||
      !live_of(has_live, live, T, N, &L)) return false;
  if (mode == mLstm) require(has_c0 && has_cells && has_saved, "recurrentSequence (lstm)");
  if (mode == mGru) require(has_saved, "recurrentSequence (gru)");
  // GRU keeps the two products apart (its n gate needs h's alone); the others add them, so one
  // product over [x_t | h] against [W_ih | W_hh]ᵀ gives the sum, with one bias b_ih + b_hh
  const bool joined = mode != mGru;
  if (joined && !bh.empty()) {
    if (bi.empty()) bi.assign(bh.size(), 0.0f);
    for (size_t j = 0; j < bh.size(); j++) bi[j] += bh[j];
    bh.clear();
  }
  const std::vector<float> wcat = joined ? joined_weights(wi, w, GH, I, H) : std::vector<float>{};
  const std::unique_ptr<PackedPanels> wj = joined ? std::make_unique<PackedPanels>(wcat.data(), 1, K, K, GH) : nullptr;  // [W_ih|W_hh]ᵀ
  const std::unique_ptr<PackedPanels> wit = joined ? nullptr : std::make_unique<PackedPanels>(wi.ptr<float>(), wi.strides[1], wi.strides[0], I, GH);
  const std::unique_ptr<PackedPanels> wt = joined ? nullptr : std::make_unique<PackedPanels>(w.ptr<float>(), w.strides[1], w.strides[0], H, GH);
  const RecurrentRows& k = recurrent_rows();
  const StepOrder steps{T, reverse};
  for_row_blocks(N, [&](int64_t, int64_t r0, int64_t r1) {
    std::vector<float> xg(static_cast<size_t>(kSubRows * GH)), hg(joined ? 0 : static_cast<size_t>(kSubRows * GH));
    // the joined product reads [x_t | h] side by side; GRU reads x and h in place unless kept
    const bool gather = joined || has_steps;
    std::vector<float> scratch(gather && !has_steps ? static_cast<size_t>(kSubRows * K) : 0);
    for (int64_t s = 0; s < T; s++) {
      const int64_t t = steps.t_of(s), prev = steps.prev_of(s);
      const Rows& hp = prev < 0 ? H0 : O;
      const int64_t tp = prev < 0 ? 0 : prev;
      // a few rows at a time: the step's products stay in cache for its gates, and the input's
      // projection is never stored for all steps
      for (int64_t q0 = r0; q0 < r1; q0 += kSubRows) {
        const int64_t m = std::min(kSubRows, r1 - q0);
        float* operands = has_steps ? XH.at(t, q0) : scratch.data();  // [x_t | h] of the m rows, K apart
        for (int64_t n = 0; gather && n < m; n++) {
          std::memcpy(operands + n * K, X.at(t, q0 + n), I * sizeof(float));
          std::memcpy(operands + n * K + I, hp.at(tp, q0 + n), H * sizeof(float));
        }
        fill_rows(xg.data(), m, GH, bi);
        if (joined) {
          wj->multiply(m, operands, K, xg.data(), GH, !bi.empty());
        } else {
          wit->multiply(m, gather ? operands : X.at(t, q0), gather ? K : X.stride, xg.data(), GH, !bi.empty());
          fill_rows(hg.data(), m, GH, bh);
          wt->multiply(m, gather ? operands + I : hp.at(tp, q0), gather ? K : hp.stride, hg.data(), GH, !bh.empty());
        }
        for (int64_t n = q0; n < q0 + m; n++) {
          const float* h = hp.at(tp, n);
          const float* c = mode != mLstm ? nullptr : prev < 0 ? C0.row(n) : C.at(prev, n);
          const float* xgn = xg.data() + (n - q0) * GH;
          if (L.dead(t, n)) {
            std::memcpy(O.at(t, n), h, H * sizeof(float));
            if (has_cells) std::memcpy(C.at(t, n), c, H * sizeof(float));
            if (has_saved) std::memset(S.at(t, n), 0, saved_of(mode) * H * sizeof(float));
          } else if (mode == mLstm) {
            k.lstm(xgn, c, O.at(t, n), C.at(t, n), S.at(t, n), H);
          } else if (mode == mGru) {
            k.gru(xgn, hg.data() + (n - q0) * GH, h, O.at(t, n), S.at(t, n), H);
          } else {
            k.rnn(xgn, O.at(t, n), H, mode == mRnnRelu);
          }
        }
      }
    }
  });
  return true;
}

// recurrentSequenceBackward: reverse, weightHh, h0, output, dxg, dh0, [dOutput], [dhN], [dcN], [c0], [live], [cells], [saved],
// [dhg], [dc0]; sub = mode
bool supports_recurrent_sequence_backward(int sub, int dtype) { return dtype == kF32 && sub >= 0 && sub < kNumRecurrentModes; }

bool run_recurrent_sequence_backward(ArgReader& r, int mode) {
  const bool reverse = r.i64("reverse") != 0;
  const View w = r.view("weightHh"), h0 = r.view("h0"), output = r.view("output"), dxg = r.view("dxg"), dh0 = r.view("dh0");
  View dout, dhn, dcn, c0, live, cells, saved, dhg, dc0;
  const bool has_dout = optional_view(r, "dOutput", &dout), has_dhn = optional_view(r, "dhN", &dhn), has_dcn = optional_view(r, "dcN", &dcn);
  const bool has_c0 = optional_view(r, "c0", &c0), has_live = optional_view(r, "live", &live);
  const bool has_cells = optional_view(r, "cells", &cells), has_saved = optional_view(r, "saved", &saved);
  const bool has_dhg = optional_view(r, "dhg", &dhg), has_dc0 = optional_view(r, "dc0", &dc0);
  View dbi, dbh;
  const bool has_dbi = optional_view(r, "dbIh", &dbi), has_dbh = optional_view(r, "dbHh", &dbh);
  if (output.ndim != 3 || w.ndim != 2 || w.dtype != kF32) return false;
  const int64_t T = output.shape[0], N = output.shape[1], H = output.shape[2], GH = gates_of(mode) * H;
  if (w.shape[0] != GH || w.shape[1] != H) return false;
  Rows H0, O, Dx, Dh0, Dout, Dhn, Dcn, C0, C, S, Dhg, Dc0;
  LiveFlags L;
  if (!rows_of(h0, -1, N, H, &H0) || !rows_of(output, T, N, H, &O) || !contiguous_rows(dxg, T, N, GH, &Dx) ||
      !contiguous_rows(dh0, -1, N, H, &Dh0)) return false;
  if (!optional_rows(has_dout, dout, T, N, H, &Dout) || !optional_rows(has_dhn, dhn, -1, N, H, &Dhn) ||
      !optional_rows(has_dcn, dcn, -1, N, H, &Dcn) || !optional_rows(has_c0, c0, -1, N, H, &C0) ||
      !optional_rows(has_cells, cells, T, N, H, &C) || !optional_rows(has_saved, saved, T, N, saved_of(mode) * H, &S) ||
      (has_dhg && !contiguous_rows(dhg, T, N, GH, &Dhg)) || (has_dc0 && !contiguous_rows(dc0, -1, N, H, &Dc0)) ||
      !live_of(has_live, live, T, N, &L)) return false;
  const auto bias_ok = [&](bool present, const View& v) { return !present || (v.dtype == kF32 && v.ndim == 1 && v.shape[0] == GH); };
  if (!bias_ok(has_dbi, dbi) || !bias_ok(has_dbh, dbh)) return false;
  if (mode == mLstm) require(has_c0 && has_cells && has_saved && has_dc0, "recurrentSequenceBackward (lstm)");
  if (mode == mGru) require(has_saved && has_dhg, "recurrentSequenceBackward (gru)");
  const PackedPanels wd(w.ptr<float>(), w.strides[0], w.strides[1], GH, H);  // W_hh
  const RecurrentRows& k = recurrent_rows();
  const StepOrder steps{T, reverse};
  // each block's column sums of dxg and dhg, added in block order afterwards (deterministic for a thread count)
  const int64_t blocks = row_blocks(N);
  std::vector<double> sums(static_cast<size_t>(2 * blocks * GH), 0.0);
  for_row_blocks(N, [&](int64_t b, int64_t r0, int64_t r1) {
    const int64_t m = r1 - r0;
    double* sum_x = sums.data() + 2 * b * GH;
    double* sum_h = sum_x + GH;
    // per row of the block: the carried gradients of h and c, and the part of h's that bypasses hg
    std::vector<float> dh(static_cast<size_t>(m * H), 0.0f), dc(static_cast<size_t>(m * H), 0.0f), pass(static_cast<size_t>(m * H));
    for (int64_t n = r0; n < r1; n++) {
      if (has_dhn) std::memcpy(dh.data() + (n - r0) * H, Dhn.row(n), H * sizeof(float));
      if (has_dcn) std::memcpy(dc.data() + (n - r0) * H, Dcn.row(n), H * sizeof(float));
    }
    for (int64_t s = T - 1; s >= 0; s--) {
      const int64_t t = steps.t_of(s), prev = steps.prev_of(s);
      const Rows& hp = prev < 0 ? H0 : O;
      const int64_t tp = prev < 0 ? 0 : prev;
      const Rows& gates = mode == mGru ? Dhg : Dx;  // the gradient that flows through W_hh
      // one row's gate gradients and the part of h's gradient that bypasses hg
      const auto back_row = [&](int64_t n) {
        const int64_t i = n - r0;
        float* dhn = dh.data() + i * H;
        float* dcn = dc.data() + i * H;
        float* pn = pass.data() + i * H;
        const float* dy = has_dout ? Dout.at(t, n) : nullptr;
        if (L.dead(t, n)) {
          std::memset(Dx.at(t, n), 0, GH * sizeof(float));
          if (has_dhg) std::memset(Dhg.at(t, n), 0, GH * sizeof(float));
          for (int64_t j = 0; j < H; j++) pn[j] = dhn[j] + (dy == nullptr ? 0.0f : dy[j]);
          return;  // dc passes through unchanged
        }
        if (mode == mLstm) {
          const float* c = prev < 0 ? C0.row(n) : C.at(prev, n);
          // dc is read before it is overwritten, element by element, so it updates in place
          k.lstm_back(dhn, dy, dcn, S.at(t, n), c, Dx.at(t, n), dcn, pn, H);
        } else if (mode == mGru) {
          k.gru_back(dhn, dy, S.at(t, n), hp.at(tp, n), Dx.at(t, n), Dhg.at(t, n), pn, H);
        } else {
          k.rnn_back(dhn, dy, O.at(t, n), Dx.at(t, n), pn, H, mode == mRnnRelu);
        }
      };
      // a few rows at a time: their gate gradients are still in cache for dh ← pass + dhg·W_hh
      for (int64_t q0 = r0; q0 < r1; q0 += kSubRows) {
        const int64_t m = std::min(kSubRows, r1 - q0), i0 = q0 - r0;
        for (int64_t n = q0; n < q0 + m; n++) {
          back_row(n);
          if (has_dbi) k.add_row(Dx.at(t, n), GH, sum_x);
          if (has_dbh) k.add_row(Dhg.at(t, n), GH, sum_h);
        }
        // pass is zero for LSTM's and the RNNs' live rows: then the product alone is h's gradient
        const bool with_pass = mode == mGru || has_live;
        if (with_pass) std::memcpy(dh.data() + i0 * H, pass.data() + i0 * H, m * H * sizeof(float));
        wd.multiply(m, gates.at(t, q0), GH, dh.data() + i0 * H, H, with_pass);
      }
    }
    for (int64_t n = r0; n < r1; n++) {
      std::memcpy(Dh0.row(n), dh.data() + (n - r0) * H, H * sizeof(float));
      if (has_dc0) std::memcpy(Dc0.row(n), dc.data() + (n - r0) * H, H * sizeof(float));
    }
  });
  for (int which = 0; which < 2; which++) {
    if (!(which == 0 ? has_dbi : has_dbh)) continue;
    const View& out = which == 0 ? dbi : dbh;
    for (int64_t j = 0; j < GH; j++) {
      double total = 0;
      for (int64_t b = 0; b < blocks; b++) total += sums[(2 * b + which) * GH + j];
      out.ptr<float>()[j * out.strides[0]] = static_cast<float>(total);
    }
  }
  return true;
}

}  // namespace dlflow
