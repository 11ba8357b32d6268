//===- TensorParallel.cpp - Megatron tensor parallelism by structure ------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Rewrites each layer function into its per-device form for tensor-parallel
// width t, the way Megatron-LM partitions a transformer layer:
//
// * a column-parallel contraction (a matmul with a weight whose output
//   columns are split) starts a split region: its output's column dimension
//   is divided by t;
// * the split is propagated forward through the ops that consume it,
//   following indexing maps (elementwise ops, transposes, reductions over
//   other dimensions, batch matmuls over the split heads), slices and
//   reshapes (a split column dimension expanded into heads x head-size
//   splits the heads);
// * a contraction that reduces over the split dimension is row-parallel:
//   its weight's rows are split, its output is a partial sum, and a
//   phaze.all_reduce follows it; the column-parallel layer's input gets a
//   phaze.grad_all_reduce (identity forward, all-reduce of the gradient).
//
// Candidates are found by structure: every contraction with a 2-D weight is
// tried as column-parallel; a candidate whose split reaches an op that
// cannot take it (a residual add, a LayerNorm over the split dimension, the
// function's results) is dropped and the propagation restarts, so the
// attention output and FFN output projections end up row-parallel, and LM
// heads and embeddings stay replicated.
//
//===----------------------------------------------------------------------===//

#include "phaze/Dialect/Phaze/IR/PhazeOps.h"
#include "phaze/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallBitVector.h"

namespace mlir {
namespace phaze {
#define GEN_PASS_DEF_PHAZETENSORPARALLELPASS
#include "phaze/Transforms/Passes.h.inc"
} // namespace phaze
} // namespace mlir

using namespace mlir;
using namespace mlir::phaze;

namespace {

/// How a value is split: dimension `dim` of its type is divided by t.
/// `inner` says which part of the dimension carries the split: -1 when the
/// devices hold contiguous blocks of it, else the product of the sizes of
/// the components inside the split one (after collapsing a split dimension
/// with inner dimensions).
struct Split {
  int64_t dim;
  int64_t inner;
  bool operator==(const Split &o) const {
    return dim == o.dim && inner == o.inner;
  }
};

bool isConst(Value v) {
  Operation *d = v.getDefiningOp();
  return d && d->hasTrait<OpTrait::ConstantLike>();
}

/// A float tensor constant of rank 2: a weight matrix.
bool isWeightMatrix(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return isConst(v) && t && t.getRank() == 2 &&
         isa<FloatType>(t.getElementType());
}

/// Whether `op`'s payload multiplies two inputs and accumulates.
bool isContraction(linalg::LinalgOp op) {
  return op.getNumDpsInputs() == 2 && op.getNumDpsInits() == 1 &&
         op.getNumReductionLoops() > 0 &&
         succeeded(linalg::inferContractionDims(op));
}

/// A value created from nothing the split could conflict with: a constant,
/// an empty tensor, or a fill of one.
bool isSplittableProducer(Value v) {
  Operation *d = v.getDefiningOp();
  if (!d)
    return false;
  if (d->hasTrait<OpTrait::ConstantLike>() || isa<tensor::EmptyOp>(d))
    return true;
  if (auto fill = dyn_cast<linalg::FillOp>(d))
    return isSplittableProducer(fill.getDpsInitOperand(0)->get());
  return false;
}

class Partitioner {
public:
  Partitioner(func::FuncOp fn, int64_t t) : fn(fn), t(t) {}

  /// Finds the seeds that partition consistently. Returns failure if no
  /// consistent set exists.
  void analyze() {
    uniquifyProducers();
    fn.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics() || !isContraction(op))
        return;
      for (OpOperand *in : op.getDpsInputOperands())
        if (isWeightMatrix(in->get())) {
          seeds.push_back({op, in});
          return;
        }
    });
    alive.resize(seeds.size(), true);
    while (true) {
      split.clear();
      origin.clear();
      rowParallel.clear();
      failedSeeds.reset();
      failedSeeds.resize(seeds.size());
      conflicts.reset();
      conflicts.resize(seeds.size());
      for (size_t i = 0; i < seeds.size(); ++i)
        if (alive[i])
          seed(i);
      drain();
      // Drop the seeds whose split failed; only when none failed, drop the
      // candidates that turned out row-parallel (a failing seed's split can
      // reach a good candidate's reduction spuriously).
      llvm::SmallBitVector drop = failedSeeds.any() ? failedSeeds : conflicts;
      if (drop.none())
        break;
      for (int i : drop.set_bits())
        alive[i] = false;
    }
  }

  bool empty() const { return rowParallel.empty(); }

  /// Rewrites the function. Emits an error and fails when t does not divide
  /// a split dimension.
  LogicalResult rewrite();

private:
  /// Gives each use of an empty tensor, a fill or a tensor constant its own
  /// producer, so that splitting one use never changes another.
  void uniquifyProducers() {
    OpBuilder b(fn.getContext());
    SmallVector<Operation *> producers;
    fn.walk([&](Operation *op) {
      if (op->getNumResults() != 1 ||
          !isa<RankedTensorType>(op->getResult(0).getType()))
        return; // memref fills and other bufferized ops are left alone
      if (isa<tensor::EmptyOp, linalg::FillOp>(op) ||
          op->hasTrait<OpTrait::ConstantLike>())
        producers.push_back(op);
    });
    // Fills first (they use empties), in reverse so clones stay dominated.
    for (Operation *op : llvm::reverse(producers)) {
      Value r = op->getResult(0);
      SmallVector<OpOperand *> uses;
      for (OpOperand &u : r.getUses())
        uses.push_back(&u);
      for (size_t i = 1; i < uses.size(); ++i) {
        b.setInsertionPoint(op);
        Operation *c = b.clone(*op);
        uses[i]->set(c->getResult(0));
      }
    }
  }

  struct Seed {
    linalg::LinalgOp op;
    OpOperand *weight;
  };

  void seed(size_t i) {
    linalg::LinalgOp op = seeds[i].op;
    OpOperand *w = seeds[i].weight;
    AffineMap m = op.getMatchingIndexingMap(w);
    // The weight's output (parallel) dimension.
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    for (auto [j, e] : llvm::enumerate(m.getResults())) {
      auto d = dyn_cast<AffineDimExpr>(e);
      if (d && iters[d.getPosition()] == utils::IteratorType::parallel) {
        llvm::SmallBitVector o(seeds.size());
        o.set(i);
        mark(w->get(), {static_cast<int64_t>(j), -1}, o);
        return;
      }
    }
  }

  void fail(const llvm::SmallBitVector &o) { failedSeeds |= o; }

  /// Records that `v` is split as `s`, from seeds `o`.
  void mark(Value v, Split s, const llvm::SmallBitVector &o) {
    auto it = split.find(v);
    if (it != split.end()) {
      if (!(it->second == s)) {
        llvm::SmallBitVector both = o;
        both |= origin[v];
        fail(both);
      } else {
        origin[v] |= o;
      }
      return;
    }
    // A dynamic extent cannot be checked for divisibility by t: the seeds
    // that reach it stay replicated.
    auto shaped = dyn_cast<ShapedType>(v.getType());
    if (!shaped || !shaped.hasRank() || s.dim >= shaped.getRank() ||
        shaped.isDynamicDim(s.dim)) {
      fail(o);
      return;
    }
    split[v] = s;
    origin[v] = o;
    worklist.push_back(v);
    // A splittable producer's inputs follow it (fill -> its init).
    if (auto fill = v.getDefiningOp<linalg::FillOp>())
      mark(fill.getDpsInitOperand(0)->get(), s, o);
  }

  void drain() {
    while (!worklist.empty()) {
      Value v = worklist.pop_back_val();
      // Copies: visiting inserts into the maps.
      Split s = split[v];
      llvm::SmallBitVector o = origin[v];
      for (OpOperand &use : llvm::make_early_inc_range(v.getUses()))
        visit(use, s, o);
    }
    for (auto [v, want, o] : pending) {
      auto it = split.find(v);
      if (it == split.end() || !(it->second == want))
        fail(o);
    }
    pending.clear();
  }

  void visit(OpOperand &use, Split s, const llvm::SmallBitVector &o);
  bool compoundSurvivesSplit(linalg::LinalgOp op, AffineExpr e,
                             unsigned loop) const;
  static bool onlyUnderMod(AffineExpr e, unsigned loop);
  void visitLinalg(linalg::LinalgOp op, OpOperand &use, Split s,
                   const llvm::SmallBitVector &o);

  func::FuncOp fn;
  int64_t t;
  SmallVector<Seed> seeds;
  llvm::SmallBitVector alive, failedSeeds, conflicts;
  DenseMap<Value, Split> split;
  DenseMap<Value, llvm::SmallBitVector> origin;
  SmallVector<Value> worklist;
  /// Activations that must end up split as given.
  SmallVector<std::tuple<Value, Split, llvm::SmallBitVector>> pending;
  llvm::SetVector<Operation *> rowParallel;
};

/// Whether every `mod` and `floordiv` divisor in `e` divides the local
/// extent of `loop` (its static range divided by t) and `e` has no other
/// non-affine use of it.
static bool compoundSurvives(linalg::LinalgOp op, AffineExpr e, unsigned loop,
                             int64_t t) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t extent = ranges[loop];
  if (ShapedType::isDynamic(extent) || extent % t != 0)
    return false;
  int64_t local = extent / t;
  bool ok = true;
  e.walk([&](AffineExpr sub) {
    auto bin = dyn_cast<AffineBinaryOpExpr>(sub);
    if (!bin || (sub.getKind() != AffineExprKind::Mod &&
                 sub.getKind() != AffineExprKind::FloorDiv &&
                 sub.getKind() != AffineExprKind::CeilDiv))
      return;
    auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
    if (!c || c.getValue() <= 0 || local % c.getValue() != 0)
      ok = false;
  });
  return ok;
}

/// Whether `loop` appears in `e` only inside `mod` subexpressions.
static bool onlyUnderModExpr(AffineExpr e, unsigned loop) {
  if (auto bin = dyn_cast<AffineBinaryOpExpr>(e)) {
    if (e.getKind() == AffineExprKind::Mod)
      return true;
    return onlyUnderModExpr(bin.getLHS(), loop) &&
           onlyUnderModExpr(bin.getRHS(), loop);
  }
  if (auto d = dyn_cast<AffineDimExpr>(e))
    return d.getPosition() != loop;
  return true;
}

void Partitioner::visitLinalg(linalg::LinalgOp op, OpOperand &use, Split s,
                              const llvm::SmallBitVector &o) {
  if (isa<linalg::FillOp>(op))
    return; // a fill's init follows the fill (see mark)
  AffineMap m = op.getMatchingIndexingMap(&use);
  auto d = dyn_cast<AffineDimExpr>(m.getResult(s.dim));
  if (!d) {
    // Read through a compound index (rotary's rotate-half): fine when the
    // same value is also read plainly; that use carries the split and
    // checks this one.
    bool plain = llvm::any_of(op->getOpOperands(), [&](OpOperand &other) {
      return &other != &use && other.get() == use.get() &&
             isa<AffineDimExpr>(
                 op.getMatchingIndexingMap(&other).getResult(s.dim));
    });
    if (!plain)
      return fail(o);
    return;
  }
  unsigned loop = d.getPosition();
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  // A candidate column-parallel contraction that receives a split over its
  // reduction is row-parallel instead: drop it as a candidate.
  if (iters[loop] == utils::IteratorType::reduction) {
    for (auto [i, sd] : llvm::enumerate(seeds))
      if (alive[i] && sd.op == op && &use != sd.weight) {
        conflicts.set(i);
        return;
      }
  }
  // Every operand indexed by the loop is split the same way.
  for (OpOperand &other : op->getOpOperands()) {
    if (&other == &use || !isa<ShapedType>(other.get().getType()))
      continue;
    AffineMap om = op.getMatchingIndexingMap(&other);
    for (auto [j, e] : llvm::enumerate(om.getResults())) {
      if (!e.isFunctionOfDim(loop))
        continue;
      auto od = dyn_cast<AffineDimExpr>(e);
      if (!od) {
        // A compound index of the split loop (rotary's rotate-half within a
        // head, a table indexed by `j mod d`) survives the split if every
        // mod/floordiv divisor divides the local extent: then the device's
        // local loop indexes the same local elements.
        if (!compoundSurvivesSplit(op, e, loop))
          return fail(o);
        if (onlyUnderMod(e, loop))
          continue; // periodic in the loop: the operand stays whole
      }
      Split want{static_cast<int64_t>(j), s.inner};
      auto it = split.find(other.get());
      if (it != split.end()) {
        if (!(it->second == want))
          return fail(o);
        continue;
      }
      if (!isSplittableProducer(other.get())) {
        // An activation: it must be split the same way by the time the
        // propagation ends (checked in drain).
        pending.push_back({other.get(), want, o});
        continue;
      }
      mark(other.get(), want, o);
    }
  }
  if (iters[loop] == utils::IteratorType::reduction) {
    // Row-parallel: only a contraction may reduce over the split.
    if (!isContraction(op))
      return fail(o);
    // Each device's partial sum starts from the init; the all-reduce adds t
    // of them, so the init must be zero (an empty tensor or a zero fill).
    Value init = op.getDpsInitOperand(0)->get();
    auto fill = init.getDefiningOp<linalg::FillOp>();
    bool zeroInit = init.getDefiningOp<tensor::EmptyOp>() ||
                    (fill && matchPattern(fill.getDpsInputOperand(0)->get(),
                                          m_AnyZeroFloat()));
    if (!zeroInit)
      return fail(o);
    rowParallel.insert(op);
    return;
  }
  for (OpResult r : op->getResults()) {
    AffineMap om =
        op.getMatchingIndexingMap(op.getDpsInitOperand(r.getResultNumber()));
    for (auto [j, e] : llvm::enumerate(om.getResults()))
      if (auto od = dyn_cast<AffineDimExpr>(e); od && od.getPosition() == loop)
        mark(r, {static_cast<int64_t>(j), s.inner}, o);
  }
}

void Partitioner::visit(OpOperand &use, Split s,
                        const llvm::SmallBitVector &o) {
  Operation *user = use.getOwner();
  if (auto lop = dyn_cast<linalg::LinalgOp>(user))
    return visitLinalg(lop, use, s, o);
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(user)) {
    if (slice.getSourceType().getRank() != slice.getType().getRank() ||
        s.inner != -1)
      return fail(o);
    return mark(slice.getResult(), s, o);
  }
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(user)) {
    ArrayRef<int64_t> shape = expand.getResultType().getShape();
    ReassociationIndices group = expand.getReassociationIndices()[s.dim];
    int64_t chosen = -1;
    if (s.inner == -1) {
      for (int64_t g : group)
        if (shape[g] != 1) {
          chosen = g;
          break;
        }
    } else {
      int64_t inner = 1;
      for (int64_t k = group.size() - 1; k >= 0; --k) {
        if (inner == s.inner) {
          chosen = group[k];
          break;
        }
        inner *= shape[group[k]];
      }
    }
    if (chosen < 0)
      return fail(o);
    return mark(expand.getResult(), {chosen, -1}, o);
  }
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(user)) {
    ArrayRef<int64_t> shape = collapse.getSrcType().getShape();
    for (auto [r, group] :
         llvm::enumerate(collapse.getReassociationIndices())) {
      auto pos = llvm::find(group, s.dim);
      if (pos == group.end())
        continue;
      bool outer = llvm::all_of(llvm::make_range(group.begin(), pos),
                                [&](int64_t g) { return shape[g] == 1; });
      int64_t inner = 1;
      for (auto it = std::next(pos); it != group.end(); ++it)
        inner *= shape[*it];
      int64_t newInner = s.inner == -1 ? (outer ? -1 : inner) : s.inner * inner;
      return mark(collapse.getResult(), {static_cast<int64_t>(r), newInner}, o);
    }
    return fail(o);
  }
  // Anything else (returns, calls, unknown ops) cannot take a split value.
  fail(o);
}

bool Partitioner::compoundSurvivesSplit(linalg::LinalgOp op, AffineExpr e,
                                        unsigned loop) const {
  return compoundSurvives(op, e, loop, t);
}

bool Partitioner::onlyUnderMod(AffineExpr e, unsigned loop) {
  return onlyUnderModExpr(e, loop);
}

LogicalResult Partitioner::rewrite() {
  OpBuilder b(fn.getContext());
  // Local types, checked for divisibility, in program order.
  SmallVector<Value> order;
  fn.walk([&](Operation *op) {
    for (Value r : op->getResults())
      if (split.count(r))
        order.push_back(r);
  });
  llvm::MapVector<Value, RankedTensorType> local;
  for (Value v : order) {
    Split s = split[v];
    auto type = cast<RankedTensorType>(v.getType());
    int64_t size = type.getDimSize(s.dim);
    if (size % t != 0) {
      Operation *def = v.getDefiningOp();
      InFlightDiagnostic diag =
          (def ? def->emitError() : fn.emitError())
          << "phaze-tensor-parallel: t = " << t << " does not divide "
          << "dimension " << s.dim << " (size " << size << ") of " << type
          << "; t must divide the hidden size, the number of heads and the "
             "FFN size";
      return diag;
    }
    SmallVector<int64_t> shape(type.getShape());
    shape[s.dim] /= t;
    local[v] = RankedTensorType::get(shape, type.getElementType());
  }
  // Producers and slices are rebuilt; other results change type in place.
  for (auto &[v, lt] : local) {
    Operation *def = v.getDefiningOp();
    if (!def)
      continue;
    b.setInsertionPoint(def);
    if (auto c = dyn_cast<arith::ConstantOp>(def)) {
      auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
      if (!dense || !dense.isSplat())
        return c.emitError() << "phaze-tensor-parallel: only splat weight "
                                "constants can be partitioned";
      auto nc =
          arith::ConstantOp::create(b, c.getLoc(), lt, dense.resizeSplat(lt));
      for (const NamedAttribute &a : c->getDiscardableAttrs())
        nc->setAttr(a.getName(), a.getValue());
      c.replaceAllUsesWith(nc.getResult());
      c.erase();
      continue;
    }
    if (auto e = dyn_cast<tensor::EmptyOp>(def)) {
      e.getResult().setType(lt);
      continue;
    }
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(def)) {
      int64_t k = split[v].dim;
      SmallVector<int64_t> offsets(slice.getStaticOffsets());
      SmallVector<int64_t> sizes(slice.getStaticSizes());
      if (ShapedType::isDynamic(offsets[k]) || offsets[k] % t != 0 ||
          sizes[k] % t != 0)
        return slice.emitError() << "phaze-tensor-parallel: t = " << t
                                 << " does not divide the slice along the "
                                    "split dimension";
      offsets[k] /= t;
      sizes[k] /= t;
      slice.setStaticOffsets(offsets);
      slice.setStaticSizes(sizes);
      slice.getResult().setType(lt);
      continue;
    }
    v.setType(lt);
  }
  // Collectives.
  for (Operation *op : rowParallel) {
    b.setInsertionPointAfter(op);
    Value r = op->getResult(0);
    auto ar = AllReduceOp::create(b, op->getLoc(), r, t);
    r.replaceAllUsesExcept(ar.getResult(), ar);
  }
  DenseMap<Value, Value> entered;
  for (auto [i, sd] : llvm::enumerate(seeds)) {
    if (!alive[i])
      continue;
    for (OpOperand *in : sd.op.getDpsInputOperands()) {
      if (in == sd.weight)
        continue;
      Value x = in->get();
      Value &f = entered[x];
      if (!f) {
        // Right after x's definition, so that it dominates every seed that
        // reads x (seeds may sit in different regions).
        if (auto arg = dyn_cast<BlockArgument>(x))
          b.setInsertionPointToStart(arg.getOwner());
        else
          b.setInsertionPointAfter(x.getDefiningOp());
        f = GradAllReduceOp::create(b, sd.op.getLoc(), x, t);
      }
      in->set(f);
    }
  }
  return success();
}

struct PhazeTensorParallelPass
    : public phaze::impl::PhazeTensorParallelPassBase<PhazeTensorParallelPass> {
  using PhazeTensorParallelPassBase::PhazeTensorParallelPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (t < 1) {
      module.emitError() << "phaze-tensor-parallel: t must be positive, got "
                         << t;
      return signalPassFailure();
    }
    SmallVector<int64_t> others;
    for (int64_t w : widths) {
      if (w < 1) {
        module.emitError()
            << "phaze-tensor-parallel: widths must be positive, got " << w;
        return signalPassFailure();
      }
      if (w != t && !llvm::is_contained(others, w))
        others.push_back(w);
    }
    if (t == 1 && others.empty())
      return markAllAnalysesPreserved();
    SmallVector<func::FuncOp> layers, all;
    for (func::FuncOp fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal() || fn->hasAttr(TrainingAttr::getAttrName()))
        continue;
      if (fn->hasAttr("phaze.width_of")) {
        fn.emitError() << "phaze-tensor-parallel: @" << fn.getSymName()
                       << " is already a width variant; run the pass once";
        return signalPassFailure();
      }
      all.push_back(fn);
      if (fn->hasAttr(LayerAttr::getAttrName()))
        layers.push_back(fn);
    }
    if (!others.empty() && layers.empty()) {
      module.emitError() << "phaze-tensor-parallel: widths need layer "
                            "functions; run phaze-outline-layers first";
      return signalPassFailure();
    }
    auto i64 = [&](int64_t v) {
      return IntegerAttr::get(IntegerType::get(&getContext(), 64), v);
    };
    // The variants, cloned before the layers are rewritten at width t.
    SymbolTable symbols(module);
    SmallVector<std::pair<func::FuncOp, int64_t>> variants;
    for (func::FuncOp fn : layers) {
      Operation *after = fn;
      for (int64_t w : others) {
        func::FuncOp clone = fn.clone();
        clone.setSymName((fn.getSymName() + "_t" + Twine(w)).str());
        clone->setAttr("phaze.width_of",
                       FlatSymbolRefAttr::get(fn.getSymNameAttr()));
        clone->setAttr("phaze.width", i64(w));
        symbols.insert(clone, std::next(after->getIterator()));
        after = clone;
        variants.push_back({clone, w});
      }
    }
    bool partitionedAny = false;
    auto partition = [&](func::FuncOp fn, int64_t width) -> LogicalResult {
      if (width == 1)
        return success();
      Partitioner p(fn, width);
      p.analyze();
      if (p.empty())
        return success();
      if (failed(p.rewrite()))
        return failure();
      fn->setAttr("phaze.tensor_parallel", i64(width));
      partitionedAny = true;
      return success();
    };
    if (t > 1)
      for (func::FuncOp fn : layers.empty() ? all : layers)
        if (failed(partition(fn, t)))
          return signalPassFailure();
    for (auto [fn, w] : variants)
      if (failed(partition(fn, w)))
        return signalPassFailure();
    if (!partitionedAny)
      module.emitWarning() << "phaze-tensor-parallel: no column-parallel / "
                              "row-parallel contraction pair found; the "
                              "model stays replicated";
  }
};

} // namespace
