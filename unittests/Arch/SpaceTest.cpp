//===- SpaceTest.cpp - tests of the search-space enumeration --------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Expected counts are PHAZE's (phaze-reference.md §2.2, verified there against
// PHAZE's cores.json): 29,360 configurations, 4,186 unique tensor-unit and
// 697 unique vector-unit configurations, 9,308 with a single tensor or vector
// unit, and the per-global-buffer counts. A brute-force enumeration written
// here from PHAZE's closed form checks the order and areas.
//
//===----------------------------------------------------------------------===//

#include "phaze/Arch/Space.h"

#include "gtest/gtest.h"

#include <map>
#include <tuple>
#include <vector>

using namespace mlir::phaze::arch;

namespace {

TEST(Space, PhazeCounts) {
  SpaceSpec spec = phazeSpace();
  std::string error;
  ASSERT_TRUE(spec.check(error)) << error;
  SpaceStats s = computeStats(spec);
  EXPECT_EQ(s.candidates, 13u * 13 * 8 * 8 * 7);
  EXPECT_EQ(s.admitted, 29360u);
  EXPECT_EQ(s.uniqueTensorConfigs, 4186u);
  EXPECT_EQ(s.uniqueVectorConfigs, 697u);
  EXPECT_EQ(s.singleUnit, 9308u);
  EXPECT_NEAR(s.minAreaUm2, 3355047.77, 0.01);
  EXPECT_NEAR(s.maxAreaUm2, 278826676.31, 0.01);
}

TEST(Space, PhazeCountsPerGlobalBuffer) {
  std::map<int64_t, int> perGlb;
  enumerate(phazeSpace(), [&](const ChipConfig &c, double) {
    ++perGlb[c.globalBufferBytes / (1024 * 1024)];
    return true;
  });
  std::map<int64_t, int> expected = {{2, 2968},  {4, 3010},  {8, 3066},
                                     {16, 3224}, {32, 3918}, {64, 7029},
                                     {128, 6145}};
  EXPECT_EQ(perGlb, expected);
}

/// PHAZE's generate_all_cores_to_explore, written out from the closed form.
std::vector<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, double>>
bruteForcePhaze() {
  const double l2[] = {6133.98,  8248.43,  12610.5,  22139.9,
                       38583.0,  63338.4,  115579.0, 204764.0,
                       446565.0, 897890.0, 1634130.0}; // 1 KiB .. 1 MiB
  const double glb[] = {3338220,  6078640,  11952400, 23745200,
                        46750900, 88605700, 175423000}; // 2 .. 128 MiB
  auto l2Area = [&](int64_t kib) {
    int i = 0;
    while ((int64_t(1) << i) < kib)
      ++i;
    return l2[i];
  };
  auto area = [&](int64_t tc, int64_t vc, int64_t w, int64_t d, int g) {
    return tc *
               (760.041386 * w * d + l2Area(std::max<int64_t>(w * d / 64, 1))) +
           vc * (759.823853 * w + l2Area(std::max<int64_t>(w / 64, 1))) +
           glb[g];
  };
  double amax = area(8, 2, 128, 128, 6);
  std::vector<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, double>>
      out;
  for (int a = 12; a >= 0; --a)
    for (int b = 12; b >= 0; --b)
      for (int c = 8; c >= 1; --c)
        for (int e = 8; e >= 1; --e)
          for (int g = 6; g >= 0; --g) {
            int64_t tc = int64_t(1) << a, vc = int64_t(1) << b;
            int64_t w = int64_t(1) << c, d = int64_t(1) << e;
            double ar = area(tc, vc, w, d, g);
            double lower = (tc == 1 || vc == 1) ? 0 : 0.3 * amax;
            if (ar >= lower && ar <= amax)
              out.emplace_back(tc, vc, w, d, (int64_t(2) << g) * 1024 * 1024,
                               ar);
          }
  return out;
}

TEST(Space, MatchesBruteForceInOrder) {
  auto expected = bruteForcePhaze();
  ASSERT_EQ(expected.size(), 29360u);
  size_t i = 0;
  enumerate(phazeSpace(), [&](const ChipConfig &c, double area) {
    if (i >= expected.size()) {
      ADD_FAILURE() << "more configurations than the brute force";
      return false;
    }
    auto [tc, vc, w, d, glbBytes, ar] = expected[i];
    EXPECT_EQ(c.tensorCount, tc) << i;
    EXPECT_EQ(c.vectorCount, vc) << i;
    EXPECT_EQ(c.tensorCols, w) << i;
    EXPECT_EQ(c.tensorRows, d) << i;
    EXPECT_EQ(c.vectorLanes, w) << i;
    EXPECT_EQ(c.globalBufferBytes, glbBytes) << i;
    EXPECT_NEAR(area, ar, 1e-9 * ar) << i;
    ++i;
    return !HasFailure();
  });
  EXPECT_EQ(i, expected.size());
}

TEST(Space, LocalBuffersFollowPerMacRule) {
  SpaceSpec spec = phazeSpace();
  ChipConfig c = spec.instantiate({8, 2, 128, 128, 128, 128 << 20});
  EXPECT_EQ(c.tensorLocalBufferBytes, 16 * 128 * 128);
  EXPECT_EQ(c.vectorLocalBufferBytes, 16 * 128);
  ChipConfig small = spec.instantiate({1, 1, 2, 2, 2, 2 << 20});
  EXPECT_EQ(small.tensorLocalBufferBytes, 1024);
  EXPECT_EQ(small.vectorLocalBufferBytes, 1024);
  EXPECT_TRUE(c == phazeTpuV4LikeConfig());
}

TEST(Space, EarlyStopAndEmptyBudget) {
  SpaceSpec spec = phazeSpace();
  uint64_t n =
      enumerate(spec, [](const ChipConfig &, double) { return false; });
  EXPECT_EQ(n, 1u);
  EXPECT_TRUE(admitsAny(spec));
  auto [lo, hi] = candidateAreaRange(spec);
  EXPECT_NEAR(lo, 3355047.77, 0.01);
  EXPECT_GT(hi, spec.areaBudgetUm2);
  spec.areaBudgetUm2 = lo * 0.5;
  EXPECT_FALSE(admitsAny(spec));
  EXPECT_EQ(computeStats(spec).admitted, 0u);
}

TEST(Space, CheckRejectsBadSpecs) {
  std::string error;
  SpaceSpec s = phazeSpace();
  s.domains[0].values.clear();
  EXPECT_FALSE(s.check(error));
  EXPECT_NE(error.find("empty"), std::string::npos);

  s = phazeSpace();
  s.domains[static_cast<int>(Param::TensorCols)].tiedTo = Param::VectorLanes;
  EXPECT_FALSE(s.check(error));
  EXPECT_NE(error.find("itself tied"), std::string::npos);

  s = phazeSpace();
  s.domains[2].values = {4, 2};
  EXPECT_FALSE(s.check(error));

  s = phazeSpace();
  s.areaBudgetUm2 = -1;
  EXPECT_FALSE(s.check(error));
}

TEST(Space, WithoutLowerBoundEveryCandidateUnderBudgetIsAdmitted) {
  SpaceSpec s = phazeSpace();
  s.minAreaFraction = 0;
  uint64_t admitted = computeStats(s).admitted;
  uint64_t under = 0;
  // Every candidate whose area is within budget.
  SpaceSpec all = s;
  all.areaBudgetUm2 = 1e18;
  enumerate(all, [&](const ChipConfig &c, double area) {
    under += area <= s.areaBudgetUm2;
    return true;
  });
  EXPECT_EQ(admitted, under);
  EXPECT_GT(admitted, 29360u);
  EXPECT_EQ(computeStats(all).admitted, all.numCandidates());
}

} // namespace
