//===- Estimate.cpp - estimate every op's latency and energy on a chip ----===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Loads an accel.chip (from the module or a hardware file), lowers it and
// each op onto the IR-free cost model, and writes #phaze.estimate on every
// op: latency on one unit and on all units of its kind, energy,
// utilization, the bounding resource.
//
//===----------------------------------------------------------------------===//

#include "phaze/Analysis/OpAnalysis.h"
#include "phaze/CostModel/CostModel.h"
#include "phaze/Dialect/Accel/IR/AccelOps.h"
#include "phaze/Dialect/Phaze/IR/PhazeOps.h"
#include "phaze/Transforms/Passes.h"

#include "Hardware.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AsmState.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir {
namespace phaze {
#define GEN_PASS_DEF_PHAZEESTIMATEPASS
#include "phaze/Transforms/Passes.h.inc"
} // namespace phaze
} // namespace mlir

using namespace mlir;
using namespace mlir::phaze;

namespace {

int64_t bitsOf(Type t) {
  Type e = getElementTypeOrSelf(t);
  return e.isIntOrFloat() ? e.getIntOrFloatBitWidth() : 16;
}

cost::MemorySpec memory(accel::MemoryAttr m) {
  return {m.getCapacityBytes(), m.getBandwidthBytesPerS().value()};
}

/// The cost model's view of an accel chip.
cost::ChipSpec lowerChip(accel::ChipAttr c) {
  cost::ChipSpec s;
  s.clockHz = c.getClockHz();
  accel::TensorUnitAttr t = c.getTensor();
  s.tensorCount = t.getCount();
  s.intrinsic.batch = t.getBatch();
  s.intrinsic.in = t.getRows();
  s.intrinsic.out = t.getCols();
  s.macBits = t.getMacType().getIntOrFloatBitWidth();
  s.tensorLocal = memory(t.getLocalBuffer());
  s.tensorEfficiency = t.getEfficiency();
  accel::VectorUnitAttr v = c.getVector();
  s.vectorCount = v.getCount();
  s.vectorLanes = v.getLanes();
  s.vectorLocal = memory(v.getLocalBuffer());
  s.vectorEfficiency = v.getEfficiency();
  s.global = memory(c.getGlobalBuffer());
  s.offChip = memory(c.getOffChip());
  s.intrinsic.transformBytesPerCycle =
      c.getOffChip().getBandwidthBytesPerS() / c.getClockHz();
  return s;
}

/// The loop nest of a contraction, for the embedding: which operand each
/// loop indexes, and whether it appears inside a compound index.
embedding::Operator loopNest(linalg::LinalgOp op) {
  embedding::Operator nest;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  nest.elementBytes = std::max<int64_t>(
      1, bitsOf(op.getDpsInputOperand(0)->get().getType()) / 8);
  for (unsigned d = 0; d < ranges.size(); ++d) {
    embedding::LoopDim ld;
    ld.name = "d" + std::to_string(d);
    ld.extent = ranges[d];
    auto uses = [&](AffineMap m) {
      return llvm::any_of(m.getResults(),
                          [&](AffineExpr e) { return e.isFunctionOfDim(d); });
    };
    ld.inA = uses(maps[0]);
    ld.inB = maps.size() > 2 && uses(maps[1]);
    ld.inC = uses(maps.back());
    for (AffineMap m : maps)
      for (AffineExpr e : m.getResults())
        if (e.isFunctionOfDim(d) && !isa<AffineDimExpr>(e))
          ld.windowed = true;
    nest.dims.push_back(ld);
  }
  return nest;
}

/// Vector-unit cycles per element of one payload operation: 1 for
/// arithmetic, comparisons, selects and casts; 4 for divisions, square roots
/// and transcendental functions (a multi-cycle or iterative unit); fused
/// multiply-adds 1. See docs/CostModel.md.
int64_t vectorCycles(Operation &op) {
  if (isa<arith::ConstantOp, linalg::IndexOp, arith::IndexCastOp>(op))
    return 0;
  StringRef name = op.getName().getStringRef();
  if (isa<arith::DivFOp, arith::DivSIOp, arith::DivUIOp, arith::RemFOp>(op))
    return 4;
  if (name.starts_with("math.") && !name.ends_with(".fma") &&
      !name.ends_with(".absf") && !name.ends_with(".absi"))
    return 4;
  return 1;
}

struct PhazeEstimatePass
    : public phaze::impl::PhazeEstimatePassBase<PhazeEstimatePass> {
  using PhazeEstimatePassBase::PhazeEstimatePassBase;

  void runOnOperation() override;
};

void PhazeEstimatePass::runOnOperation() {
  ModuleOp module = getOperation();
  OwningOpRef<ModuleOp> file;
  accel::ChipOp chipOp;
  accel::SystemOp sysOp;
  if (failed(loadHardware(module, "phaze-estimate", hardware, chip, system,
                          file, chipOp, sysOp)))
    return signalPassFailure();
  cost::ChipSpec spec = lowerChip(chipOp.getSpec());
  std::string error;
  if (!spec.check(error)) {
    chipOp.emitError() << "phaze-estimate: " << error;
    return signalPassFailure();
  }
  spec.embeddingOptions.allowWindowOnAxis = allowIm2col;
  spec.embeddingOptions.allowFlatten = allowIm2col;
  spec.embeddingOptions.allowSwap = allowSwap;
  std::string chipKey = spec.key();
  cost::EstimateCache &cache = cost::EstimateCache::global();
  MLIRContext *ctx = &getContext();

  module.walk([&](Operation *op) {
    if (op->getParentOfType<linalg::LinalgOp>())
      return;
    std::optional<OpAnalysisResult> a = analyzeOp(op);
    if (!a)
      return;
    OpAnalysisAttr attr = a->attr;
    cost::OpWork w;
    w.bytesRead = attr.getBytesRead();
    w.bytesWritten = attr.getBytesWritten();
    w.elementBits =
        op->getNumResults() ? bitsOf(op->getResult(0).getType()) : 16;
    cost::LinkSpec link;
    switch (attr.getOpClass()) {
    case OpClass::Tensor:
      w.kind = cost::OpWork::Kind::Contraction;
      w.op = loopNest(cast<linalg::LinalgOp>(op));
      break;
    case OpClass::Vector: {
      w.kind = cost::OpWork::Kind::Vector;
      int64_t points = 1;
      for (int64_t e : attr.getLoopExtents())
        points *= e;
      w.points = points;
      w.opsPerPoint = points ? attr.getFlops() / points : 0;
      if (auto lop = dyn_cast<linalg::LinalgOp>(op)) {
        int64_t cycles = 0;
        for (Operation &inner : lop.getBlock()->without_terminator())
          cycles += vectorCycles(inner);
        w.opsPerPoint = cycles;
      }
      break;
    }
    case OpClass::DataMovement:
      w.kind = cost::OpWork::Kind::Movement;
      break;
    case OpClass::Collective: {
      w.kind = cost::OpWork::Kind::Collective;
      auto ar = cast<AllReduceOp>(op);
      w.groupSize = ar.getGroupSize();
      if (!sysOp) {
        op->emitWarning() << "phaze-estimate: no accel.system for @"
                          << chipOp.getSymName()
                          << "; the collective is not costed";
        return;
      }
      accel::SystemAttr s = sysOp.getSpec();
      accel::LinkAttr l =
          w.groupSize <= s.getDevicesPerNode() && s.getIntraNode()
              ? s.getIntraNode()
              : s.getInterNode();
      link = {l.getBandwidthBytesPerS(), l.getLatencyS()};
      break;
    }
    case OpClass::Free:
      w.kind = cost::OpWork::Kind::Free;
      break;
    case OpClass::Unknown:
      op->emitWarning() << "phaze-estimate: no estimate: " << a->reason;
      return;
    }
    cost::Estimate one = cache.get(spec, chipKey, w, 1, link);
    cost::Estimate all = cache.get(spec, chipKey, w, 0, link);
    if (all.onVectorUnits)
      op->emitRemark() << "phaze-estimate: @" << chipOp.getSymName()
                       << " has no tensor units; the contraction runs on the "
                          "vector units";
    if (attr.getOpClass() == OpClass::Tensor && !all.onVectorUnits)
      op->setAttr(EmbeddingAttr::getAttrName(),
                  EmbeddingAttr::get(ctx, one.embedding, one.embeddings,
                                     one.calls, one.transformBytes));
    op->setAttr(EstimateAttr::getAttrName(),
                EstimateAttr::get(ctx, one.latencyS, all.latencyS, all.energyJ,
                                  one.utilization, all.utilization, all.units,
                                  static_cast<Bound>(all.bound)));
  });
}

} // namespace
