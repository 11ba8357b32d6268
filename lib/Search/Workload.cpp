//===- Workload.cpp - the search's architecture-independent problems ------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Builds the workload once per (tensor-parallel width, microbatch size)
// with the workload pipeline phaze-opt runs, and loads every layer
// function's tasks and the layer chain into IR-free problems.
//
//===----------------------------------------------------------------------===//

#include "SearchImpl.h"

#include "phaze/Analysis/OpAnalysis.h"
#include "phaze/Models/ModelZoo.h"
#include "phaze/Pipelines/Pipelines.h"
#include "phaze/Transforms/Loaders.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::phaze;
using namespace mlir::phaze::search;

/// Collects error diagnostics as "location: message" lines.
struct ErrorCollector {
  ErrorCollector(MLIRContext &ctx)
      : handler(&ctx, [this](Diagnostic &d) {
          if (d.getSeverity() == DiagnosticSeverity::Error) {
            std::string line;
            llvm::raw_string_ostream os(line);
            os << d.getLocation() << ": " << d;
            if (!text.empty())
              text += "\n";
            text += line;
          }
          return success();
        }) {}
  ScopedDiagnosticHandler handler;
  std::string text;
};

FailureOr<OwningOpRef<ModuleOp>> search::buildWorkload(MLIRContext &ctx,
                                                       const SearchOptions &o,
                                                       int64_t t, int64_t mbs,
                                                       std::string &error) {
  ErrorCollector errors(ctx);
  OwningOpRef<ModuleOp> module;
  if (const TransformerConfig *cfg = lookupModel(o.workload)) {
    ModelOptions mo;
    mo.seq = o.seq;
    mo.mbs = mbs;
    mo.layers = o.layers;
    module = buildTransformer(&ctx, *cfg, mo, error);
    if (!module)
      return failure();
  } else {
    llvm::SourceMgr mgr;
    auto buffer = openInputFile(o.workload, &error);
    if (!buffer)
      return failure();
    mgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
    module = parseSourceFile<ModuleOp>(mgr, &ctx);
    if (!module) {
      error = "cannot parse '" + o.workload + "':\n" + errors.text;
      return failure();
    }
  }
  PassManager pm(&ctx);
  WorkloadPipelineOptions wo;
  wo.tensorParallel = t;
  buildWorkloadPipeline(pm, wo);
  if (failed(pm.run(*module))) {
    error = errors.text.empty() ? "the workload pipeline failed" : errors.text;
    return failure();
  }
  return module;
}

FailureOr<Variant> search::loadVariant(ModuleOp module, accel::SystemAttr sys,
                                       WorkTable &works, std::string &error) {
  MLIRContext &ctx = *module.getContext();
  ErrorCollector errors(ctx);
  FailureOr<LayerChain> chain = loadLayerChain(module, "phaze-search");
  if (failed(chain)) {
    error = errors.text;
    return failure();
  }
  Variant v;
  v.chain = *chain;
  v.t = chain->t;
  v.mbs = chain->samplesPerMicrobatch;
  llvm::DenseMap<Operation *, int> fnIndex;
  auto functionOf = [&](func::FuncOp fn) -> FailureOr<int> {
    auto it = fnIndex.find(fn);
    if (it != fnIndex.end())
      return it->second;
    if (!fn.getBody().hasOneBlock()) {
      fn.emitError() << "phaze-search: @" << fn.getSymName()
                     << " has more than one block";
      return failure();
    }
    Function f;
    f.name = fn.getSymName().str();
    SmallVector<Operation *> ops;
    for (Operation &op : fn.getBody().front().without_terminator()) {
      std::optional<OpAnalysisResult> a = analyzeOp(&op);
      if (!a || a->attr.getOpClass() == OpClass::Free)
        continue;
      std::optional<cost::OpWork> w = loadOpWork(&op, a->attr);
      if (!w) {
        op.emitError() << "phaze-search: no cost model for this op: "
                       << a->reason;
        return failure();
      }
      cost::LinkSpec link;
      if (w->kind == cost::OpWork::Kind::Collective)
        link = collectiveLink(sys, w->groupSize);
      f.works.push_back(works.intern(*w, link));
      f.kinds.push_back(unitKindOf(a->attr.getOpClass()));
      if (a->attr.getOpClass() == OpClass::Tensor)
        f.macs += static_cast<double>(a->attr.getMacs());
      ops.push_back(&op);
    }
    f.edges = taskDependences(fn, ops);
    int index = v.functions.size();
    v.functions.push_back(std::move(f));
    fnIndex[fn] = index;
    return index;
  };
  for (size_t k = 0; k < chain->layers.size(); ++k) {
    FailureOr<int> fw = functionOf(chain->forward[k]),
                   bw = functionOf(chain->backward[k]),
                   opt = functionOf(chain->optimizer[k]);
    if (failed(fw) || failed(bw) || failed(opt)) {
      error = errors.text;
      return failure();
    }
    v.forward.push_back(*fw);
    v.backward.push_back(*bw);
    v.optimizer.push_back(*opt);
  }
  // The problems are IR-free from here on.
  v.chain.entry = nullptr;
  v.chain.forward.clear();
  v.chain.backward.clear();
  v.chain.optimizer.clear();
  return v;
}

int WorkTable::intern(const cost::OpWork &w, const cost::LinkSpec &link) {
  std::string key = w.key();
  key += "#" +
         std::to_string(llvm::bit_cast<uint64_t>(link.bandwidthBytesPerS)) +
         ":" + std::to_string(llvm::bit_cast<uint64_t>(link.latencyS));
  auto [it, inserted] = index.try_emplace(key, works.size());
  if (inserted) {
    works.push_back(w);
    links.push_back(link);
  }
  return it->second;
}
