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
#include "phaze/Partition/PhazeDp.h"
#include "phaze/Partition/Piper.h"
#include "phaze/Partition/Plan.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>

using namespace mlir::phaze::partition;
namespace cl = llvm::cl;

static cl::OptionCategory category("phaze-partition options");
static cl::list<std::string> inputs(cl::Positional, cl::OneOrMore,
                                    cl::desc("<instance.json>..."),
                                    cl::cat(category));
/// The instance being read (for messages).
static std::string input;
static cl::opt<int> repeat(
    "repeat",
    cl::desc("--format=plan: solve all instances this many times and report "
             "the median total time"),
    cl::init(1), cl::cat(category));
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
           cl::desc("Piper's format: how each stage's layer configurations "
                    "are chosen"),
           cl::values(clEnumValN(StageChoice::Exact, "exact",
                                 "cheapest choice that fits (default)"),
                      clEnumValN(StageChoice::PiperGreedy, "piper-greedy",
                                 "Piper's greedy: reproduces Piper's program")),
           cl::init(StageChoice::Exact), cl::cat(category));
static cl::opt<bool> jsonOut("json", cl::desc("Print the result as JSON"),
                             cl::cat(category));
enum class Format { Auto, Piper, Phaze, Plan };
static cl::opt<Format> format(
    "format", cl::desc("Instance format"),
    cl::values(clEnumValN(Format::Auto, "auto",
                          "PHAZE's if `nodes` is an object keyed by t, "
                          "else Piper's (default)"),
               clEnumValN(Format::Piper, "piper", "Piper's inputs/*.json"),
               clEnumValN(Format::Plan, "plan",
                          "phaze's placement problem (phaze-partition "
                          "pass, problem-file=); several files at once"),
               clEnumValN(Format::Phaze, "phaze",
                          "PHAZE's device-placement JSON: PHAZE's model "
                          "and phaze's")),
    cl::init(Format::Auto), cl::cat(category));

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

static void printJson(const PiperResult &r, double seconds, double needed,
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
    if (needed > 0)
      o["memoryNeededBytes"] = needed;
  }
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(o))) << "\n";
}

/// Reports `message` about the input file; syntax errors come as
/// "line:column: message".
static int reportError(const std::string &message) {
  bool lineCol = !message.empty() && llvm::isDigit(message[0]);
  llvm::WithColor::error(llvm::errs(), "phaze-partition")
      << input << (lineCol ? ":" : ": ") << message << "\n";
  return 1;
}

/// Applies the budget overrides given on the command line.
template <typename Problem>
static void applyOverrides(Problem &p) {
  if (maxDevices.getNumOccurrences())
    p.maxDevices = maxDevices;
  if (memoryGiB.getNumOccurrences())
    p.maxMemoryBytes = memoryGiB * 1073741824.0;
  if (bandwidth.getNumOccurrences())
    p.bandwidthBytesPerS = bandwidth;
  if (microbatches.getNumOccurrences())
    p.microbatchesPerBatch = microbatches;
}

static llvm::json::Value phazePlanJson(const PhazeProblem &p,
                                       const PhazePlan &plan) {
  if (!plan.feasible)
    return nullptr;
  const PhazeGraph *g = nullptr;
  for (const PhazeGraph &x : p.graphs)
    if (x.t == plan.t)
      g = &x;
  llvm::json::Array stages;
  for (const PhazeStage &s : plan.stages) {
    llvm::json::Array nodes;
    for (int v = s.first; v <= s.last; ++v)
      nodes.push_back(g->layers[v].id);
    stages.push_back(llvm::json::Object{{"nodes", std::move(nodes)},
                                        {"devicesForStage", s.devices},
                                        {"loadSeconds", s.load}});
  }
  return llvm::json::Object{
      {"stages", std::move(stages)},
      {"tensorParallelDegree", plan.t},
      {"dataParallelDegree", plan.d},
      {"microbatchesPerPipeline", plan.microbatchesPerPipeline},
      {"maxStageLoadSeconds", plan.maxStageLoad},
      {"timePerBatchSeconds", plan.timePerBatch}};
}

static void printPhazePlan(const char *label, const PhazeProblem &p,
                           const PhazePlan &plan, llvm::raw_ostream &os) {
  if (!plan.feasible) {
    os << label << ": infeasible: " << plan.message << "\n";
    return;
  }
  const PhazeGraph *g = nullptr;
  for (const PhazeGraph &x : p.graphs)
    if (x.t == plan.t)
      g = &x;
  int64_t devices = 0;
  for (const PhazeStage &s : plan.stages)
    devices += s.devices;
  os << llvm::formatv("{0}: time per batch {1:e12} s; t = {2}, d = {3}, "
                      "{4} stages, {5} devices per pipeline, {6} in all, "
                      "{7} microbatches per pipeline, max stage load "
                      "{8:e6} s\n",
                      label, plan.timePerBatch, plan.t, plan.d,
                      plan.stages.size(), devices, devices * plan.d,
                      plan.microbatchesPerPipeline, plan.maxStageLoad);
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    const PhazeStage &s = plan.stages[i];
    os << llvm::formatv("  stage {0}: layers {1}..{2} ({3}), {4} device(s), "
                        "load {5:e6} s\n",
                        i, g->layers[s.first].id, g->layers[s.last].id,
                        s.last - s.first + 1, s.devices, s.load);
  }
}

/// PHAZE's instance in phaze's own model (Plan.h), one problem per t:
/// parameters and gradients of P bytes each (+P with Adam: PHAZE's 2P + P),
/// activations A stashed per microbatch, a layer's inputs stashed with
/// recomputation (auto: only where stashing does not fit), one link of the
/// instance's bandwidth for all traffic.
static PlanProblem toPlan(const PhazeProblem &q, const PhazeGraph &g) {
  PlanProblem p;
  int n = g.layers.size();
  std::vector<double> in(n, 0), crossing(n, 0);
  for (const PhazeEdge &e : g.edges) {
    in[e.to] += e.bytes;
    for (int k = e.from; k < e.to; ++k)
      crossing[k] += e.bytes;
  }
  for (int v = 0; v < n; ++v) {
    const PhazeLayer &l = g.layers[v];
    PlanLayer x;
    x.name = std::to_string(l.id);
    x.forwardS = l.forwardS;
    x.backwardS = l.backwardS;
    x.parameterBytes = x.gradientBytes = l.parameterBytes;
    x.optimizerStateBytes = q.adam ? l.parameterBytes : 0;
    x.stashBytes = l.activationBytes;
    x.recomputeStashBytes = in[v];
    x.outputBytes = crossing[v];
    p.layers.push_back(x);
  }
  p.devices = q.maxDevices;
  p.devicesPerNode = 1;
  p.intraNode = p.interNode = {q.bandwidthBytesPerS, 0};
  p.memoryBytes = q.maxMemoryBytes;
  p.t = g.t;
  p.microbatches = q.microbatchesPerBatch;
  p.recompute = q.recompute ? RecomputePolicy::Auto : RecomputePolicy::Off;
  return p;
}

static int runPhaze(llvm::StringRef text) {
  PhazeProblem p;
  std::string error;
  if (!parsePhazeJson(text, p, error))
    return reportError(error);
  applyOverrides(p);
  if (!p.check(error))
    return reportError(error);
  auto start = std::chrono::steady_clock::now();
  PhazePlan best = solvePhazeReference(p);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  PhazePlan fixed = evaluateFixed(p);
  if (!best.feasible && best.message.rfind("internal error", 0) == 0)
    return reportError(best.message);
  // The same instance in phaze's own model, best over t.
  Plan own;
  std::string ownMessage = "no t admits a placement";
  for (const PhazeGraph &g : p.graphs) {
    PlanProblem q = toPlan(p, g);
    if (!q.check(error))
      continue;
    Plan x = solvePlan(q);
    if (!x.feasible)
      ownMessage = x.message;
    else if (!own.feasible || x.timePerBatchS < own.timePerBatchS)
      own = x;
  }
  if (jsonOut) {
    llvm::json::Object o{{"semantics", "phaze-reference"},
                         {"feasible", best.feasible},
                         {"plan", phazePlanJson(p, best)},
                         {"fixedStrategy", phazePlanJson(p, fixed)},
                         {"solveSeconds", seconds}};
    if (!best.feasible)
      o["message"] = best.message;
    if (!fixed.feasible)
      o["fixedStrategyMessage"] = fixed.message;
    if (own.feasible) {
      llvm::json::Array sizes;
      for (const PlanStage &s : own.stages)
        sizes.push_back(s.last - s.first + 1);
      o["phazeSemantics"] =
          llvm::json::Object{{"tensorParallelDegree", own.t},
                             {"dataParallelDegree", own.d},
                             {"stageSizes", std::move(sizes)},
                             {"timePerBatchSeconds", own.timePerBatchS}};
    } else {
      o["phazeSemanticsMessage"] = ownMessage;
    }
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(o)))
                 << "\n";
  } else {
    llvm::outs() << llvm::formatv("instance: {0} layers, t in {{",
                                  p.graphs[0].layers.size());
    for (size_t i = 0; i < p.graphs.size(); ++i)
      llvm::outs() << (i ? ", " : "") << p.graphs[i].t;
    llvm::outs() << llvm::formatv(
        "}; N = {0} devices, M = {1} microbatches, HBM = {2:e6} bytes, "
        "B = {3:e6} bytes/s, recompute {4}, {5}\n",
        p.maxDevices, p.microbatchesPerBatch, p.maxMemoryBytes,
        p.bandwidthBytesPerS, p.recompute ? "on" : "off",
        p.adam ? "Adam" : "SGD");
    llvm::outs() << "semantics: PHAZE reference (phaze-reference.md §5)\n";
    printPhazePlan("optimum", p, best, llvm::outs());
    if (p.fixed.stages > 0)
      printPhazePlan(llvm::formatv("fixed p = {0}, t = {1}, d = {2}",
                                   p.fixed.stages, p.fixed.t, p.fixed.d)
                         .str()
                         .c_str(),
                     p, fixed, llvm::outs());
    llvm::outs() << "semantics: phaze (docs/Partitioning.md: ring all-reduce "
                    "over every stage, d divides M, recomputation per "
                    "stage)\n";
    if (own.feasible) {
      llvm::outs() << llvm::formatv(
          "optimum: time per batch {0:e12} s; t = {1}, d = {2}, {3} stages "
          "of",
          own.timePerBatchS, own.t, own.d, own.stages.size());
      for (const PlanStage &s : own.stages)
        llvm::outs() << " " << s.last - s.first + 1
                     << (s.recompute ? "(recompute)" : "");
      llvm::outs() << " layers\n";
    } else {
      llvm::outs() << "optimum: infeasible: " << ownMessage << "\n";
    }
    llvm::outs() << llvm::formatv("solve time (reference): {0:f3} s\n",
                                  seconds);
  }
  return best.feasible ? 0 : 2;
}

/// Solves phaze placement problems (one or more files), `repeat` times,
/// and prints each plan's figures and the median total solve time.
static int runPlans() {
  std::vector<PlanProblem> problems;
  for (const std::string &file : inputs) {
    input = file;
    auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(file);
    if (!buffer)
      return reportError(buffer.getError().message());
    PlanProblem p;
    std::string error;
    if (!parsePlanJson((*buffer)->getBuffer(), p, error))
      return reportError(error);
    // A benchmark of the search's inner loop: no explanation of the
    // infeasible ones (another DP each).
    p.explainInfeasible = inputs.size() == 1;
    problems.push_back(std::move(p));
  }
  std::vector<double> totals;
  std::vector<Plan> plans(problems.size());
  for (int r = 0; r < std::max(1, static_cast<int>(repeat)); ++r) {
    auto start = std::chrono::steady_clock::now();
    for (size_t k = 0; k < problems.size(); ++k)
      plans[k] = solvePlan(problems[k]);
    totals.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(totals.begin(), totals.end());
  int feasible = 0;
  for (size_t k = 0; k < plans.size(); ++k) {
    const Plan &x = plans[k];
    feasible += x.feasible;
    if (x.feasible) {
      llvm::outs() << llvm::formatv(
          "{0}: time per iteration {1:e6} s, t = {2}, d = {3}, p = {4}",
          inputs[k], x.timePerBatchS, x.t, x.d, x.p);
      // Stages of several widths: their widths in runs, input side first.
      if (!problems[k].otherWidths.empty()) {
        llvm::outs() << ", stage widths";
        for (size_t i = 0; i < x.stages.size();) {
          size_t j = i;
          while (j + 1 < x.stages.size() && x.stages[j + 1].t == x.stages[i].t)
            ++j;
          llvm::outs() << (i ? ", " : " ") << x.stages[i].t;
          if (j > i)
            llvm::outs() << " x" << (j - i + 1);
          i = j + 1;
        }
        llvm::outs() << " (" << x.devicesPerPipeline << " devices per "
                     << "pipeline)";
      }
      llvm::outs() << "\n";
    } else {
      llvm::outs() << inputs[k] << ": infeasible: " << x.message << "\n";
    }
  }
  llvm::outs() << llvm::formatv(
      "{0} problems, {1} feasible; solve time for all: median {2:f2} ms "
      "over {3} runs\n",
      problems.size(), feasible, 1e3 * totals[totals.size() / 2],
      totals.size());
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "phaze-partition: pipeline, data and tensor-parallel partitioning of a "
      "layer graph, from Piper's JSON instances or PHAZE's device-placement "
      "JSON\n\n"
      "Example (Piper's BERT instance at 512 devices and 8 GiB):\n"
      "  phaze-partition bert32a100.json --max-devices=512 --memory-gib=8 \\\n"
      "    --bandwidth=26843545600 --stage-choice=piper-greedy\n"
      "PHAZE's format (one layer graph per t; the fixed baseline too):\n"
      "  phaze-partition gpt3like.json\n");
  if (format == Format::Plan)
    return runPlans();
  if (inputs.size() != 1) {
    llvm::WithColor::error(llvm::errs(), "phaze-partition")
        << "one instance at a time (several only with --format=plan)\n";
    return 1;
  }
  input = inputs.front();
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(input);
  if (!buffer) {
    llvm::WithColor::error(llvm::errs(), "phaze-partition")
        << input << ": " << buffer.getError().message() << "\n";
    return 1;
  }
  if (format == Format::Phaze ||
      (format == Format::Auto && looksLikePhazeJson((*buffer)->getBuffer())))
    return runPhaze((*buffer)->getBuffer());
  PiperProblem p;
  std::string error;
  if (!parsePiperJson((*buffer)->getBuffer(), p, error))
    return reportError(error);
  applyOverrides(p);
  if (!p.check(error))
    return reportError(error);
  PiperOptions options;
  options.choice = choice;
  auto start = std::chrono::steady_clock::now();
  PiperResult r = solvePiper(p, options);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!r.feasible && r.message.rfind("internal error", 0) == 0)
    return reportError(r.message);
  double needed = 0;
  if (!r.feasible && r.message == "no plan fits in memory") {
    needed = smallestFeasibleMemory(p, options);
    if (needed > 0)
      r.message = llvm::formatv("no plan fits in {0:e4} bytes of memory per "
                                "device (binding: memory per device; the "
                                "smallest that admits a plan is {1:e4} bytes)",
                                p.maxMemoryBytes, needed)
                      .str();
  }
  if (jsonOut)
    printJson(r, seconds, needed, llvm::outs());
  else
    printText(p, r, seconds, llvm::outs());
  // An infeasible instance is an answer, not an error, but scripts should
  // see it: exit code 2.
  return r.feasible ? 0 : 2;
}
