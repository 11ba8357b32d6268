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

/// Bytes of a value: a statically shaped tensor or memref, or a scalar, of
/// integers, floats, index (8 bytes) or complex numbers; nullopt otherwise.
std::optional<double> tensorBytes(Type type) {
  auto shaped = llvm::dyn_cast<ShapedType>(type);
  Type element = shaped ? shaped.getElementType() : type;
  if (auto complex = llvm::dyn_cast<ComplexType>(element))
    element = complex.getElementType();
  double elementBytes;
  if (element.isIntOrFloat())
    elementBytes = (element.getIntOrFloatBitWidth() + 7) / 8;
  else if (element.isIndex())
    elementBytes = 8;
  else
    return std::nullopt;
  if (llvm::isa<ComplexType>(shaped ? shaped.getElementType() : type))
    elementBytes *= 2;
  if (!shaped)
    return elementBytes;
  if (!shaped.hasStaticShape())
    return std::nullopt;
  return static_cast<double>(shaped.getNumElements()) * elementBytes;
}

/// The makespan of `fn`, or an error saying to schedule first.
FailureOr<double> makespanOf(func::FuncOp fn) {
  auto m = fn->getAttrOfType<MakespanAttr>(MakespanAttr::getAttrName());
  if (!m)
    return fn.emitError() << "phaze-partition: @" << fn.getSymName()
                          << " has no #phaze.makespan; run phaze-schedule "
                             "first";
  return m.getMakespanS().value();
}

struct PhazePartitionPass
    : public phaze::impl::PhazePartitionPassBase<PhazePartitionPass> {
  using PhazePartitionPassBase::PhazePartitionPassBase;
  void runOnOperation() override;
};

/// The chain of layer calls of the entry function, as plan layers.
struct Workload {
  func::FuncOp entry;
  std::vector<PlanLayer> layers;
  std::vector<func::FuncOp> functions; ///< per chain position
  int64_t t = 1;
  int64_t samplesPerMicrobatch = 1, tokensPerSample = 1;
  /// The chain positions of the most repeated layer function's calls.
  int coreFirst = 0, coreLast = -1;
};

/// A layer function's figures (everything but its output bytes, which
/// depend on its place in the chain); raises `t` to its width.
FailureOr<PlanLayer> loadLayer(SymbolTable &symbols, func::FuncOp fn,
                               int64_t &t) {
  auto training = fn->getAttrOfType<TrainingAttr>(TrainingAttr::getAttrName());
  if (!training)
    return fn.emitError() << "phaze-partition: @" << fn.getSymName()
                          << " has no #phaze.training; run "
                             "phaze-training-graph first";
  auto backward =
      symbols.lookup<func::FuncOp>(training.getBackward().getValue());
  auto optimizer =
      symbols.lookup<func::FuncOp>(training.getOptimizer().getValue());
  if (!backward || !optimizer)
    return fn.emitError() << "phaze-partition: the backward or optimizer "
                             "function of @"
                          << fn.getSymName() << " is missing";
  FailureOr<double> fw = makespanOf(fn), bw = makespanOf(backward),
                    opt = makespanOf(optimizer);
  if (failed(fw) || failed(bw) || failed(opt))
    return failure();
  int64_t width = 1;
  if (auto tp = fn->getAttrOfType<IntegerAttr>("phaze.tensor_parallel"))
    width = tp.getInt();
  t = std::max(t, width);
  // Model FLOPs: contractions of a tensor-parallel layer run split over its
  // t devices; everything else counts once.
  double flops = 0;
  fn.walk([&](Operation *op) {
    if (auto a = op->getAttrOfType<OpAnalysisAttr>("phaze.analysis"))
      flops += static_cast<double>(a.getFlops()) *
               (a.getOpClass() == OpClass::Tensor ? width : 1);
  });
  PlanLayer l;
  l.name = fn.getSymName().str();
  l.forwardS = *fw;
  l.backwardS = *bw;
  l.optimizerS = *opt;
  l.parameterBytes = training.getParameterBytes();
  l.gradientBytes = training.getGradientBytes();
  l.optimizerStateBytes = training.getOptimizerStateBytes();
  l.stashBytes = training.getSavedBytes();
  l.recomputeStashBytes = training.getRecomputeSavedBytes();
  l.forwardFlops = flops;
  return l;
}

FailureOr<Workload> loadWorkload(ModuleOp module) {
  SymbolTable symbols(module);
  Workload w;
  for (func::FuncOp fn : module.getOps<func::FuncOp>()) {
    if (fn.isPrivate() || fn.isExternal())
      continue;
    bool calls = false;
    fn.walk([&](func::CallOp call) {
      auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
      calls |= callee && callee->hasAttr("phaze.layer");
    });
    if (!calls)
      continue;
    if (w.entry)
      return fn.emitError()
             << "phaze-partition: two entry functions call layers (@"
             << w.entry.getSymName() << " and @" << fn.getSymName() << ")";
    w.entry = fn;
  }
  if (!w.entry)
    return module.emitError()
           << "phaze-partition: no function calls #phaze.layer functions; "
              "run phaze-workload-pipeline and phaze-schedule first";

  // The chain: layer calls in the entry block, in order.
  std::vector<func::CallOp> calls;
  llvm::DenseMap<Operation *, int> position;
  for (Operation &op : w.entry.getBody().front())
    if (auto call = llvm::dyn_cast<func::CallOp>(op)) {
      auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
      if (callee && callee->hasAttr("phaze.layer")) {
        position[call] = calls.size();
        calls.push_back(call);
      }
    }
  func::CallOp nested;
  w.entry.walk([&](func::CallOp call) {
    auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
    if (callee && callee->hasAttr("phaze.layer") && !position.count(call))
      nested = call;
  });
  if (nested)
    return nested.emitError()
           << "phaze-partition: a layer call inside a nested region; the "
              "chain must be the entry function's top-level layer calls";

  // The bytes crossing each boundary: every result of layer k counts on
  // the boundaries up to the last layer that reads it, directly or through
  // ops between the layers (reshapes, casts, adds).
  int n = calls.size();
  std::vector<double> crossing(n, 0);
  for (int k = 0; k < n; ++k)
    for (Value v : calls[k]->getResults()) {
      int last = k;
      SmallVector<Value> work{v};
      llvm::DenseSet<Value> seen{v};
      while (!work.empty()) {
        Value x = work.pop_back_val();
        for (Operation *user : x.getUsers()) {
          Operation *top =
              w.entry.getBody().front().findAncestorOpInBlock(*user);
          auto it = top ? position.find(top) : position.end();
          if (it != position.end()) {
            last = std::max(last, it->second);
            continue;
          }
          if (top)
            for (Value r : top->getResults())
              if (seen.insert(r).second)
                work.push_back(r);
        }
      }
      if (last == k)
        continue;
      std::optional<double> bytes = tensorBytes(v.getType());
      if (!bytes)
        return calls[k].emitError()
               << "phaze-partition: a value of type " << v.getType()
               << " crosses layers and its size is unknown (dynamic shape "
                  "or an element type without a size)";
      for (int b = k; b < last; ++b)
        crossing[b] += *bytes;
    }

  // Each layer function is read once, however often the chain calls it.
  llvm::DenseMap<Operation *, PlanLayer> perFunction;
  for (int k = 0; k < n; ++k) {
    auto fn = symbols.lookup<func::FuncOp>(calls[k].getCallee());
    auto [it, inserted] = perFunction.try_emplace(fn);
    if (inserted) {
      FailureOr<PlanLayer> l = loadLayer(symbols, fn, w.t);
      if (failed(l))
        return failure();
      it->second = *l;
    }
    PlanLayer l = it->second;
    l.outputBytes = crossing[k];
    w.layers.push_back(l);
    w.functions.push_back(fn);
  }
  // The core: the positions calling the most repeated layer function.
  {
    int64_t most = 0;
    for (func::FuncOp fn : w.functions)
      most = std::max(
          most, llvm::cast<LayerAttr>(fn->getAttr("phaze.layer")).getRepeats());
    for (int k = 0; k < n; ++k)
      if (llvm::cast<LayerAttr>(w.functions[k]->getAttr("phaze.layer"))
              .getRepeats() == most) {
        if (w.coreLast < 0)
          w.coreFirst = k;
        w.coreLast = k;
      }
  }
  // Samples per microbatch and tokens per sample from the first input.
  if (w.entry.getNumArguments() > 0)
    if (auto in =
            llvm::dyn_cast<RankedTensorType>(w.entry.getArgument(0).getType()))
      if (in.hasStaticShape() && in.getRank() >= 1) {
        w.samplesPerMicrobatch = in.getDimSize(0);
        if (in.getRank() >= 2 && llvm::isa<IntegerType>(in.getElementType()))
          w.tokensPerSample = in.getDimSize(1);
      }
  return w;
}

/// The plan attribute of a phaze-semantics plan.
PlanAttr planAttr(MLIRContext *ctx, const Plan &plan, int64_t mbs,
                  double solveS) {
  SmallVector<Attribute> stages;
  for (const PlanStage &s : plan.stages)
    stages.push_back(StageAttr::get(ctx, s.first, s.last, plan.t, s.recompute,
                                    s.loadS, s.memoryBytes));
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
                                    s.recompute, s.load, s.memoryBytes));
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
               const Workload &w) {
  os << llvm::formatv("{0}: t = {1}, d = {2}, p = {3} ({4} devices), {5} "
                      "microbatches of {6} per pipeline\n",
                      title, plan.getT(), plan.getD(), plan.getP(),
                      plan.getT() * plan.getD() * plan.getP(),
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
  os << "  stage  layers                                   load (s)  "
        "memory (GB)  recompute\n";
  for (auto [k, a] : llvm::enumerate(plan.getStages())) {
    auto st = llvm::cast<StageAttr>(a);
    int64_t first = st.getFirstLayer(), last = st.getLastLayer();
    std::string layers;
    // Runs of the same layer function: "@f x12".
    for (int64_t i = first; i <= last;) {
      int64_t j = i;
      while (j + 1 <= last && w.functions[j + 1] == w.functions[i])
        ++j;
      if (!layers.empty())
        layers += " ";
      func::FuncOp fn = w.functions[i];
      layers += "@" + fn.getSymName().str();
      if (j > i)
        layers += " x" + std::to_string(j - i + 1);
      i = j + 1;
    }
    os << llvm::formatv("  {0,5}  {1,-40} {2,9:f5}  {3,11:f2}  {4}\n", k,
                        layers, st.getLoadS().value(),
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
  RecomputePolicy policy;
  if (recompute == "off")
    policy = RecomputePolicy::Off;
  else if (recompute == "full")
    policy = RecomputePolicy::Full;
  else if (recompute == "auto")
    policy = RecomputePolicy::Auto;
  else
    return fail("recompute must be off, full or auto, got '" + recompute + "'");
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
  FailureOr<Workload> w = loadWorkload(module);
  if (failed(w))
    return signalPassFailure();
  llvm::scope_exit printReport([&] {
    if (!report)
      return;
    auto plan = module->getAttrOfType<PlanAttr>(PlanAttr::getAttrName());
    if (!plan)
      return;
    auto fixed = module->getAttrOfType<PlanAttr>(PlanAttr::getFixedAttrName());
    printPlan(llvm::outs(), "phaze-partition: optimum", plan, *w);
    if (fixed) {
      printPlan(llvm::outs(), "fixed Megatron-style split", fixed, *w);
      llvm::outs() << llvm::formatv(
          "optimum vs fixed split: {0:f2}x the throughput\n",
          fixed.getTimePerIterationS().value() /
              plan.getTimePerIterationS().value());
    }
  });

  accel::SystemAttr sys = sysOp.getSpec();
  accel::ChipAttr chipSpec = chipOp.getSpec();
  PlanProblem p;
  p.layers = w->layers;
  p.devices = devices > 0 ? static_cast<int64_t>(devices) : sys.getDevices();
  p.devicesPerNode = sys.getDevicesPerNode();
  accel::LinkAttr inter = sys.getInterNode();
  accel::LinkAttr intra = sys.getIntraNode() ? sys.getIntraNode() : inter;
  p.interNode = {inter.getBandwidthBytesPerS(), inter.getLatencyS()};
  p.intraNode = {intra.getBandwidthBytesPerS(), intra.getLatencyS()};
  p.memoryBytes =
      memoryGiB > 0
          ? memoryGiB * 1073741824.0
          : static_cast<double>(chipSpec.getOffChip().getCapacityBytes());
  // MFU is relative to the dense tensor peak (312 TFLOP/s on an A100).
  p.peakFlopsPerS = chipSpec.getTensorPeakFlops();
  p.t = w->t;
  int64_t mbs = microbatchSize > 0 ? static_cast<int64_t>(microbatchSize)
                                   : w->samplesPerMicrobatch;
  int64_t tokens = tokensPerSample > 0 ? static_cast<int64_t>(tokensPerSample)
                                       : w->tokensPerSample;
  if (globalBatch < 1 || mbs < 1 || globalBatch % mbs != 0)
    return fail(llvm::formatv("global-batch ({0}) must be a positive "
                              "multiple of the microbatch size ({1})",
                              static_cast<int64_t>(globalBatch), mbs)
                    .str());
  p.microbatches = globalBatch / mbs;
  p.samplesPerMicrobatch = mbs;
  p.tokensPerSample = tokens;
  p.schedule = schedule;
  p.recompute = policy;
  std::string error;
  if (!p.check(error))
    return fail(error);

  if (semantics == "phaze-reference") {
    PhazeProblem q;
    PhazeGraph g;
    g.t = p.t;
    for (auto [k, l] : llvm::enumerate(p.layers)) {
      g.layers.push_back({static_cast<int64_t>(k), l.parameterBytes,
                          l.stashBytes, l.forwardS, l.backwardS, p.t > 1});
      if (k + 1 < p.layers.size())
        g.edges.push_back(
            {static_cast<int>(k), static_cast<int>(k + 1), l.outputBytes});
    }
    q.graphs.push_back(g);
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
