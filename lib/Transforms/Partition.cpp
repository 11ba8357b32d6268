//===- Partition.cpp - place training over many devices -------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// phaze-partition: loads the layered, scheduled workload into the IR-free
// placement models of lib/Partition (phaze's, or PHAZE's reference DP),
// solves, and writes the plan as a typed attribute on the module.
//
//===----------------------------------------------------------------------===//

#include "phaze/Dialect/Accel/IR/AccelOps.h"
#include "phaze/Dialect/Phaze/IR/PhazeOps.h"
#include "phaze/Partition/Json.h"
#include "phaze/Partition/PhazeDp.h"
#include "phaze/Partition/Plan.h"
#include "phaze/Transforms/Loaders.h"
#include "phaze/Transforms/Passes.h"

#include "Hardware.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>

namespace mlir {
namespace phaze {
#define GEN_PASS_DEF_PHAZEPARTITIONPASS
#include "phaze/Transforms/Passes.h.inc"
} // namespace phaze
} // namespace mlir

using namespace mlir;
using namespace mlir::phaze;
using namespace mlir::phaze::partition;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

struct PhazePartitionPass
    : public phaze::impl::PhazePartitionPassBase<PhazePartitionPass> {
  using PhazePartitionPassBase::PhazePartitionPassBase;
  void runOnOperation() override;
};

/// The plan attribute of a phaze-semantics plan.
PlanAttr planAttr(MLIRContext *ctx, const Plan &plan, int64_t mbs,
                  double solveS) {
  SmallVector<Attribute> stages;
  for (const PlanStage &s : plan.stages) {
    // Positions only for a stage that is not an interval (a layer DAG).
    SmallVector<int64_t> layers;
    if (static_cast<int64_t>(s.layers.size()) != s.last - s.first + 1)
      layers.assign(s.layers.begin(), s.layers.end());
    stages.push_back(StageAttr::get(ctx, s.first, s.last, s.t, s.recompute,
                                    s.loadS, s.memoryBytes, layers));
  }
  return PlanAttr::get(
      ctx, "phaze", plan.t, plan.d, plan.p, mbs, plan.microbatchesPerPipeline,
      ArrayAttr::get(ctx, stages), plan.timePerBatchS, plan.pipelineS,
      plan.allReduceS, plan.optimizerS, plan.samplesPerS, plan.tokensPerS,
      plan.peakMemoryBytes, plan.mfu, solveS);
}

/// The plan attribute of a PHAZE reference plan (its all-reduce term in
/// all_reduce_s).
PlanAttr referenceAttr(MLIRContext *ctx, const PhazePlan &plan, int64_t mbs,
                       int64_t tokens, int64_t globalBatch, double solveS) {
  SmallVector<Attribute> stages;
  int64_t p = plan.stages.size();
  double peak = 0;
  for (const PhazeStage &s : plan.stages) {
    peak = std::max(peak, s.memoryBytes);
    stages.push_back(StageAttr::get(ctx, s.first, s.last, s.devices,
                                    s.recompute, s.load, s.memoryBytes,
                                    ArrayRef<int64_t>()));
  }
  double pipeline = plan.maxStageLoad *
                    static_cast<double>(plan.microbatchesPerPipeline + p - 1);
  double samples = static_cast<double>(globalBatch) / plan.timePerBatch;
  return PlanAttr::get(
      ctx, "phaze-reference", plan.t, plan.d, p, mbs,
      plan.microbatchesPerPipeline, ArrayAttr::get(ctx, stages),
      plan.timePerBatch, pipeline, plan.timePerBatch - pipeline, 0.0, samples,
      samples * static_cast<double>(tokens), peak, 0.0, solveS);
}

/// Prints `plan` as a table: the figures, then one line per stage with the
/// layer functions it holds.
void printPlan(llvm::raw_ostream &os, StringRef title, PlanAttr plan,
               const LayerChain &w) {
  // Devices per pipeline: the stages' widths summed (t · p when every stage
  // is t wide).
  int64_t perPipeline = 0;
  bool mixed = false;
  for (Attribute a : plan.getStages()) {
    auto st = llvm::cast<StageAttr>(a);
    perPipeline += st.getDevices();
    mixed |= st.getDevices() != plan.getT();
  }
  os << llvm::formatv("{0}: t = {1}{2}, d = {3}, p = {4} ({5} devices), {6} "
                      "microbatches of {7} per pipeline\n",
                      title, plan.getT(), mixed ? " (widest stage)" : "",
                      plan.getD(), plan.getP(), perPipeline * plan.getD(),
                      plan.getMicrobatches(), plan.getMicrobatchSize());
  os << llvm::formatv("  time per iteration   {0:f4} s (pipeline {1:f4}, "
                      "all-reduce {2:f4}, optimizer {3:f4})\n",
                      plan.getTimePerIterationS().value(),
                      plan.getPipelineS().value(), plan.getAllReduceS().value(),
                      plan.getOptimizerS().value());
  os << llvm::formatv("  throughput           {0:f1} samples/s, {1:f0} "
                      "tokens/s\n",
                      plan.getSamplesPerS().value(),
                      plan.getTokensPerS().value());
  os << llvm::formatv("  peak memory          {0:f2} GB per device\n",
                      plan.getPeakMemoryBytes().value() / 1e9);
  if (plan.getMfu().value() > 0)
    os << llvm::formatv("  MFU                  {0:f1} %\n",
                        100 * plan.getMfu().value());
  os << "  stage  layers                                   t  load (s)  "
        "memory (GB)  recompute\n";
  for (auto [k, a] : llvm::enumerate(plan.getStages())) {
    auto st = llvm::cast<StageAttr>(a);
    SmallVector<int64_t> positions(st.getLayers());
    if (positions.empty())
      for (int64_t v = st.getFirstLayer(); v <= st.getLastLayer(); ++v)
        positions.push_back(v);
    std::string layers;
    // Runs of the same layer function at consecutive positions: "@f x12".
    for (size_t i = 0; i < positions.size();) {
      size_t j = i;
      while (j + 1 < positions.size() && positions[j + 1] == positions[j] + 1 &&
             w.forward[positions[j + 1]] == w.forward[positions[i]])
        ++j;
      if (!layers.empty())
        layers += " ";
      func::FuncOp fn = w.forward[positions[i]];
      layers += "@" + fn.getSymName().str();
      if (j > i)
        layers += " x" + std::to_string(j - i + 1);
      i = j + 1;
    }
    os << llvm::formatv("  {0,5}  {1,-40} {2,2} {3,9:f5}  {4,11:f2}  {5}\n", k,
                        layers, st.getDevices(), st.getLoadS().value(),
                        st.getMemoryBytes().value() / 1e9,
                        st.getRecompute() ? "yes" : "no");
  }
}

void PhazePartitionPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  auto fail = [&](const Twine &message) {
    module.emitError() << "phaze-partition: " << message;
    signalPassFailure();
  };
  if (semantics != "phaze" && semantics != "phaze-reference")
    return fail("semantics must be phaze or phaze-reference, got '" +
                semantics + "'");
  RecomputePolicy policy = RecomputePolicy::Off;
  bool selective = recompute == "selective";
  if (!selective && !parseRecomputePolicy(recompute, policy))
    return fail("recompute must be off, full, auto or selective, got '" +
                recompute + "'");
  RecomputeCheckpoint checkpoint;
  if (!parseRecomputeCheckpoint(recomputeCheckpoint, checkpoint))
    return fail("recompute-checkpoint must be layer or stage, got '" +
                recomputeCheckpoint + "'");
  PipelineSchedule schedule;
  if (pipelineSchedule == "1f1b")
    schedule = PipelineSchedule::OneFOneB;
  else if (pipelineSchedule == "gpipe")
    schedule = PipelineSchedule::GPipe;
  else
    return fail("pipeline-schedule must be 1f1b or gpipe, got '" +
                pipelineSchedule + "'");

  if (devices < 0 || memoryGiB < 0 || fixedStages < 0 || fixedDataParallel < 1)
    return fail("devices, memory-gib and fixed-stages must not be negative "
                "and fixed-data-parallel must be at least 1 (0 means the "
                "default for devices and memory-gib)");

  OwningOpRef<ModuleOp> file;
  accel::ChipOp chipOp;
  accel::SystemOp sysOp;
  if (failed(loadHardware(module, "phaze-partition", hardware, chip, system,
                          file, chipOp, sysOp)))
    return signalPassFailure();
  if (!sysOp)
    return fail("no accel.system for @" + chipOp.getSymName() +
                " (devices, nodes and links are needed)");
  FailureOr<LayerChain> w = loadLayerChain(module, "phaze-partition");
  if (failed(w) || failed(fillMakespans(*w, "phaze-partition")))
    return signalPassFailure();
  llvm::scope_exit printReport([&] {
    if (!report)
      return;
    auto plan = module->getAttrOfType<PlanAttr>(PlanAttr::getAttrName());
    if (!plan)
      return;
    auto fixed = module->getAttrOfType<PlanAttr>(PlanAttr::getFixedAttrName());
    printPlan(llvm::outs(),
              selective ? "phaze-partition: optimum (selective recomputation)"
                        : "phaze-partition: optimum",
              plan, *w);
    if (fixed) {
      printPlan(llvm::outs(), "fixed Megatron-style split", fixed, *w);
      llvm::outs() << llvm::formatv(
          "optimum vs fixed split: {0:f2}x the throughput\n",
          fixed.getTimePerIterationS().value() /
              plan.getTimePerIterationS().value());
    }
  });

  PlacementOptions po;
  po.devices = devices;
  po.memoryBytes = memoryGiB * 1073741824.0;
  po.globalBatch = globalBatch;
  po.microbatchSize = microbatchSize;
  po.tokensPerSample = tokensPerSample;
  po.recompute = policy;
  po.checkpoint = checkpoint;
  po.selective = selective;
  po.schedule = schedule;
  std::string error;
  PlanProblem p =
      makePlanProblem(*w, chipOp.getSpec(), sysOp.getSpec(), po, error);
  if (!error.empty())
    return fail(error);
  int64_t mbs = p.samplesPerMicrobatch;
  int64_t tokens = p.tokensPerSample;
  if (!p.check(error))
    return fail(error);

  if (semantics == "phaze-reference") {
    // One layer graph per width, as PHAZE's format has them; its DP picks
    // one t for the whole model.
    PhazeProblem q;
    auto addGraph = [&](int64_t t, const std::vector<PlanLayer> &layers) {
      PhazeGraph g;
      g.t = t;
      for (auto [k, l] : llvm::enumerate(layers)) {
        g.layers.push_back({static_cast<int64_t>(k), l.parameterBytes,
                            l.stashBytes, l.forwardS, l.backwardS, t > 1});
        if (p.edges.empty() && k + 1 < layers.size())
          g.edges.push_back({static_cast<int>(k), static_cast<int>(k + 1),
                             p.layers[k].outputBytes});
      }
      // A layer DAG as it is (PHAZE's DP rejects branches, naming them).
      for (const PlanEdge &e : p.edges)
        g.edges.push_back({e.from, e.to, p.layers[e.from].outputBytes});
      q.graphs.push_back(std::move(g));
    };
    addGraph(p.t, p.layers);
    for (const PlanWidth &ow : p.otherWidths)
      addGraph(ow.t, ow.layers);
    llvm::sort(q.graphs, [](const PhazeGraph &a, const PhazeGraph &b) {
      return a.t < b.t;
    });
    q.maxMemoryBytes = p.memoryBytes;
    q.maxDevices = p.devices;
    q.bandwidthBytesPerS = p.interNode.bandwidthBytesPerS;
    q.microbatchesPerBatch = p.microbatches;
    q.recompute = policy != RecomputePolicy::Off;
    q.fixed = {fixedStages, p.t, fixedDataParallel,
               static_cast<int64_t>(p.layers.size())};
    // PHAZE's rule: blocks over the renumbered layers from the first.
    if (!q.check(error))
      return fail(error);
    auto start = std::chrono::steady_clock::now();
    PhazePlan best = solvePhazeReference(q);
    double seconds = secondsSince(start);
    if (!best.feasible)
      return fail(best.message);
    module->setAttr(
        PlanAttr::getAttrName(),
        referenceAttr(ctx, best, mbs, tokens, globalBatch, seconds));
    if (fixedStages > 0) {
      PhazePlan fixed = evaluateFixed(q);
      if (fixed.feasible)
        module->setAttr(
            PlanAttr::getFixedAttrName(),
            referenceAttr(ctx, fixed, mbs, tokens, globalBatch, 0.0));
      else
        module.emitWarning()
            << "phaze-partition: fixed strategy: " << fixed.message;
    }
    return;
  }

  if (!problemFile.empty()) {
    std::string message;
    auto out = openOutputFile(problemFile, &message);
    if (!out)
      return fail("cannot write '" + problemFile + "': " + message);
    out->os() << llvm::formatv("{0:2}", planProblemToJson(p)) << "\n";
    out->keep();
  }
  auto start = std::chrono::steady_clock::now();
  Plan best = solvePlan(p);
  double seconds = secondsSince(start);
  if (!best.feasible)
    return fail(best.message);

  module->setAttr(PlanAttr::getAttrName(), planAttr(ctx, best, mbs, seconds));
  if (fixedStages > 0) {
    // Megatron splits the repeated layers evenly; the layers before them
    // (embedding) join the first stage, those after (head) the last.
    Plan fixed = partition::evaluateFixed(p, fixedStages, fixedDataParallel,
                                          w->coreFirst, w->coreLast);
    if (fixed.feasible)
      module->setAttr(PlanAttr::getFixedAttrName(),
                      planAttr(ctx, fixed, mbs, 0.0));
    else
      module.emitWarning() << "phaze-partition: fixed strategy: "
                           << fixed.message;
  }
}

} // namespace
