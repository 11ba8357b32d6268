//===- AccelOps.cpp - accel dialect operations ----------------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Dialect/Accel/IR/AccelOps.h"
#include "phaze/Arch/Space.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::phaze;
using namespace mlir::phaze::accel;

#define GET_OP_CLASSES
#include "phaze/Dialect/Accel/IR/AccelOps.cpp.inc"

/// Resolves `ref` from `from` to an accel.chip, emitting an error naming
/// `role` when it is missing or not a chip.
static FailureOr<ChipOp> resolveChip(Operation *from, FlatSymbolRefAttr ref,
                                     StringRef role,
                                     SymbolTableCollection &symbolTable) {
  Operation *target = symbolTable.lookupNearestSymbolFrom(from, ref);
  if (!target)
    return from->emitOpError() << role << " " << ref << " does not exist";
  auto chip = dyn_cast<ChipOp>(target);
  if (!chip)
    return from->emitOpError()
           << role << " " << ref << " is not an 'accel.chip' but '"
           << target->getName() << "'";
  return chip;
}

//===----------------------------------------------------------------------===//
// SystemOp
//===----------------------------------------------------------------------===//

LogicalResult SystemOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return resolveChip(*this, getChipAttr(), "chip", symbolTable);
}

ChipOp SystemOp::getChipOp(SymbolTableCollection &symbolTable) {
  return dyn_cast_or_null<ChipOp>(
      symbolTable.lookupNearestSymbolFrom(*this, getChipAttr()));
}

//===----------------------------------------------------------------------===//
// SpaceOp
//===----------------------------------------------------------------------===//

ChipOp SpaceOp::getTemplateOp(SymbolTableCollection &symbolTable) {
  return dyn_cast_or_null<ChipOp>(
      symbolTable.lookupNearestSymbolFrom(*this, getTemplateChipAttr()));
}

FailureOr<double>
SpaceOp::getAreaBudgetUm2(SymbolTableCollection &symbolTable) {
  std::optional<double> explicitBudget = getSpec().getAreaBudgetUm2();
  if (getBudgetAttr() && explicitBudget)
    return emitOpError() << "has both a 'budget' chip and 'area_budget_um2'; "
                            "give one";
  if (!getBudgetAttr() && !explicitBudget)
    return emitOpError() << "needs an area budget: a 'budget' chip or "
                            "'area_budget_um2'";
  if (explicitBudget)
    return *explicitBudget;
  FailureOr<ChipOp> chip =
      resolveChip(*this, getBudgetAttr(), "budget", symbolTable);
  if (failed(chip))
    return failure();
  return chip->getSpec().getAreaUm2();
}

FailureOr<arch::SpaceSpec>
SpaceOp::getSpec(SymbolTableCollection &symbolTable) {
  FailureOr<ChipOp> templ =
      resolveChip(*this, getTemplateChipAttr(), "template", symbolTable);
  if (failed(templ))
    return failure();
  FailureOr<double> budget = getAreaBudgetUm2(symbolTable);
  if (failed(budget))
    return failure();
  arch::SpaceSpec spec = getSpec().getSpec(templ->getSpec(), *budget);
  std::string error;
  if (!spec.check(error))
    return emitOpError() << error;
  return spec;
}

LogicalResult SpaceOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  FailureOr<arch::SpaceSpec> spec = getSpec(symbolTable);
  if (failed(spec))
    return failure();
  if (arch::admitsAny(*spec))
    return success();
  auto [minArea, maxArea] = arch::candidateAreaRange(*spec);
  auto um2 = [](double v) { return llvm::formatv("{0:F2} um^2", v).str(); };
  InFlightDiagnostic diag = emitOpError()
                            << "admits no configuration: the area budget is "
                            << um2(spec->areaBudgetUm2);
  if (spec->minAreaFraction > 0)
    diag << " with a lower bound of "
         << um2(spec->minAreaFraction * spec->areaBudgetUm2);
  diag << ", and candidate areas range from " << um2(minArea) << " to "
       << um2(maxArea);
  return diag;
}
