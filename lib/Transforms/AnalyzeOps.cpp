//===- AnalyzeOps.cpp - annotate and report the workload's ops ------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Analysis/OpAnalysis.h"
#include "phaze/Transforms/Passes.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir {
namespace phaze {
#define GEN_PASS_DEF_PHAZEANALYZEOPSPASS
#include "phaze/Transforms/Passes.h.inc"
} // namespace phaze
} // namespace mlir

using namespace mlir;
using namespace mlir::phaze;

namespace {

constexpr OpClass kClasses[] = {OpClass::Tensor,       OpClass::Vector,
                                OpClass::DataMovement, OpClass::Collective,
                                OpClass::Free,         OpClass::Unknown};

std::string locString(Location loc) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (auto fl = dyn_cast<FileLineColLoc>(loc))
    os << fl.getFilename().getValue() << ":" << fl.getLine() << ":"
       << fl.getColumn();
  else
    loc.print(os);
  return s;
}

llvm::json::Object totalsJson(const Totals &t) {
  return llvm::json::Object{{"ops", t.ops},
                            {"macs", t.macs},
                            {"flops", t.flops},
                            {"bytes_read", t.bytesRead},
                            {"bytes_written", t.bytesWritten}};
}

llvm::json::Object classTotalsJson(const ClassTotals &t) {
  llvm::json::Object o;
  for (OpClass c : kClasses)
    o[stringifyOpClass(c)] = totalsJson(t[c]);
  o["all"] = totalsJson(t.all);
  return o;
}

void printTotalsTable(raw_ostream &os, const ClassTotals &t) {
  os << llvm::formatv("  {0,-14} {1,8} {2,22} {3,22} {4,18} {5,18}\n", "class",
                      "ops", "MACs", "FLOPs", "bytes read", "bytes written");
  auto line = [&](StringRef name, const Totals &x) {
    os << llvm::formatv("  {0,-14} {1,8} {2,22} {3,22} {4,18} {5,18}\n", name,
                        x.ops, x.macs, x.flops, x.bytesRead, x.bytesWritten);
  };
  for (OpClass c : kClasses)
    line(stringifyOpClass(c), t[c]);
  line("total", t.all);
}

struct PhazeAnalyzeOpsPass
    : public phaze::impl::PhazeAnalyzeOpsPassBase<PhazeAnalyzeOpsPass> {
  using PhazeAnalyzeOpsPassBase::PhazeAnalyzeOpsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (report != "none" && report != "table" && report != "json") {
      module.emitError() << "phaze-analyze-ops: unknown report '" << report
                         << "'; expected 'none', 'table' or 'json'";
      return signalPassFailure();
    }
    const WorkloadAnalysis &wa = getAnalysis<WorkloadAnalysis>();

    for (const WorkloadAnalysis::Function &f : wa.getFunctions())
      for (const WorkloadAnalysis::Entry &e : f.entries) {
        if (e.attr.getOpClass() == OpClass::Unknown)
          e.op->emitWarning()
              << "phaze-analyze-ops: counted as unknown: " << e.reason;
        if (annotate)
          e.op->setAttr(OpAnalysisAttr::getAttrName(), e.attr);
      }

    if (report != "none" && failed(writeReport(module, wa)))
      return signalPassFailure();
    if (!annotate)
      markAllAnalysesPreserved();
  }

  LogicalResult writeReport(ModuleOp module, const WorkloadAnalysis &wa) {
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> out =
        openOutputFile(reportFile, &error);
    if (!out)
      return module.emitError() << "phaze-analyze-ops: " << error;
    raw_ostream &os = out->os();
    if (report == "json") {
      llvm::json::Array functions;
      for (const WorkloadAnalysis::Function &f : wa.getFunctions()) {
        llvm::json::Array ops;
        for (const WorkloadAnalysis::Entry &e : f.entries)
          ops.push_back(llvm::json::Object{
              {"op", e.op->getName().getStringRef()},
              {"loc", locString(e.op->getLoc())},
              {"class", stringifyOpClass(e.attr.getOpClass())},
              {"pattern", stringifyOpPattern(e.attr.getPattern())},
              {"macs", e.attr.getMacs()},
              {"flops", e.attr.getFlops()},
              {"bytes_read", e.attr.getBytesRead()},
              {"bytes_written", e.attr.getBytesWritten()}});
        functions.push_back(
            llvm::json::Object{{"name", f.name},
                               {"executions", f.executions},
                               {"ops", std::move(ops)},
                               {"totals", classTotalsJson(f.totals)}});
      }
      llvm::json::Object root{{"functions", std::move(functions)},
                              {"totals", classTotalsJson(wa.getTotals())}};
      os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
    } else {
      for (const WorkloadAnalysis::Function &f : wa.getFunctions()) {
        os << "function @" << f.name << " (executions: " << f.executions
           << ")\n";
        for (const WorkloadAnalysis::Entry &e : f.entries)
          os << llvm::formatv(
              "  {0,-32} {1,-14} {2,-22} {3,16} MACs {4,16} FLOPs {5,14} B "
              "read {6,14} B written  {7}\n",
              e.op->getName().getStringRef(),
              stringifyOpClass(e.attr.getOpClass()),
              stringifyOpPattern(e.attr.getPattern()), e.attr.getMacs(),
              e.attr.getFlops(), e.attr.getBytesRead(),
              e.attr.getBytesWritten(), locString(e.op->getLoc()));
        printTotalsTable(os, f.totals);
        os << "\n";
      }
      os << "module totals (each function times its executions)\n";
      printTotalsTable(os, wa.getTotals());
    }
    out->keep();
    return success();
  }
};

} // namespace
