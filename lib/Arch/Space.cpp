//===- Space.cpp - architecture search space enumeration ------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Arch/Space.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

using namespace mlir::phaze::arch;

const char *mlir::phaze::arch::paramName(Param p) {
  switch (p) {
  case Param::TensorCount:
    return "tensor_count";
  case Param::VectorCount:
    return "vector_count";
  case Param::TensorCols:
    return "tensor_cols";
  case Param::TensorRows:
    return "tensor_rows";
  case Param::VectorLanes:
    return "vector_lanes";
  case Param::GlobalBufferBytes:
    return "global_buffer_bytes";
  }
  return "?";
}

bool SpaceSpec::check(std::string &error) const {
  for (int i = 0; i < kNumParams; ++i) {
    const ParamDomain &d = domains[i];
    const char *name = paramName(static_cast<Param>(i));
    if (d.tiedTo) {
      const ParamDomain &t = domains[static_cast<int>(*d.tiedTo)];
      if (static_cast<int>(*d.tiedTo) == i) {
        error = std::string(name) + " is tied to itself";
        return false;
      }
      if (t.tiedTo) {
        error = std::string(name) + " is tied to " + paramName(*d.tiedTo) +
                ", which is itself tied";
        return false;
      }
      continue;
    }
    if (d.values.empty()) {
      error = std::string(name) + " has an empty domain";
      return false;
    }
    if (!std::is_sorted(d.values.begin(), d.values.end()) ||
        std::adjacent_find(d.values.begin(), d.values.end()) !=
            d.values.end()) {
      error = std::string(name) + " domain is not ascending and unique";
      return false;
    }
    if (d.values.front() <= 0) {
      error = std::string(name) + " domain has a non-positive value";
      return false;
    }
    // Bounds that keep every derived size (MACs, buffer bytes) in int64.
    int64_t limit = static_cast<Param>(i) == Param::GlobalBufferBytes
                        ? (int64_t(1) << 50)
                        : (int64_t(1) << 20);
    if (d.values.back() > limit) {
      error = std::string(name) + " domain has a value above " +
              std::to_string(limit);
      return false;
    }
  }
  double candidates = 1;
  for (const ParamDomain &d : domains)
    if (!d.tiedTo)
      candidates *= static_cast<double>(d.values.size());
  if (candidates > 4294967296.0) {
    error = "the space has more than 2^32 candidates";
    return false;
  }
  if (!(areaBudgetUm2 > 0) || !std::isfinite(areaBudgetUm2)) {
    error = "area budget must be positive and finite";
    return false;
  }
  if (!(minAreaFraction >= 0 && minAreaFraction < 1)) {
    error = "min_area_fraction must be in [0, 1)";
    return false;
  }
  if (localBufferBytesPerMac < 0 || localBufferMinBytes < 0) {
    error = "local buffer sizing must be non-negative";
    return false;
  }
  if (base.tensorBatch <= 0) {
    error = "tensor batch must be positive";
    return false;
  }
  return true;
}

uint64_t SpaceSpec::numCandidates() const {
  uint64_t n = 1;
  for (const ParamDomain &d : domains)
    if (!d.tiedTo)
      n *= d.values.size();
  return n;
}

bool SpaceSpec::admits(const ChipConfig &cfg, double areaUm2) const {
  if (areaUm2 > areaBudgetUm2)
    return false;
  bool exempt =
      exemptSingleUnit && (cfg.tensorCount == 1 || cfg.vectorCount == 1);
  return exempt || areaUm2 >= minAreaFraction * areaBudgetUm2;
}

ChipConfig
SpaceSpec::instantiate(const std::array<int64_t, kNumParams> &v) const {
  ChipConfig c = base;
  c.tensorCount = v[static_cast<int>(Param::TensorCount)];
  c.vectorCount = v[static_cast<int>(Param::VectorCount)];
  c.tensorCols = v[static_cast<int>(Param::TensorCols)];
  c.tensorRows = v[static_cast<int>(Param::TensorRows)];
  c.vectorLanes = v[static_cast<int>(Param::VectorLanes)];
  c.globalBufferBytes = v[static_cast<int>(Param::GlobalBufferBytes)];
  c.tensorLocalBufferBytes = std::max(
      localBufferBytesPerMac * c.tensorMacsPerUnit(), localBufferMinBytes);
  c.vectorLocalBufferBytes =
      std::max(localBufferBytesPerMac * c.vectorLanes, localBufferMinBytes);
  return c;
}

uint64_t mlir::phaze::arch::enumerate(
    const SpaceSpec &spec,
    const std::function<bool(const ChipConfig &, double)> &fn) {
  // Untied parameters in enumeration order; tied ones copy their target.
  std::vector<int> free;
  for (int i = 0; i < kNumParams; ++i)
    if (!spec.domains[i].tiedTo)
      free.push_back(i);
  std::array<int64_t, kNumParams> values{};
  // Odometer over the free parameters, each descending (innermost last).
  std::vector<size_t> idx(free.size(), 0);
  auto valueAt = [&](size_t k) {
    const std::vector<int64_t> &vals = spec.domains[free[k]].values;
    return vals[vals.size() - 1 - idx[k]];
  };
  uint64_t visited = 0;
  while (true) {
    for (size_t k = 0; k < free.size(); ++k)
      values[free[k]] = valueAt(k);
    for (int i = 0; i < kNumParams; ++i)
      if (spec.domains[i].tiedTo)
        values[i] = values[static_cast<int>(*spec.domains[i].tiedTo)];
    ChipConfig cfg = spec.instantiate(values);
    double area = chipAreaUm2(cfg);
    if (spec.admits(cfg, area)) {
      ++visited;
      if (!fn(cfg, area))
        return visited;
    }
    // Advance the odometer from the innermost parameter.
    size_t k = free.size();
    while (k > 0) {
      --k;
      if (++idx[k] < spec.domains[free[k]].values.size())
        break;
      idx[k] = 0;
      if (k == 0)
        return visited;
    }
    if (free.empty())
      return visited;
  }
}

SpaceStats mlir::phaze::arch::computeStats(const SpaceSpec &spec) {
  SpaceStats s;
  s.candidates = spec.numCandidates();
  std::set<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t>> tensor;
  std::set<std::tuple<int64_t, int64_t, int64_t>> vector;
  bool first = true;
  enumerate(spec, [&](const ChipConfig &c, double area) {
    ++s.admitted;
    tensor.emplace(c.tensorCount, c.tensorBatch, c.tensorRows, c.tensorCols,
                   c.globalBufferBytes);
    vector.emplace(c.vectorCount, c.vectorLanes, c.globalBufferBytes);
    if (c.tensorCount == 1 || c.vectorCount == 1)
      ++s.singleUnit;
    s.minAreaUm2 = first ? area : std::min(s.minAreaUm2, area);
    s.maxAreaUm2 = first ? area : std::max(s.maxAreaUm2, area);
    first = false;
    return true;
  });
  s.uniqueTensorConfigs = tensor.size();
  s.uniqueVectorConfigs = vector.size();
  return s;
}

std::pair<double, double>
mlir::phaze::arch::candidateAreaRange(const SpaceSpec &spec) {
  std::array<int64_t, kNumParams> lo{}, hi{};
  for (int i = 0; i < kNumParams; ++i) {
    const ParamDomain &d = spec.domains[i];
    if (d.tiedTo)
      continue;
    lo[i] = d.values.front();
    hi[i] = d.values.back();
  }
  for (int i = 0; i < kNumParams; ++i) {
    if (const auto &t = spec.domains[i].tiedTo) {
      lo[i] = lo[static_cast<int>(*t)];
      hi[i] = hi[static_cast<int>(*t)];
    }
  }
  return {chipAreaUm2(spec.instantiate(lo)), chipAreaUm2(spec.instantiate(hi))};
}

bool mlir::phaze::arch::admitsAny(const SpaceSpec &spec) {
  // Area grows with every parameter: if the smallest candidate is over
  // budget, none fits; if it fits and no lower bound applies to it, it is
  // admitted. Only otherwise enumerate (stopping at the first admitted one).
  std::array<int64_t, kNumParams> lo{};
  for (int i = 0; i < kNumParams; ++i)
    if (!spec.domains[i].tiedTo)
      lo[i] = spec.domains[i].values.front();
  for (int i = 0; i < kNumParams; ++i)
    if (const auto &t = spec.domains[i].tiedTo)
      lo[i] = lo[static_cast<int>(*t)];
  ChipConfig smallest = spec.instantiate(lo);
  double area = chipAreaUm2(smallest);
  if (area > spec.areaBudgetUm2)
    return false;
  if (spec.admits(smallest, area))
    return true;
  return enumerate(spec, [](const ChipConfig &, double) { return false; }) > 0;
}

static std::vector<int64_t> pow2Range(int64_t lo, int64_t hi) {
  std::vector<int64_t> v;
  for (int64_t x = lo; x <= hi; x *= 2)
    v.push_back(x);
  return v;
}

ChipConfig mlir::phaze::arch::phazeTpuV4LikeConfig() {
  ChipConfig c;
  c.tensorCount = 8;
  c.tensorRows = 128;
  c.tensorCols = 128;
  c.tensorLocalBufferBytes = 16 * 128 * 128;
  c.vectorCount = 2;
  c.vectorLanes = 128;
  c.vectorLocalBufferBytes = 16 * 128;
  c.globalBufferBytes = 128 * 1024 * 1024;
  return c;
}

SpaceSpec mlir::phaze::arch::phazeSpace() {
  SpaceSpec s;
  auto dom = [&](Param p) -> ParamDomain & {
    return s.domains[static_cast<int>(p)];
  };
  dom(Param::TensorCount).values = pow2Range(1, 4096);
  dom(Param::VectorCount).values = pow2Range(1, 4096);
  dom(Param::TensorCols).values = pow2Range(2, 256);
  dom(Param::TensorRows).values = pow2Range(2, 256);
  dom(Param::VectorLanes).tiedTo = Param::TensorCols;
  dom(Param::GlobalBufferBytes).values =
      pow2Range(2 * 1024 * 1024, 128 * 1024 * 1024);
  s.base.tensorBatch = 1;
  s.areaBudgetUm2 = chipAreaUm2(phazeTpuV4LikeConfig());
  s.minAreaFraction = 0.3;
  s.exemptSingleUnit = true;
  s.localBufferBytesPerMac = 16;
  s.localBufferMinBytes = 1024;
  return s;
}
