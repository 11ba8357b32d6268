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
#include "phaze/Transforms/Loaders.h"
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
    std::optional<cost::OpWork> w = loadOpWork(op, attr);
    if (!w) {
      op->emitWarning() << "phaze-estimate: no estimate: " << a->reason;
      return;
    }
    cost::LinkSpec link;
    if (w->kind == cost::OpWork::Kind::Collective) {
      if (!sysOp) {
        op->emitWarning() << "phaze-estimate: no accel.system for @"
                          << chipOp.getSymName()
                          << "; the collective is not costed";
        return;
      }
      link = collectiveLink(sysOp.getSpec(), w->groupSize);
    }
    cost::Estimate one = cache.get(spec, chipKey, *w, 1, link);
    cost::Estimate all = cache.get(spec, chipKey, *w, 0, link);
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
