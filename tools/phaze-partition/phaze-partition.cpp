//===- phaze-partition.cpp - solve Piper / PHAZE partitioning instances ---===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Reads a partitioning instance in Piper's JSON format, overrides its
// budgets as the published experiments do, runs the partitioning DP and
// prints the plan (text or JSON).
//
//===----------------------------------------------------------------------===//

#include "phaze/Partition/Json.h"
#include "phaze/Partition/Piper.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>

using namespace mlir::phaze::partition;
namespace cl = llvm::cl;

static cl::OptionCategory category("phaze-partition options");
static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<instance.json>"),
                                  cl::cat(category));
static cl::opt<int64_t>
    maxDevices("max-devices",
               cl::desc("Device budget K (default: the file's maxDevices)"),
               cl::init(0), cl::cat(category));
static cl::opt<double> memoryGiB(
    "memory-gib",
    cl::desc("Memory per device in GiB (2^30 bytes); default: the file's "
             "maxMemoryPerDevice"),
    cl::init(0), cl::cat(category));
static cl::opt<double> bandwidth(
    "bandwidth",
    cl::desc("Bandwidth in bytes/s (Piper's experiments: 26843545600 = "
             "25 GiB/s); default: the file's"),
    cl::init(0), cl::cat(category));
static cl::opt<int64_t> microbatches(
    "microbatches",
    cl::desc("Microbatches per batch N (default: the file's mbsInBatch)"),
    cl::init(0), cl::cat(category));
static cl::opt<StageChoice>
    choice("stage-choice",
           cl::desc("How each stage's layer configurations are chosen"),
           cl::values(clEnumValN(StageChoice::Exact, "exact",
                                 "cheapest choice that fits (default)"),
                      clEnumValN(StageChoice::PiperGreedy, "piper-greedy",
                                 "Piper's greedy: reproduces Piper's program")),
           cl::init(StageChoice::Exact), cl::cat(category));
static cl::opt<bool> jsonOut("json", cl::desc("Print the result as JSON"),
                             cl::cat(category));

static void printText(const PiperProblem &p, const PiperResult &r,
                      double seconds, llvm::raw_ostream &os) {
  os << llvm::formatv("instance: {0} nodes, {1} edges; K = {2} devices, "
                      "M = {3:e6} bytes, B = {4:e6} bytes/s, N = {5}\n",
                      p.nodes.size(), p.edges.size(), p.maxDevices,
                      p.maxMemoryBytes, p.bandwidthBytesPerS,
                      p.microbatchesPerBatch);
  os << "stage choice: "
     << (choice == StageChoice::Exact ? "exact" : "piper-greedy") << "\n";
  os << llvm::formatv("successor-closed sets: {0}, candidate stages: {1}, "
                      "stage tables: {2}\n",
                      r.ideals, r.pairs, r.stageTables);
  if (!r.feasible) {
    os << "infeasible: " << r.message << "\n";
    return;
  }
  os << llvm::formatv("time per sample: {0:e12}\n", r.score);
  os << llvm::formatv("stages: {0}, devices used: {1}\n", r.plan.stages.size(),
                      r.plan.devices());
  for (size_t i = 0; i < r.plan.stages.size(); ++i) {
    const PiperStage &s = r.plan.stages[i];
    os << llvm::formatv("  stage {0}: t = {1}, d = {2}, layers", i, s.t, s.d);
    for (size_t k = 0; k < s.nodes.size(); ++k) {
      const PiperOption &o = p.nodes[s.nodes[k]].options.at(s.t)[s.option[k]];
      os << " " << s.nodes[k] << (o.name == "vanilla" ? "" : "*");
    }
    os << "\n";
  }
  os << "  (* = a configuration other than 'vanilla', e.g. recomputation)\n";
  os << llvm::formatv("solve time: {0:f3} s\n", seconds);
}

static void printJson(const PiperResult &r, double seconds,
                      llvm::raw_ostream &os) {
  llvm::json::Array stages;
  for (const PiperStage &s : r.plan.stages) {
    llvm::json::Array nodes, options;
    for (size_t k = 0; k < s.nodes.size(); ++k) {
      nodes.push_back(s.nodes[k]);
      options.push_back(s.option[k]);
    }
    stages.push_back(llvm::json::Object{{"nodes", std::move(nodes)},
                                        {"options", std::move(options)},
                                        {"t", s.t},
                                        {"d", s.d}});
  }
  llvm::json::Object o{
      {"feasible", r.feasible},
      {"stageChoice", choice == StageChoice::Exact ? "exact" : "piper-greedy"},
      {"idealCount", r.ideals},
      {"candidateStages", r.pairs},
      {"stageTables", r.stageTables},
      {"nonMonotoneTables", r.nonMonotoneTables},
      {"solveSeconds", seconds}};
  if (r.feasible) {
    o["timePerSample"] = r.score;
    o["dpValue"] = r.value;
    o["devices"] = r.plan.devices();
    o["stages"] = std::move(stages);
  } else {
    o["message"] = r.message;
  }
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(o))) << "\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "phaze-partition: pipeline, data and tensor-parallel partitioning of a "
      "layer graph (Piper's JSON instance format)\n\n"
      "Example (Piper's BERT instance at 512 devices and 8 GiB):\n"
      "  phaze-partition bert32a100.json --max-devices=512 --memory-gib=8 \\\n"
      "    --bandwidth=26843545600 --stage-choice=piper-greedy\n");
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(input);
  if (!buffer) {
    llvm::WithColor::error(llvm::errs(), "phaze-partition")
        << input << ": " << buffer.getError().message() << "\n";
    return 1;
  }
  PiperProblem p;
  std::string error;
  if (!parsePiperJson((*buffer)->getBuffer(), p, error)) {
    // Syntax errors come as "line:column: message".
    bool lineCol = !error.empty() && llvm::isDigit(error[0]);
    llvm::WithColor::error(llvm::errs(), "phaze-partition")
        << input << (lineCol ? ":" : ": ") << error << "\n";
    return 1;
  }
  if (maxDevices.getNumOccurrences())
    p.maxDevices = maxDevices;
  if (memoryGiB.getNumOccurrences())
    p.maxMemoryBytes = memoryGiB * 1073741824.0;
  if (bandwidth.getNumOccurrences())
    p.bandwidthBytesPerS = bandwidth;
  if (microbatches.getNumOccurrences())
    p.microbatchesPerBatch = microbatches;
  if (!p.check(error)) {
    llvm::WithColor::error(llvm::errs(), "phaze-partition")
        << input << ": " << error << "\n";
    return 1;
  }
  PiperOptions options;
  options.choice = choice;
  auto start = std::chrono::steady_clock::now();
  PiperResult r = solvePiper(p, options);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!r.feasible && r.message.rfind("internal error", 0) == 0) {
    llvm::WithColor::error(llvm::errs(), "phaze-partition")
        << input << ": " << r.message << "\n";
    return 1;
  }
  if (jsonOut)
    printJson(r, seconds, llvm::outs());
  else
    printText(p, r, seconds, llvm::outs());
  // An infeasible instance is an answer, not an error, but scripts should
  // see it: exit code 2.
  return r.feasible ? 0 : 2;
}
