//===- AreaModel.cpp - PHAZE's chip area model ----------------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The SRAM tables are PHAZE's CACTI results (22 nm) as fitted to the 29,360
// areas of PHAZE's cores.json (maximum relative error 9e-14); see
// docs/HardwareModel.md.
//
//===----------------------------------------------------------------------===//

#include "phaze/Arch/AreaModel.h"

#include <algorithm>
#include <cassert>
#include <iterator>

using namespace mlir::phaze::arch;

namespace {
/// One table point: capacity in bytes, area in um^2.
struct SramPoint {
  double bytes;
  double areaUm2;
};

constexpr double KiB = 1024.0;
constexpr double MiB = 1024.0 * 1024.0;

/// Private per-unit buffers, 1 KiB to 1 MiB.
constexpr SramPoint kPrivateBuffer[] = {
    {1 * KiB, 6133.98},    {2 * KiB, 8248.43},     {4 * KiB, 12610.5},
    {8 * KiB, 22139.9},    {16 * KiB, 38583.0},    {32 * KiB, 63338.4},
    {64 * KiB, 115579.0},  {128 * KiB, 204764.0},  {256 * KiB, 446565.0},
    {512 * KiB, 897890.0}, {1024 * KiB, 1634130.0}};

/// The shared global buffer, 2 MiB to 128 MiB.
constexpr SramPoint kGlobalBuffer[] = {
    {2 * MiB, 3338220.0},    {4 * MiB, 6078640.0},   {8 * MiB, 11952400.0},
    {16 * MiB, 23745200.0},  {32 * MiB, 46750900.0}, {64 * MiB, 88605700.0},
    {128 * MiB, 175423000.0}};

/// Piecewise-linear interpolation in capacity; outside the table, linear
/// extrapolation along the nearest segment, never below zero. Zero bytes
/// means no buffer.
template <size_t N>
double interpolate(const SramPoint (&table)[N], int64_t bytes) {
  static_assert(N >= 2, "need a segment");
  if (bytes <= 0)
    return 0.0;
  double x = static_cast<double>(bytes);
  const SramPoint *hi = std::lower_bound(
      std::begin(table), std::end(table), x,
      [](const SramPoint &p, double v) { return p.bytes < v; });
  if (hi != std::end(table) && hi->bytes == x)
    return hi->areaUm2;
  if (hi == std::begin(table))
    ++hi;
  if (hi == std::end(table))
    --hi;
  const SramPoint *lo = hi - 1;
  double slope = (hi->areaUm2 - lo->areaUm2) / (hi->bytes - lo->bytes);
  return std::max(0.0, lo->areaUm2 + slope * (x - lo->bytes));
}
} // namespace

bool ChipConfig::operator==(const ChipConfig &o) const {
  return tensorCount == o.tensorCount && tensorBatch == o.tensorBatch &&
         tensorRows == o.tensorRows && tensorCols == o.tensorCols &&
         tensorLocalBufferBytes == o.tensorLocalBufferBytes &&
         vectorCount == o.vectorCount && vectorLanes == o.vectorLanes &&
         vectorLocalBufferBytes == o.vectorLocalBufferBytes &&
         globalBufferBytes == o.globalBufferBytes;
}

double mlir::phaze::arch::privateBufferAreaUm2(int64_t bytes) {
  return interpolate(kPrivateBuffer, bytes);
}

double mlir::phaze::arch::globalBufferAreaUm2(int64_t bytes) {
  return interpolate(kGlobalBuffer, bytes);
}

double mlir::phaze::arch::tensorUnitsAreaUm2(const ChipConfig &cfg) {
  double perUnit =
      kTensorPeAreaUm2 * static_cast<double>(cfg.tensorMacsPerUnit()) +
      privateBufferAreaUm2(cfg.tensorLocalBufferBytes);
  return static_cast<double>(cfg.tensorCount) * perUnit;
}

double mlir::phaze::arch::vectorUnitsAreaUm2(const ChipConfig &cfg) {
  double perUnit = kVectorLaneAreaUm2 * static_cast<double>(cfg.vectorLanes) +
                   privateBufferAreaUm2(cfg.vectorLocalBufferBytes);
  return static_cast<double>(cfg.vectorCount) * perUnit;
}

double mlir::phaze::arch::chipAreaUm2(const ChipConfig &cfg) {
  return tensorUnitsAreaUm2(cfg) + vectorUnitsAreaUm2(cfg) +
         globalBufferAreaUm2(cfg.globalBufferBytes);
}
