//===- OpAnalysis.h - what tensor operations compute and move ---*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Classifies each tensor operation of a workload by its structure (indexing
// maps, iterator types, static loop ranges, payload) into the unit kind that
// runs it, and counts its MACs, FLOPs and bytes. Linalg ops are matched
// through the LinalgOp interface, never by name, so named and generic forms
// of the same computation get the same answer.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_ANALYSIS_OPANALYSIS_H
#define PHAZE_ANALYSIS_OPANALYSIS_H

#include "phaze/Dialect/Phaze/IR/PhazeAttrs.h"

#include "mlir/IR/Operation.h"
#include "mlir/Pass/AnalysisManager.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
namespace phaze {

/// The analysis of one operation. `reason` explains an `unknown` class.
struct OpAnalysisResult {
  OpAnalysisAttr attr;
  std::string reason;
};

/// Analyses `op`. Returns std::nullopt for operations that are not workload:
/// ones without tensor (or memref) operands and results, such as scalar
/// arithmetic, control flow and terminators.
std::optional<OpAnalysisResult> analyzeOp(Operation *op);

/// Sums of the counts of several analysed operations.
struct Totals {
  int64_t ops = 0;
  int64_t macs = 0;
  int64_t flops = 0;
  int64_t bytesRead = 0;
  int64_t bytesWritten = 0;

  void add(OpAnalysisAttr attr, int64_t times = 1);
  void add(const Totals &other);
};

/// Totals by class and overall.
struct ClassTotals {
  std::array<Totals, 6> byClass{};
  Totals all;

  void add(OpAnalysisAttr attr, int64_t times = 1);
  void add(const ClassTotals &other);
  const Totals &operator[](OpClass c) const {
    return byClass[static_cast<size_t>(c)];
  }
};

/// The analysis of every operation in the functions below a root operation,
/// in program order, with per-function and overall totals.
class WorkloadAnalysis {
public:
  /// One analysed operation.
  struct Entry {
    Operation *op;
    OpAnalysisAttr attr;
    std::string reason;
  };
  /// One function and its operations.
  struct Function {
    Operation *funcOp;
    std::string name;
    std::vector<Entry> entries;
    /// Totals of one execution of the function.
    ClassTotals totals;
    /// How many times one run of the model executes the function: 1 for a
    /// function nobody calls, else the sum over its call sites of the
    /// caller's count (a layer called 96 times counts 96 times).
    int64_t executions = 1;
  };

  explicit WorkloadAnalysis(Operation *root);
  WorkloadAnalysis(Operation *root, AnalysisManager &)
      : WorkloadAnalysis(root) {}

  const std::vector<Function> &getFunctions() const { return functions; }
  /// Totals of one run of the model: each function's totals times its
  /// executions.
  const ClassTotals &getTotals() const { return totals; }

private:
  std::vector<Function> functions;
  ClassTotals totals;
};

} // namespace phaze
} // namespace mlir

#endif // PHAZE_ANALYSIS_OPANALYSIS_H
