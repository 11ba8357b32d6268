//===- AreaModel.h - PHAZE's chip area model --------------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The area of a chip in um^2 under PHAZE's model (Accelergy at 22 nm, CACTI
// SRAMs): per-PE MAC+register-file area times the MAC count, plus one private
// buffer per unit, plus one global buffer. The per-capacity SRAM areas are
// PHAZE's table; capacities between table points are interpolated linearly,
// capacities outside it extrapolated along the nearest segment. This library
// has no MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_ARCH_AREAMODEL_H
#define PHAZE_ARCH_AREAMODEL_H

#include <cstdint>

namespace mlir {
namespace phaze {
namespace arch {

/// The compute and storage sizes that determine a chip's area. Counts are
/// units, sizes are MACs or lanes, capacities are bytes.
struct ChipConfig {
  int64_t tensorCount = 0;
  int64_t tensorBatch = 1;
  int64_t tensorRows = 0;
  int64_t tensorCols = 0;
  int64_t tensorLocalBufferBytes = 0;
  int64_t vectorCount = 0;
  int64_t vectorLanes = 0;
  int64_t vectorLocalBufferBytes = 0;
  int64_t globalBufferBytes = 0;

  /// MACs of one tensor unit.
  int64_t tensorMacsPerUnit() const {
    return tensorBatch * tensorRows * tensorCols;
  }
  bool operator==(const ChipConfig &o) const;
  bool operator!=(const ChipConfig &o) const { return !(*this == o); }
};

/// Area of one tensor-unit processing element (16-bit MAC plus a 16-entry
/// 16-bit register file), in um^2.
constexpr double kTensorPeAreaUm2 = 760.041386;
/// Area of one vector-unit lane (16-bit MAC plus a 6-entry register file).
constexpr double kVectorLaneAreaUm2 = 759.823853;

/// Area in um^2 of a unit's private SRAM buffer of `bytes` bytes.
double privateBufferAreaUm2(int64_t bytes);
/// Area in um^2 of the shared global SRAM buffer of `bytes` bytes.
double globalBufferAreaUm2(int64_t bytes);
/// Area in um^2 of all tensor units of `cfg` (PEs and private buffers).
double tensorUnitsAreaUm2(const ChipConfig &cfg);
/// Area in um^2 of all vector units of `cfg` (lanes and private buffers).
double vectorUnitsAreaUm2(const ChipConfig &cfg);
/// Area in um^2 of the whole chip: tensor units, vector units and the global
/// buffer (counted once).
double chipAreaUm2(const ChipConfig &cfg);

} // namespace arch
} // namespace phaze
} // namespace mlir

#endif // PHAZE_ARCH_AREAMODEL_H
