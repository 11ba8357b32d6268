//===- CostModel.h - latency and energy of ops on a chip --------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// An IR-free cost model: the latency in seconds and energy in joules of one
// operation on an accelerator chip, on one unit or on all units of its kind
// (intra-op parallelism). Tensor-unit work is embedded onto the unit's
// instruction by the constraint solver (Embedding.h); every op is bounded by
// its compute and by the traffic at each memory level over that level's
// bandwidth. Estimates are memoized, thread-safe. See docs/CostModel.md.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_COSTMODEL_COSTMODEL_H
#define PHAZE_COSTMODEL_COSTMODEL_H

#include "phaze/Embedding/Embedding.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mlir {
namespace phaze {
namespace cost {

/// A memory level: capacity in bytes, bandwidth in bytes/s.
struct MemorySpec {
  int64_t capacityBytes = 0;
  double bandwidthBytesPerS = 0;
};

/// Energy per operation and per byte moved, in joules. Defaults: 45 nm
/// figures of Horowitz (ISSCC 2014) and HBM2 of O'Connor et al. (MICRO
/// 2017); see docs/CostModel.md.
struct EnergyTable {
  double mac16J = 1.5e-12;   ///< fp16/bf16 multiply-add (1.1 + 0.4 pJ)
  double mac8J = 0.23e-12;   ///< int8 multiply-add (0.2 + 0.03 pJ)
  double mac32J = 4.6e-12;   ///< fp32 multiply-add (3.7 + 0.9 pJ)
  double vectorOpJ = 0.4e-12; ///< one 16-bit vector operation
  double localByteJ = 1.25e-12;  ///< 8 KiB SRAM: 10 pJ per 64 bits
  double globalByteJ = 12.5e-12; ///< 1 MiB SRAM: 100 pJ per 64 bits
  double offChipByteJ = 31.2e-12; ///< HBM2: 3.9 pJ per bit
};

/// The chip as the cost model sees it.
struct ChipSpec {
  double clockHz = 1e9;
  // Tensor units.
  int64_t tensorCount = 0;
  embedding::Intrinsic intrinsic; ///< batch x rows x cols per cycle
  int64_t macBits = 16;
  MemorySpec tensorLocal;
  double tensorEfficiency = 1.0;
  // Vector units.
  int64_t vectorCount = 0;
  int64_t vectorLanes = 0;
  MemorySpec vectorLocal;
  double vectorEfficiency = 1.0;
  // Shared memories.
  MemorySpec global, offChip;
  EnergyTable energy;
  /// Which embeddings of tensor work are allowed (im2col, swaps).
  embedding::Options embeddingOptions;

  /// Checks the figures; on failure sets `error`.
  bool check(std::string &error) const;
  /// A key identifying every field the estimates depend on.
  std::string key() const;
};

/// A link for collectives: bandwidth per direction, latency.
struct LinkSpec {
  double bandwidthBytesPerS = 0;
  double latencyS = 0;
};

/// The work of one operation, independent of the IR.
struct OpWork {
  enum class Kind { Contraction, Vector, Movement, Collective, Free };
  Kind kind = Kind::Free;
  /// Contractions: the loop nest for the embedding.
  embedding::Operator op;
  /// Vector ops: points and payload operations per point.
  int64_t points = 0;
  int64_t opsPerPoint = 0;
  int64_t elementBits = 16;
  /// All kinds: bytes read and written (tensor sizes).
  int64_t bytesRead = 0;
  int64_t bytesWritten = 0;
  /// Collectives: the group size (an all-reduce of bytesRead bytes).
  int64_t groupSize = 1;

  /// A key identifying the work (for the cache).
  std::string key() const;
};

/// Which resource bounds an estimate.
enum class Bound { Compute, LocalBuffer, GlobalBuffer, OffChip, Link, None };
const char *toString(Bound b);

/// The estimate of one op on a given number of units.
struct Estimate {
  double latencyS = 0;
  double energyJ = 0;
  /// Useful work / peak work of the units used over the latency.
  double utilization = 0;
  int64_t units = 0;
  Bound bound = Bound::None;
  double computeS = 0, localS = 0, globalS = 0, offChipS = 0;
  int64_t offChipBytes = 0, globalBytes = 0;
  /// Tensor work only: the instruction calls and the embedding.
  int64_t calls = 0;
  std::string embedding;
  int64_t embeddings = 0;     ///< valid embeddings the solver found
  int64_t transformBytes = 0; ///< bytes of the implied layout change
  /// Set when contractions ran on vector units (no tensor units).
  bool onVectorUnits = false;
};

/// Estimates `work` on `units` units of its kind (0: all of them). The
/// `link` is used by collectives.
Estimate estimate(const ChipSpec &chip, const OpWork &work, int64_t units,
                  const LinkSpec &link = {});

/// Latency of a ring all-reduce of `bytes` over `group` devices:
/// 2 (g - 1) / g * bytes / bandwidth + 2 (g - 1) * latency.
double ringAllReduceS(int64_t bytes, int64_t group, const LinkSpec &link);

/// Latency of a ring all-gather or reduce-scatter of `bytes` (the full
/// tensor) over `group` devices: (g - 1) / g * bytes / bandwidth +
/// (g - 1) * latency.
double ringAllGatherS(int64_t bytes, int64_t group, const LinkSpec &link);
double ringReduceScatterS(int64_t bytes, int64_t group, const LinkSpec &link);

/// A thread-safe memo of estimates keyed by (work, chip, units, link).
class EstimateCache {
public:
  Estimate get(const ChipSpec &chip, const std::string &chipKey,
               const OpWork &work, int64_t units, const LinkSpec &link = {});
  size_t size() const;
  uint64_t hits() const { return numHits; }
  uint64_t misses() const { return numMisses; }

  /// The cache every pass and driver of this process shares.
  static EstimateCache &global();

private:
  mutable std::mutex mutex;
  std::unordered_map<std::string, Estimate> map;
  uint64_t numHits = 0, numMisses = 0;
};

} // namespace cost
} // namespace phaze
} // namespace mlir

#endif // PHAZE_COSTMODEL_COSTMODEL_H
