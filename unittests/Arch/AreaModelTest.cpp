//===- AreaModelTest.cpp - tests of PHAZE's area model --------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Expected values are PHAZE's published figures (phaze-reference.md §2.3:
// 278,826,676.31 um^2 for the TPUv4-like chip, 3,355,047.77 um^2 for the
// smallest configuration) and hand evaluations of the closed form.
//
//===----------------------------------------------------------------------===//

#include "phaze/Arch/AreaModel.h"
#include "phaze/Arch/Space.h"

#include "gtest/gtest.h"

using namespace mlir::phaze::arch;

namespace {

TEST(AreaModel, TpuV4LikeMatchesPhaze) {
  EXPECT_NEAR(chipAreaUm2(phazeTpuV4LikeConfig()), 278826676.31, 0.01);
}

TEST(AreaModel, TpuV4LikeBreakdown) {
  ChipConfig c = phazeTpuV4LikeConfig();
  // 8 x (760.041386 * 16384 + 446565) = 8 x 12899083.068 and
  // 2 x (759.823853 * 128 + 8248.43) = 2 x 105505.883184.
  EXPECT_NEAR(tensorUnitsAreaUm2(c), 8 * 12899083.068, 0.01);
  EXPECT_NEAR(vectorUnitsAreaUm2(c), 2 * 105505.883184, 1e-6);
  EXPECT_DOUBLE_EQ(globalBufferAreaUm2(c.globalBufferBytes), 175423000.0);
}

TEST(AreaModel, SmallestPhazeConfig) {
  ChipConfig c;
  c.tensorCount = 1;
  c.tensorRows = 2;
  c.tensorCols = 2;
  c.tensorLocalBufferBytes = 1024;
  c.vectorCount = 1;
  c.vectorLanes = 2;
  c.vectorLocalBufferBytes = 1024;
  c.globalBufferBytes = 2 * 1024 * 1024;
  EXPECT_NEAR(chipAreaUm2(c), 3355047.77, 0.01);
}

TEST(AreaModel, TablePointsAreExact) {
  EXPECT_DOUBLE_EQ(privateBufferAreaUm2(1024), 6133.98);
  EXPECT_DOUBLE_EQ(privateBufferAreaUm2(64 * 1024), 115579.0);
  EXPECT_DOUBLE_EQ(privateBufferAreaUm2(1024 * 1024), 1634130.0);
  EXPECT_DOUBLE_EQ(globalBufferAreaUm2(2 * 1024 * 1024), 3338220.0);
  EXPECT_DOUBLE_EQ(globalBufferAreaUm2(32 * 1024 * 1024), 46750900.0);
}

TEST(AreaModel, InterpolatesAndExtrapolatesLinearly) {
  // 1.5 KiB lies halfway between the 1 KiB and 2 KiB points.
  EXPECT_DOUBLE_EQ(privateBufferAreaUm2(1536), (6133.98 + 8248.43) / 2);
  // 192 KiB: halfway between 128 KiB and 256 KiB.
  EXPECT_DOUBLE_EQ(privateBufferAreaUm2(192 * 1024), (204764.0 + 446565.0) / 2);
  // 2 MiB private buffer: extends the 512 KiB -> 1 MiB segment.
  double slope = (1634130.0 - 897890.0) / (512.0 * 1024);
  EXPECT_NEAR(privateBufferAreaUm2(2048 * 1024),
              1634130.0 + slope * 1024 * 1024, 1e-6);
  // 256 MiB global buffer: extends the 64 -> 128 MiB segment.
  double gslope = (175423000.0 - 88605700.0) / (64.0 * 1024 * 1024);
  EXPECT_NEAR(globalBufferAreaUm2(256ll * 1024 * 1024),
              175423000.0 + gslope * 128 * 1024 * 1024, 1e-3);
  EXPECT_EQ(privateBufferAreaUm2(0), 0.0);
  EXPECT_EQ(globalBufferAreaUm2(0), 0.0);
}

TEST(AreaModel, MonotoneInCapacity) {
  double last = 0;
  for (int64_t bytes = 256; bytes <= 4ll * 1024 * 1024; bytes += 256) {
    double a = privateBufferAreaUm2(bytes);
    EXPECT_GE(a, last) << bytes;
    last = a;
  }
}

TEST(AreaModel, IntrinsicBatchScalesPeArea) {
  ChipConfig c;
  c.tensorCount = 1;
  c.tensorBatch = 4;
  c.tensorRows = 16;
  c.tensorCols = 16;
  EXPECT_DOUBLE_EQ(tensorUnitsAreaUm2(c), kTensorPeAreaUm2 * 4 * 16 * 16);
}

} // namespace
