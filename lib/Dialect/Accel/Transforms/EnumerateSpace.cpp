//===- EnumerateSpace.cpp - write the configurations of a space -----------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The accel-enumerate-space pass: every admitted configuration of an
// accel.space, in PHAZE's order, as JSON lines or CSV.
//
//===----------------------------------------------------------------------===//

#include "phaze/Arch/Space.h"
#include "phaze/Dialect/Accel/IR/AccelOps.h"
#include "phaze/Dialect/Accel/Transforms/Passes.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir {
namespace phaze {
namespace accel {
#define GEN_PASS_DEF_ACCELENUMERATESPACEPASS
#include "phaze/Dialect/Accel/Transforms/Passes.h.inc"
} // namespace accel
} // namespace phaze
} // namespace mlir

using namespace mlir;
using namespace mlir::phaze;
using namespace mlir::phaze::accel;

namespace {
struct AccelEnumerateSpacePass
    : public accel::impl::AccelEnumerateSpacePassBase<AccelEnumerateSpacePass> {
  using AccelEnumerateSpacePassBase::AccelEnumerateSpacePassBase;

  void runOnOperation() override;
};

/// The space named `name`, or the module's only space when `name` is empty;
/// emits an error and returns null otherwise.
SpaceOp findSpace(ModuleOp module, StringRef name) {
  SmallVector<SpaceOp> spaces(module.getOps<SpaceOp>());
  if (!name.empty()) {
    for (SpaceOp s : spaces)
      if (s.getSymName() == name)
        return s;
    module.emitError() << "accel-enumerate-space: no accel.space named @"
                       << name;
    return nullptr;
  }
  if (spaces.size() == 1)
    return spaces.front();
  if (spaces.empty())
    module.emitError() << "accel-enumerate-space: the module holds no "
                          "accel.space";
  else
    module.emitError() << "accel-enumerate-space: the module holds "
                       << spaces.size()
                       << " accel.space ops; choose one with 'space=NAME'";
  return nullptr;
}
} // namespace

void AccelEnumerateSpacePass::runOnOperation() {
  ModuleOp module = getOperation();
  bool csv = format == "csv";
  if (!csv && format != "jsonl") {
    module.emitError() << "accel-enumerate-space: unknown format '" << format
                       << "'; expected 'jsonl' or 'csv'";
    return signalPassFailure();
  }
  SpaceOp space = findSpace(module, spaceName);
  if (!space)
    return signalPassFailure();
  SymbolTableCollection symbols;
  FailureOr<arch::SpaceSpec> spec = space.getSpec(symbols);
  if (failed(spec))
    return signalPassFailure();

  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> out =
      openOutputFile(outputFile, &error);
  if (!out) {
    space.emitError() << "accel-enumerate-space: " << error;
    return signalPassFailure();
  }
  raw_ostream &os = out->os();
  if (csv)
    os << "tensor_count,vector_count,tensor_batch,tensor_rows,tensor_cols,"
          "vector_lanes,tensor_local_buffer_bytes,vector_local_buffer_bytes,"
          "global_buffer_bytes,area_um2\n";
  uint64_t written = 0;
  arch::enumerate(*spec, [&](const arch::ChipConfig &c, double area) {
    if (csv)
      os << c.tensorCount << "," << c.vectorCount << "," << c.tensorBatch << ","
         << c.tensorRows << "," << c.tensorCols << "," << c.vectorLanes << ","
         << c.tensorLocalBufferBytes << "," << c.vectorLocalBufferBytes << ","
         << c.globalBufferBytes << "," << llvm::format("%.17g", area) << "\n";
    else
      os << "{\"tensor_count\": " << c.tensorCount
         << ", \"vector_count\": " << c.vectorCount
         << ", \"tensor_batch\": " << c.tensorBatch
         << ", \"tensor_rows\": " << c.tensorRows
         << ", \"tensor_cols\": " << c.tensorCols
         << ", \"vector_lanes\": " << c.vectorLanes
         << ", \"tensor_local_buffer_bytes\": " << c.tensorLocalBufferBytes
         << ", \"vector_local_buffer_bytes\": " << c.vectorLocalBufferBytes
         << ", \"global_buffer_bytes\": " << c.globalBufferBytes
         << ", \"area_um2\": " << llvm::format("%.17g", area) << "}\n";
    ++written;
    return limit == 0 || written < limit;
  });
  out->keep();
  markAllAnalysesPreserved();
}
