// Which op/dtype pairs have native kernels (answers the front end's supportsOp). `run`
// re-checks the exact dtypes it receives and returns false for anything else.
#include "kernels.h"
#include "op_codes.h"

namespace dlflow {

bool reduce_supported(int op, int dtype);

bool supports(int kind, int sub, int dtype) {
  if (dtype < 0 || dtype >= kNumDTypes) return false;
  const bool f32 = dtype == kF32;
  switch (kind) {
    case kFill: case kCopy: case kWhere:
    case kGather: case kScatterAdd: case kIndexSelect: case kIndexAdd: case kSort:
      return true;
    case kUnary:
      if (sub < 0 || sub >= kNumUnary) return false;
      if (f32) return true;
      switch (sub) {
        case uNeg: case uAbs: case uSign: case uSquare: case uRelu: case uFloor: case uCeil:
        case uRound: case uTrunc: case uIsnan: case uIsinf: case uIsfinite: case uLogicalNot:
          return true;
        default: return false;
      }
    case kBinary: case kBinaryScalar:
      if (sub < 0 || sub >= kNumBinary) return false;
      if (f32) return true;
      switch (sub) {
        case bAdd: case bSub: case bMul: case bMaximum: case bMinimum: case bRemainder:
          return true;
        default: return is_comparison(sub);
      }
    case kClamp: return dtype != kBool;
    case kReduce: return reduce_supported(sub, dtype);
    case kSoftmax: case kMatmul: case kOptimizerStep: case kRandom:
    case kCrossEntropy: case kCrossEntropyBackward: return f32;
    default: return false;
  }
}

}  // namespace dlflow
