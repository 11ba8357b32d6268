//===- Space.h - architecture search space enumeration ----------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// An IR-free description of an architecture search space (a finite domain per
// parameter, ties between parameters, an area budget and PHAZE's lower-area
// rule) and its enumeration in PHAZE's order. The accel dialect's
// `#accel.space` lowers onto `SpaceSpec`.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_ARCH_SPACE_H
#define PHAZE_ARCH_SPACE_H

#include "phaze/Arch/AreaModel.h"

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlir {
namespace phaze {
namespace arch {

/// The enumerated parameters, in enumeration order (outermost first). The
/// order is PHAZE's: num_tc, num_vc, width, depth, width_vc, GLB.
enum class Param : int {
  TensorCount = 0,
  VectorCount = 1,
  TensorCols = 2,
  TensorRows = 3,
  VectorLanes = 4,
  GlobalBufferBytes = 5,
};
constexpr int kNumParams = 6;

/// The name of a parameter as the accel dialect spells it.
const char *paramName(Param p);

/// The domain of one parameter: explicit values, or a tie to another.
struct ParamDomain {
  /// Values in ascending order; ignored when `tiedTo` is set.
  std::vector<int64_t> values;
  /// The parameter this one always equals, if any.
  std::optional<Param> tiedTo;
};

/// A search space. Each candidate is `base` with the six parameters replaced
/// and local buffers sized by the per-MAC rule.
struct SpaceSpec {
  std::array<ParamDomain, kNumParams> domains;
  /// Fields the space does not enumerate (tensor batch).
  ChipConfig base;
  /// Area budget in um^2: admitted configurations have area <= budget.
  double areaBudgetUm2 = 0;
  /// Admitted configurations have area >= minAreaFraction * budget ...
  double minAreaFraction = 0;
  /// ... unless this is set and they have one tensor or one vector unit.
  bool exemptSingleUnit = false;
  /// Local buffer bytes = max(bytesPerMac * MACs (or lanes), minBytes).
  int64_t localBufferBytesPerMac = 16;
  int64_t localBufferMinBytes = 1024;

  /// Checks the specification; on failure returns false and sets `error`.
  bool check(std::string &error) const;
  /// Number of candidates before the area rules: the product of the sizes of
  /// the untied domains.
  uint64_t numCandidates() const;
  /// Whether `cfg`, with area `areaUm2`, passes the area rules.
  bool admits(const ChipConfig &cfg, double areaUm2) const;
  /// The chip for one assignment of the six parameters.
  ChipConfig instantiate(const std::array<int64_t, kNumParams> &values) const;
};

/// Visits every admitted configuration in PHAZE's order (each parameter
/// descending, outermost first). The visitor returns false to stop early.
/// Returns the number of configurations visited.
uint64_t enumerate(const SpaceSpec &spec,
                   const std::function<bool(const ChipConfig &, double)> &fn);

/// Counts that characterize an enumerated space.
struct SpaceStats {
  uint64_t candidates = 0;
  uint64_t admitted = 0;
  /// Distinct (tensor count, shape, global buffer) among admitted configs.
  uint64_t uniqueTensorConfigs = 0;
  /// Distinct (vector count, lanes, global buffer) among admitted configs.
  uint64_t uniqueVectorConfigs = 0;
  /// Admitted configurations with one tensor unit or one vector unit.
  uint64_t singleUnit = 0;
  double minAreaUm2 = 0;
  double maxAreaUm2 = 0;
};

/// Enumerates `spec` and returns its statistics.
SpaceStats computeStats(const SpaceSpec &spec);

/// The smallest and largest area in um^2 over all candidates, before the
/// area rules. Area grows with every parameter, so these are the areas of
/// the all-minimum and all-maximum assignments.
std::pair<double, double> candidateAreaRange(const SpaceSpec &spec);

/// Whether any configuration is admitted (stops at the first one).
bool admitsAny(const SpaceSpec &spec);

/// The PHAZE search space (ICML 2024, Estimator/architecture.py) with the
/// TPUv4-like configuration (8 tensor units of 128x128, 2 vector units of
/// 128 lanes, 128 MiB global buffer) as area budget.
SpaceSpec phazeSpace();
/// The TPUv4-like configuration that sets PHAZE's area budget.
ChipConfig phazeTpuV4LikeConfig();

} // namespace arch
} // namespace phaze
} // namespace mlir

#endif // PHAZE_ARCH_SPACE_H
