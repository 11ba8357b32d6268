//===- Loaders.cpp - IR to the IR-free problems of the libraries ----------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Transforms/Loaders.h"
#include "phaze/Analysis/OpAnalysis.h"
#include "phaze/Dialect/Phaze/IR/PhazeOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <functional>
#include <map>
#include <set>

using namespace mlir;
using namespace mlir::phaze;
using namespace mlir::phaze::partition;

namespace {

int64_t bitsOf(Type t) {
  Type e = getElementTypeOrSelf(t);
  return e.isIntOrFloat() ? e.getIntOrFloatBitWidth() : 16;
}

cost::MemorySpec memory(accel::MemoryAttr m) {
  return {m.getCapacityBytes(), m.getBandwidthBytesPerS().value()};
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

} // namespace

//===----------------------------------------------------------------------===//
// Cost model
//===----------------------------------------------------------------------===//

cost::ChipSpec mlir::phaze::lowerChip(accel::ChipAttr c) {
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

cost::LinkSpec mlir::phaze::collectiveLink(accel::SystemAttr s,
                                           int64_t groupSize) {
  accel::LinkAttr l = groupSize <= s.getDevicesPerNode() && s.getIntraNode()
                          ? s.getIntraNode()
                          : s.getInterNode();
  return {l.getBandwidthBytesPerS(), l.getLatencyS()};
}

std::optional<cost::OpWork> mlir::phaze::loadOpWork(Operation *op,
                                                    OpAnalysisAttr attr) {
  cost::OpWork w;
  w.bytesRead = attr.getBytesRead();
  w.bytesWritten = attr.getBytesWritten();
  w.elementBits = op->getNumResults() ? bitsOf(op->getResult(0).getType()) : 16;
  switch (attr.getOpClass()) {
  case OpClass::Tensor:
    w.kind = cost::OpWork::Kind::Contraction;
    w.op = loopNest(cast<linalg::LinalgOp>(op));
    return w;
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
    return w;
  }
  case OpClass::DataMovement:
    w.kind = cost::OpWork::Kind::Movement;
    return w;
  case OpClass::Collective:
    w.kind = cost::OpWork::Kind::Collective;
    w.groupSize = cast<AllReduceOp>(op).getGroupSize();
    return w;
  case OpClass::Free:
    w.kind = cost::OpWork::Kind::Free;
    return w;
  case OpClass::Unknown:
    return std::nullopt;
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Scheduling
//===----------------------------------------------------------------------===//

sched::UnitKind mlir::phaze::unitKindOf(OpClass c) {
  switch (c) {
  case OpClass::Tensor:
    return sched::UnitKind::Tensor;
  case OpClass::Collective:
    return sched::UnitKind::None;
  default: // vector work and data movement run on the vector units
    return sched::UnitKind::Vector;
  }
}

std::vector<std::pair<int, int>>
mlir::phaze::taskDependences(func::FuncOp fn, ArrayRef<Operation *> tasks) {
  Block &body = fn.getBody().front();
  DenseMap<Operation *, int> index;
  for (auto [i, op] : llvm::enumerate(tasks))
    index[op] = i;
  // The nearest task producers of a top-level op, through non-task ops.
  DenseMap<Operation *, SmallVector<int>> producers;
  std::function<const SmallVector<int> &(Operation *)> tasksFeeding =
      [&](Operation *op) -> const SmallVector<int> & {
    auto it = producers.find(op);
    if (it != producers.end())
      return it->second;
    SmallVector<int> found;
    op->walk([&](Operation *inner) {
      for (Value v : inner->getOperands()) {
        Operation *def = v.getDefiningOp();
        if (!def || op->isAncestor(def) || def->getBlock() == nullptr)
          continue;
        Operation *top = body.findAncestorOpInBlock(*def);
        if (!top)
          continue;
        auto t = index.find(top);
        if (t != index.end())
          found.push_back(t->second);
        else
          for (int x : tasksFeeding(top))
            found.push_back(x);
      }
    });
    llvm::sort(found);
    found.erase(std::unique(found.begin(), found.end()), found.end());
    return producers[op] = std::move(found);
  };
  std::vector<std::pair<int, int>> edges;
  for (auto [i, op] : llvm::enumerate(tasks)) {
    Operation *top = body.findAncestorOpInBlock(*op);
    for (int a : tasksFeeding(top))
      if (a != static_cast<int>(i))
        edges.push_back({a, static_cast<int>(i)});
  }
  return edges;
}

sched::Problem mlir::phaze::makeScheduleProblem(
    ArrayRef<std::string> names, ArrayRef<TaskEstimate> est,
    ArrayRef<std::pair<int, int>> edges, std::vector<int> &taskOf) {
  int n = est.size();
  sched::Problem p;
  p.tensorUnits = 0;
  p.vectorUnits = 0;
  std::vector<int> problemIndex(n, -1);
  taskOf.clear();
  for (int i = 0; i < n; ++i) {
    const TaskEstimate &e = est[i];
    if (!(e.singleS > 0))
      continue;
    sched::Task t;
    if (!names.empty())
      t.name = names[i];
    t.kind = e.kind;
    t.single = e.singleS;
    t.parallel = e.parallelS;
    if (e.kind == sched::UnitKind::None)
      t.parallel = t.single;
    else if (e.kind == sched::UnitKind::Tensor)
      p.tensorUnits = std::max(p.tensorUnits, e.units);
    else
      p.vectorUnits = std::max(p.vectorUnits, e.units);
    problemIndex[i] = taskOf.size();
    taskOf.push_back(i);
    p.tasks.push_back(t);
  }
  p.tensorUnits = std::max<int64_t>(p.tensorUnits, 1);
  p.vectorUnits = std::max<int64_t>(p.vectorUnits, 1);
  if (static_cast<int>(taskOf.size()) == n) { // nothing dropped
    p.edges.assign(edges.begin(), edges.end());
    return p;
  }
  // Dependences among kept tasks, through dropped ones: a dropped task's
  // kept predecessors (found transitively) precede its successors.
  std::vector<std::vector<int>> preds(n);
  for (auto [a, b] : edges)
    preds[b].push_back(a);
  std::vector<std::vector<int>> keptPreds(n);
  std::vector<char> done(n, 0);
  std::function<const std::vector<int> &(int)> keptFeeding =
      [&](int i) -> const std::vector<int> & {
    if (done[i])
      return keptPreds[i];
    done[i] = 1;
    std::vector<int> out;
    for (int a : preds[i]) {
      if (problemIndex[a] >= 0)
        out.push_back(problemIndex[a]);
      else
        for (int x : keptFeeding(a))
          out.push_back(x);
    }
    llvm::sort(out);
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return keptPreds[i] = std::move(out);
  };
  for (int i = 0; i < n; ++i)
    if (problemIndex[i] >= 0)
      for (int a : keptFeeding(i))
        p.edges.push_back({a, problemIndex[i]});
  return p;
}

//===----------------------------------------------------------------------===//
// Placement
//===----------------------------------------------------------------------===//

namespace {

/// A layer function's figures (everything but its makespans and output
/// bytes); raises `t` to its width.
FailureOr<PlanLayer> loadLayer(SymbolTable &symbols, func::FuncOp fn,
                               StringRef pass, int64_t &t,
                               func::FuncOp &backward,
                               func::FuncOp &optimizer) {
  auto training = fn->getAttrOfType<TrainingAttr>(TrainingAttr::getAttrName());
  if (!training)
    return fn.emitError() << pass << ": @" << fn.getSymName()
                          << " has no #phaze.training; run "
                             "phaze-training-graph first";
  backward = symbols.lookup<func::FuncOp>(training.getBackward().getValue());
  optimizer = symbols.lookup<func::FuncOp>(training.getOptimizer().getValue());
  if (!backward || !optimizer)
    return fn.emitError() << pass << ": the backward or optimizer function of @"
                          << fn.getSymName() << " is missing";
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
  l.parameterBytes = training.getParameterBytes();
  l.gradientBytes = training.getGradientBytes();
  l.optimizerStateBytes = training.getOptimizerStateBytes();
  l.stashBytes = training.getSavedBytes();
  l.recomputeStashBytes = training.getRecomputeSavedBytes();
  l.forwardFlops = flops;
  // Selective recomputation: the attention core's forward time, its ops'
  // durations in the layer's schedule (their one-unit estimates when the
  // layer is not scheduled).
  if (training.getSelectiveSavedBytes() >= 0) {
    l.selectiveStashBytes = training.getSelectiveSavedBytes();
    fn.walk([&](Operation *op) {
      if (!op->hasAttr("phaze.selective_recompute"))
        return;
      if (auto s = op->getAttrOfType<ScheduleAttr>(ScheduleAttr::getAttrName()))
        l.selectiveRecomputeS += s.getDurationS().value();
      else if (auto e =
                   op->getAttrOfType<EstimateAttr>(EstimateAttr::getAttrName()))
        l.selectiveRecomputeS += e.getLatencyS().value();
    });
  }
  return l;
}

} // namespace

FailureOr<LayerChain> mlir::phaze::loadLayerChain(ModuleOp module,
                                                  StringRef pass) {
  SymbolTable symbols(module);
  LayerChain w;
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
             << pass << ": two entry functions call layers (@"
             << w.entry.getSymName() << " and @" << fn.getSymName() << ")";
    w.entry = fn;
  }
  if (!w.entry)
    return module.emitError()
           << pass
           << ": no function calls #phaze.layer functions; run "
              "phaze-workload-pipeline and phaze-schedule first";

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
           << pass
           << ": a layer call inside a nested region; the chain must be the "
              "entry function's top-level layer calls";

  // The bytes crossing each boundary: every result of layer k counts on
  // the boundaries up to the last layer that reads it, directly or through
  // ops between the layers (reshapes, casts, adds). Also which layers read
  // which, and the bytes of each layer's results that later layers read.
  int n = calls.size();
  std::vector<double> crossing(n, 0), produced(n, 0);
  std::set<std::pair<int, int>> reads;
  for (int k = 0; k < n; ++k)
    for (Value v : calls[k]->getResults()) {
      int last = k;
      std::set<int> readers;
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
            readers.insert(it->second);
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
               << pass << ": a value of type " << v.getType()
               << " crosses layers and its size is unknown (dynamic shape "
                  "or an element type without a size)";
      for (int b = k; b < last; ++b)
        crossing[b] += *bytes;
      produced[k] += *bytes;
      for (int r : readers)
        reads.insert({k, r});
    }
  // A chain unless some layer does not read its predecessor: then the
  // layers form a DAG (branches), stages are sets rather than intervals,
  // and a layer's output counts once per stage that reads it.
  bool chain = true;
  for (int k = 1; k < n; ++k)
    chain &= reads.count({k - 1, k}) > 0;
  if (!chain) {
    for (auto [a, b] : reads)
      w.edges.push_back({a, b});
    crossing = produced;
  }

  // Each layer function is read once, however often the chain calls it.
  struct Loaded {
    PlanLayer layer;
    func::FuncOp backward, optimizer;
  };
  // Appends layer function `fn` at chain position k to `into` (read through
  // `cache`; `t` is raised to its width).
  auto append = [&](func::FuncOp fn, int k,
                    llvm::DenseMap<Operation *, Loaded> &cache, int64_t &t,
                    ChainWidth &into) -> LogicalResult {
    auto [it, inserted] = cache.try_emplace(fn);
    if (inserted) {
      FailureOr<PlanLayer> l = loadLayer(
          symbols, fn, pass, t, it->second.backward, it->second.optimizer);
      if (failed(l))
        return failure();
      it->second.layer = *l;
    }
    PlanLayer l = it->second.layer;
    l.outputBytes = crossing[k];
    into.layers.push_back(l);
    into.forward.push_back(fn);
    into.backward.push_back(it->second.backward);
    into.optimizer.push_back(it->second.optimizer);
    return success();
  };
  {
    llvm::DenseMap<Operation *, Loaded> perFunction;
    ChainWidth primary;
    for (int k = 0; k < n; ++k)
      if (failed(append(symbols.lookup<func::FuncOp>(calls[k].getCallee()), k,
                        perFunction, w.t, primary)))
        return failure();
    w.layers = std::move(primary.layers);
    w.forward = std::move(primary.forward);
    w.backward = std::move(primary.backward);
    w.optimizer = std::move(primary.optimizer);
  }
  // The chain at other widths: every layer function's variant of that
  // width (a variant at the chain's own width adds nothing).
  std::map<int64_t, llvm::DenseMap<Operation *, func::FuncOp>> variants;
  for (func::FuncOp fn : module.getOps<func::FuncOp>()) {
    auto of = fn->getAttrOfType<FlatSymbolRefAttr>("phaze.width_of");
    if (!of)
      continue;
    auto width = fn->getAttrOfType<IntegerAttr>("phaze.width");
    auto layer = symbols.lookup<func::FuncOp>(of.getValue());
    if (!width || width.getInt() < 1 || !layer)
      return fn.emitError() << pass << ": @" << fn.getSymName()
                            << " is a width variant without a positive "
                               "phaze.width or of an unknown function";
    if (width.getInt() != w.t)
      variants[width.getInt()][layer] = fn;
  }
  for (auto &[t, of] : variants) {
    ChainWidth cw;
    cw.t = t;
    llvm::DenseMap<Operation *, Loaded> loaded;
    for (int k = 0; k < n; ++k) {
      auto fn = symbols.lookup<func::FuncOp>(calls[k].getCallee());
      auto it = of.find(fn);
      if (it == of.end())
        return calls[k].emitError()
               << pass << ": @" << fn.getSymName()
               << " has no variant of width " << t
               << " (other layers have one; run phaze-tensor-parallel "
               << "with widths= on the whole model)";
      int64_t ignored = 1;
      if (failed(append(it->second, k, loaded, ignored, cw)))
        return failure();
    }
    w.otherWidths.push_back(std::move(cw));
  }
  // The core: the positions calling the most repeated layer function.
  {
    int64_t most = 0;
    for (func::FuncOp fn : w.forward)
      most = std::max(
          most, llvm::cast<LayerAttr>(fn->getAttr("phaze.layer")).getRepeats());
    for (int k = 0; k < n; ++k)
      if (llvm::cast<LayerAttr>(w.forward[k]->getAttr("phaze.layer"))
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

LogicalResult mlir::phaze::fillMakespans(LayerChain &chain, StringRef pass) {
  auto makespanOf = [&](func::FuncOp fn) -> FailureOr<double> {
    auto m = fn->getAttrOfType<MakespanAttr>(MakespanAttr::getAttrName());
    if (!m)
      return fn.emitError() << pass << ": @" << fn.getSymName()
                            << " has no #phaze.makespan; run phaze-schedule "
                               "first";
    return m.getMakespanS().value();
  };
  auto fill = [&](std::vector<PlanLayer> &layers,
                  ArrayRef<func::FuncOp> forward,
                  ArrayRef<func::FuncOp> backward,
                  ArrayRef<func::FuncOp> optimizer) -> LogicalResult {
    for (size_t k = 0; k < layers.size(); ++k) {
      FailureOr<double> fw = makespanOf(forward[k]),
                        bw = makespanOf(backward[k]),
                        opt = makespanOf(optimizer[k]);
      if (failed(fw) || failed(bw) || failed(opt))
        return failure();
      layers[k].forwardS = *fw;
      layers[k].backwardS = *bw;
      layers[k].optimizerS = *opt;
    }
    return success();
  };
  if (failed(
          fill(chain.layers, chain.forward, chain.backward, chain.optimizer)))
    return failure();
  for (ChainWidth &cw : chain.otherWidths)
    if (failed(fill(cw.layers, cw.forward, cw.backward, cw.optimizer)))
      return failure();
  return success();
}

PlanProblem mlir::phaze::makePlanProblem(const LayerChain &w,
                                         accel::ChipAttr chip,
                                         accel::SystemAttr sys,
                                         const PlacementOptions &o,
                                         std::string &error) {
  PlanProblem p;
  p.layers = w.layers;
  p.devices = o.devices > 0 ? o.devices : sys.getDevices();
  p.devicesPerNode = sys.getDevicesPerNode();
  accel::LinkAttr inter = sys.getInterNode();
  accel::LinkAttr intra = sys.getIntraNode() ? sys.getIntraNode() : inter;
  p.interNode = {inter.getBandwidthBytesPerS(), inter.getLatencyS()};
  p.intraNode = {intra.getBandwidthBytesPerS(), intra.getLatencyS()};
  p.memoryBytes =
      o.memoryBytes > 0
          ? o.memoryBytes
          : static_cast<double>(chip.getOffChip().getCapacityBytes());
  // MFU is relative to the dense tensor peak (312 TFLOP/s on an A100).
  p.peakFlopsPerS = chip.getTensorPeakFlops();
  p.t = w.t;
  p.edges = w.edges;
  for (const ChainWidth &cw : w.otherWidths) {
    if (cw.t > p.devices)
      continue; // no stage that wide fits in the devices
    p.otherWidths.push_back({cw.t, cw.layers});
  }
  int64_t mbs =
      o.microbatchSize > 0 ? o.microbatchSize : w.samplesPerMicrobatch;
  int64_t tokens =
      o.tokensPerSample > 0 ? o.tokensPerSample : w.tokensPerSample;
  if (o.globalBatch < 1 || mbs < 1 || o.globalBatch % mbs != 0) {
    error = llvm::formatv("global-batch ({0}) must be a positive multiple of "
                          "the microbatch size ({1})",
                          o.globalBatch, mbs)
                .str();
    return p;
  }
  p.microbatches = o.globalBatch / mbs;
  p.samplesPerMicrobatch = mbs;
  p.tokensPerSample = tokens;
  p.schedule = o.schedule;
  p.recompute = o.recompute;
  p.checkpoint = o.checkpoint;
  if (o.selective) {
    // Every layer stashes all but its attention core and recomputes the
    // core before its backward (layers without one stash everything).
    auto select = [](std::vector<PlanLayer> &layers) {
      for (PlanLayer &l : layers)
        if (l.selectiveStashBytes >= 0) {
          l.stashBytes = l.selectiveStashBytes;
          l.backwardS += l.selectiveRecomputeS;
        }
    };
    select(p.layers);
    for (PlanWidth &w : p.otherWidths)
      select(w.layers);
    p.recompute = partition::RecomputePolicy::Off;
  }
  return p;
}
