//===- OpAnalysis.cpp - what tensor operations compute and move -----------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Analysis/OpAnalysis.h"
#include "phaze/Dialect/Phaze/IR/PhazeOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/CastInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::phaze;

namespace {

//===----------------------------------------------------------------------===//
// Sizes
//===----------------------------------------------------------------------===//

/// Bytes of one element of `type`, or nullopt when it has no fixed size.
std::optional<int64_t> elementBytes(Type type) {
  if (auto c = dyn_cast<ComplexType>(type)) {
    std::optional<int64_t> e = elementBytes(c.getElementType());
    return e ? std::optional<int64_t>(2 * *e) : std::nullopt;
  }
  if (isa<IndexType>(type))
    return 8;
  if (type.isIntOrFloat())
    return (type.getIntOrFloatBitWidth() + 7) / 8;
  return std::nullopt;
}

/// Bytes of a value of `type`: a statically shaped tensor or memref, or a
/// scalar. Fails for dynamic shapes and unsized elements.
FailureOr<int64_t> valueBytes(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type)) {
    if (!shaped.hasStaticShape())
      return failure();
    std::optional<int64_t> e = elementBytes(shaped.getElementType());
    if (!e)
      return failure();
    // Checked: a shape whose byte count overflows 64 bits is not analysable.
    int64_t bytes = *e;
    for (int64_t d : shaped.getShape())
      if (llvm::MulOverflow(bytes, d, bytes))
        return failure();
    return bytes;
  }
  std::optional<int64_t> e = elementBytes(type);
  if (!e)
    return failure();
  return *e;
}

bool isTensorLike(Type t) { return isa<TensorType, BaseMemRefType>(t); }

//===----------------------------------------------------------------------===//
// Payload structure
//===----------------------------------------------------------------------===//

/// Follows casts (arith.extf, truncf, extsi, ...) back to their source.
Value stripCasts(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<CastOpInterface>(def) || def->getNumOperands() != 1)
      break;
    v = def->getOperand(0);
  }
  return v;
}

bool isMul(Operation *op) {
  return op && isa<arith::MulFOp, arith::MulIOp>(op);
}
bool isAdd(Operation *op) {
  return op && isa<arith::AddFOp, arith::AddIOp>(op);
}

/// Whether the payload is a multiply-accumulate of two distinct inputs into
/// the single output: yield(add(out, mul(in_a, in_b))), casts allowed.
bool isMulAccPayload(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return false;
  Block *body = op.getBlock();
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return false;
  Operation *add = stripCasts(yield.getOperand(0)).getDefiningOp();
  if (!isAdd(add))
    return false;
  BlockArgument out = op.getRegionOutputArgs()[0];
  Value lhs = stripCasts(add->getOperand(0));
  Value rhs = stripCasts(add->getOperand(1));
  Value product;
  if (lhs == out)
    product = rhs;
  else if (rhs == out)
    product = lhs;
  else
    return false;
  Operation *mul = product.getDefiningOp();
  if (!isMul(mul))
    return false;
  auto a = dyn_cast<BlockArgument>(stripCasts(mul->getOperand(0)));
  auto b = dyn_cast<BlockArgument>(stripCasts(mul->getOperand(1)));
  if (!a || !b || a.getOwner() != body || b.getOwner() != body)
    return false;
  unsigned numInputs = op.getNumDpsInputs();
  return a.getArgNumber() < numInputs && b.getArgNumber() < numInputs &&
         a.getArgNumber() != b.getArgNumber();
}

/// Whether the payload reads elements of a tensor by computed indices
/// (tensor.extract), i.e. gathers.
bool payloadGathers(linalg::LinalgOp op) {
  return llvm::any_of(op.getBlock()->without_terminator(),
                      [](Operation &o) { return isa<tensor::ExtractOp>(o); });
}

/// Operations per iteration point in the payload: everything but the
/// terminator, constants, index queries and casts, and gathered reads.
/// math.fma and similar fused ops count as two.
int64_t payloadOps(linalg::LinalgOp op) {
  int64_t n = 0;
  for (Operation &inner : op.getBlock()->without_terminator()) {
    if (isa<arith::ConstantOp, linalg::IndexOp, arith::IndexCastOp,
            tensor::ExtractOp>(inner))
      continue;
    StringRef name = inner.getName().getStringRef();
    n += name.ends_with(".fma") ? 2 : 1;
  }
  return n;
}

/// Whether every yielded value is a block argument of a non-shaped (scalar)
/// input, or a constant: the op fills its output.
bool isFillPayload(linalg::LinalgOp op) {
  auto yield = cast<linalg::YieldOp>(op.getBlock()->getTerminator());
  for (Value v : yield.getOperands()) {
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getArgNumber() >= op.getNumDpsInputs())
        return false;
      OpOperand *operand = op.getDpsInputOperand(arg.getArgNumber());
      auto shaped = dyn_cast<ShapedType>(operand->get().getType());
      if (shaped && shaped.getRank() > 0)
        return false;
      continue;
    }
    if (!v.getDefiningOp<arith::ConstantOp>())
      return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Linalg ops
//===----------------------------------------------------------------------===//

OpAnalysisResult unknown(MLIRContext *ctx, std::string reason) {
  return {OpAnalysisAttr::get(ctx, OpClass::Unknown, OpPattern::Other, 0, 0, 0,
                              0, {}, {}),
          std::move(reason)};
}

OpAnalysisResult analyzeLinalg(linalg::LinalgOp op) {
  MLIRContext *ctx = op->getContext();
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  for (int64_t e : extents)
    if (ShapedType::isDynamic(e))
      return unknown(ctx, "dynamic loop bounds; phaze needs static shapes");

  int64_t points = 1;
  for (int64_t e : extents)
    if (llvm::MulOverflow(points, e, points))
      return unknown(ctx, "iteration space overflows 64 bits");

  int64_t bytesRead = 0, bytesWritten = 0;
  for (OpOperand *in : op.getDpsInputOperands()) {
    FailureOr<int64_t> b = valueBytes(in->get().getType());
    if (failed(b))
      return unknown(ctx, "an operand has a dynamic shape, an unsized "
                          "element type or over 2^63 bytes");
    if (llvm::AddOverflow(bytesRead, *b, bytesRead))
      return unknown(ctx, "bytes read overflow 64 bits");
  }
  for (OpOperand &init : op.getDpsInitsMutable()) {
    FailureOr<int64_t> b = valueBytes(init.get().getType());
    if (failed(b))
      return unknown(ctx, "an output has a dynamic shape, an unsized "
                          "element type or over 2^63 bytes");
    if (llvm::AddOverflow(bytesWritten, *b, bytesWritten) ||
        (op.payloadUsesValueFromOperand(&init) &&
         llvm::AddOverflow(bytesRead, *b, bytesRead)))
      return unknown(ctx, "bytes overflow 64 bits");
  }

  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<LoopRole> roles;
  for (utils::IteratorType it : iterators)
    roles.push_back(it == utils::IteratorType::reduction ? LoopRole::Reduction
                                                         : LoopRole::Parallel);
  bool hasReduction = op.getNumReductionLoops() > 0;

  auto make = [&](OpClass c, OpPattern p, int64_t macs, int64_t flops) {
    return OpAnalysisResult{OpAnalysisAttr::get(ctx, c, p, macs, flops,
                                                bytesRead, bytesWritten,
                                                extents, roles),
                            ""};
  };

  // Tensor-unit work: a multiply-accumulate reduction.
  if (hasReduction && isMulAccPayload(op)) {
    // Convolutions first: a sliding window also passes the contraction
    // dimension inference.
    OpPattern pattern = OpPattern::Contraction;
    if (FailureOr<linalg::ConvolutionDimensions> conv =
            linalg::inferConvolutionDims(op);
        succeeded(conv)) {
      pattern = conv->depth.empty() ? OpPattern::Convolution
                                    : OpPattern::DepthwiseConvolution;
      for (unsigned d : conv->batch)
        roles[d] = LoopRole::Batch;
    } else if (FailureOr<linalg::ContractionDimensions> dims =
                   linalg::inferContractionDims(op);
               succeeded(dims)) {
      for (unsigned d : dims->batch)
        roles[d] = LoopRole::Batch;
    }
    return make(OpClass::Tensor, pattern, points, 2 * points);
  }

  int64_t ops = payloadOps(op);
  if (payloadGathers(op))
    bytesRead += bytesWritten; // the gathered elements
  if (ops == 0) {
    // Pure data movement: the payload only forwards values.
    if (payloadGathers(op))
      return make(OpClass::DataMovement, OpPattern::Gather, 0, 0);
    if (isFillPayload(op))
      return make(OpClass::Free, OpPattern::Fill, 0, 0);
    OpPattern pattern = OpPattern::Copy;
    if (op.getNumDpsInputs() == 1 && op.getNumDpsInits() == 1) {
      AffineMap in = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
      AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
      if (in.isPermutation() && out.isIdentity() && !in.isIdentity())
        pattern = OpPattern::Transpose;
      else if (in.isProjectedPermutation() &&
               in.getNumResults() < out.getNumResults())
        pattern = OpPattern::Broadcast;
    }
    return make(OpClass::DataMovement, pattern, 0, 0);
  }

  int64_t flops;
  if (llvm::MulOverflow(ops, points, flops))
    return unknown(ctx, "operation count overflows 64 bits");
  OpPattern pattern = OpPattern::Elementwise;
  if (hasReduction) {
    // A sliding window (an input indexed by sums of loops) is pooling.
    bool window = llvm::any_of(op.getDpsInputOperands(), [&](OpOperand *in) {
      return !op.getMatchingIndexingMap(in).isProjectedPermutation();
    });
    pattern = window ? OpPattern::Pooling : OpPattern::Reduction;
  }
  return make(OpClass::Vector, pattern, 0, flops);
}

//===----------------------------------------------------------------------===//
// Other tensor ops
//===----------------------------------------------------------------------===//

std::optional<OpAnalysisResult> analyzeOther(Operation *op) {
  MLIRContext *ctx = op->getContext();
  bool touchesTensors = llvm::any_of(op->getOperandTypes(), isTensorLike) ||
                        llvm::any_of(op->getResultTypes(), isTensorLike);
  if (!touchesTensors)
    return std::nullopt;
  if (op->hasTrait<OpTrait::IsTerminator>() || isa<func::CallOp>(op))
    return std::nullopt;

  auto bytesOf = [](TypeRange types, int64_t &sum) -> LogicalResult {
    for (Type t : types) {
      if (!isTensorLike(t))
        continue;
      FailureOr<int64_t> b = valueBytes(t);
      if (failed(b) || llvm::AddOverflow(sum, *b, sum))
        return failure();
    }
    return success();
  };
  auto make = [&](OpClass c, OpPattern p, int64_t read,
                  int64_t written) -> OpAnalysisResult {
    return {OpAnalysisAttr::get(ctx, c, p, 0, 0, read, written, {}, {}), ""};
  };
  if (op->hasTrait<OpTrait::ConstantLike>())
    return make(OpClass::Free, OpPattern::Constant, 0, 0);
  int64_t resultBytes = 0;
  if (failed(bytesOf(op->getResultTypes(), resultBytes)))
    return unknown(ctx, "a result has a dynamic shape, an unsized element "
                        "type or over 2^63 bytes");

  return llvm::TypeSwitch<Operation *, std::optional<OpAnalysisResult>>(op)
      .Case<AllReduceOp>([&](AllReduceOp ar) {
        return make(OpClass::Collective, OpPattern::AllReduce, ar.getBytes(),
                    ar.getBytes());
      })
      .Case<GradAllReduceOp>(
          [&](auto) { return make(OpClass::Free, OpPattern::Identity, 0, 0); })
      .Case<tensor::EmptyOp>(
          [&](auto) { return make(OpClass::Free, OpPattern::Empty, 0, 0); })
      .Case<arith::ConstantOp>(
          [&](auto) { return make(OpClass::Free, OpPattern::Constant, 0, 0); })
      .Case<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::ReshapeOp,
            tensor::CastOp, tensor::BitcastOp>(
          [&](auto) { return make(OpClass::Free, OpPattern::Reshape, 0, 0); })
      .Case<tensor::PadOp>([&](tensor::PadOp pad) {
        int64_t read = 0;
        if (failed(bytesOf(pad.getSource().getType(), read)))
          return std::optional<OpAnalysisResult>(
              unknown(ctx, "dynamic pad source"));
        return std::optional<OpAnalysisResult>(
            make(OpClass::DataMovement, OpPattern::Pad, read, resultBytes));
      })
      .Case<tensor::ExtractSliceOp>([&](auto) {
        return make(OpClass::DataMovement, OpPattern::Slice, resultBytes,
                    resultBytes);
      })
      .Case<tensor::InsertSliceOp>([&](tensor::InsertSliceOp ins) {
        int64_t moved = 0;
        if (failed(bytesOf(ins.getSource().getType(), moved)))
          return std::optional<OpAnalysisResult>(
              unknown(ctx, "dynamic insert_slice source"));
        return std::optional<OpAnalysisResult>(
            make(OpClass::DataMovement, OpPattern::Slice, moved, moved));
      })
      .Case<tensor::ConcatOp>([&](auto) {
        return make(OpClass::DataMovement, OpPattern::Concat, resultBytes,
                    resultBytes);
      })
      .Default([&](Operation *other) -> std::optional<OpAnalysisResult> {
        return unknown(ctx, "no cost model for '" +
                                other->getName().getStringRef().str() + "'");
      });
}

} // namespace

std::optional<OpAnalysisResult> mlir::phaze::analyzeOp(Operation *op) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return analyzeLinalg(linalgOp);
  return analyzeOther(op);
}

//===----------------------------------------------------------------------===//
// Totals
//===----------------------------------------------------------------------===//

void Totals::add(OpAnalysisAttr attr, int64_t times) {
  ops += times;
  macs += times * attr.getMacs();
  flops += times * attr.getFlops();
  bytesRead += times * attr.getBytesRead();
  bytesWritten += times * attr.getBytesWritten();
}

void Totals::add(const Totals &o) {
  ops += o.ops;
  macs += o.macs;
  flops += o.flops;
  bytesRead += o.bytesRead;
  bytesWritten += o.bytesWritten;
}

void ClassTotals::add(OpAnalysisAttr attr, int64_t times) {
  byClass[static_cast<size_t>(attr.getOpClass())].add(attr, times);
  all.add(attr, times);
}

void ClassTotals::add(const ClassTotals &o) {
  for (size_t i = 0; i < byClass.size(); ++i)
    byClass[i].add(o.byClass[i]);
  all.add(o.all);
}

//===----------------------------------------------------------------------===//
// WorkloadAnalysis
//===----------------------------------------------------------------------===//

WorkloadAnalysis::WorkloadAnalysis(Operation *root) {
  root->walk<WalkOrder::PreOrder>([&](Operation *op) {
    auto fn = dyn_cast<FunctionOpInterface>(op);
    if (!fn)
      return WalkResult::advance();
    Function f;
    f.funcOp = op;
    f.name = fn.getName().str();
    if (!fn.isExternal()) {
      fn.getFunctionBody().walk<WalkOrder::PreOrder>([&](Operation *inner) {
        std::optional<OpAnalysisResult> r = analyzeOp(inner);
        if (r) {
          f.entries.push_back({inner, r->attr, r->reason});
          f.totals.add(r->attr);
        }
        // Payloads of structured ops are part of the op, not workload.
        if (isa<linalg::LinalgOp, tensor::PadOp>(inner))
          return WalkResult::skip();
        return WalkResult::advance();
      });
    }
    functions.push_back(std::move(f));
    return WalkResult::skip();
  });

  // Executions: callers before callees (call graphs of models are acyclic;
  // a function on a cycle keeps the count of one execution).
  llvm::StringMap<size_t> byName;
  for (size_t i = 0; i < functions.size(); ++i)
    byName[functions[i].name] = i;
  std::vector<std::vector<std::pair<size_t, int64_t>>> callees(
      functions.size());
  std::vector<int64_t> callers(functions.size(), 0);
  auto edge = [&](size_t from, StringRef to) {
    auto it = byName.find(to);
    if (it == byName.end())
      return;
    callees[from].push_back({it->second, 1});
    ++callers[it->second];
  };
  for (size_t i = 0; i < functions.size(); ++i) {
    functions[i].funcOp->walk(
        [&](func::CallOp call) { edge(i, call.getCallee()); });
    // A layer's backward and optimizer run once per run of the layer.
    if (auto t = functions[i].funcOp->getAttrOfType<TrainingAttr>(
            TrainingAttr::getAttrName())) {
      edge(i, t.getBackward().getValue());
      edge(i, t.getOptimizer().getValue());
    }
  }
  std::vector<int64_t> pending = callers;
  std::vector<size_t> ready;
  for (size_t i = 0; i < functions.size(); ++i) {
    // A width variant (phaze-tensor-parallel{widths=...}) is an alternative
    // to its layer, never run beside it.
    bool variant = functions[i].funcOp->hasAttr("phaze.width_of");
    functions[i].executions = callers[i] == 0 && !variant ? 1 : 0;
    if (callers[i] == 0)
      ready.push_back(i);
  }
  std::vector<bool> done(functions.size(), false);
  while (!ready.empty()) {
    size_t i = ready.back();
    ready.pop_back();
    done[i] = true;
    for (auto [c, n] : callees[i]) {
      functions[c].executions += n * functions[i].executions;
      if (--pending[c] == 0)
        ready.push_back(c);
    }
  }
  for (size_t i = 0; i < functions.size(); ++i) {
    if (!done[i])
      functions[i].executions = std::max<int64_t>(functions[i].executions, 1);
    ClassTotals scaled;
    for (size_t c = 0; c < scaled.byClass.size(); ++c) {
      Totals t = functions[i].totals.byClass[c];
      int64_t k = functions[i].executions;
      scaled.byClass[c].ops = t.ops * k;
      scaled.byClass[c].macs = t.macs * k;
      scaled.byClass[c].flops = t.flops * k;
      scaled.byClass[c].bytesRead = t.bytesRead * k;
      scaled.byClass[c].bytesWritten = t.bytesWritten * k;
      scaled.all.add(scaled.byClass[c]);
    }
    totals.add(scaled);
  }
}
