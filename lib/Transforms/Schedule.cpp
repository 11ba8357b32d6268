//===- Schedule.cpp - optimal operator schedules per layer ----------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Loads each function's scheduling problem from IR (ops with
// #phaze.estimate are tasks; dependences follow def-use chains through the
// free ops in between), solves it with the scheduling library, and writes
// #phaze.schedule on each task and #phaze.makespan on the function.
// Problems are solved once per process per (tasks, dependences, units).
//
//===----------------------------------------------------------------------===//

#include "phaze/Analysis/OpAnalysis.h"
#include "phaze/Scheduling/Solve.h"
#include "phaze/Transforms/Loaders.h"
#include "phaze/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace mlir {
namespace phaze {
#define GEN_PASS_DEF_PHAZESCHEDULEPASS
#include "phaze/Transforms/Passes.h.inc"
} // namespace phaze
} // namespace mlir

using namespace mlir;
using namespace mlir::phaze;

namespace {

/// Solutions shared by every run of the pass in this process, keyed by the
/// problem's full description.
struct ScheduleCache {
  std::mutex mutex;
  std::map<std::string, sched::SolveResult> map;
  static ScheduleCache &get() {
    static ScheduleCache c;
    return c;
  }
};

/// The units a task of kind `k` holds, as #phaze.schedule names them.
Unit unitOf(sched::UnitKind k) {
  switch (k) {
  case sched::UnitKind::Tensor:
    return Unit::Tensor;
  case sched::UnitKind::Vector:
    return Unit::Vector;
  case sched::UnitKind::Fused:
    return Unit::Fused;
  case sched::UnitKind::None:
    return Unit::Network;
  }
  llvm_unreachable("unknown unit kind");
}

std::string keyOf(const sched::Problem &p, double timeLimit, bool exact) {
  std::ostringstream os;
  os.precision(17);
  os << p.tensorUnits << ":" << p.vectorUnits << ":" << timeLimit << ":"
     << exact << "|";
  for (const sched::Task &t : p.tasks)
    os << static_cast<int>(t.kind) << "," << t.single << "," << t.parallel
       << ";";
  os << "|";
  for (auto [a, b] : p.edges)
    os << a << ">" << b << ";";
  return os.str();
}

struct PhazeSchedulePass
    : public phaze::impl::PhazeSchedulePassBase<PhazeSchedulePass> {
  using PhazeSchedulePassBase::PhazeSchedulePassBase;

  void runOnOperation() override;
  LogicalResult scheduleFunction(func::FuncOp fn, llvm::json::Array &trace);
};

LogicalResult PhazeSchedulePass::scheduleFunction(func::FuncOp fn,
                                                  llvm::json::Array &trace) {
  // Candidate tasks: analysed ops that are not free, with an estimate;
  // those of zero latency are dropped by makeScheduleProblem.
  SmallVector<Operation *> candidates;
  std::vector<TaskEstimate> estimates;
  std::vector<std::string> names;
  bool missing = false;
  // Tasks are the function's top-level ops (payloads belong to their op).
  for (Operation &topOp : fn.getBody().front().without_terminator()) {
    Operation *op = &topOp;
    auto est = op->getAttrOfType<EstimateAttr>(EstimateAttr::getAttrName());
    auto an = analyzeOp(op);
    if (!an || an->attr.getOpClass() == OpClass::Free)
      continue;
    if (!est) {
      op->emitError() << "phaze-schedule: no latency for this op; run "
                         "phaze-estimate first";
      missing = true;
      continue;
    }
    if (est.getLatencyS() > 0 && an->attr.getOpClass() != OpClass::Collective &&
        est.getUnits() < 1) {
      op->emitError() << "phaze-schedule: the chip has no unit of this op's "
                         "kind (units = "
                      << est.getUnits() << ")";
      missing = true;
      continue;
    }
    if (est.getLatencyS() > 0 && !(est.getParallelLatencyS() > 0)) {
      op->emitError() << "phaze-schedule: parallel_latency_s must be "
                         "positive when latency_s is";
      missing = true;
      continue;
    }
    candidates.push_back(op);
    estimates.push_back({unitKindOf(an->attr.getOpClass()), est.getLatencyS(),
                         est.getParallelLatencyS(), est.getUnits()});
    names.push_back(op->getName().getStringRef().str());
  }
  if (missing)
    return failure();
  std::vector<int> taskOf;
  sched::Problem p = makeScheduleProblem(
      names, estimates, taskDependences(fn, candidates), taskOf);
  if (p.tasks.empty()) {
    // No work (only free or zero-latency ops): an empty schedule.
    fn->setAttr(MakespanAttr::getAttrName(),
                MakespanAttr::get(&getContext(), 0.0, 0.0, true, 0, 0.0));
    return success();
  }
  SmallVector<Operation *> ops;
  for (int c : taskOf)
    ops.push_back(candidates[c]);
  std::string error;
  if (!p.check(error))
    return mlir::emitError(fn.getLoc())
           << "phaze-schedule: @" << fn.getName() << ": " << error;

  auto start = std::chrono::steady_clock::now();
  std::string key = keyOf(p, timeLimit, exact);
  ScheduleCache &cache = ScheduleCache::get();
  sched::SolveResult r;
  bool cached = false;
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    auto it = cache.map.find(key);
    if (it != cache.map.end()) {
      r = it->second;
      cached = true;
    }
  }
  if (!cached) {
    sched::SolveOptions so;
    so.timeLimitS = timeLimit;
    so.milp = exact;
    so.threads = threads ? static_cast<int>(threads)
                         : (std::thread::hardware_concurrency() >= 2 ? 2 : 1);
    r = sched::solveSchedule(p, so);
    std::lock_guard<std::mutex> lock(cache.mutex);
    cache.map.emplace(key, r);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (r.status == sched::SolveResult::Status::Error)
    return mlir::emitError(fn.getLoc())
           << "phaze-schedule: @" << fn.getName() << ": " << r.message;
  if (r.status != sched::SolveResult::Status::Optimal)
    // At the location only: printing the whole function would bury it.
    mlir::emitWarning(fn.getLoc())
        << "phaze-schedule: @" << fn.getName() << " not proven optimal ("
        << r.message << "); gap " << llvm::formatv("{0:f2}", 100 * r.gap())
        << " %";

  MLIRContext *ctx = &getContext();
  // One trace row per unit: greedy assignment of identical units.
  std::vector<std::pair<double, int>> order;
  for (int i = 0; i < static_cast<int>(ops.size()); ++i)
    order.push_back({r.schedule.start[i], i});
  llvm::sort(order);
  std::vector<double> tensorFree(p.tensorUnits, 0),
      vectorFree(p.vectorUnits, 0);
  for (auto [s, i] : order) {
    const sched::Task &t = p.tasks[i];
    bool par = r.schedule.parallel[i];
    double d = r.schedule.duration(p, i);
    int64_t units =
        t.kind == sched::UnitKind::None
            ? 0
            : (par ? (t.kind == sched::UnitKind::Tensor ? p.tensorUnits
                                                        : p.vectorUnits)
                   : 1);
    ops[i]->setAttr(ScheduleAttr::getAttrName(),
                    ScheduleAttr::get(ctx, s, d, unitOf(t.kind), par, units));
    // The trace (rows of every unit an op holds) only when asked for: with
    // thousands of units it is large.
    if (traceFile.empty())
      continue;
    std::vector<double> &free =
        t.kind == sched::UnitKind::Tensor ? tensorFree : vectorFree;
    SmallVector<std::string> rows;
    if (t.kind == sched::UnitKind::None) {
      rows.push_back("network");
    } else if (par) {
      for (size_t u = 0; u < free.size(); ++u) {
        free[u] = s + d;
        rows.push_back(
            (t.kind == sched::UnitKind::Tensor ? "tensor " : "vector ") +
            std::to_string(u));
      }
    } else {
      size_t u = 0;
      while (u + 1 < free.size() && free[u] > s + 1e-12 * (1 + s))
        ++u;
      free[u] = s + d;
      rows.push_back(
          (t.kind == sched::UnitKind::Tensor ? "tensor " : "vector ") +
          std::to_string(u));
    }
    for (const std::string &row : rows)
      trace.push_back(llvm::json::Object{{"name", t.name},
                                         {"ph", "X"},
                                         {"ts", s * 1e6},
                                         {"dur", d * 1e6},
                                         {"pid", fn.getName()},
                                         {"tid", row}});
  }
  fn->setAttr(MakespanAttr::getAttrName(),
              MakespanAttr::get(ctx, r.schedule.makespan, r.lowerBound,
                                r.status == sched::SolveResult::Status::Optimal,
                                ops.size(), seconds));
  return success();
}

void PhazeSchedulePass::runOnOperation() {
  ModuleOp module = getOperation();
  llvm::json::Array trace;
  bool failedAny = false;
  for (func::FuncOp fn : module.getOps<func::FuncOp>()) {
    if (fn.isExternal())
      continue;
    if (!fn.getBody().hasOneBlock()) {
      fn.emitWarning() << "phaze-schedule: skipped: more than one block";
      continue;
    }
    if (failed(scheduleFunction(fn, trace)))
      failedAny = true;
  }
  // The trace holds every function that was scheduled, even when another
  // one failed: finished work is not lost.
  if (!traceFile.empty()) {
    std::string error;
    auto out = openOutputFile(traceFile, &error);
    if (!out) {
      module.emitError() << "phaze-schedule: " << error;
      return signalPassFailure();
    }
    // One event per line: valid JSON that diffs and greps well.
    llvm::raw_ostream &os = out->os();
    os << "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [";
    for (auto [i, event] : llvm::enumerate(trace))
      os << (i ? ",\n" : "\n") << "  " << llvm::formatv("{0}", event);
    os << "\n]}\n";
    out->keep();
  }
  if (failedAny)
    return signalPassFailure();
}

} // namespace
