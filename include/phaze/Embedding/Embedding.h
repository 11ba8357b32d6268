//===- Embedding.h - embedding operators onto tensor intrinsics -*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The constraint-satisfaction formulation of Rieber et al. (arXiv
// 2104.04731): an operator's loop nest is embedded onto a tensor unit's
// instruction, a GEMM of batch x in x out (VTA: 1 x 16 x 16; a systolic
// rows x cols array is 1 x rows x cols). Every loop dimension is mapped to an
// instruction axis whose dataflow it matches, with a tile factor, or left to
// an outer loop; several dimensions may share an axis (channel packing,
// mixed-radix tiling) or be flattened onto it through a layout
// transformation (im2col). Operands may swap roles (C^T = B^T A^T). The
// solver (Gecode) enumerates every valid embedding; each is costed by
// intrinsic calls, padding and the layout transformations it implies.
//
// This header has no solver header: Gecode needs exceptions and RTTI and
// lives inside PhazeEmbedding.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_EMBEDDING_EMBEDDING_H
#define PHAZE_EMBEDDING_EMBEDDING_H

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
namespace phaze {
namespace embedding {

/// A loop dimension of the operator and which operands it indexes. A
/// windowed dimension (a filter row r) indexes the input only through a sum
/// with another dimension (p * stride + r).
struct LoopDim {
  std::string name;
  int64_t extent = 1;
  bool inA = false;     ///< indexes the first input (activations)
  bool inB = false;     ///< indexes the second input (weights)
  bool inC = false;     ///< indexes the output
  bool windowed = false;
};

/// An operator: a multiply-accumulate over a loop nest.
struct Operator {
  std::vector<LoopDim> dims;
  int64_t elementBytes = 1;

  /// MACs: the product of the extents.
  int64_t macs() const;
  /// Checks extents and dataflow; on failure sets `error`.
  bool check(std::string &error) const;

  /// conv2d NCHW/FCHW: output n x k x p x q, reduction c x r x s.
  static Operator conv2d(int64_t n, int64_t c, int64_t h, int64_t w,
                         int64_t k, int64_t r, int64_t s, int64_t padH,
                         int64_t padW, int64_t strideH, int64_t strideW,
                         int64_t elementBytes = 1);
  /// GEMM: C[m, n] += A[m, k] B[k, n].
  static Operator gemm(int64_t m, int64_t n, int64_t k,
                       int64_t elementBytes = 1);
};

/// A tensor instruction: batch x in x out MACs per call; axes b (indexes
/// inputs and outputs), i (inputs and weights, reduced), o (weights and
/// outputs).
struct Intrinsic {
  int64_t batch = 1, in = 16, out = 16;
  /// Cycles per call and bytes per cycle of the load path used by layout
  /// transformations (im2col, packing), to cost them.
  double cyclesPerCall = 1.0;
  double transformBytesPerCycle = 8.0;
  /// Weights (the second operand, constants at inference) are packed ahead
  /// of time, so only the activations' transformations cost cycles.
  bool weightsPackedOffline = true;
  int64_t macsPerCall() const { return batch * in * out; }
};

/// Which embeddings are allowed.
struct Options {
  bool allowFlatten = true;  ///< layout transformations such as im2col
  bool allowSwap = true;     ///< exchange the roles of the two inputs
  bool allowWindowOnAxis = true; ///< filter dims on the reduction axis
};

enum class Axis : int { None = 0, Batch = 1, In = 2, Out = 3 };

/// One embedding.
struct Embedding {
  /// Per operator dimension: the axis it maps to and its tile factor (0
  /// when flattened onto the axis).
  std::vector<Axis> axis;
  std::vector<int64_t> factor;
  /// Per axis (Batch, In, Out): whether its dimensions are flattened.
  bool flattened[3] = {false, false, false};
  bool swapped = false;

  int64_t calls = 0;          ///< intrinsic calls
  double utilization = 0;     ///< MACs / (calls * MACs per call)
  int64_t transformBytes = 0; ///< bytes the layout transformation moves
  double cycles = 0;          ///< calls * cycles per call + transform
  /// A readable form, e.g. "i=[c:1,r:3,s:5] o=[k:16] flat(i)".
  std::string describe(const Operator &op) const;
};

/// The result: every valid embedding's count and the best one.
struct Result {
  bool ok = false;
  std::string error;
  int64_t numEmbeddings = 0;
  Embedding best;
  /// Gecode search statistics.
  int64_t nodes = 0, failures = 0;
};

/// Costs `e` (sets calls, utilization, transform bytes, cycles); returns
/// false if it is not a valid embedding of `op` on `in`.
bool evaluate(const Operator &op, const Intrinsic &in, Embedding &e);

/// Enumerates every valid embedding with Gecode and returns the best by
/// cycles (ties: fewer transform bytes, then the first found).
Result solve(const Operator &op, const Intrinsic &in,
             const Options &options = {});

/// TVM's fixed VTA strategy: channels (or the GEMM's k and n) packed to the
/// instruction widths with padding, the batch on the batch axis.
Embedding fixedStrategy(const Operator &op, const Intrinsic &in);

} // namespace embedding
} // namespace phaze
} // namespace mlir

#endif // PHAZE_EMBEDDING_EMBEDDING_H
