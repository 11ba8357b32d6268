//===- PhazeDialect.cpp - phaze results dialect ---------------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Dialect/Phaze/IR/PhazeDialect.h"
#include "phaze/Dialect/Phaze/IR/PhazeAttrs.h"
#include "phaze/Dialect/Phaze/IR/PhazeOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::phaze;

#include "phaze/Dialect/Phaze/IR/PhazeDialect.cpp.inc"
#include "phaze/Dialect/Phaze/IR/PhazeEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "phaze/Dialect/Phaze/IR/PhazeAttrs.cpp.inc"

#define GET_OP_CLASSES
#include "phaze/Dialect/Phaze/IR/PhazeOps.cpp.inc"

void PhazeDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "phaze/Dialect/Phaze/IR/PhazeOps.cpp.inc"
      >();
}

int64_t AllReduceOp::getBytes() {
  auto t = getInput().getType();
  auto shaped = cast<RankedTensorType>(t);
  if (!shaped.hasStaticShape() || !shaped.getElementType().isIntOrFloat())
    return 0;
  return shaped.getNumElements() *
         ((shaped.getElementType().getIntOrFloatBitWidth() + 7) / 8);
}

void PhazeDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "phaze/Dialect/Phaze/IR/PhazeAttrs.cpp.inc"
      >();
}

LogicalResult
OpAnalysisAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       OpClass opClass, OpPattern pattern, int64_t macs,
                       int64_t flops, int64_t bytesRead, int64_t bytesWritten,
                       ArrayRef<int64_t> loopExtents,
                       ArrayRef<LoopRole> loopRoles) {
  if (macs < 0 || flops < 0 || bytesRead < 0 || bytesWritten < 0)
    return emitError() << "counts must not be negative";
  if (loopExtents.size() != loopRoles.size())
    return emitError() << "'loop_extents' has " << loopExtents.size()
                       << " entries but 'loop_roles' has " << loopRoles.size();
  for (int64_t e : loopExtents)
    if (e < 0)
      return emitError() << "loop extents must not be negative, got " << e;
  if (opClass == OpClass::Tensor && flops != 2 * macs)
    return emitError() << "a tensor-class op has 2 FLOPs per MAC, got " << flops
                       << " FLOPs for " << macs << " MACs";
  return success();
}

LogicalResult LayerAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                int64_t index, int64_t repeats) {
  if (index < 0)
    return emitError() << "'index' must not be negative, got " << index;
  if (repeats < 1)
    return emitError() << "'repeats' must be positive, got " << repeats;
  return success();
}

FailureOr<SmallVector<int64_t>> mlir::phaze::parseIndexList(AsmParser &parser) {
  SmallVector<int64_t> values;
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&]() {
        return parser.parseInteger(values.emplace_back());
      }))
    return failure();
  return values;
}

void mlir::phaze::printIndexList(AsmPrinter &printer,
                                 ArrayRef<int64_t> values) {
  printer << '[';
  llvm::interleaveComma(values, printer);
  printer << ']';
}

LogicalResult StageAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                int64_t firstLayer, int64_t lastLayer,
                                int64_t devices, bool recompute,
                                accel::F64 loadS, accel::F64 memoryBytes,
                                ArrayRef<int64_t> layers) {
  if (firstLayer < 0 || lastLayer < firstLayer || lastLayer >= (1ll << 31))
    return emitError() << "layers must satisfy 0 <= first_layer <= "
                          "last_layer < 2^31, got "
                       << firstLayer << " and " << lastLayer;
  if (!layers.empty() &&
      (layers.front() != firstLayer || layers.back() != lastLayer ||
       !llvm::all_of(llvm::zip(layers.drop_back(), layers.drop_front()),
                     [](auto p) { return std::get<0>(p) < std::get<1>(p); })))
    return emitError() << "'layers' must ascend from first_layer to "
                          "last_layer";
  if (devices < 1)
    return emitError() << "'devices' must be positive, got " << devices;
  if (!(loadS.value() >= 0) || !(memoryBytes.value() >= 0))
    return emitError() << "load and memory must not be negative";
  return success();
}

LogicalResult PlanAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, StringRef semantics,
    int64_t t, int64_t d, int64_t p, int64_t microbatchSize,
    int64_t microbatches, ArrayAttr stages, accel::F64 timePerIterationS,
    accel::F64 pipelineS, accel::F64 allReduceS, accel::F64 optimizerS,
    accel::F64 samplesPerS, accel::F64 tokensPerS, accel::F64 peakMemoryBytes,
    accel::F64 mfu, accel::F64 solveS) {
  if (semantics != "phaze" && semantics != "phaze-reference")
    return emitError() << "'semantics' must be \"phaze\" or "
                          "\"phaze-reference\", got \""
                       << semantics << "\"";
  if (t < 1 || d < 1 || p < 1 || microbatchSize < 1 || microbatches < 1)
    return emitError() << "t, d, p, microbatch_size and microbatches must be "
                          "positive";
  if (static_cast<int64_t>(stages.size()) != p)
    return emitError() << "'p' is " << p << " but there are " << stages.size()
                       << " stages";
  // Intervals follow each other; stages of a layer DAG (some with
  // `layers`) cover every position once: no two overlap, and their sizes
  // add up to the largest position + 1. Intervals are compared as ranges
  // (never expanded).
  bool sets = false;
  for (Attribute a : stages) {
    auto stage = llvm::dyn_cast<StageAttr>(a);
    if (!stage)
      return emitError() << "'stages' must hold #phaze.stage attributes";
    sets |= !stage.getLayers().empty();
  }
  if (!sets) {
    int64_t next = 0;
    for (auto [i, a] : llvm::enumerate(stages)) {
      auto stage = llvm::cast<StageAttr>(a);
      if (stage.getFirstLayer() != next)
        return emitError() << "stage " << i << " starts at layer "
                           << stage.getFirstLayer() << ", expected " << next;
      next = stage.getLastLayer() + 1;
    }
  } else {
    SmallVector<std::pair<int64_t, int64_t>> ranges; // intervals and points
    int64_t total = 0, largest = 0;
    for (Attribute a : stages) {
      auto stage = llvm::cast<StageAttr>(a);
      largest = std::max(largest, stage.getLastLayer());
      if (stage.getLayers().empty()) {
        ranges.push_back({stage.getFirstLayer(), stage.getLastLayer()});
        total += stage.getLastLayer() - stage.getFirstLayer() + 1;
        continue;
      }
      for (int64_t v : stage.getLayers())
        ranges.push_back({v, v});
      total += stage.getLayers().size();
    }
    llvm::sort(ranges);
    for (size_t k = 1; k < ranges.size(); ++k)
      if (ranges[k].first <= ranges[k - 1].second)
        return emitError() << "layer " << ranges[k].first
                           << " is in two stages";
    if (total != largest + 1) {
      int64_t gap = 0;
      for (auto [lo, hi] : ranges) {
        if (lo != gap)
          break;
        gap = hi + 1;
      }
      return emitError() << "layer " << gap << " is in no stage";
    }
  }
  for (accel::F64 x : {timePerIterationS, pipelineS, allReduceS, optimizerS,
                       samplesPerS, tokensPerS, peakMemoryBytes, mfu, solveS})
    if (!(x.value() >= 0))
      return emitError() << "times, rates and memory must not be negative";
  return success();
}
