//===- AccelAttrs.h - accel hardware attributes -----------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_ACCEL_IR_ACCELATTRS_H
#define PHAZE_DIALECT_ACCEL_IR_ACCELATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "phaze/Arch/Space.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/bit.h"

#include <optional>
#include <string>

#include "phaze/Dialect/Accel/IR/AccelEnums.h.inc"

namespace mlir {
namespace phaze {
namespace accel {

/// A double attribute parameter: converts to and from `double`, compares
/// bitwise and hashes, so attributes holding equal doubles are uniqued
/// together (llvm::hash_value has no overload for double).
class F64 {
public:
  F64(double v = 0.0) : v(v) {}
  operator double() const { return v; }
  double value() const { return v; }

  friend bool operator==(F64 a, F64 b) {
    return llvm::bit_cast<uint64_t>(a.v) == llvm::bit_cast<uint64_t>(b.v);
  }
  friend bool operator==(F64 a, double b) { return a == F64(b); }
  friend bool operator==(double a, F64 b) { return F64(a) == b; }
  friend bool operator!=(F64 a, F64 b) { return !(a == b); }
  friend bool operator!=(F64 a, double b) { return !(a == b); }
  friend bool operator!=(double a, F64 b) { return !(a == b); }
  friend llvm::hash_code hash_value(F64 f) {
    return llvm::hash_value(llvm::bit_cast<uint64_t>(f.v));
  }

private:
  double v;
};

/// Parses an integer or floating-point literal as a double.
FailureOr<double> parseF64(AsmParser &parser);
/// Parses a double for an optional struct field.
FailureOr<std::optional<F64>> parseOptionalF64Field(AsmParser &parser);
/// The shortest MLIR float literal that parses back to `value` exactly.
std::string formatF64(double value);
/// Prints `value` as the shortest float literal that parses back exactly.
void printF64(AsmPrinter &printer, double value);
/// Parses `true` or `false`.
FailureOr<bool> parseBool(AsmParser &parser);

/// Converts between the dialect's and the enumeration library's parameters.
arch::Param toArchParam(SpaceParam p);

} // namespace accel
} // namespace phaze
} // namespace mlir

#include "phaze/Dialect/Accel/IR/AccelAttrInterfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "phaze/Dialect/Accel/IR/AccelAttrs.h.inc"

#endif // PHAZE_DIALECT_ACCEL_IR_ACCELATTRS_H
