//===- EmbeddingTest.cpp - tests of the constraint-based embedding --------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Gecode's enumeration is checked against a brute-force enumeration of the
// same space; utilizations against the closed forms of anchors.md §1.3:
// fixed channel packing (C/ceil16(C))(K/ceil16(K)), im2col
// (CRS/ceil16(CRS))(K/ceil16(K)).
//
//===----------------------------------------------------------------------===//

#include "phaze/Embedding/Embedding.h"

#include "gtest/gtest.h"

#include <functional>

using namespace mlir::phaze::embedding;

namespace {

/// Every (swap, flatten flags, axis, factor) assignment, filtered by
/// evaluate(): the space written out by hand.
struct Brute {
  int64_t count = 0;
  double bestCycles = 0;
};

Brute bruteForce(const Operator &op, const Intrinsic &in) {
  Brute b;
  bool have = false;
  size_t n = op.dims.size();
  int64_t maxWidth = std::max({in.batch, in.in, in.out});
  for (int swap = 0; swap < 2; ++swap)
    for (int flags = 0; flags < 8; ++flags) {
      Embedding e;
      e.swapped = swap;
      for (int a = 0; a < 3; ++a)
        e.flattened[a] = (flags >> a) & 1;
      e.axis.assign(n, Axis::None);
      e.factor.assign(n, 1);
      std::function<void(size_t)> rec = [&](size_t d) {
        if (d == n) {
          Embedding copy = e;
          if (!evaluate(op, in, copy))
            return;
          // An axis flagged flattened must be used (one form per
          // embedding), as the model requires.
          for (int a = 0; a < 3; ++a) {
            if (!copy.flattened[a])
              continue;
            bool used = false;
            for (Axis x : copy.axis)
              used |= static_cast<int>(x) == a + 1;
            if (!used)
              return;
          }
          ++b.count;
          if (!have || copy.cycles < b.bestCycles)
            b.bestCycles = copy.cycles;
          have = true;
          return;
        }
        for (int a = 0; a <= 3; ++a) {
          e.axis[d] = static_cast<Axis>(a);
          if (a == 0) {
            e.factor[d] = 1;
            rec(d + 1);
            continue;
          }
          if (e.flattened[a - 1]) {
            e.factor[d] = 0;
            rec(d + 1);
            continue;
          }
          for (int64_t f = 2; f <= maxWidth; ++f) {
            e.factor[d] = f;
            rec(d + 1);
          }
        }
        e.axis[d] = Axis::None;
        e.factor[d] = 1;
      };
      rec(0);
    }
  return b;
}

TEST(Embedding, GecodeEnumeratesTheWholeSpace) {
  Intrinsic in;
  in.batch = 2, in.in = 4, in.out = 4;
  std::vector<Operator> ops = {
      Operator::gemm(5, 3, 7), Operator::gemm(8, 8, 8),
      Operator::conv2d(1, 3, 6, 6, 4, 3, 3, 0, 0, 1, 1),
      Operator::conv2d(2, 2, 5, 5, 6, 2, 1, 0, 0, 2, 1)};
  for (const Operator &op : ops) {
    Result r = solve(op, in);
    ASSERT_TRUE(r.ok) << r.error;
    Brute b = bruteForce(op, in);
    EXPECT_EQ(r.numEmbeddings, b.count);
    EXPECT_DOUBLE_EQ(r.best.cycles, b.bestCycles);
  }
}

TEST(Embedding, DeepSpeechConv1OnVta) {
  // DeepBench server conv: w=700, h=161, C=1, N=1, K=32, filter 20 wide x
  // 5 high, stride 2.
  Operator op = Operator::conv2d(1, 1, 161, 700, 32, 5, 20, 0, 0, 2, 2);
  Intrinsic vta; // 1x16x16
  Embedding fixed = fixedStrategy(op, vta);
  EXPECT_DOUBLE_EQ(fixed.utilization, (1.0 / 16) * (32.0 / 32));
  Result r = solve(op, vta);
  ASSERT_TRUE(r.ok);
  // im2col: CRS = 100 on the 16-wide axis, 7 calls per output pixel.
  EXPECT_NEAR(r.best.utilization, (100.0 / 112) * (32.0 / 32), 1e-12);
  EXPECT_GT(r.best.transformBytes, 0); // the input is rearranged
  EXPECT_LT(r.best.cycles, fixed.cycles);
}

TEST(Embedding, ResNetConvIsAlreadyFullyUtilized) {
  Operator op = Operator::conv2d(1, 64, 56, 56, 256, 1, 1, 0, 0, 1, 1);
  Intrinsic vta;
  EXPECT_DOUBLE_EQ(fixedStrategy(op, vta).utilization, 1.0);
  Result r = solve(op, vta);
  ASSERT_TRUE(r.ok);
  EXPECT_DOUBLE_EQ(r.best.utilization, 1.0);
  EXPECT_EQ(r.best.transformBytes, 0);
}

TEST(Embedding, GemvSwapsOperands) {
  // m = 5124 outputs, batch n = 1: TVM puts n on the 16-wide output axis
  // (1/16 used); swapping puts m there.
  Operator op = Operator::gemm(5124, 1, 2048);
  Intrinsic vta;
  EXPECT_DOUBLE_EQ(fixedStrategy(op, vta).utilization, 1.0 / 16);
  Result r = solve(op, vta);
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.best.swapped);
  EXPECT_NEAR(r.best.utilization, 5124.0 / (321 * 16), 1e-12);
  Options noSwap;
  noSwap.allowSwap = false;
  EXPECT_NEAR(solve(op, vta, noSwap).best.utilization, 1.0 / 16, 1e-12);
}

TEST(Embedding, OptionsRestrictTheSpace) {
  Operator op = Operator::conv2d(1, 3, 32, 32, 16, 3, 3, 1, 1, 1, 1);
  Intrinsic vta;
  Options none;
  none.allowFlatten = false;
  none.allowSwap = false;
  none.allowWindowOnAxis = false;
  Result all = solve(op, vta), restricted = solve(op, vta, none);
  ASSERT_TRUE(all.ok && restricted.ok);
  EXPECT_LT(restricted.numEmbeddings, all.numEmbeddings);
  // Without im2col only the 3 channels fill the reduction axis.
  EXPECT_NEAR(restricted.best.utilization, 3.0 / 16, 1e-12);
  EXPECT_GE(restricted.best.cycles, all.best.cycles);
}

TEST(Embedding, CheckRejectsBadOperators) {
  std::string error;
  Operator op = Operator::gemm(4, 0, 4);
  EXPECT_FALSE(op.check(error));
  EXPECT_NE(error.find("extent 0"), std::string::npos);
  Result r = solve(op, Intrinsic());
  EXPECT_FALSE(r.ok);
  Intrinsic bad;
  bad.in = 0;
  EXPECT_FALSE(solve(Operator::gemm(4, 4, 4), bad).ok);
}

} // namespace
