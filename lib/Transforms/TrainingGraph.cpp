//===- TrainingGraph.cpp - derive backward and optimizer work in IR -------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// For each layer function, derives in IR:
//
// * a backward function: reverse-mode differentiation of every structured
//   op. Each gradient of a linalg op is a linalg.generic over the forward
//   iteration space whose output is indexed like the differentiated operand;
//   its payload recomputes what it needs of the forward payload and applies
//   the scalar derivative rules. A contraction therefore yields exactly two
//   contractions of the forward's size (input and weight gradients), a
//   broadcast yields a reduction, a reduction a broadcast, and so on. Tensor
//   reshapes, slices and pads get their adjoint data movement.
// * an optimizer function: SGD or Adam on every parameter, optionally with
//   fp32 master weights (mixed precision).
// * activation memory: the forward tensors the backward function reads.
//
//===----------------------------------------------------------------------===//

#include "phaze/Analysis/OpAnalysis.h"
#include "phaze/Dialect/Phaze/IR/PhazeOps.h"
#include "phaze/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <functional>

namespace mlir {
namespace phaze {
#define GEN_PASS_DEF_PHAZETRAININGGRAPHPASS
#include "phaze/Transforms/Passes.h.inc"
} // namespace phaze
} // namespace mlir

using namespace mlir;
using namespace mlir::phaze;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

int64_t bytesOf(Type t) {
  auto shaped = dyn_cast<ShapedType>(t);
  if (!shaped || !shaped.hasStaticShape())
    return 0;
  Type e = shaped.getElementType();
  if (!e.isIntOrFloat())
    return 0;
  return shaped.getNumElements() * ((e.getIntOrFloatBitWidth() + 7) / 8);
}

/// Selective recomputation (Korthikanti et al., MLSys'23): an attention
/// core has large activations but little work, so it is recomputed before
/// backward instead of saved. Found by structure: the ops on paths from a
/// contraction of two activations (Q K^T) to the next one (scores x V,
/// itself excluded) that pass through no other contraction (contractions
/// as phaze-analyze-ops classifies them). Marks them
/// `phaze.selective_recompute`; returns whether it marked any.
bool markAttentionCores(ArrayRef<Operation *> ops, Block &body,
                        ArrayRef<bool> argIsParameter) {
  // Activations: what depends on an input that is not a parameter (token
  // ids included).
  llvm::DenseSet<Value> act;
  for (BlockArgument a : body.getArguments())
    if (!argIsParameter[a.getArgNumber()])
      act.insert(a);
  for (Operation *op : ops)
    if (llvm::any_of(op->getOperands(),
                     [&](Value v) { return act.contains(v); }))
      for (Value r : op->getResults())
        act.insert(r);
  auto contraction = [](Operation *op) {
    std::optional<OpAnalysisResult> r = analyzeOp(op);
    return r && r->attr.getPattern() == OpPattern::Contraction;
  };
  auto actByAct = [&](Operation *op) {
    auto l = dyn_cast<linalg::LinalgOp>(op);
    return l && contraction(op) &&
           llvm::count_if(l.getDpsInputOperands(), [&](OpOperand *o) {
             return act.contains(o->get());
           }) >= 2;
  };
  bool any = false;
  for (Operation *open : ops) {
    if (!actByAct(open))
      continue;
    // Forward from the opening contraction through non-contractions.
    llvm::SetVector<Operation *> reached;
    SmallVector<Operation *> closing, work{open};
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      for (Operation *user : op->getUsers()) {
        if (user->getBlock() != &body || user == open)
          continue;
        if (actByAct(user)) {
          closing.push_back(user);
          continue;
        }
        if (!contraction(user) && reached.insert(user))
          work.push_back(user);
      }
    }
    // Back from each closing contraction within what was reached.
    llvm::DenseSet<Operation *> core;
    work.assign(closing.begin(), closing.end());
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      for (Value v : op->getOperands()) {
        Operation *def = v.getDefiningOp();
        if (def && (def == open || reached.contains(def)) &&
            core.insert(def).second)
          work.push_back(def);
      }
    }
    for (Operation *op : core)
      op->setAttr("phaze.selective_recompute", UnitAttr::get(op->getContext()));
    any |= !core.empty();
  }
  return any;
}

bool isFloatTensor(Type t) {
  auto shaped = dyn_cast<RankedTensorType>(t);
  return shaped && isa<FloatType>(shaped.getElementType());
}

/// A constant of float tensor type not marked `phaze.buffer` (a mask or a
/// table): a parameter of the model.
bool isWeightConstant(Value v) {
  Operation *def = v.getDefiningOp();
  return def && def->hasTrait<OpTrait::ConstantLike>() &&
         isFloatTensor(v.getType()) && !def->hasAttr("phaze.buffer");
}

Value zeroScalar(OpBuilder &b, Location loc, Type t) {
  return arith::ConstantOp::create(b, loc, t, b.getZeroAttr(t));
}

Value floatScalar(OpBuilder &b, Location loc, Type t, double v) {
  return arith::ConstantOp::create(b, loc, t, b.getFloatAttr(t, v));
}

/// A zero tensor of `type`.
Value zeros(OpBuilder &b, Location loc, RankedTensorType type) {
  Value e =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  return linalg::FillOp::create(
             b, loc, ValueRange{zeroScalar(b, loc, type.getElementType())},
             ValueRange{e})
      .getResult(0);
}

/// Casts scalar `v` to `t` (floats only).
Value castTo(OpBuilder &b, Location loc, Value v, Type t) {
  if (v.getType() == t)
    return v;
  auto from = cast<FloatType>(v.getType());
  auto to = cast<FloatType>(t);
  if (from.getWidth() < to.getWidth())
    return arith::ExtFOp::create(b, loc, t, v);
  if (from.getWidth() > to.getWidth())
    return arith::TruncFOp::create(b, loc, t, v);
  // Same width, different formats (bf16 and f16): through f32.
  Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
  return arith::TruncFOp::create(b, loc, t, wide);
}

/// Elementwise sum of two tensors of the same type.
Value addTensors(OpBuilder &b, Location loc, Value x, Value y) {
  auto t = cast<RankedTensorType>(x.getType());
  AffineMap id = b.getMultiDimIdentityMap(t.getRank());
  SmallVector<utils::IteratorType> iters(t.getRank(),
                                         utils::IteratorType::parallel);
  Value init =
      tensor::EmptyOp::create(b, loc, t.getShape(), t.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{t}, ValueRange{x, y}, ValueRange{init},
             ArrayRef<AffineMap>{id, id, id}, iters,
             [](OpBuilder &nb, Location l, ValueRange a) {
               Value s = arith::AddFOp::create(nb, l, a[0], a[1]);
               linalg::YieldOp::create(nb, l, s);
             })
      .getResult(0);
}

/// Drops the inputs `generic`'s payload does not read (the operands a
/// gradient does not need), returning the replacement op.
linalg::GenericOp pruneUnusedInputs(OpBuilder &b, linalg::GenericOp generic) {
  Block *body = generic.getBody();
  // Candidate maps: all operands'; an unused input is dropped only if the
  // loop bounds stay derivable from the rest (a pooling window's shape
  // operand is unused by the payload but bounds the window loops).
  SmallVector<AffineMap> all = generic.getIndexingMapsArray();
  SmallVector<bool> keep(all.size(), true);
  auto invertible = [&]() {
    SmallVector<AffineMap> kept;
    for (auto [m, k] : llvm::zip(all, keep))
      if (k)
        kept.push_back(m);
    return static_cast<bool>(
        inversePermutation(concatAffineMaps(kept, b.getContext())));
  };
  BitVector dead(body->getNumArguments());
  for (OpOperand *in : generic.getDpsInputOperands()) {
    BlockArgument arg = generic.getMatchingBlockArgument(in);
    if (!arg.use_empty())
      continue;
    keep[in->getOperandNumber()] = false;
    if (invertible())
      dead.set(arg.getArgNumber());
    else
      keep[in->getOperandNumber()] = true;
  }
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *in : generic.getDpsInputOperands()) {
    if (!keep[in->getOperandNumber()])
      continue;
    inputs.push_back(in->get());
    maps.push_back(generic.getMatchingIndexingMap(in));
  }
  if (dead.none())
    return generic;
  for (OpOperand &init : generic.getDpsInitsMutable())
    maps.push_back(generic.getMatchingIndexingMap(&init));
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPoint(generic);
  auto pruned = linalg::GenericOp::create(
      b, generic.getLoc(), generic.getResultTypes(), inputs,
      generic.getDpsInits(), maps, generic.getIteratorTypesArray());
  pruned.getRegion().takeBody(generic.getRegion());
  pruned.getBody()->eraseArguments(dead);
  generic.replaceAllUsesWith(pruned.getResults());
  generic.erase();
  return pruned;
}

//===----------------------------------------------------------------------===//
// Scalar reverse mode on a payload
//===----------------------------------------------------------------------===//

/// Reverse-mode differentiation of the cloned payload ops in `body`.
class ScalarAdjoint {
public:
  ScalarAdjoint(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  void add(Value v, Value g) {
    if (!isa<FloatType>(v.getType()))
      return;
    g = castTo(b, loc, g, v.getType());
    auto it = adj.find(v);
    if (it == adj.end())
      adj[v] = g;
    else
      it->second = arith::AddFOp::create(b, loc, it->second, g);
  }

  Value get(Value v) const { return adj.lookup(v); }

  /// Propagates the adjoint of `op`'s result to its operands. Returns false
  /// for an op without a derivative rule.
  bool propagate(Operation *op) {
    if (op->getNumResults() != 1)
      return isa<linalg::YieldOp>(op);
    Value r = op->getResult(0);
    Value g = get(r);
    if (!g)
      return true;
    auto mul = [&](Value x, Value y) -> Value {
      return arith::MulFOp::create(b, loc, x, castTo(b, loc, y, x.getType()));
    };
    auto one = [&](Type t) { return floatScalar(b, loc, t, 1.0); };
    return llvm::TypeSwitch<Operation *, bool>(op)
        .Case<arith::AddFOp>([&](auto o) {
          add(o.getLhs(), g);
          add(o.getRhs(), g);
          return true;
        })
        .Case<arith::SubFOp>([&](auto o) {
          add(o.getLhs(), g);
          add(o.getRhs(), arith::NegFOp::create(b, loc, g));
          return true;
        })
        .Case<arith::MulFOp>([&](auto o) {
          add(o.getLhs(), mul(g, o.getRhs()));
          add(o.getRhs(), mul(g, o.getLhs()));
          return true;
        })
        .Case<arith::DivFOp>([&](auto o) {
          Value q = arith::DivFOp::create(b, loc, g, o.getRhs());
          add(o.getLhs(), q);
          add(o.getRhs(), arith::NegFOp::create(
                              b, loc, arith::MulFOp::create(b, loc, q, r)));
          return true;
        })
        .Case<arith::NegFOp>([&](auto o) {
          add(o.getOperand(), arith::NegFOp::create(b, loc, g));
          return true;
        })
        .Case<math::ExpOp>([&](auto o) {
          add(o.getOperand(), mul(g, r));
          return true;
        })
        .Case<math::LogOp>([&](auto o) {
          add(o.getOperand(), arith::DivFOp::create(b, loc, g, o.getOperand()));
          return true;
        })
        .Case<math::TanhOp>([&](auto o) {
          Value rr = arith::MulFOp::create(b, loc, r, r);
          Value d = arith::SubFOp::create(b, loc, one(r.getType()), rr);
          add(o.getOperand(), mul(g, d));
          return true;
        })
        .Case<math::RsqrtOp>([&](auto o) {
          Value r3 = arith::MulFOp::create(
              b, loc, arith::MulFOp::create(b, loc, r, r), r);
          Value d = arith::MulFOp::create(
              b, loc, r3, floatScalar(b, loc, r.getType(), -0.5));
          add(o.getOperand(), mul(g, d));
          return true;
        })
        .Case<math::SqrtOp>([&](auto o) {
          Value d = arith::DivFOp::create(
              b, loc, floatScalar(b, loc, r.getType(), 0.5), r);
          add(o.getOperand(), mul(g, d));
          return true;
        })
        .Case<arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
              arith::MinNumFOp>([&](Operation *o) {
          bool isMax = isa<arith::MaximumFOp, arith::MaxNumFOp>(o);
          Value c = arith::CmpFOp::create(b, loc,
                                          isMax ? arith::CmpFPredicate::OGE
                                                : arith::CmpFPredicate::OLE,
                                          o->getOperand(0), o->getOperand(1));
          Value z = zeroScalar(b, loc, g.getType());
          add(o->getOperand(0), arith::SelectOp::create(b, loc, c, g, z));
          add(o->getOperand(1), arith::SelectOp::create(b, loc, c, z, g));
          return true;
        })
        .Case<arith::SelectOp>([&](auto o) {
          Value z = zeroScalar(b, loc, g.getType());
          add(o.getTrueValue(),
              arith::SelectOp::create(b, loc, o.getCondition(), g, z));
          add(o.getFalseValue(),
              arith::SelectOp::create(b, loc, o.getCondition(), z, g));
          return true;
        })
        .Case<arith::ExtFOp, arith::TruncFOp>([&](Operation *o) {
          add(o->getOperand(0), g);
          return true;
        })
        .Case<arith::ConstantOp, arith::CmpFOp, arith::CmpIOp,
              arith::IndexCastOp, linalg::IndexOp>([](auto) { return true; })
        .Default([](Operation *) { return false; });
  }

private:
  OpBuilder &b;
  Location loc;
  DenseMap<Value, Value> adj;
};

/// The combiner of a reduction payload: the op producing the yielded value
/// from the output block argument, or null for a non-reducing payload.
Operation *reductionCombiner(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0 || op.getNumDpsInits() != 1)
    return nullptr;
  auto yield = cast<linalg::YieldOp>(op.getBlock()->getTerminator());
  Operation *c = yield.getOperand(0).getDefiningOp();
  if (!c || c->getNumOperands() != 2)
    return nullptr;
  BlockArgument acc = op.getRegionOutputArgs()[0];
  if (c->getOperand(0) != acc && c->getOperand(1) != acc)
    return nullptr;
  return c;
}

/// Whether `v` (in a payload) depends on block argument `arg`.
bool dependsOn(Value v, BlockArgument arg, DenseMap<Value, bool> &memo) {
  if (v == arg)
    return true;
  auto it = memo.find(v);
  if (it != memo.end())
    return it->second;
  bool r = false;
  if (Operation *def = v.getDefiningOp())
    for (Value o : def->getOperands())
      if (dependsOn(o, arg, memo)) {
        r = true;
        break;
      }
  memo[v] = r;
  return r;
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct PhazeTrainingGraphPass
    : public phaze::impl::PhazeTrainingGraphPassBase<PhazeTrainingGraphPass> {
  using PhazeTrainingGraphPassBase::PhazeTrainingGraphPassBase;

  void runOnOperation() override;

private:
  LogicalResult deriveLayer(func::FuncOp fn, SymbolTable &symbols,
                            ArrayRef<bool> argIsParameter);

  // State of one backward derivation.
  struct Backward {
    func::FuncOp fwd, bwd;
    OpBuilder b;
    IRMapping savedMap;           // forward value -> backward value
    SmallVector<Value> saved;     // forward values passed in
    DenseMap<Value, Value> grads; // forward value -> its gradient
    /// Point before which recomputed forward ops are cloned in the backward.
    Operation *clonePoint = nullptr;
    bool failedAny = false;
    explicit Backward(MLIRContext *ctx) : b(ctx) {}
  };

  Value saved(Backward &st, Value v);
  void accumulate(Backward &st, Value fwdValue, Value grad);
  void differentiate(Backward &st, Operation *op);
  void differentiateLinalg(Backward &st, linalg::LinalgOp op, Value dOut);
  std::optional<Value> gradientOfInput(Backward &st, linalg::LinalgOp op,
                                       unsigned input, Value dOut);
  void differentiateGather(Backward &st, linalg::LinalgOp op,
                           tensor::ExtractOp ex, Value dOut);
};

/// The gradient of a gather `out[...] = table[idx...]` with respect to the
/// table. For an activation it is a one-hot scatter over the gather's loops
/// and the table's gathered dimensions, written densely as a
/// linalg.generic. For a weight (an embedding table) it is a sparse row
/// update; its work is the accumulation of the output gradient's rows, and
/// the table-shaped gradient the optimizer reads is left dense (zeros plus
/// those rows).
void PhazeTrainingGraphPass::differentiateGather(Backward &st,
                                                 linalg::LinalgOp op,
                                                 tensor::ExtractOp ex,
                                                 Value dOut) {
  OpBuilder &b = st.b;
  Location loc = op.getLoc();
  Value table = ex.getTensor();
  if (!isFloatTensor(table.getType()))
    return;
  auto dOutType = cast<RankedTensorType>(dOut.getType());
  if (isWeightConstant(table)) {
    AffineMap id = b.getMultiDimIdentityMap(dOutType.getRank());
    SmallVector<utils::IteratorType> iters(dOutType.getRank(),
                                           utils::IteratorType::parallel);
    linalg::GenericOp::create(
        b, loc, TypeRange{dOutType}, ValueRange{dOut},
        ValueRange{zeros(b, loc, dOutType)}, ArrayRef<AffineMap>{id, id}, iters,
        [](OpBuilder &nb, Location l, ValueRange a) {
          Value s = arith::AddFOp::create(nb, l, a[1], a[0]);
          linalg::YieldOp::create(nb, l, s);
        });
    return;
  }
  // Activation: each index is a loop (linalg.index) or gathered (computed
  // from an input element); gathered dimensions become new loops.
  unsigned numLoops = op.getNumLoops();
  auto tableType = cast<RankedTensorType>(table.getType());
  SmallVector<AffineExpr> tableExprs;
  SmallVector<std::pair<unsigned, Value>> gathered; // (new loop, index value)
  SmallVector<int64_t> extraRanges;
  for (auto [d, idx] : llvm::enumerate(ex.getIndices())) {
    if (auto li = idx.getDefiningOp<linalg::IndexOp>()) {
      tableExprs.push_back(b.getAffineDimExpr(li.getDim()));
      continue;
    }
    unsigned loop = numLoops + extraRanges.size();
    tableExprs.push_back(b.getAffineDimExpr(loop));
    gathered.push_back({loop, idx});
    extraRanges.push_back(tableType.getDimSize(d));
  }
  unsigned total = numLoops + extraRanges.size();
  auto extend = [&](AffineMap m) {
    return AffineMap::get(total, 0, m.getResults(), b.getContext());
  };
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *in : op.getDpsInputOperands()) {
    inputs.push_back(isa<ShapedType>(in->get().getType()) ? saved(st, in->get())
                                                          : in->get());
    maps.push_back(extend(op.getMatchingIndexingMap(in)));
  }
  inputs.push_back(dOut);
  maps.push_back(extend(op.getMatchingIndexingMap(op.getDpsInitOperand(0))));
  maps.push_back(AffineMap::get(total, 0, tableExprs, b.getContext()));
  SmallVector<utils::IteratorType> iters(total, utils::IteratorType::reduction);
  for (AffineExpr e : tableExprs)
    iters[cast<AffineDimExpr>(e).getPosition()] = utils::IteratorType::parallel;
  bool ok = true;
  Value grad =
      linalg::GenericOp::create(
          b, loc, TypeRange{tableType}, inputs,
          ValueRange{zeros(b, loc, tableType)}, maps, iters,
          [&](OpBuilder &nb, Location l, ValueRange args) {
            IRMapping m;
            Block *fwdBody = op.getBlock();
            for (unsigned i = 0; i < op.getNumDpsInputs(); ++i)
              m.map(fwdBody->getArgument(i), args[i]);
            Value g = args[op.getNumDpsInputs()];
            Value acc = args.back();
            Value hit;
            // Recompute an index from the inputs: clone its whole slice
            // within the body (pure, region-free ops; loop indices map to
            // the same loops, which keep their positions).
            std::function<Value(Value)> recompute = [&](Value v) -> Value {
              if (Value mv = m.lookupOrNull(v))
                return mv;
              Operation *def = v.getDefiningOp();
              if (!def || def->getBlock() != fwdBody ||
                  def->getNumRegions() != 0 || !isMemoryEffectFree(def))
                return {};
              if (isa<tensor::ExtractOp>(def))
                return {};
              for (Value o : def->getOperands())
                if (!recompute(o))
                  return {};
              return nb.clone(*def, m)->getResult(
                  cast<OpResult>(v).getResultNumber());
            };
            for (auto [loop, idx] : gathered) {
              Value i = recompute(idx);
              if (!i) {
                ok = false;
                continue;
              }
              Value here = linalg::IndexOp::create(nb, l, loop);
              Value eq = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                               i, here);
              hit = hit ? Value(arith::AndIOp::create(nb, l, hit, eq)) : eq;
            }
            Value z = zeroScalar(nb, l, acc.getType());
            Value add = castTo(nb, l, g, acc.getType());
            Value contribution =
                hit ? Value(arith::SelectOp::create(nb, l, hit, add, z)) : add;
            Value sum = arith::AddFOp::create(nb, l, acc, contribution);
            linalg::YieldOp::create(nb, l, sum);
          })
          .getResult(0);
  if (!ok) {
    op->emitWarning() << "phaze-training-graph: a gather index is not "
                         "computed by pure ops from loop indices and input "
                         "elements";
    st.failedAny = true;
    return;
  }
  accumulate(st, table, grad);
}

/// The values `op` uses that are defined outside it: its operands and the
/// values its regions capture.
static SmallVector<Value> usedFromOutside(Operation *op) {
  llvm::SetVector<Value> used(op->operand_begin(), op->operand_end());
  getUsedValuesDefinedAbove(op->getRegions(), used);
  return used.takeVector();
}

Value PhazeTrainingGraphPass::saved(Backward &st, Value v) {
  if (Value m = st.savedMap.lookupOrNull(v))
    return m;
  Operation *def = v.getDefiningOp();
  // Constants and values computed from constants alone (including the
  // values their regions capture) are cloned.
  std::function<bool(Operation *)> invariant = [&](Operation *o) {
    if (!o || o->getBlock() != &st.fwd.getBody().front())
      return false;
    if (o->hasTrait<OpTrait::ConstantLike>())
      return true;
    if (!isMemoryEffectFree(o))
      return false;
    return llvm::all_of(usedFromOutside(o),
                        [&](Value x) { return invariant(x.getDefiningOp()); });
  };
  if (invariant(def)) {
    // Operands and captured values first, then the op, at a running point
    // after the clones made so far.
    for (Value x : usedFromOutside(def))
      saved(st, x);
    if (Value m = st.savedMap.lookupOrNull(v))
      return m;
    OpBuilder::InsertionGuard g(st.b);
    if (st.clonePoint)
      st.b.setInsertionPointAfter(st.clonePoint);
    else
      st.b.setInsertionPointToStart(&st.bwd.getBody().front());
    Operation *c = st.b.clone(*def, st.savedMap);
    st.clonePoint = c;
    return c->getResult(cast<OpResult>(v).getResultNumber());
  }
  Block &entry = st.bwd.getBody().front();
  BlockArgument arg = entry.addArgument(v.getType(), v.getLoc());
  st.savedMap.map(v, arg);
  st.saved.push_back(v);
  return arg;
}

void PhazeTrainingGraphPass::accumulate(Backward &st, Value fwdValue,
                                        Value grad) {
  if (!isFloatTensor(fwdValue.getType()))
    return;
  auto it = st.grads.find(fwdValue);
  if (it == st.grads.end()) {
    st.grads[fwdValue] = grad;
    return;
  }
  it->second = addTensors(st.b, fwdValue.getLoc(), it->second, grad);
}

std::optional<Value>
PhazeTrainingGraphPass::gradientOfInput(Backward &st, linalg::LinalgOp op,
                                        unsigned input, Value dOut) {
  OpBuilder &b = st.b;
  Location loc = op.getLoc();
  Block *fwdBody = op.getBlock();
  BlockArgument fwdArg = fwdBody->getArgument(input);
  auto yield = cast<linalg::YieldOp>(fwdBody->getTerminator());
  if (yield.getNumOperands() != 1 || op.getNumDpsInits() != 1)
    return std::nullopt;
  DenseMap<Value, bool> memo;
  if (!dependsOn(yield.getOperand(0), fwdArg, memo))
    return std::nullopt;

  Operation *combiner = reductionCombiner(op);
  unsigned numLoops = op.getNumLoops();
  OpOperand *inOperand = op.getDpsInputOperand(input);
  AffineMap inMap = op.getMatchingIndexingMap(inOperand);
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  auto gradType = cast<RankedTensorType>(inOperand->get().getType());

  // Operands: every forward input, the forward result (for max/min
  // reductions), and the output gradient.
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *in : op.getDpsInputOperands()) {
    inputs.push_back(isa<ShapedType>(in->get().getType()) ? saved(st, in->get())
                                                          : in->get());
    maps.push_back(op.getMatchingIndexingMap(in));
  }
  bool needsResult = combiner && !isa<arith::AddFOp, arith::AddIOp>(combiner);
  if (needsResult) {
    inputs.push_back(saved(st, op->getResult(0)));
    maps.push_back(outMap);
  }
  inputs.push_back(dOut);
  maps.push_back(outMap);
  maps.push_back(inMap);

  // A dimension is parallel iff the gradient is indexed by it directly.
  SmallVector<utils::IteratorType> iters(numLoops,
                                         utils::IteratorType::reduction);
  for (AffineExpr e : inMap.getResults())
    if (auto d = dyn_cast<AffineDimExpr>(e))
      iters[d.getPosition()] = utils::IteratorType::parallel;

  // Values the payload captures from outside: constants are cloned into the
  // gradient's payload, other values are saved.
  SmallVector<Value> captured;
  fwdBody->walk([&](Operation *o) {
    for (Value v : o->getOperands())
      if (!fwdBody->getParentOp()->isAncestor(
              v.getParentBlock()->getParentOp()))
        captured.push_back(v);
  });
  for (Value v : captured)
    if (!v.getDefiningOp() ||
        !v.getDefiningOp()->hasTrait<OpTrait::ConstantLike>())
      saved(st, v);

  Value init = zeros(b, loc, gradType);
  bool ok = true;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{gradType}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        unsigned numIn = op.getNumDpsInputs();
        IRMapping m;
        for (unsigned i = 0; i < numIn; ++i)
          m.map(fwdBody->getArgument(i), args[i]);
        Value fwdResult = needsResult ? args[numIn] : Value();
        Value g = args[numIn + (needsResult ? 1 : 0)];
        Value acc = args.back();
        for (Value v : captured) {
          Operation *def = v.getDefiningOp();
          if (def && def->hasTrait<OpTrait::ConstantLike>())
            m.map(v, nb.clone(*def)->getResult(0));
          else
            m.map(v, st.savedMap.lookup(v));
        }
        // Recompute the forward payload (dead parts are erased below).
        BlockArgument fwdOut = op.getRegionOutputArgs()[0];
        m.map(fwdOut,
              fwdResult ? fwdResult : zeroScalar(nb, l, fwdOut.getType()));
        for (Operation &o : fwdBody->without_terminator())
          if (&o != combiner)
            nb.clone(o, m);
        ScalarAdjoint adj(nb, l);
        if (combiner) {
          Value other = combiner->getOperand(0) == fwdOut
                            ? combiner->getOperand(1)
                            : combiner->getOperand(0);
          Value e = m.lookup(other);
          if (isa<arith::AddFOp>(combiner)) {
            adj.add(e, g);
          } else if (isa<arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
                         arith::MinNumFOp>(combiner)) {
            Value c =
                arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, e,
                                      castTo(nb, l, fwdResult, e.getType()));
            adj.add(e, arith::SelectOp::create(nb, l, c,
                                               castTo(nb, l, g, e.getType()),
                                               zeroScalar(nb, l, e.getType())));
          } else if (isa<arith::MulFOp>(combiner)) {
            Value q = arith::DivFOp::create(
                nb, l, castTo(nb, l, fwdResult, e.getType()), e);
            adj.add(e, arith::MulFOp::create(nb, l,
                                             castTo(nb, l, g, e.getType()), q));
          } else {
            ok = false;
          }
        } else {
          adj.add(m.lookup(yield.getOperand(0)), g);
        }
        SmallVector<Operation *> cloned;
        for (Operation &o : *nb.getInsertionBlock())
          cloned.push_back(&o);
        for (Operation *o : llvm::reverse(cloned))
          ok &= adj.propagate(o);
        Value d = adj.get(m.lookup(fwdArg));
        Value contribution = d ? castTo(nb, l, d, acc.getType())
                               : zeroScalar(nb, l, acc.getType());
        linalg::YieldOp::create(
            nb, l, Value(arith::AddFOp::create(nb, l, acc, contribution)));
      });
  // Remove recomputed payload ops the gradient does not need.
  Block *body = generic.getBody();
  bool changed = true;
  while (changed) {
    changed = false;
    for (Operation &o : llvm::make_early_inc_range(llvm::reverse(*body)))
      if (!o.hasTrait<OpTrait::IsTerminator>() && o.use_empty() &&
          isMemoryEffectFree(&o)) {
        o.erase();
        changed = true;
      }
  }
  generic = pruneUnusedInputs(b, generic);
  if (!ok) {
    op->emitWarning() << "phaze-training-graph: a payload operation has no "
                         "derivative rule; its gradient is incomplete";
    st.failedAny = true;
  }
  return generic.getResult(0);
}

void PhazeTrainingGraphPass::differentiateLinalg(Backward &st,
                                                 linalg::LinalgOp op,
                                                 Value dOut) {
  // Gathers (tensor.extract from a captured tensor).
  SmallVector<tensor::ExtractOp> extracts;
  op.getBlock()->walk([&](tensor::ExtractOp ex) { extracts.push_back(ex); });
  if (!extracts.empty()) {
    for (tensor::ExtractOp ex : extracts)
      differentiateGather(st, op, ex, dOut);
    return;
  }
  for (unsigned i = 0; i < op.getNumDpsInputs(); ++i) {
    Value in = op.getDpsInputOperand(i)->get();
    if (!isFloatTensor(in.getType()))
      continue;
    // Constants that are not weights (masks, tables) need no gradient.
    Operation *def = in.getDefiningOp();
    if (def && def->hasTrait<OpTrait::ConstantLike>() && !isWeightConstant(in))
      continue;
    if (std::optional<Value> g = gradientOfInput(st, op, i, dOut))
      accumulate(st, in, *g);
  }
  // The init operand: a fill of a constant needs nothing; a real
  // accumulator input receives the output gradient unchanged.
  Value init = op.getDpsInitOperand(0)->get();
  if (!isFloatTensor(init.getType()))
    return;
  Operation *initDef = init.getDefiningOp();
  bool isFill = initDef && isa<linalg::LinalgOp>(initDef) &&
                cast<linalg::LinalgOp>(initDef).getNumDpsInputs() == 1 &&
                !isa<ShapedType>(cast<linalg::LinalgOp>(initDef)
                                     .getDpsInputOperand(0)
                                     ->get()
                                     .getType());
  if (isFill || isa_and_nonnull<tensor::EmptyOp>(initDef))
    return;
  if (op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)) &&
      !reductionCombiner(op))
    return; // an elementwise op reading its init: no simple rule
  if (reductionCombiner(op) && isa<arith::AddFOp>(reductionCombiner(op)))
    accumulate(st, init, dOut);
}

void PhazeTrainingGraphPass::differentiate(Backward &st, Operation *op) {
  if (op->getNumResults() == 0)
    return;
  if (op->getNumResults() > 1 && llvm::any_of(op->getResults(), [&](Value r) {
        return st.grads.count(r);
      })) {
    op->emitWarning() << "phaze-training-graph: no gradient for an op with "
                      << op->getNumResults() << " results";
    st.failedAny = true;
    return;
  }
  Value r = op->getResult(0);
  Value g = st.grads.lookup(r);
  if (!g || op->hasTrait<OpTrait::ConstantLike>())
    return;
  // Offsets, sizes and pads given as values refer to the forward function.
  auto mapped = [&](ArrayRef<OpFoldResult> list) {
    SmallVector<OpFoldResult> out;
    for (OpFoldResult f : list)
      out.push_back(isa<Value>(f) ? OpFoldResult(saved(st, cast<Value>(f)))
                                  : f);
    return out;
  };
  OpBuilder &b = st.b;
  Location loc = op->getLoc();
  if (auto lop = dyn_cast<linalg::LinalgOp>(op)) {
    if (op->getNumResults() != 1) {
      op->emitWarning() << "phaze-training-graph: no gradient for an op with "
                        << op->getNumResults() << " results";
      st.failedAny = true;
      return;
    }
    differentiateLinalg(st, lop, g);
    return;
  }
  llvm::TypeSwitch<Operation *>(op)
      .Case<tensor::ExpandShapeOp>([&](tensor::ExpandShapeOp o) {
        accumulate(st, o.getSrc(),
                   tensor::CollapseShapeOp::create(
                       b, loc, o.getSrcType(), g, o.getReassociationIndices()));
      })
      .Case<tensor::CollapseShapeOp>([&](tensor::CollapseShapeOp o) {
        accumulate(st, o.getSrc(),
                   tensor::ExpandShapeOp::create(b, loc, o.getSrcType(), g,
                                                 o.getReassociationIndices()));
      })
      .Case<tensor::ExtractSliceOp>([&](tensor::ExtractSliceOp o) {
        Value z = zeros(b, loc, o.getSourceType());
        accumulate(st, o.getSource(),
                   tensor::InsertSliceOp::create(
                       b, loc, g, z, mapped(o.getMixedOffsets()),
                       mapped(o.getMixedSizes()), mapped(o.getMixedStrides())));
      })
      .Case<tensor::InsertSliceOp>([&](tensor::InsertSliceOp o) {
        accumulate(st, o.getSource(),
                   tensor::ExtractSliceOp::create(b, loc, o.getSourceType(), g,
                                                  mapped(o.getMixedOffsets()),
                                                  mapped(o.getMixedSizes()),
                                                  mapped(o.getMixedStrides())));
        Value z = zeros(b, loc, o.getSourceType());
        accumulate(st, o.getDest(),
                   tensor::InsertSliceOp::create(
                       b, loc, z, g, mapped(o.getMixedOffsets()),
                       mapped(o.getMixedSizes()), mapped(o.getMixedStrides())));
      })
      .Case<tensor::PadOp>([&](tensor::PadOp o) {
        SmallVector<OpFoldResult> sizes, strides;
        for (int64_t d : o.getSourceType().getShape()) {
          sizes.push_back(b.getIndexAttr(d));
          strides.push_back(b.getIndexAttr(1));
        }
        accumulate(st, o.getSource(),
                   tensor::ExtractSliceOp::create(b, loc, o.getSourceType(), g,
                                                  mapped(o.getMixedLowPad()),
                                                  sizes, strides));
      })
      .Case<tensor::CastOp>([&](tensor::CastOp o) {
        accumulate(st, o.getSource(),
                   tensor::CastOp::create(b, loc, o.getSource().getType(), g));
      })
      .Case<AllReduceOp>([&](AllReduceOp o) {
        // Every device receives the full gradient of a sum.
        accumulate(st, o.getInput(), g);
      })
      .Case<GradAllReduceOp>([&](GradAllReduceOp o) {
        // The replicated input's gradient is the sum of the devices' parts.
        accumulate(st, o.getInput(),
                   AllReduceOp::create(b, loc, g, o.getGroupSize()));
      })
      .Case<tensor::EmptyOp, arith::ConstantOp>([](auto) {})
      .Default([&](Operation *o) {
        o->emitWarning() << "phaze-training-graph: no gradient rule for '"
                         << o->getName() << "'; gradients stop here";
        st.failedAny = true;
      });
}

LogicalResult
PhazeTrainingGraphPass::deriveLayer(func::FuncOp fn, SymbolTable &symbols,
                                    ArrayRef<bool> argIsParameter) {
  MLIRContext *ctx = &getContext();
  if (!fn.getBody().hasOneBlock())
    return fn.emitError() << "phaze-training-graph: the function has more "
                             "than one block";
  Block &body = fn.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  Location loc = fn.getLoc();

  // The backward function: output gradients first, saved values appended.
  Backward st(ctx);
  st.fwd = fn;
  SmallVector<Type> gradInputs;
  for (Value r : ret.getOperands())
    if (isFloatTensor(r.getType()))
      gradInputs.push_back(r.getType());
  OpBuilder mb(fn);
  mb.setInsertionPointAfter(fn);
  st.bwd = func::FuncOp::create(mb, loc, (fn.getName() + "_backward").str(),
                                mb.getFunctionType(gradInputs, {}));
  st.bwd.setPrivate();
  symbols.insert(st.bwd);
  Block *entry = st.bwd.addEntryBlock();
  st.b.setInsertionPointToEnd(entry);
  unsigned k = 0;
  for (Value r : ret.getOperands())
    if (isFloatTensor(r.getType()))
      accumulate(st, r, entry->getArgument(k++));

  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    ops.push_back(&op);
  for (Operation *op : llvm::reverse(ops))
    differentiate(st, op);

  // Results: gradients of float-tensor arguments, then of parameters
  // (weight constants and parameter arguments), in program order.
  SmallVector<Value> results;
  SmallVector<Value> params;
  for (BlockArgument a : body.getArguments()) {
    if (!isFloatTensor(a.getType()))
      continue;
    if (argIsParameter[a.getArgNumber()])
      params.push_back(a);
    Value g = st.grads.lookup(a);
    results.push_back(
        g ? g : zeros(st.b, loc, cast<RankedTensorType>(a.getType())));
  }
  for (Operation *op : ops)
    if (op->getNumResults() == 1 && isWeightConstant(op->getResult(0))) {
      Value w = op->getResult(0);
      params.push_back(w);
      Value g = st.grads.lookup(w);
      results.push_back(
          g ? g : zeros(st.b, loc, cast<RankedTensorType>(w.getType())));
    }
  func::ReturnOp::create(st.b, loc, results);
  // Drop saved values no gradient ended up reading.
  {
    BitVector unused(entry->getNumArguments());
    SmallVector<Value> kept;
    for (Value v : st.saved) {
      auto arg = cast<BlockArgument>(st.savedMap.lookup(v));
      if (arg.use_empty())
        unused.set(arg.getArgNumber());
      else
        kept.push_back(v);
    }
    entry->eraseArguments(unused);
    st.saved = std::move(kept);
  }
  st.bwd.setFunctionType(mb.getFunctionType(entry->getArgumentTypes(),
                                            ValueRange(results).getTypes()));

  // Activation memory.
  int64_t savedBytes = 0;
  for (Value v : st.saved) {
    auto arg = dyn_cast<BlockArgument>(v);
    if (arg && argIsParameter[arg.getArgNumber()])
      continue;
    savedBytes += bytesOf(v.getType());
  }
  int64_t inputBytes = 0;
  for (BlockArgument a : body.getArguments())
    if (!argIsParameter[a.getArgNumber()])
      inputBytes += bytesOf(a.getType());

  // Selective recomputation: without the attention cores' saved tensors.
  int64_t selectiveBytes = -1;
  if (markAttentionCores(ops, body, argIsParameter)) {
    selectiveBytes = savedBytes;
    for (Value v : st.saved)
      if (Operation *def = v.getDefiningOp())
        if (def->hasAttr("phaze.selective_recompute"))
          selectiveBytes -= bytesOf(v.getType());
  }

  // The optimizer function.
  bool adam = optimizer == "adam";
  int64_t paramElems = 0, paramBytes = 0;
  for (Value p : params) {
    auto t = cast<RankedTensorType>(p.getType());
    paramElems += t.getNumElements();
    paramBytes += bytesOf(t);
  }
  int64_t stateBytesPerElem = (adam ? 8 : 0) + (mixedPrecision ? 4 : 0);
  SmallVector<Type> optTypes;
  for (Value p : params) {
    optTypes.push_back(p.getType()); // parameter
    optTypes.push_back(p.getType()); // gradient
  }
  auto opt = func::FuncOp::create(mb, loc, (fn.getName() + "_optimizer").str(),
                                  mb.getFunctionType(optTypes, {}));
  opt.setPrivate();
  symbols.insert(opt);
  Block *optEntry = opt.addEntryBlock();
  OpBuilder ob = OpBuilder::atBlockEnd(optEntry);
  SmallVector<Value> updated;
  for (size_t i = 0; i < params.size(); ++i) {
    Value p = optEntry->getArgument(2 * i),
          g = optEntry->getArgument(2 * i + 1);
    auto t = cast<RankedTensorType>(p.getType());
    Type f32 = ob.getF32Type();
    auto stateTy = RankedTensorType::get(t.getShape(), f32);
    AffineMap id = ob.getMultiDimIdentityMap(t.getRank());
    SmallVector<utils::IteratorType> iters(t.getRank(),
                                           utils::IteratorType::parallel);
    SmallVector<Value> ins = {p, g};
    if (mixedPrecision)
      ins.push_back(zeros(ob, loc, stateTy)); // fp32 master weights
    if (adam) {
      ins.push_back(zeros(ob, loc, stateTy)); // first moment
      ins.push_back(zeros(ob, loc, stateTy)); // second moment
    }
    SmallVector<AffineMap> maps(ins.size() + 1, id);
    Value init =
        tensor::EmptyOp::create(ob, loc, t.getShape(), t.getElementType());
    Value out = linalg::GenericOp::create(
                    ob, loc, TypeRange{t}, ins, ValueRange{init}, maps, iters,
                    [&](OpBuilder &nb, Location l, ValueRange a) {
                      Type et = a[0].getType();
                      Value w =
                          mixedPrecision ? a[2] : castTo(nb, l, a[0], f32);
                      Value grad = castTo(nb, l, a[1], f32);
                      Value lr = floatScalar(nb, l, f32, 1e-4);
                      Value step;
                      if (adam) {
                        unsigned mi = mixedPrecision ? 3 : 2;
                        Value b1 = floatScalar(nb, l, f32, 0.9);
                        Value c1 = floatScalar(nb, l, f32, 0.1);
                        Value b2 = floatScalar(nb, l, f32, 0.999);
                        Value c2 = floatScalar(nb, l, f32, 0.001);
                        Value eps = floatScalar(nb, l, f32, 1e-8);
                        Value m = arith::AddFOp::create(
                            nb, l, arith::MulFOp::create(nb, l, b1, a[mi]),
                            arith::MulFOp::create(nb, l, c1, grad));
                        Value g2 = arith::MulFOp::create(nb, l, grad, grad);
                        Value v = arith::AddFOp::create(
                            nb, l, arith::MulFOp::create(nb, l, b2, a[mi + 1]),
                            arith::MulFOp::create(nb, l, c2, g2));
                        Value den = arith::AddFOp::create(
                            nb, l, math::SqrtOp::create(nb, l, v), eps);
                        step = arith::MulFOp::create(
                            nb, l, lr, arith::DivFOp::create(nb, l, m, den));
                      } else {
                        step = arith::MulFOp::create(nb, l, lr, grad);
                      }
                      Value nw = arith::SubFOp::create(nb, l, w, step);
                      Value res = castTo(nb, l, nw, et);
                      linalg::YieldOp::create(nb, l, res);
                    })
                    .getResult(0);
    updated.push_back(out);
  }
  func::ReturnOp::create(ob, loc, updated);
  opt.setFunctionType(
      ob.getFunctionType(optTypes, ValueRange(updated).getTypes()));

  fn->setAttr(TrainingAttr::getAttrName(),
              TrainingAttr::get(ctx, FlatSymbolRefAttr::get(st.bwd),
                                FlatSymbolRefAttr::get(opt), savedBytes,
                                inputBytes, paramElems, paramBytes, paramBytes,
                                paramElems * stateBytesPerElem,
                                selectiveBytes));
  return success();
}

void PhazeTrainingGraphPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (optimizer != "sgd" && optimizer != "adam") {
    module.emitError() << "phaze-training-graph: unknown optimizer '"
                       << optimizer << "'; expected 'sgd' or 'adam'";
    return signalPassFailure();
  }
  SymbolTable symbols(module);
  SmallVector<func::FuncOp> layers, flat;
  for (func::FuncOp fn : module.getOps<func::FuncOp>()) {
    if (fn.isExternal() || fn->hasAttr(TrainingAttr::getAttrName()))
      continue;
    if (fn->hasAttr(LayerAttr::getAttrName()))
      layers.push_back(fn);
    else
      flat.push_back(fn);
  }
  // Layer functions when the model was outlined, else each function.
  SmallVector<func::FuncOp> targets = layers.empty() ? flat : layers;

  // A layer argument is a parameter when every call passes a weight.
  DenseMap<Operation *, SmallVector<bool>> isParam;
  for (func::FuncOp fn : targets)
    isParam[fn] = SmallVector<bool>(fn.getNumArguments(), false);
  if (!layers.empty()) {
    DenseMap<Operation *, SmallVector<int>> votes;
    module.walk([&](func::CallOp call) {
      auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
      if (!callee || !isParam.count(callee))
        return;
      auto &v = votes[callee];
      if (v.empty())
        v.assign(callee.getNumArguments(), 1);
      for (auto [i, operand] : llvm::enumerate(call.getOperands()))
        v[i] &= isWeightConstant(operand) ? 1 : 0;
    });
    for (auto &[fn, v] : votes)
      for (auto [i, x] : llvm::enumerate(v))
        isParam[fn][i] = x;
  }
  bool failedAny = false;
  for (func::FuncOp fn : targets) {
    // Gradients need static shapes (zero tensors, loop extents).
    Operation *dynamic = nullptr;
    fn.walk([&](Operation *op) {
      auto isDynamic = [](Type t) {
        auto s = dyn_cast<ShapedType>(t);
        return s && !s.hasStaticShape();
      };
      if (!dynamic && (llvm::any_of(op->getOperandTypes(), isDynamic) ||
                       llvm::any_of(op->getResultTypes(), isDynamic)))
        dynamic = op;
    });
    bool dynamicSignature = llvm::any_of(fn.getArgumentTypes(),
                                         [](Type t) {
                                           auto s = dyn_cast<ShapedType>(t);
                                           return s && !s.hasStaticShape();
                                         }) ||
                            llvm::any_of(fn.getResultTypes(), [](Type t) {
                              auto s = dyn_cast<ShapedType>(t);
                              return s && !s.hasStaticShape();
                            });
    if (!dynamic && dynamicSignature)
      dynamic = fn;
    if (dynamic) {
      dynamic->emitWarning()
          << "phaze-training-graph: skipped @" << fn.getName()
          << ": it has dynamic shapes, and its training graph needs static "
             "ones";
      continue;
    }
    if (failed(deriveLayer(fn, symbols, isParam[fn])))
      failedAny = true;
  }
  if (failedAny)
    signalPassFailure();
}

} // namespace
