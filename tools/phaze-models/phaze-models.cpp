//===- phaze-models.cpp - emit model-zoo workloads as linalg --------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Writes the forward pass of a transformer from phaze's model zoo as
// linalg-on-tensors MLIR, the kind of IR a frontend (torch-mlir, IREE)
// emits, for phaze-opt and phaze-search to consume.
//
//===----------------------------------------------------------------------===//

#include "phaze/Models/ModelZoo.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace mlir::phaze;
namespace cl = llvm::cl;

static cl::OptionCategory category("phaze-models options");
static cl::opt<std::string> modelName(cl::Positional, cl::desc("<model>"),
                                      cl::cat(category));
static cl::opt<bool> list("list", cl::desc("List the models and exit"),
                          cl::cat(category));
static cl::opt<int64_t> seq("seq",
                            cl::desc("Sequence length (default: the model's)"),
                            cl::init(0), cl::cat(category));
static cl::opt<int64_t> mbs("mbs", cl::desc("Microbatch size"), cl::init(1),
                            cl::cat(category));
static cl::opt<int64_t>
    vocab("vocab", cl::desc("Vocabulary size (default: the model's)"),
          cl::init(0), cl::cat(category));
static cl::opt<int64_t>
    layers("layers", cl::desc("Number of layers (default: the model's)"),
           cl::init(0), cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("filename"),
                                       cl::init("-"), cl::cat(category));
static cl::opt<bool> debugInfo("print-debuginfo",
                               cl::desc("Print the name locations"),
                               cl::cat(category));

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "phaze-models: emit a model-zoo transformer (forward pass, loss "
      "included when the model has an LM head) as linalg-on-tensors MLIR\n\n"
      "  phaze-models --list\n"
      "  phaze-models gpt3-175b --seq 2048 --mbs 1 -o gpt3.mlir\n");

  if (list) {
    llvm::outs() << llvm::formatv("{0,-15} {1,7} {2,7} {3,6} {4,7} {5,7} "
                                  "{6,6}  {7}\n",
                                  "model", "layers", "hidden", "heads", "ffn",
                                  "vocab", "seq", "description");
    for (const TransformerConfig &c : getModelZoo())
      llvm::outs() << llvm::formatv(
          "{0,-15} {1,7} {2,7} {3,6} {4,7} {5,7} {6,6}  {7} [{8}]\n", c.name,
          c.layers, c.hidden, c.heads, c.ffnHidden, c.vocab, c.seq,
          c.description, c.source);
    return 0;
  }
  if (modelName.empty()) {
    llvm::WithColor::error() << "no model given; --list shows them\n";
    return 1;
  }
  const TransformerConfig *config = lookupModel(modelName);
  if (!config) {
    llvm::WithColor::error()
        << "unknown model '" << modelName << "'; --list shows the models\n";
    return 1;
  }

  DialectRegistry registry;
  registerModelZooDialects(registry);
  MLIRContext context(registry);
  ModelOptions options;
  options.seq = seq;
  options.mbs = mbs;
  options.vocab = vocab;
  options.layers = layers;
  std::string error;
  OwningOpRef<ModuleOp> module =
      buildTransformer(&context, *config, options, error);
  if (!module) {
    llvm::WithColor::error() << modelName << ": " << error << "\n";
    return 1;
  }
  if (failed(verify(*module))) {
    llvm::WithColor::error() << "internal error: the generated module does "
                                "not verify\n";
    return 1;
  }
  std::unique_ptr<llvm::ToolOutputFile> out =
      openOutputFile(outputFile, &error);
  if (!out) {
    llvm::WithColor::error() << error << "\n";
    return 1;
  }
  OpPrintingFlags flags;
  if (debugInfo)
    flags.enableDebugInfo();
  module->print(out->os(), flags);
  out->keep();
  return 0;
}
