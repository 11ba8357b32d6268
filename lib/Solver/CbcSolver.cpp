//===- CbcSolver.cpp - solve MilpModel with COIN-OR CBC -------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Compiled with -fexceptions -frtti (CBC's headers need both). No exception
// escapes this file: CoinError and std::exception become MilpStatus::Error.
// Each call owns its CbcModel, OsiClpSolverInterface, cut generators and
// heuristics, so concurrent calls share nothing.
//
//===----------------------------------------------------------------------===//

#include "phaze/Solver/MILP.h"

#include "CbcEventHandler.hpp"
#include "CbcHeuristic.hpp"
#include "CbcHeuristicFPump.hpp"
#include "CbcHeuristicLocal.hpp"
#include "CbcModel.hpp"
#include "CglClique.hpp"
#include "CglFlowCover.hpp"
#include "CglGomory.hpp"
#include "CglKnapsackCover.hpp"
#include "CglMixedIntegerRounding2.hpp"
#include "CglProbing.hpp"
#include "CoinError.hpp"
#include "CoinMessageHandler.hpp"
#include "CoinPackedMatrix.hpp"
#include "OsiClpSolverInterface.hpp"

#include <chrono>
#include <cmath>
#include <exception>
#include <string>

using namespace mlir::phaze::solver;

namespace {
double toCoin(double v, double inf) {
  if (std::isinf(v))
    return v > 0 ? inf : -inf;
  return v;
}

/// Stops CBC at its next event once `stop` is set.
class StopHandler : public CbcEventHandler {
public:
  explicit StopHandler(const std::atomic<bool> *flag) : flag(flag) {}
  CbcAction event(CbcEvent) override {
    return flag->load(std::memory_order_relaxed) ? CbcEventHandler::stop
                                                 : noAction;
  }
  CbcEventHandler *clone() const override { return new StopHandler(*this); }

private:
  const std::atomic<bool> *flag;
};

MilpResult solveImpl(const MilpModel &model, const MilpOptions &options) {
  MilpResult result;
  OsiClpSolverInterface lp;
  const double inf = lp.getInfinity();
  int n = model.getNumVariables();
  int m = model.getNumConstraints();

  // The rows in one row-ordered matrix, built at once (appending rows one
  // by one reallocates the matrix each time: quadratic in its size).
  std::vector<double> rowLower(m), rowUpper(m), elements;
  std::vector<int> indices, lengths(m);
  std::vector<CoinBigIndex> starts(m + 1, 0);
  for (int i = 0; i < m; ++i) {
    const MilpModel::Row &r = model.rows[i];
    for (const Term &t : r.terms) {
      indices.push_back(t.first);
      elements.push_back(t.second);
    }
    starts[i + 1] = static_cast<CoinBigIndex>(indices.size());
    lengths[i] = static_cast<int>(r.terms.size());
    rowLower[i] = toCoin(r.lower, inf);
    rowUpper[i] = toCoin(r.upper, inf);
  }
  CoinPackedMatrix matrix(
      false, n, m, static_cast<CoinBigIndex>(elements.size()), elements.data(),
      indices.data(), starts.data(), lengths.data());
  std::vector<double> colLower(n), colUpper(n), obj(n);
  for (int j = 0; j < n; ++j) {
    colLower[j] = toCoin(model.colLower[j], inf);
    colUpper[j] = toCoin(model.colUpper[j], inf);
    obj[j] = model.isMaximize() ? -model.objectiveCoeffs[j]
                                : model.objectiveCoeffs[j];
  }
  lp.loadProblem(matrix, colLower.data(), colUpper.data(), obj.data(),
                 rowLower.data(), rowUpper.data());
  for (int j = 0; j < n; ++j)
    if (model.isInteger[j])
      lp.setInteger(j);
  lp.messageHandler()->setLogLevel(0);

  CbcModel cbc(lp);
  cbc.setLogLevel(options.logLevel);
  cbc.messageHandler()->setLogLevel(options.logLevel);
  // CBC minimizes: objective and cutoff with the sign it sees (none when
  // the cutoff is not finite).
  bool hasCutoff = std::isfinite(options.cutoff);
  double cutoff = !hasCutoff           ? COIN_DBL_MAX
                  : model.isMaximize() ? -options.cutoff
                                       : options.cutoff;
  bool haveStart = !options.initialSolution.empty() &&
                   static_cast<int>(options.initialSolution.size()) == n;
  double startObj = 0;
  if (haveStart) {
    for (int j = 0; j < n; ++j)
      startObj += obj[j] * options.initialSolution[j];
    // A start that does not beat the cutoff is no solution here.
    haveStart = startObj < cutoff;
  }
  if (haveStart)
    cbc.setBestSolution(options.initialSolution.data(), n, startObj, true);

  // Cut generators and heuristics as CBC's standalone solver uses them. We
  // drive CbcModel::branchAndBound directly: CbcMain0/CbcMain1 keep global
  // state and are not safe to call from several threads.
  CglProbing probing;
  probing.setUsingObjective(1);
  probing.setMaxPass(1);
  probing.setMaxPassRoot(5);
  probing.setMaxProbe(10);
  probing.setMaxProbeRoot(1000);
  probing.setMaxLook(50);
  probing.setMaxLookRoot(500);
  probing.setMaxElements(200);
  probing.setRowCuts(3);
  CglGomory gomory;
  gomory.setLimit(300);
  CglKnapsackCover knapsack;
  CglClique clique;
  clique.setStarCliqueReport(false);
  clique.setRowCliqueReport(false);
  CglMixedIntegerRounding2 mir;
  CglFlowCover flow;
  CbcRounding rounding(cbc);
  CbcHeuristicFPump pump(cbc);
  pump.setMaximumPasses(20);
  CbcHeuristicLocal local(cbc);
  if (options.cutsAndHeuristics) {
    cbc.addCutGenerator(&probing, -1, "Probing");
    cbc.addCutGenerator(&gomory, -1, "Gomory");
    cbc.addCutGenerator(&knapsack, -1, "Knapsack");
    cbc.addCutGenerator(&clique, -1, "Clique");
    cbc.addCutGenerator(&mir, -1, "MixedIntegerRounding2");
    cbc.addCutGenerator(&flow, -1, "FlowCover");
    cbc.addHeuristic(&rounding);
    cbc.addHeuristic(&pump);
    cbc.addHeuristic(&local);
  }
  if (hasCutoff)
    cbc.setCutoff(cutoff);

  // The limit is wall-clock time: by default CBC counts its process's user
  // CPU time, which runs ahead of the clock while other threads of the
  // process are busy and falls behind it while the process waits on the
  // kernel (page faults).
  cbc.setUseElapsedTime(true);
  if (options.timeLimitS > 0)
    cbc.setMaximumSeconds(options.timeLimitS);
  cbc.setAllowableFractionGap(options.relativeGap);
  cbc.setAllowableGap(options.relativeGap > 0 ? 0.0 : 1e-9);
  cbc.setNumberThreads(0);
  if (options.strongCandidates >= 0)
    cbc.setNumberStrong(options.strongCandidates);
  if (options.strongBeforeTrust >= 0)
    cbc.setNumberBeforeTrust(options.strongBeforeTrust);
  cbc.setLogLevel(options.logLevel);
  if (options.stop) {
    StopHandler handler(options.stop);
    cbc.passInEventHandler(&handler); // CBC keeps a clone
  }
  cbc.initialSolve();
  if (cbc.solver()->isProvenPrimalInfeasible()) {
    // With a starting solution, CBC cuts the relaxation off at its
    // objective: an "infeasible" relaxation then proves that no better
    // solution exists, and the starting one is optimal.
    std::string why;
    if (haveStart && model.verify(options.initialSolution, 1e-6, why)) {
      result.status = MilpStatus::Optimal;
      result.values = options.initialSolution;
      result.objective = model.evaluate(result.values);
      result.bestBound = result.objective;
      return result;
    }
    result.status = MilpStatus::Infeasible;
    result.message = "the linear relaxation is infeasible";
    return result;
  }
  if (cbc.solver()->isProvenDualInfeasible()) {
    result.status = MilpStatus::Unbounded;
    result.message = "the linear relaxation is unbounded";
    return result;
  }
  cbc.branchAndBound();

  result.nodes = cbc.getNodeCount();
  double sign = model.isMaximize() ? -1.0 : 1.0;
  bool haveSolution = cbc.bestSolution() != nullptr;
  if (haveSolution) {
    const double *x = cbc.bestSolution();
    result.values.assign(x, x + n);
    for (int j = 0; j < n; ++j)
      if (model.isInteger[j])
        result.values[j] = std::round(result.values[j]);
    result.objective = model.evaluate(result.values);
  }
  result.bestBound = sign * cbc.getBestPossibleObjValue();

  if (cbc.isProvenOptimal() && haveSolution) {
    result.status = MilpStatus::Optimal;
    result.bestBound = result.objective;
    // CBC reports "optimal" when it stopped at the requested gap.
    if (options.relativeGap > 0)
      result.bestBound = sign * cbc.getBestPossibleObjValue();
  } else if (cbc.isProvenInfeasible()) {
    result.status = MilpStatus::Infeasible;
    result.message = "the problem is infeasible";
  } else if (cbc.isContinuousUnbounded() ||
             cbc.solver()->isProvenDualInfeasible()) {
    result.status = MilpStatus::Unbounded;
    result.message = "the problem is unbounded";
  } else if (haveSolution) {
    result.status = MilpStatus::Feasible;
    result.message = "stopped (time limit) with a feasible solution";
  } else if (options.stop && options.stop->load()) {
    result.status = MilpStatus::NoSolution;
    result.message = "stopped on request before any feasible solution";
  } else if (cbc.isSecondsLimitReached() || cbc.maximumSecondsReached()) {
    result.status = MilpStatus::NoSolution;
    result.message = "time limit reached before any feasible solution";
  } else if (cbc.status() == 0 && cbc.secondaryStatus() == 1) {
    result.status = MilpStatus::Infeasible;
    result.message = "the problem is infeasible";
  } else {
    result.status = MilpStatus::Error;
    result.message = "CBC stopped with status " + std::to_string(cbc.status()) +
                     "/" + std::to_string(cbc.secondaryStatus());
  }
  return result;
}
} // namespace

MilpResult mlir::phaze::solver::solveWithCbc(const MilpModel &model,
                                             const MilpOptions &options) {
  retainFreedHeap();
  auto start = std::chrono::steady_clock::now();
  MilpResult result;
  std::string error;
  if (!model.check(error)) {
    result.status = MilpStatus::Error;
    result.message = "invalid model: " + error;
    return result;
  }
  try {
    result = solveImpl(model, options);
  } catch (const CoinError &e) {
    result = MilpResult();
    result.message = "CBC error: " + e.message() + " in " + e.methodName();
  } catch (const std::exception &e) {
    result = MilpResult();
    result.message = std::string("CBC error: ") + e.what();
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}
