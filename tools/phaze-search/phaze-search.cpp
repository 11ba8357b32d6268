//===- phaze-search.cpp - the architecture x placement co-search ----------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Searches an accel space (PHAZE's by default) for the chip that, with its
// best data/pipeline/tensor-parallel placement over the system, trains the
// workload fastest. Run under `mpirun -np N` to spread the candidates over
// N processes (when built with MPI).
//
//===----------------------------------------------------------------------===//

#include "phaze/InitAll.h"
#include "phaze/Search/Search.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#ifdef PHAZE_HAVE_MPI
#include <mpi.h>
#endif

using namespace llvm;
using namespace mlir::phaze;

namespace {
cl::OptionCategory category("phaze-search options");

cl::opt<std::string> workload(
    cl::Positional, cl::init("gpt3-175b"),
    cl::desc("<model-zoo name (phaze-models --list) or MLIR file; default "
             "gpt3-175b>"),
    cl::cat(category));
cl::opt<std::string> hardware(
    "hardware",
    cl::desc("accel file with the space, its template chip and the system "
             "(default: the built-in PHAZE hardware, hardware/phaze.mlir)"),
    cl::init(""), cl::cat(category));
cl::opt<std::string> space("space", cl::desc("The accel.space to search"),
                           cl::init(""), cl::cat(category));
cl::opt<std::string> systemName(
    "system",
    cl::desc("The accel.system (default: the one of the template chip)"),
    cl::init(""), cl::cat(category));
cl::opt<std::string>
    tList("t", cl::desc("Tensor-parallel widths to sweep (default 1,2,4,8)"),
          cl::init("1,2,4,8"), cl::cat(category));
cl::opt<std::string>
    mbsList("mbs",
            cl::desc("Microbatch sizes to sweep (default 1,2,4,8; model-zoo "
                     "workloads: a file's batch is its own)"),
            cl::init("1,2,4,8"), cl::cat(category));
cl::opt<std::string>
    hbmList("hbm-gib",
            cl::desc("HBM capacities per device, GiB (default 32,64,80)"),
            cl::init("32,64,80"), cl::cat(category));
cl::opt<std::string> recomputeList(
    "recompute",
    cl::desc("Recompute policies: off, on (every stage recomputes), auto "
             "(the DP chooses per stage); default off,on"),
    cl::init("off,on"), cl::cat(category));
cl::opt<int64_t>
    globalBatch("global-batch",
                cl::desc("Samples per training iteration (default 4096)"),
                cl::init(4096), cl::cat(category));
cl::opt<int64_t> devices("devices", cl::desc("Devices (0: the system's)"),
                         cl::init(0), cl::cat(category));
cl::opt<int64_t> seq("seq",
                     cl::desc("Sequence length (model zoo; 0: the "
                              "model's)"),
                     cl::init(0), cl::cat(category));
cl::opt<int64_t> layers("layers",
                        cl::desc("Layers (model zoo; 0: the model's)"),
                        cl::init(0), cl::cat(category));
cl::opt<search::Objective> objective(
    "objective", cl::desc("What to maximize (default throughput)"),
    cl::values(
        clEnumValN(search::Objective::Throughput, "throughput", "samples/s"),
        clEnumValN(search::Objective::ThroughputPerArea, "throughput-per-area",
                   "samples/s per mm^2 of chip"),
        clEnumValN(search::Objective::ThroughputPerWatt, "throughput-per-watt",
                   "samples per joule of dynamic energy (no pruning)")),
    cl::init(search::Objective::Throughput), cl::cat(category));
cl::opt<bool> prune("prune",
                    cl::desc("Skip candidates whose admissible bound cannot "
                             "beat the incumbent (--prune=false: "
                             "exhaustive)"),
                    cl::init(true), cl::cat(category));
cl::opt<int64_t> earlyStop(
    "early-stop",
    cl::desc("PHAZE's early stop: visit 10,000 um^2 area buckets from the "
             "largest and stop when the best of N consecutive buckets stops "
             "rising (0: off)"),
    cl::init(0), cl::cat(category));
cl::opt<bool> exactSchedules(
    "exact-schedules",
    cl::desc("Solve each layer's scheduling MILP (default: list schedules "
             "with their proven gap, reported in summary.json)"),
    cl::init(false), cl::cat(category));
cl::opt<double> scheduleTimeLimit(
    "schedule-time-limit",
    cl::desc("Seconds of solving (search and MILP) per layer function with "
             "--exact-schedules"),
    cl::init(1.0), cl::cat(category));
cl::opt<double> certifyTimeLimit(
    "certify-time-limit",
    cl::desc(
        "Seconds of solving per layer function to certify the winner's list "
        "schedules (summary.json best_schedules_certified; 0: skip; "
        "default 1)"),
    cl::init(1.0), cl::cat(category));
cl::opt<std::string> baseline(
    "baseline",
    cl::desc("The fixed p,t,d split evaluated on the template chip (default: "
             "PHAZE's baseline table for the model)"),
    cl::init(""), cl::cat(category));
cl::opt<std::string> outputDir("o",
                               cl::desc("Output directory (default "
                                        "phaze-search-out)"),
                               cl::value_desc("dir"),
                               cl::init("phaze-search-out"), cl::cat(category));
cl::alias outputDirAlias("output-dir", cl::aliasopt(outputDir),
                         cl::desc("Alias for -o"), cl::cat(category));
cl::opt<bool> resume("resume",
                     cl::desc("Continue the search journaled in the output "
                              "directory"),
                     cl::init(false), cl::cat(category));
cl::opt<bool> quiet("quiet", cl::desc("No progress on stderr"), cl::init(false),
                    cl::cat(category));
cl::opt<int64_t> maxCandidates(
    "max-candidates",
    cl::desc("Evaluate at most N candidates in the search order (0: all)"),
    cl::init(0), cl::cat(category));
cl::opt<int64_t> chunk("chunk",
                       cl::desc("Candidates per step (the incumbent used "
                                "for pruning changes between steps; default "
                                "256)"),
                       cl::init(256), cl::cat(category));
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
#ifdef PHAZE_HAVE_MPI
  MPI_Init(&argc, &argv);
#endif
  // libMLIR registers an unrelated `threads` option; ours takes its name.
  if (cl::Option *other = cl::getRegisteredOptions().lookup("threads"))
    other->setArgStr("phaze-search-unused-threads");
  static cl::opt<unsigned> threads("threads",
                                   cl::desc("Worker threads (0: all cores)"),
                                   cl::init(0), cl::cat(category));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "phaze-search: the accelerator architecture and training placement "
      "with the highest throughput within an area budget.\n\n"
      "Builds the workload once per (tensor-parallel width, microbatch "
      "size) with phaze-workload-pipeline, then for every chip of the space "
      "estimates, schedules and places it over the system, and writes "
      "results.jsonl (one line per candidate, a journal --resume continues), "
      "summary.json, pareto.csv and best.mlir (phaze-evaluate-pipeline on "
      "the winner) to the output directory.\n");
  search::SearchOptions o;
  o.workload = workload;
  o.hardware = hardware;
  o.space = space;
  o.system = systemName;
  o.globalBatch = globalBatch;
  o.devices = devices;
  o.seq = seq;
  o.layers = layers;
  o.objective = objective;
  o.prune = prune;
  o.earlyStopBuckets = earlyStop;
  o.exactSchedules = exactSchedules;
  o.scheduleTimeLimitS = scheduleTimeLimit;
  o.certifyTimeLimitS = certifyTimeLimit;
  o.threads = threads;
  o.outputDir = outputDir;
  o.resume = resume;
  o.quiet = quiet;
  o.maxCandidates = maxCandidates;
  o.chunk = chunk;
  int status = 0;
  auto fail = [&](const Twine &message) {
    errs() << "phaze-search: error: " << message << "\n";
    status = 1;
  };
  std::string error;
  std::vector<int64_t> split;
  if (!search::parseIntList(tList, o.tensorParallel, error))
    fail("--t: " + error);
  else if (!search::parseIntList(mbsList, o.microbatchSizes, error))
    fail("--mbs: " + error);
  else if (!search::parseNumberList(hbmList, o.hbmGiB, error))
    fail("--hbm-gib: " + error);
  else if (!search::parseRecomputeList(recomputeList, o.recompute, error))
    fail("--recompute: " + error);
  else if (!baseline.empty() &&
           (!search::parseIntList(baseline, split, error) || split.size() != 3))
    fail("--baseline: expected p,t,d (three positive integers)" +
         (error.empty() ? std::string() : ": " + error));
  else if (earlyStop < 0 || maxCandidates < 0 || devices < 0)
    fail("--early-stop, --max-candidates and --devices must not be negative");
  if (split.size() == 3) {
    o.baselineStages = split[0];
    o.baselineT = split[1];
    o.baselineD = split[2];
  }

  search::ExchangeFn exchange;
#ifdef PHAZE_HAVE_MPI
  MPI_Comm_rank(MPI_COMM_WORLD, &o.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &o.ranks);
  exchange = [](const std::vector<std::string> &mine) {
    std::string joined;
    for (const std::string &s : mine)
      joined += s + "\n";
    int ranks;
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int size = joined.size();
    std::vector<int> sizes(ranks), offsets(ranks);
    MPI_Allgather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD);
    int total = 0;
    for (int r = 0; r < ranks; ++r) {
      offsets[r] = total;
      total += sizes[r];
    }
    std::string all(total, '\0');
    MPI_Allgatherv(joined.data(), size, MPI_CHAR, all.data(), sizes.data(),
                   offsets.data(), MPI_CHAR, MPI_COMM_WORLD);
    std::vector<std::string> lines;
    StringRef rest(all);
    while (!rest.empty()) {
      auto [line, tail] = rest.split('\n');
      if (!line.empty())
        lines.push_back(line.str());
      rest = tail;
    }
    return lines;
  };
#endif

  if (status == 0) {
    mlir::DialectRegistry registry;
    registerAllDialects(registry);
    mlir::MLIRContext context(registry);
    context.loadAllAvailableDialects();
    search::Status s = search::runSearch(context, o, exchange);
    if (!s.ok())
      fail(s.message);
  }
#ifdef PHAZE_HAVE_MPI
  MPI_Finalize();
#endif
  return status;
}
