//===- CostModel.cpp - latency and energy of ops on a chip ----------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/CostModel/CostModel.h"

#include <algorithm>
#include <cmath>
#include <sstream>

using namespace mlir::phaze;
using namespace mlir::phaze::cost;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Bytes a blocked contraction moves between a memory of `capacity` bytes
/// and the level below it: compulsory when the operands fit, else the
/// square-tile model 2 MACs / T + output with T^2 elements per operand tile
/// (three tiles resident).
int64_t tiledTraffic(int64_t macs, int64_t footprint, int64_t bytesWritten,
                     int64_t capacity, int64_t elemBytes) {
  if (footprint <= capacity || capacity <= 0)
    return footprint;
  double tile =
      std::floor(std::sqrt(static_cast<double>(capacity) / (3.0 * elemBytes)));
  tile = std::max(tile, 1.0);
  double bytes = 2.0 * static_cast<double>(macs) / tile * elemBytes +
                 static_cast<double>(bytesWritten);
  return std::max<int64_t>(footprint, static_cast<int64_t>(bytes));
}

/// The embedding of an operator on an intrinsic, memoized (solving is the
/// expensive part of estimating a contraction).
embedding::Result embedCached(const embedding::Operator &op,
                              const embedding::Intrinsic &in,
                              const embedding::Options &opts) {
  static std::mutex mutex;
  static std::unordered_map<std::string, embedding::Result> memo;
  std::ostringstream key;
  key.precision(17);
  key << in.batch << "x" << in.in << "x" << in.out << ":" << in.cyclesPerCall
      << ":" << in.transformBytesPerCycle << ":" << in.weightsPackedOffline
      << "|" << opts.allowFlatten << opts.allowSwap << opts.allowWindowOnAxis
      << "|";
  for (const embedding::LoopDim &d : op.dims)
    key << d.extent << (d.inA ? "a" : "") << (d.inB ? "b" : "")
        << (d.inC ? "c" : "") << (d.windowed ? "w" : "") << ";";
  key << op.elementBytes;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = memo.find(key.str());
    if (it != memo.end())
      return it->second;
  }
  embedding::Result r = embedding::solve(op, in, opts);
  std::lock_guard<std::mutex> lock(mutex);
  memo.emplace(key.str(), r);
  return r;
}

double macEnergy(const EnergyTable &e, int64_t bits) {
  if (bits <= 8)
    return e.mac8J;
  if (bits <= 16)
    return e.mac16J;
  return e.mac32J;
}

void finish(Estimate &est) {
  struct {
    double t;
    Bound b;
  } parts[] = {{est.computeS, Bound::Compute},
               {est.localS, Bound::LocalBuffer},
               {est.globalS, Bound::GlobalBuffer},
               {est.offChipS, Bound::OffChip}};
  est.latencyS = 0;
  est.bound = Bound::None;
  for (auto &p : parts)
    if (p.t > est.latencyS) {
      est.latencyS = p.t;
      est.bound = p.b;
    }
}

Estimate vectorEstimate(const ChipSpec &chip, const OpWork &w, int64_t units) {
  Estimate est;
  int64_t count = chip.vectorCount, lanes = chip.vectorLanes;
  double eff = chip.vectorEfficiency;
  MemorySpec local = chip.vectorLocal;
  if (count == 0) { // no vector units: the tensor units' output lanes
    count = chip.tensorCount;
    lanes = chip.intrinsic.batch * chip.intrinsic.out;
    eff = chip.tensorEfficiency;
    local = chip.tensorLocal;
  }
  int64_t u = units <= 0 ? count : std::min(units, count);
  est.units = u;
  int64_t work = w.points * std::max<int64_t>(w.opsPerPoint, 1);
  double cycles = static_cast<double>(ceilDiv(work, u * lanes)) / eff;
  est.computeS = cycles / chip.clockHz;
  int64_t footprint = w.bytesRead + w.bytesWritten;
  est.offChipBytes = footprint;
  est.globalBytes = footprint;
  est.offChipS = footprint / chip.offChip.bandwidthBytesPerS;
  est.globalS = footprint / chip.global.bandwidthBytesPerS;
  est.localS = footprint / (u * local.bandwidthBytesPerS);
  finish(est);
  est.utilization = est.latencyS > 0
                        ? static_cast<double>(work) /
                              (est.latencyS * chip.clockHz * u * lanes)
                        : 0;
  est.energyJ = static_cast<double>(work) * chip.energy.vectorOpJ *
                    (w.elementBits > 16 ? 2.0 : 1.0) +
                footprint * (chip.energy.localByteJ + chip.energy.globalByteJ +
                             chip.energy.offChipByteJ);
  return est;
}

} // namespace

const char *mlir::phaze::cost::toString(Bound b) {
  switch (b) {
  case Bound::Compute:
    return "compute";
  case Bound::LocalBuffer:
    return "local_buffer";
  case Bound::GlobalBuffer:
    return "global_buffer";
  case Bound::OffChip:
    return "off_chip";
  case Bound::Link:
    return "link";
  case Bound::None:
    return "none";
  }
  return "?";
}

bool ChipSpec::check(std::string &error) const {
  auto positive = [&](double v, const char *what) {
    if (v > 0 && std::isfinite(v))
      return true;
    error = std::string(what) + " must be positive";
    return false;
  };
  if (!positive(clockHz, "the clock") ||
      !positive(offChip.bandwidthBytesPerS, "off-chip bandwidth") ||
      !positive(global.bandwidthBytesPerS, "global-buffer bandwidth"))
    return false;
  if (tensorCount == 0 && vectorCount == 0) {
    error = "the chip has no tensor or vector units";
    return false;
  }
  if (tensorCount > 0 &&
      (!positive(tensorLocal.bandwidthBytesPerS, "tensor local bandwidth") ||
       !positive(tensorEfficiency, "tensor efficiency")))
    return false;
  if (vectorCount > 0 &&
      (!positive(vectorLocal.bandwidthBytesPerS, "vector local bandwidth") ||
       !positive(vectorEfficiency, "vector efficiency") ||
       !positive(vectorLanes, "vector lanes")))
    return false;
  return true;
}

std::string ChipSpec::key() const {
  std::ostringstream os;
  os.precision(17);
  os << clockHz << "|" << tensorCount << ":" << intrinsic.batch << "x"
     << intrinsic.in << "x" << intrinsic.out << ":" << intrinsic.cyclesPerCall
     << ":" << intrinsic.transformBytesPerCycle << ":"
     << intrinsic.weightsPackedOffline << ":" << macBits << ":"
     << tensorLocal.capacityBytes << ":" << tensorLocal.bandwidthBytesPerS
     << ":" << tensorEfficiency << "|" << vectorCount << ":" << vectorLanes
     << ":" << vectorLocal.capacityBytes << ":"
     << vectorLocal.bandwidthBytesPerS << ":" << vectorEfficiency << "|"
     << global.capacityBytes << ":" << global.bandwidthBytesPerS << "|"
     << offChip.capacityBytes << ":" << offChip.bandwidthBytesPerS << "|"
     << embeddingOptions.allowFlatten << embeddingOptions.allowSwap
     << embeddingOptions.allowWindowOnAxis << "|" << energy.mac16J << ":"
     << energy.mac8J << ":" << energy.mac32J << ":" << energy.vectorOpJ << ":"
     << energy.localByteJ << ":" << energy.globalByteJ << ":"
     << energy.offChipByteJ;
  return os.str();
}

std::string OpWork::key() const {
  std::ostringstream os;
  os << static_cast<int>(kind) << "|" << points << ":" << opsPerPoint << ":"
     << elementBits << "|" << bytesRead << ":" << bytesWritten << ":"
     << groupSize << "|" << op.elementBytes << "|";
  for (const embedding::LoopDim &d : op.dims)
    os << d.extent << (d.inA ? "a" : "") << (d.inB ? "b" : "")
       << (d.inC ? "c" : "") << (d.windowed ? "w" : "") << ";";
  return os.str();
}

double mlir::phaze::cost::ringAllReduceS(int64_t bytes, int64_t group,
                                         const LinkSpec &link) {
  if (group <= 1 || bytes <= 0)
    return 0;
  double g = static_cast<double>(group);
  return 2.0 * (g - 1) / g * bytes / link.bandwidthBytesPerS +
         2.0 * (g - 1) * link.latencyS;
}

double mlir::phaze::cost::ringAllGatherS(int64_t bytes, int64_t group,
                                         const LinkSpec &link) {
  if (group <= 1 || bytes <= 0)
    return 0;
  double g = static_cast<double>(group);
  return (g - 1) / g * bytes / link.bandwidthBytesPerS +
         (g - 1) * link.latencyS;
}

double mlir::phaze::cost::ringReduceScatterS(int64_t bytes, int64_t group,
                                             const LinkSpec &link) {
  return ringAllGatherS(bytes, group, link);
}

EstimateCache &EstimateCache::global() {
  static EstimateCache cache;
  return cache;
}

Estimate mlir::phaze::cost::estimate(const ChipSpec &chip, const OpWork &w,
                                     int64_t units, const LinkSpec &link) {
  switch (w.kind) {
  case OpWork::Kind::Free:
    return Estimate();
  case OpWork::Kind::Collective: {
    Estimate est;
    est.latencyS = ringAllReduceS(w.bytesRead, w.groupSize, link);
    est.bound = est.latencyS > 0 ? Bound::Link : Bound::None;
    est.units = 1;
    est.offChipBytes = 2 * w.bytesRead;
    est.energyJ = est.offChipBytes * chip.energy.offChipByteJ;
    return est;
  }
  case OpWork::Kind::Movement: {
    Estimate est;
    int64_t footprint = w.bytesRead + w.bytesWritten;
    est.units = 1;
    est.offChipBytes = est.globalBytes = footprint;
    est.offChipS = footprint / chip.offChip.bandwidthBytesPerS;
    est.globalS = footprint / chip.global.bandwidthBytesPerS;
    finish(est);
    est.energyJ =
        footprint * (chip.energy.globalByteJ + chip.energy.offChipByteJ);
    return est;
  }
  case OpWork::Kind::Vector:
    return vectorEstimate(chip, w, units);
  case OpWork::Kind::Contraction:
    break;
  }

  int64_t macs = w.op.macs();
  if (chip.tensorCount == 0) {
    // No tensor units: the contraction's MACs run on the vector units.
    OpWork v = w;
    v.kind = OpWork::Kind::Vector;
    v.points = macs;
    v.opsPerPoint = 2;
    Estimate est = vectorEstimate(chip, v, units);
    est.onVectorUnits = true;
    est.energyJ +=
        static_cast<double>(macs) *
        (macEnergy(chip.energy, w.elementBits) - 2 * chip.energy.vectorOpJ);
    return est;
  }
  Estimate est;
  int64_t u = units <= 0 ? chip.tensorCount : std::min(units, chip.tensorCount);
  est.units = u;
  embedding::Result r =
      embedCached(w.op, chip.intrinsic, chip.embeddingOptions);
  int64_t calls;
  int64_t transform = 0;
  if (r.ok) {
    calls = r.best.calls;
    transform = r.best.transformBytes;
    est.embedding = r.best.describe(w.op);
    est.embeddings = r.numEmbeddings;
    est.transformBytes = transform;
  } else {
    calls = ceilDiv(macs, chip.intrinsic.macsPerCall());
    est.embedding = "none";
  }
  est.calls = calls;
  const embedding::Intrinsic &in = chip.intrinsic;
  // Instruction calls split over the units, one per cycle, plus the
  // pipeline fill and drain of one call (rows + cols cycles).
  double cycles = static_cast<double>(ceilDiv(calls, u)) * in.cyclesPerCall /
                      chip.tensorEfficiency +
                  static_cast<double>(in.in + in.out);
  est.computeS = cycles / chip.clockHz;
  int64_t elemBytes = std::max<int64_t>(1, chip.macBits / 8);
  int64_t footprint = w.bytesRead + w.bytesWritten;
  est.offChipBytes = tiledTraffic(macs, footprint, w.bytesWritten,
                                  chip.global.capacityBytes, elemBytes) +
                     2 * transform;
  est.globalBytes = tiledTraffic(macs, footprint, w.bytesWritten,
                                 chip.tensorLocal.capacityBytes * u, elemBytes);
  // Weight-stationary reuse inside the unit: each call streams its input
  // block (batch x in) from the local buffer; a weight block (in x out) is
  // loaded once and reused by the calls that differ only in dimensions the
  // weights do not index. Partial sums stay in the unit's accumulators.
  int64_t reuse = 1;
  if (r.ok) {
    for (size_t d = 0; d < w.op.dims.size(); ++d) {
      const embedding::LoopDim &ld = w.op.dims[d];
      bool weights = r.best.swapped ? ld.inA : ld.inB;
      if (weights)
        continue;
      embedding::Axis ax = r.best.axis[d];
      int64_t f = r.best.factor[d];
      int ai = static_cast<int>(ax) - 1;
      if (ax == embedding::Axis::None)
        reuse *= ld.extent;
      else if (!r.best.flattened[ai])
        reuse *= ceilDiv(ld.extent, f);
    }
  }
  int64_t weightLoads = ceilDiv(calls, std::max<int64_t>(reuse, 1));
  int64_t localBytes =
      (calls * in.batch * in.in + weightLoads * in.in * in.out) * elemBytes;
  est.localS = localBytes / (u * chip.tensorLocal.bandwidthBytesPerS);
  est.globalS = est.globalBytes / chip.global.bandwidthBytesPerS;
  est.offChipS = est.offChipBytes / chip.offChip.bandwidthBytesPerS;
  finish(est);
  est.utilization = static_cast<double>(macs) /
                    (est.latencyS * chip.clockHz * u * in.macsPerCall());
  est.energyJ =
      static_cast<double>(macs) * macEnergy(chip.energy, chip.macBits) +
      localBytes * chip.energy.localByteJ +
      est.globalBytes * chip.energy.globalByteJ +
      est.offChipBytes * chip.energy.offChipByteJ;
  return est;
}

Estimate EstimateCache::get(const ChipSpec &chip, const std::string &chipKey,
                            const OpWork &work, int64_t units,
                            const LinkSpec &link) {
  std::ostringstream key;
  key.precision(17);
  key << chipKey << "#" << work.key() << "#" << units << "#"
      << link.bandwidthBytesPerS << ":" << link.latencyS;
  std::string k = key.str();
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = map.find(k);
    if (it != map.end()) {
      ++numHits;
      return it->second;
    }
  }
  Estimate e = estimate(chip, work, units, link);
  std::lock_guard<std::mutex> lock(mutex);
  ++numMisses;
  map.emplace(std::move(k), e);
  return e;
}

size_t EstimateCache::size() const {
  std::lock_guard<std::mutex> lock(mutex);
  return map.size();
}
