//===- OutlineLayers.cpp - find repeated layers and outline them ----------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Finds runs of structurally identical, consecutive blocks of operations in a
// flat function (a model as a frontend emits it) and outlines each block kind
// into a layer function called once per repetition. Operations between runs
// become layer functions of their own, so the model becomes a sequence of
// calls. Blocks are compared by structure (operation names, attributes,
// types, regions and dataflow), never by names or locations.
//
// 1. Each top-level op gets a hash of its structure and of where its operands
//    come from: a constant (by value), a function argument, or the op a fixed
//    distance earlier. Repeated layers make this sequence periodic.
// 2. Periods are found as runs of h[i] == h[i + p]; the run that covers most
//    ops wins (ties: the shorter period).
// 3. Within the periodic span, block boundaries are placed where the fewest
//    values cross them (the residual stream of a transformer).
// 4. Every repetition is checked against the first with
//    OperationEquivalence, mapping internal values one-to-one and external
//    values bijectively, and the run is extended backward and forward by the
//    same check.
//
//===----------------------------------------------------------------------===//

#include "phaze/Analysis/OpAnalysis.h"
#include "phaze/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

#include <functional>

namespace mlir {
namespace phaze {
#define GEN_PASS_DEF_PHAZEOUTLINELAYERSPASS
#include "phaze/Transforms/Passes.h.inc"
} // namespace phaze
} // namespace mlir

using namespace mlir;
using namespace mlir::phaze;

namespace {

/// A candidate run: `reps` blocks of `period` ops starting at `start`.
struct Run {
  size_t start = 0;
  size_t period = 0;
  size_t reps = 0;
  /// How far the start may move right within the periodic span.
  size_t slack = 0;
  size_t coverage() const { return period * reps; }
};

/// The top-level ops of one block and what we know about them.
class BlockView {
public:
  BlockView(Block &block, const llvm::DenseSet<Operation *> &barriers)
      : block(block) {
    for (Operation &op : block.without_terminator())
      ops.push_back(&op);
    for (size_t i = 0; i < ops.size(); ++i)
      index[ops[i]] = i;
    for (size_t i = 0; i < ops.size(); ++i)
      barrier.push_back(barriers.contains(ops[i]));
  }

  /// Index of the top-level op that defines `v` (or owns the region whose
  /// block argument `v` is), or -1 for values defined outside the block
  /// (function arguments) and the terminator.
  int64_t defIndex(Value v) const {
    Operation *def = v.getDefiningOp();
    if (!def)
      def = v.getParentBlock()->getParentOp();
    if (!def)
      return -1;
    Operation *top = block.findAncestorOpInBlock(*def);
    if (!top)
      return -1;
    auto it = index.find(top);
    return it == index.end() ? -1 : static_cast<int64_t>(it->second);
  }

  /// Every value `op` (including its nested regions) reads.
  static void forEachUse(Operation *op, function_ref<void(Value)> fn) {
    op->walk([&](Operation *inner) {
      for (Value v : inner->getOperands())
        fn(v);
    });
  }

  bool isConstantDef(Value v) const {
    Operation *def = v.getDefiningOp();
    return def && def->hasTrait<OpTrait::ConstantLike>() &&
           def->getBlock() == &block;
  }

  /// Whether `v` is computed from constants alone by side-effect-free ops
  /// (tensor.empty, fills of it, hoisted conditions): frontends hoist and
  /// share such values across layers, so they match by structure, not by
  /// position.
  /// The values `def` uses that are defined outside it: its operands and
  /// the values its regions capture.
  static SmallVector<Value> usedFromOutside(Operation *def) {
    llvm::SetVector<Value> used(def->operand_begin(), def->operand_end());
    getUsedValuesDefinedAbove(def->getRegions(), used);
    return used.takeVector();
  }

  bool isInvariant(Value v) const {
    Operation *def = v.getDefiningOp();
    if (!def || def->getBlock() != &block)
      return false;
    auto it = invariant.find(def);
    if (it != invariant.end())
      return it->second;
    bool result = def->hasTrait<OpTrait::ConstantLike>() ||
                  (isMemoryEffectFree(def) &&
                   llvm::all_of(usedFromOutside(def),
                                [&](Value o) { return isInvariant(o); }));
    invariant[def] = result;
    return result;
  }

  /// A weight: a constant of tensor type. Layers differ in their weights'
  /// values, not in their shapes, so weights match by type.
  bool isWeight(Value v) const {
    return isConstantDef(v) && isa<ShapedType>(v.getType());
  }

  /// The structural hash of op `i` (see the file comment).
  llvm::hash_code hash(size_t i) const {
    Operation *op = ops[i];
    if (barrier[i])
      return llvm::hash_combine(op, i);
    if (op->getNumResults() == 1 && isWeight(op->getResult(0)))
      return llvm::hash_combine(op->getName().getAsOpaquePointer(),
                                op->getResult(0).getType());
    auto operandHash = [&](Value v) -> llvm::hash_code {
      if (isWeight(v))
        return llvm::hash_combine(4, v.getType());
      if (!isConstantDef(v) && isInvariant(v))
        return llvm::hash_combine(
            5, v.getType(), cast<OpResult>(v).getResultNumber(),
            OperationEquivalence::computeHash(
                v.getDefiningOp(), OperationEquivalence::ignoreHashValue,
                OperationEquivalence::ignoreHashValue,
                OperationEquivalence::IgnoreLocations));
      if (isConstantDef(v)) {
        Operation *c = v.getDefiningOp();
        return llvm::hash_combine(1,
                                  OperationEquivalence::computeHash(
                                      c, OperationEquivalence::ignoreHashValue,
                                      OperationEquivalence::ignoreHashValue,
                                      OperationEquivalence::IgnoreLocations));
      }
      // Arguments of the block sit at virtual positions just before its
      // first op, so a first layer reading the function's input hashes like
      // later layers reading their predecessor's output.
      if (auto arg = dyn_cast<BlockArgument>(v);
          arg && arg.getOwner() == &block)
        return llvm::hash_combine(
            3,
            static_cast<int64_t>(i) +
                static_cast<int64_t>(block.getNumArguments() -
                                     arg.getArgNumber()),
            0u);
      int64_t d = defIndex(v);
      if (d < 0)
        return llvm::hash_combine(2, v.getType());
      return llvm::hash_combine(3, static_cast<int64_t>(i) - d,
                                cast<OpResult>(v).getResultNumber());
    };
    llvm::hash_code h = OperationEquivalence::computeHash(
        op, operandHash, OperationEquivalence::ignoreHashValue,
        OperationEquivalence::IgnoreLocations |
            OperationEquivalence::IgnoreDiscardableAttrs);
    // Values captured by nested regions.
    op->walk([&](Operation *inner) {
      if (inner == op)
        return;
      h = llvm::hash_combine(h, inner->getName().getAsOpaquePointer());
      for (Value v : inner->getOperands())
        if (defIndex(v) != static_cast<int64_t>(i))
          h = llvm::hash_combine(h, operandHash(v));
    });
    return h;
  }

  /// Values defined before `cut` and used at or after it (constants and
  /// function arguments excluded).
  size_t crossing(size_t cut, size_t end) const {
    llvm::SmallPtrSet<Value, 8> seen;
    for (size_t i = cut; i < end; ++i)
      forEachUse(ops[i], [&](Value v) {
        int64_t d = defIndex(v);
        if (d >= 0 && static_cast<size_t>(d) < cut && !isConstantDef(v))
          seen.insert(v);
      });
    return seen.size();
  }

  /// Whether blocks [a, a + p) and [b, b + p) are structurally identical,
  /// with internal values corresponding one-to-one and external values
  /// bijectively.
  bool equivalent(size_t a, size_t b, size_t p) const {
    if (a + p > ops.size() || b + p > ops.size())
      return false;
    for (size_t k = 0; k < p; ++k)
      if (barrier[a + k] || barrier[b + k])
        return false;
    DenseMap<Value, Value> internal, extL2R, extR2L;
    auto inA = [&](Value v) {
      int64_t d = defIndex(v);
      return d >= static_cast<int64_t>(a) && d < static_cast<int64_t>(a + p);
    };
    auto inB = [&](Value v) {
      int64_t d = defIndex(v);
      return d >= static_cast<int64_t>(b) && d < static_cast<int64_t>(b + p);
    };
    auto check = [&](Value l, Value r) -> LogicalResult {
      bool li = inA(l), ri = inB(r);
      if (li != ri)
        return failure();
      if (li)
        return success(internal.lookup(l) == r);
      // Scalar constants outside the blocks match by value; weights (tensor
      // constants) fall through and match bijectively by type.
      if (isConstantDef(l) && isConstantDef(r) && l != r && !isWeight(l) &&
          !isWeight(r))
        return success(OperationEquivalence::isEquivalentTo(
            l.getDefiningOp(), r.getDefiningOp(),
            OperationEquivalence::IgnoreLocations));
      auto itL = extL2R.find(l);
      auto itR = extR2L.find(r);
      if (itL == extL2R.end() && itR == extR2L.end()) {
        if (l.getType() != r.getType())
          return failure();
        extL2R[l] = r;
        extR2L[r] = l;
        return success();
      }
      return success(itL != extL2R.end() && itL->second == r &&
                     itR != extR2L.end() && itR->second == l);
    };
    auto mark = [&](Value l, Value r) { internal[l] = r; };
    for (size_t k = 0; k < p; ++k) {
      Operation *l = ops[a + k], *r = ops[b + k];
      // Weights defined inside the blocks match by type, not by value.
      if (l->getNumResults() == 1 && r->getNumResults() == 1 &&
          isWeight(l->getResult(0)) && isWeight(r->getResult(0))) {
        if (l->getName() != r->getName() ||
            l->getResult(0).getType() != r->getResult(0).getType())
          return false;
        mark(l->getResult(0), r->getResult(0));
        continue;
      }
      if (!OperationEquivalence::isEquivalentTo(
              l, r, check, mark,
              OperationEquivalence::IgnoreLocations |
                  OperationEquivalence::IgnoreDiscardableAttrs))
        return false;
    }
    return true;
  }

  Block &block;
  std::vector<Operation *> ops;
  DenseMap<Operation *, size_t> index;
  std::vector<bool> barrier;
  mutable DenseMap<Operation *, bool> invariant;
};

/// Whether ops [s, s + p) contain tensor-unit work.
bool hasTensorWork(const BlockView &view, size_t s, size_t p) {
  for (size_t k = s; k < s + p; ++k) {
    bool found = false;
    view.ops[k]->walk([&](Operation *op) {
      if (std::optional<OpAnalysisResult> r = analyzeOp(op))
        found |= r->attr.getOpClass() == OpClass::Tensor;
    });
    if (found)
      return true;
  }
  return false;
}

/// Candidate runs of the block, most ops covered first (ties: the shorter
/// period first), at most `limit` of them.
std::vector<Run> findRuns(const BlockView &view, size_t minRepeats,
                          size_t limit) {
  size_t n = view.ops.size();
  std::vector<llvm::hash_code> h(n);
  for (size_t i = 0; i < n; ++i)
    h[i] = view.hash(i);
  // Prefix counts of ops with tensor-unit work: a block without any is not
  // a layer (hoisted constants repeat too).
  std::vector<size_t> work(n + 1, 0);
  for (size_t i = 0; i < n; ++i)
    work[i + 1] = work[i] + (hasTensorWork(view, i, 1) ? 1 : 0);

  auto better = [](const Run &x, const Run &y) {
    return x.coverage() > y.coverage() ||
           (x.coverage() == y.coverage() && x.period < y.period);
  };
  std::vector<Run> runs; // kept sorted, best first, at most `limit`
  for (size_t p = 1; 2 * p <= n; ++p) {
    size_t j = 0;
    while (j + p < n) {
      if (h[j] != h[j + p]) {
        ++j;
        continue;
      }
      size_t a = j;
      while (j + p < n && h[j] == h[j + p])
        ++j;
      size_t len = j - a; // h[a..j) == h[a+p..j+p)
      size_t reps = len / p + 1;
      if (len < p || reps < minRepeats)
        continue;
      if (work[std::min(n, j + p)] == work[a])
        continue;
      // `start` holds the span's first op; boundaries are placed later.
      Run r{a, p, reps};
      r.slack = len + p >= reps * p ? len + p - reps * p : 0;
      if (runs.size() == limit && !better(r, runs.back()))
        continue;
      runs.insert(std::upper_bound(runs.begin(), runs.end(), r, better), r);
      if (runs.size() > limit)
        runs.pop_back();
    }
  }
  return runs;
}

/// Moves the start of `r` within its span to where the fewest values cross.
void placeBoundaries(const BlockView &view, Run &r) {
  size_t n = view.ops.size();
  size_t best = r.start, bestCross = SIZE_MAX;
  for (size_t s = r.start; s <= r.start + r.slack; ++s) {
    size_t c = view.crossing(s, std::min(n, s + r.period));
    if (c < bestCross) {
      bestCross = c;
      best = s;
    }
  }
  r.start = best;
  r.slack = 0;
}

/// Values of ops [s, e) used by ops outside it, in definition order.
SmallVector<Value> escaping(const BlockView &view, size_t s, size_t e) {
  SmallVector<Value> out;
  for (size_t i = s; i < e; ++i)
    for (Value r : view.ops[i]->getResults())
      for (OpOperand &use : r.getUses()) {
        Operation *top = view.block.findAncestorOpInBlock(*use.getOwner());
        int64_t u = top && view.index.count(top)
                        ? static_cast<int64_t>(view.index.lookup(top))
                        : -1; // the terminator
        if (u < static_cast<int64_t>(s) || u >= static_cast<int64_t>(e)) {
          out.push_back(r);
          break;
        }
      }
  return out;
}

/// Values used by ops [s, e) and defined outside them, in first-use order.
SmallVector<Value> external(const BlockView &view, size_t s, size_t e) {
  llvm::SetVector<Value> out;
  for (size_t i = s; i < e; ++i)
    BlockView::forEachUse(view.ops[i], [&](Value v) {
      Operation *owner = v.getDefiningOp();
      if (!owner)
        owner = v.getParentBlock()->getParentOp();
      if (owner && view.ops[i]->isAncestor(owner))
        return; // defined inside op i itself
      int64_t d = view.defIndex(v);
      if (d < static_cast<int64_t>(s) || d >= static_cast<int64_t>(e))
        out.insert(v);
    });
  return out.takeVector();
}

struct PhazeOutlineLayersPass
    : public phaze::impl::PhazeOutlineLayersPassBase<PhazeOutlineLayersPass> {
  using PhazeOutlineLayersPassBase::PhazeOutlineLayersPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> roots;
    for (func::FuncOp fn : module.getOps<func::FuncOp>())
      if (!fn.isExternal() && !fn->hasAttr(LayerAttr::getAttrName()))
        roots.push_back(fn);
    for (func::FuncOp fn : roots)
      if (failed(outline(fn)))
        return signalPassFailure();
  }

  /// Outlines ops [s, s + p) of `view` into a new function and replaces
  /// each of `starts` (equivalent blocks) with a call. Returns the calls.
  SmallVector<Operation *> outlineBlocks(func::FuncOp fn, BlockView &view,
                                         ArrayRef<size_t> starts, size_t p,
                                         SymbolTable &symbols) {
    size_t s0 = starts.front();
    // Every repetition's external values, before changing the IR. Values
    // computed from constants alone and shared by all repetitions (a zero,
    // an empty tensor) are cloned into the layer; the rest become arguments.
    SmallVector<SmallVector<Value>> externals;
    for (size_t s : starts)
      externals.push_back(external(view, s, s + p));
    SmallVector<bool> cloned;
    SmallVector<Value> args;
    for (auto [i, v] : llvm::enumerate(externals.front())) {
      bool shared = view.isInvariant(v) &&
                    llvm::all_of(externals, [&, i = i](ArrayRef<Value> e) {
                      return e[i] == externals.front()[i];
                    });
      cloned.push_back(shared);
      if (!shared)
        args.push_back(v);
    }

    // Results: the union over repetitions of escaping positions.
    llvm::SmallSetVector<std::pair<size_t, unsigned>, 4> positions;
    for (size_t s : starts)
      for (Value v : escaping(view, s, s + p))
        positions.insert({view.index.lookup(v.getDefiningOp()) - s,
                          cast<OpResult>(v).getResultNumber()});
    SmallVector<std::pair<size_t, unsigned>> pos(positions.begin(),
                                                 positions.end());
    llvm::sort(pos);
    SmallVector<Type> resultTypes;
    for (auto [k, r] : pos)
      resultTypes.push_back(view.ops[s0 + k]->getResult(r).getType());

    OpBuilder b(fn);
    auto layer = func::FuncOp::create(
        b, fn.getLoc(), (fn.getName() + "_block").str(),
        b.getFunctionType(ValueRange(args).getTypes(), resultTypes));
    layer.setPrivate();
    symbols.insert(layer);
    Block *entry = layer.addEntryBlock();
    IRMapping map;
    for (auto [v, arg] : llvm::zip(args, entry->getArguments()))
      map.map(v, arg);
    b.setInsertionPointToStart(entry);
    std::function<void(Value)> cloneInvariant = [&](Value v) {
      if (map.contains(v))
        return;
      Operation *def = v.getDefiningOp();
      for (Value o : BlockView::usedFromOutside(def))
        cloneInvariant(o);
      b.clone(*def, map);
    };
    for (auto [v, c] : llvm::zip(externals.front(), cloned))
      if (c)
        cloneInvariant(v);
    for (size_t k = 0; k < p; ++k)
      b.clone(*view.ops[s0 + k], map);
    SmallVector<Value> rets;
    for (auto [k, r] : pos)
      rets.push_back(map.lookup(view.ops[s0 + k]->getResult(r)));
    func::ReturnOp::create(b, fn.getLoc(), rets);
    layer->setAttr(LayerAttr::getAttrName(),
                   LayerAttr::get(&getContext(), 0, starts.size()));

    SmallVector<SmallVector<Value>> operandLists;
    for (ArrayRef<Value> e : externals) {
      SmallVector<Value> ops;
      for (auto [v, c] : llvm::zip(e, cloned))
        if (!c)
          ops.push_back(v);
      operandLists.push_back(std::move(ops));
    }
    DenseMap<Value, Value> replaced;
    SmallVector<Operation *> calls;
    for (auto [s, operands] : llvm::zip(starts, operandLists)) {
      for (Value &v : operands)
        if (Value r = replaced.lookup(v))
          v = r;
      b.setInsertionPoint(view.ops[s]);
      auto call =
          func::CallOp::create(b, view.ops[s]->getLoc(), layer, operands);
      for (auto [i, kr] : llvm::enumerate(pos)) {
        Value old = view.ops[s + kr.first]->getResult(kr.second);
        replaced[old] = call.getResult(i);
        old.replaceAllUsesWith(call.getResult(i));
      }
      for (size_t k = p; k-- > 0;)
        view.ops[s + k]->erase();
      calls.push_back(call);
    }
    return calls;
  }

  /// Places each constant, and each value computed from constants alone
  /// (empty tensors, fills), right before the op that uses it, cloning it
  /// for every further user. Frontends hoist such values to the top or
  /// share them between layers (CSE); placed next to their users, every
  /// layer carries its own and layers look alike either way.
  static void sinkInvariants(Block &block) {
    SmallVector<Operation *> invariants;
    llvm::DenseSet<Operation *> isInv;
    for (Operation &op : block.without_terminator()) {
      bool inv = op.hasTrait<OpTrait::ConstantLike>();
      if (!inv && isMemoryEffectFree(&op)) {
        inv = true;
        op.walk([&](Operation *inner) {
          for (Value v : inner->getOperands()) {
            Operation *def = v.getDefiningOp();
            bool inside =
                def ? op.isAncestor(def)
                    : op.isAncestor(v.getParentBlock()->getParentOp());
            if (!inside && !(def && isInv.contains(def)))
              inv = false;
          }
        });
      }
      if (inv) {
        isInv.insert(&op);
        invariants.push_back(&op);
      }
    }
    OpBuilder b(block.getParent()->getContext());
    for (Operation *op : llvm::reverse(invariants)) {
      // The top-level users, in block order.
      llvm::SetVector<Operation *> users;
      for (Value r : op->getResults())
        for (Operation *u : r.getUsers())
          if (Operation *top = block.findAncestorOpInBlock(*u))
            users.insert(top);
      SmallVector<Operation *> sorted(users.begin(), users.end());
      llvm::sort(sorted, [](Operation *x, Operation *y) {
        return x->isBeforeInBlock(y);
      });
      if (sorted.empty())
        continue;
      for (size_t i = 1; i < sorted.size(); ++i) {
        b.setInsertionPoint(sorted[i]);
        Operation *c = b.clone(*op);
        for (auto [from, to] : llvm::zip(op->getResults(), c->getResults()))
          from.replaceUsesWithIf(to, [&](OpOperand &use) {
            return block.findAncestorOpInBlock(*use.getOwner()) == sorted[i];
          });
      }
      op->moveBefore(sorted.front());
    }
  }

  LogicalResult outline(func::FuncOp fn) {
    if (!fn.getBody().hasOneBlock()) {
      fn.emitWarning() << "phaze-outline-layers: skipped: the function has "
                          "more than one block";
      return success();
    }
    Block &block = fn.getBody().front();
    SymbolTable symbols(getOperation());
    // A function that already calls layers was outlined before: leave it
    // as it is, so that running the pass twice changes nothing.
    for (auto call : block.getOps<func::CallOp>())
      if (auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
          callee && callee->hasAttr(LayerAttr::getAttrName()))
        return success();
    sinkInvariants(block);
    llvm::DenseSet<Operation *> barriers;
    while (true) {
      BlockView view(block, barriers);
      bool outlined = false;
      for (Run run : findRuns(view, minRepeats, /*limit=*/32)) {
        placeBoundaries(view, run);
        // Verify every repetition against the first; extend both ways.
        size_t s = run.start, p = run.period, reps = 1;
        while (reps < run.reps && view.equivalent(s, s + reps * p, p))
          ++reps;
        while (s >= p && view.equivalent(s - p, s, p)) {
          s -= p;
          ++reps;
        }
        while (view.equivalent(s, s + reps * p, p))
          ++reps;
        if (reps < static_cast<size_t>(minRepeats) ||
            !hasTensorWork(view, s, p))
          continue;
        SmallVector<size_t> starts;
        for (size_t k = 0; k < reps; ++k)
          starts.push_back(s + k * p);
        for (Operation *call : outlineBlocks(fn, view, starts, p, symbols))
          barriers.insert(call);
        outlined = true;
        break;
      }
      if (!outlined)
        break;
    }

    // What is left between repeated layers becomes layers of its own.
    if (outlineRest) {
      BlockView view(block, barriers);
      SmallVector<std::pair<size_t, size_t>> stretches;
      for (size_t i = 0; i < view.ops.size();) {
        if (view.barrier[i]) {
          ++i;
          continue;
        }
        size_t j = i;
        while (j < view.ops.size() && !view.barrier[j])
          ++j;
        stretches.push_back({i, j});
        i = j;
      }
      for (auto it = stretches.rbegin(); it != stretches.rend(); ++it) {
        BlockView fresh(block, barriers);
        for (Operation *call : outlineBlocks(fn, fresh, {it->first},
                                             it->second - it->first, symbols))
          barriers.insert(call);
      }
    }

    // Name and number the layer functions in call order.
    int64_t index = 0;
    llvm::DenseSet<Operation *> numbered;
    for (Operation &op : block) {
      auto call = dyn_cast<func::CallOp>(op);
      if (!call || !barriers.contains(call))
        continue;
      auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
      if (!callee || !numbered.insert(callee).second)
        continue;
      auto old = cast<LayerAttr>(callee->getAttr(LayerAttr::getAttrName()));
      callee->setAttr(LayerAttr::getAttrName(),
                      LayerAttr::get(&getContext(), index, old.getRepeats()));
      std::string base = (fn.getName() + "_layer" + Twine(index)).str();
      std::string name = base;
      // Never rename onto another symbol (a user's function of that name).
      for (int k = 1; symbols.lookup(name) && symbols.lookup(name) != callee;
           ++k)
        name = base + "_" + std::to_string(k);
      callee->moveBefore(fn);
      if (failed(symbols.rename(callee, name)))
        return fn.emitError() << "phaze-outline-layers: cannot name @" << name;
      ++index;
    }
    return success();
  }
};

} // namespace
