//===- CostModelTest.cpp - property tests of the cost model ---------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Properties that hold for any shape: compute cycles are at least MACs over
// the MACs per cycle of the units used; latency is never below the off-chip
// traffic bound (compulsory bytes over off-chip bandwidth); a ring
// all-reduce follows its closed form.
//
//===----------------------------------------------------------------------===//

#include "phaze/CostModel/CostModel.h"

#include "gtest/gtest.h"

#include <random>
#include <thread>

using namespace mlir::phaze;
using namespace mlir::phaze::cost;

namespace {

ChipSpec chip(int64_t tensors, int64_t rows, int64_t cols, int64_t vectors) {
  ChipSpec c;
  c.clockHz = 1e9;
  c.tensorCount = tensors;
  c.intrinsic.batch = 1;
  c.intrinsic.in = rows;
  c.intrinsic.out = cols;
  c.tensorLocal = {16 * rows * cols, 64.0 * 1e9};
  c.vectorCount = vectors;
  c.vectorLanes = cols;
  c.vectorLocal = {1024, 1e12};
  c.global = {8 << 20, 4e12};
  c.offChip = {int64_t(32) << 30, 1e12};
  return c;
}

OpWork gemmWork(int64_t m, int64_t n, int64_t k) {
  OpWork w;
  w.kind = OpWork::Kind::Contraction;
  w.op = embedding::Operator::gemm(m, n, k, 2);
  w.bytesRead = 2 * (m * k + k * n + m * n);
  w.bytesWritten = 2 * m * n;
  return w;
}

TEST(CostModel, ContractionBounds) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> dim(1, 300), p2(1, 5), cnt(0, 3);
  for (int i = 0; i < 60; ++i) {
    int64_t rows = int64_t(1) << p2(rng), cols = int64_t(1) << p2(rng);
    ChipSpec c = chip(int64_t(1) << cnt(rng), rows, cols, 1);
    OpWork w = gemmWork(dim(rng), dim(rng), dim(rng));
    int64_t macs = w.op.macs();
    for (int64_t units : {int64_t(1), int64_t(0)}) {
      Estimate e = estimate(c, w, units);
      ASSERT_GT(e.units, 0);
      // cycles >= MACs / (units * rows * cols)
      EXPECT_GE(e.computeS * c.clockHz + 1e-9,
                static_cast<double>(macs) / (e.units * rows * cols));
      EXPECT_GE(e.calls * rows * cols, macs);
      // latency >= compulsory off-chip traffic / bandwidth
      EXPECT_GE(e.latencyS + 1e-18,
                (w.bytesRead + w.bytesWritten) / c.offChip.bandwidthBytesPerS);
      EXPECT_LE(e.utilization, 1.0 + 1e-12);
      EXPECT_GT(e.energyJ, 0);
    }
  }
}

TEST(CostModel, ConvolutionBounds) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> small(1, 16), big(4, 40), f(1, 3);
  ChipSpec c = chip(4, 16, 16, 2);
  for (int i = 0; i < 20; ++i) {
    int64_t r = f(rng), s = f(rng);
    OpWork w;
    w.kind = OpWork::Kind::Contraction;
    w.op = embedding::Operator::conv2d(1, small(rng), big(rng), big(rng),
                                       small(rng), r, s, 0, 0, 1, 1, 2);
    w.bytesRead = 1 << 16;
    w.bytesWritten = 1 << 14;
    Estimate e = estimate(c, w, 0);
    EXPECT_GE(e.computeS * c.clockHz + 1e-9,
              static_cast<double>(w.op.macs()) / (4 * 256));
    EXPECT_GE(e.latencyS, (w.bytesRead + w.bytesWritten) / 1e12);
  }
}

TEST(CostModel, VectorWorkIsBandwidthBoundWhenLarge) {
  ChipSpec c = chip(1, 16, 128, 4); // 4 vector units of 128 lanes
  OpWork w;
  w.kind = OpWork::Kind::Vector;
  w.points = int64_t(1) << 29; // 2^29 bf16 elements = 1 GiB per operand
  w.opsPerPoint = 1;
  w.bytesRead = int64_t(2) << 30;
  w.bytesWritten = int64_t(1) << 30;
  Estimate e = estimate(c, w, 0);
  double bytes = 3.0 * (1 << 30);
  EXPECT_EQ(e.bound, Bound::OffChip);
  EXPECT_NEAR(e.latencyS, bytes / 1e12, 1e-12);
}

TEST(CostModel, NoTensorUnitsRunsContractionsOnVectorUnits) {
  ChipSpec c = chip(0, 16, 16, 4);
  Estimate e = estimate(c, gemmWork(64, 64, 64), 0);
  EXPECT_TRUE(e.onVectorUnits);
  // 2 ops per MAC on 4 units of 16 lanes.
  EXPECT_GE(e.computeS * c.clockHz, 2.0 * 64 * 64 * 64 / (4 * 16));
}

TEST(CostModel, RingAllReduce) {
  LinkSpec link{100e9, 1e-6};
  // 2 (8 - 1) / 8 * 1 GB / 100 GB/s + 2 * 7 us
  EXPECT_NEAR(ringAllReduceS(1000000000, 8, link),
              2.0 * 7 / 8 * 1e9 / 100e9 + 14e-6, 1e-15);
  EXPECT_EQ(ringAllReduceS(1000, 1, link), 0.0);
  // (g - 1) / g * bytes / bandwidth + (g - 1) * latency
  EXPECT_NEAR(ringAllGatherS(800000000, 4, link), 0.75 * 8e8 / 100e9 + 3e-6,
              1e-15);
  EXPECT_NEAR(ringReduceScatterS(800000000, 4, link),
              ringAllGatherS(800000000, 4, link), 1e-18);
}

TEST(CostModel, EmbeddingOptionsRestrictTensorWork) {
  ChipSpec c = chip(1, 16, 16, 1);
  OpWork w;
  w.kind = OpWork::Kind::Contraction;
  // C = 1 input channel, 5 x 5 filter: im2col fills the reduction axis.
  w.op = embedding::Operator::conv2d(1, 1, 32, 32, 16, 5, 5, 0, 0, 1, 1, 2);
  w.bytesRead = 1 << 12;
  w.bytesWritten = 1 << 12;
  Estimate free = estimate(c, w, 1);
  c.embeddingOptions.allowWindowOnAxis = false;
  c.embeddingOptions.allowFlatten = false;
  Estimate fixed = estimate(c, w, 1);
  EXPECT_GT(fixed.calls, free.calls);
  EXPECT_NE(c.key(), chip(1, 16, 16, 1).key());
}

TEST(CostModel, CacheIsSharedAndThreadSafe) {
  ChipSpec c = chip(2, 16, 16, 1);
  EstimateCache cache;
  std::string key = c.key();
  std::vector<std::thread> threads;
  std::vector<double> latency(8);
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        latency[t] = cache.get(c, key, gemmWork(128, 64, 96), 0).latencyS;
    });
  for (auto &th : threads)
    th.join();
  for (double l : latency)
    EXPECT_DOUBLE_EQ(l, latency[0]);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_GE(cache.hits(), 8u * 50 - 8);
}

/// The cache key covers every field an estimate depends on: a chip that
/// differs only in its energy table or intrinsic timing, or work that
/// differs only in element size, is a miss and gets its own estimate.
TEST(CostModel, CacheKeyCoversEveryField) {
  ChipSpec a = chip(2, 16, 16, 1);
  ChipSpec b = a;
  b.energy.mac16J *= 2;
  EXPECT_NE(a.key(), b.key());
  ChipSpec c = a;
  c.intrinsic.cyclesPerCall = 1.0 + 1e-12;
  EXPECT_NE(a.key(), c.key());
  OpWork w1 = gemmWork(64, 64, 64);
  OpWork w2 = w1;
  w2.op.elementBytes = 4;
  EXPECT_NE(w1.key(), w2.key());

  EstimateCache cache;
  Estimate ea = cache.get(a, a.key(), w1, 0);
  Estimate eb = cache.get(b, b.key(), w1, 0);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_DOUBLE_EQ(eb.energyJ, estimate(b, w1, 0).energyJ);
  EXPECT_GT(eb.energyJ, ea.energyJ);
}

} // namespace
