//===- MILP.cpp - mixed-integer linear program model ----------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Solver/MILP.h"

#include <cmath>
#include <mutex>
#include <sstream>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace mlir::phaze::solver;

int MilpModel::addVariable(double lower, double upper, double objective,
                           bool integer, std::string name) {
  colLower.push_back(lower);
  colUpper.push_back(upper);
  objectiveCoeffs.push_back(objective);
  isInteger.push_back(integer ? 1 : 0);
  colNames.push_back(std::move(name));
  return getNumVariables() - 1;
}

int MilpModel::addConstraint(std::vector<Term> terms, double lower,
                             double upper, std::string name) {
  rows.push_back(Row{std::move(terms), lower, upper, std::move(name)});
  return getNumConstraints() - 1;
}

static std::string colLabel(const MilpModel &m, int j) {
  if (!m.colNames[j].empty())
    return "variable '" + m.colNames[j] + "'";
  return "variable " + std::to_string(j);
}

static std::string rowLabel(const MilpModel &m, int i) {
  if (!m.rows[i].name.empty())
    return "constraint '" + m.rows[i].name + "'";
  return "constraint " + std::to_string(i);
}

bool MilpModel::check(std::string &error) const {
  for (int j = 0; j < getNumVariables(); ++j) {
    if (std::isnan(colLower[j]) || std::isnan(colUpper[j]) ||
        colLower[j] > colUpper[j]) {
      error = colLabel(*this, j) + " has inconsistent bounds";
      return false;
    }
    if (!std::isfinite(objectiveCoeffs[j])) {
      error = colLabel(*this, j) + " has a non-finite objective coefficient";
      return false;
    }
  }
  for (int i = 0; i < getNumConstraints(); ++i) {
    const Row &r = rows[i];
    if (std::isnan(r.lower) || std::isnan(r.upper) || r.lower > r.upper) {
      error = rowLabel(*this, i) + " has inconsistent sides";
      return false;
    }
    for (const Term &t : r.terms) {
      if (t.first < 0 || t.first >= getNumVariables()) {
        error = rowLabel(*this, i) + " refers to unknown variable " +
                std::to_string(t.first);
        return false;
      }
      if (!std::isfinite(t.second)) {
        error = rowLabel(*this, i) + " has a non-finite coefficient";
        return false;
      }
    }
  }
  return true;
}

double MilpModel::evaluate(const std::vector<double> &x) const {
  double v = 0;
  for (int j = 0; j < getNumVariables(); ++j)
    v += objectiveCoeffs[j] * x[j];
  return v;
}

bool MilpModel::verify(const std::vector<double> &x, double tol,
                       std::string &error) const {
  if (static_cast<int>(x.size()) != getNumVariables()) {
    error = "solution has " + std::to_string(x.size()) + " values for " +
            std::to_string(getNumVariables()) + " variables";
    return false;
  }
  for (int j = 0; j < getNumVariables(); ++j) {
    if (x[j] < colLower[j] - tol || x[j] > colUpper[j] + tol) {
      std::ostringstream os;
      os << colLabel(*this, j) << " = " << x[j] << " violates its bounds ["
         << colLower[j] << ", " << colUpper[j] << "]";
      error = os.str();
      return false;
    }
    if (isInteger[j] && std::fabs(x[j] - std::round(x[j])) > tol) {
      std::ostringstream os;
      os << colLabel(*this, j) << " = " << x[j] << " is not integral";
      error = os.str();
      return false;
    }
  }
  for (int i = 0; i < getNumConstraints(); ++i) {
    double a = 0;
    for (const Term &t : rows[i].terms)
      a += t.second * x[t.first];
    double scale = std::max(1.0, std::fabs(a));
    if (a < rows[i].lower - tol * scale || a > rows[i].upper + tol * scale) {
      std::ostringstream os;
      os << rowLabel(*this, i) << " evaluates to " << a << ", outside ["
         << rows[i].lower << ", " << rows[i].upper << "]";
      error = os.str();
      return false;
    }
  }
  return true;
}

const char *mlir::phaze::solver::toString(MilpStatus status) {
  switch (status) {
  case MilpStatus::Optimal:
    return "optimal";
  case MilpStatus::Feasible:
    return "feasible";
  case MilpStatus::Infeasible:
    return "infeasible";
  case MilpStatus::Unbounded:
    return "unbounded";
  case MilpStatus::NoSolution:
    return "no-solution";
  case MilpStatus::Error:
    return "error";
  }
  return "?";
}

double MilpResult::relativeGap() const {
  return std::fabs(objective - bestBound) /
         std::max(1e-10, std::fabs(objective));
}

void mlir::phaze::solver::retainFreedHeap() {
#if defined(__GLIBC__)
  static std::once_flag once;
  std::call_once(once, [] { mallopt(M_TOP_PAD, 16 << 20); });
#endif
}
