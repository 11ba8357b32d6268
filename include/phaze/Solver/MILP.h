//===- MILP.h - solver-independent mixed-integer linear programs -*- C++
//-*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A small model class for mixed-integer linear programs and the interface to
// solve them with COIN-OR CBC. This header uses only the C++ standard library:
// CBC's headers need exceptions and RTTI, which MLIR code is compiled without,
// so CBC stays inside the PhazeSolverCBC library.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_SOLVER_MILP_H
#define PHAZE_SOLVER_MILP_H

#include <atomic>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace mlir {
namespace phaze {
namespace solver {

/// Positive infinity, for unbounded variables and constraint sides.
constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// A linear term: (variable index, coefficient).
using Term = std::pair<int, double>;

/// A mixed-integer linear program: min or max c'x subject to
/// rowLower <= Ax <= rowUpper, lower <= x <= upper, x_j integer for j in I.
class MilpModel {
public:
  /// Adds a variable and returns its index.
  int addVariable(double lower, double upper, double objective, bool integer,
                  std::string name = "");
  /// Adds a binary variable and returns its index.
  int addBinary(double objective, std::string name = "") {
    return addVariable(0, 1, objective, true, std::move(name));
  }
  /// Adds lower <= sum(terms) <= upper and returns the row index.
  int addConstraint(std::vector<Term> terms, double lower, double upper,
                    std::string name = "");
  /// Sets the objective sense (minimization by default).
  void setMaximize(bool maximize) { maximizeFlag = maximize; }

  int getNumVariables() const { return static_cast<int>(colLower.size()); }
  int getNumConstraints() const { return static_cast<int>(rows.size()); }
  bool isMaximize() const { return maximizeFlag; }

  /// Checks the model: bounds ordered, coefficients finite, indices valid.
  /// On failure returns false and describes the first problem in `error`.
  bool check(std::string &error) const;
  /// Checks that `x` satisfies every bound, row and integrality within
  /// `tolerance`. On failure returns false and describes the violation.
  bool verify(const std::vector<double> &x, double tolerance,
              std::string &error) const;
  /// The objective value c'x.
  double evaluate(const std::vector<double> &x) const;

  // Raw data, for solver back ends.
  std::vector<double> colLower, colUpper, objectiveCoeffs;
  std::vector<char> isInteger;
  std::vector<std::string> colNames;
  struct Row {
    std::vector<Term> terms;
    double lower, upper;
    std::string name;
  };
  std::vector<Row> rows;

private:
  bool maximizeFlag = false;
};

/// How to solve.
struct MilpOptions {
  /// Wall-clock limit in seconds; 0 means none.
  double timeLimitS = 0;
  /// Stop when the relative gap between incumbent and bound is below this.
  double relativeGap = 0;
  /// A feasible starting solution (all variables), or empty.
  std::vector<double> initialSolution;
  /// CBC log level; 0 is silent.
  int logLevel = 0;
  /// Cut generators and primal heuristics as CBC's standalone solver uses
  /// them; false: branch and bound on the linear relaxation alone, faster on
  /// small models whose bound is all that is wanted.
  bool cutsAndHeuristics = true;
  /// Strong branching: how many candidate variables CBC tries at a node,
  /// and after how many branches on a variable it trusts its pseudo-costs
  /// instead; negative: CBC's defaults (5 and 10).
  int strongCandidates = -1;
  int strongBeforeTrust = -1;
  /// When finite, only solutions with an objective below it count (above
  /// it when maximizing; a start that does not beat it is dropped): CBC
  /// prunes every node whose bound reaches it, and Infeasible then means no
  /// solution beats it.
  double cutoff = kInfinity;
  /// Set by another thread to stop CBC at its next node: the result is as
  /// at a time limit (its bound still valid).
  const std::atomic<bool> *stop = nullptr;
};

/// The outcome of a solve.
enum class MilpStatus {
  /// Proven optimal (within relativeGap).
  Optimal,
  /// A feasible solution, not proven optimal (time limit hit).
  Feasible,
  /// Proven infeasible.
  Infeasible,
  /// Unbounded (or the relaxation is).
  Unbounded,
  /// Stopped by the time limit before any feasible solution.
  NoSolution,
  /// The model failed check() or the solver failed.
  Error,
};

/// A printable name of `status`.
const char *toString(MilpStatus status);

/// The result of a solve. `values` and `objective` are set for Optimal and
/// Feasible; `bestBound` is the proven bound on the optimum.
struct MilpResult {
  MilpStatus status = MilpStatus::Error;
  double objective = 0;
  double bestBound = 0;
  std::vector<double> values;
  /// Branch-and-bound nodes.
  long nodes = 0;
  /// Wall-clock seconds.
  double seconds = 0;
  std::string message;

  bool hasSolution() const {
    return status == MilpStatus::Optimal || status == MilpStatus::Feasible;
  }
  /// |objective - bestBound| / max(1e-10, |objective|).
  double relativeGap() const;
};

/// Solves `model` with COIN-OR CBC. Thread-safe: each call builds its own
/// solver objects and shares no state with other calls. Calls
/// retainFreedHeap() first.
MilpResult solveWithCbc(const MilpModel &model,
                        const MilpOptions &options = {});

/// Once per process, has the C library keep up to 16 MiB of freed heap
/// instead of handing it back to the system at once (glibc's M_TOP_PAD; a
/// no-op elsewhere). The solvers allocate and free many short-lived arrays;
/// in a process whose heap an MLIR pipeline has grown, every free at the
/// top of the heap returned its pages and the next allocation faulted them
/// in again, and the solves lost time to the kernel (docs/Solver.md).
void retainFreedHeap();

} // namespace solver
} // namespace phaze
} // namespace mlir

#endif // PHAZE_SOLVER_MILP_H
