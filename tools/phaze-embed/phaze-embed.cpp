//===- phaze-embed.cpp - embed operators onto a tensor intrinsic ----------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Runs the constraint-based embedding (Rieber et al.) on one operator or on
// the DeepBench inference shapes, on an intrinsic (default: VTA's 1x16x16),
// and compares it with TVM's fixed VTA strategy.
//
//===----------------------------------------------------------------------===//

#include "phaze/Embedding/Embedding.h"

#include "llvm/ADT/SmallVector.h"
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

using namespace mlir::phaze::embedding;
namespace cl = llvm::cl;

static cl::OptionCategory category("phaze-embed options");
static cl::opt<std::string> conv(
    "conv",
    cl::desc("One convolution: n,c,h,w,k,r,s[,pad_h,pad_w,stride_h,stride_w]"),
    cl::cat(category));
static cl::opt<std::string> gemm("gemm", cl::desc("One GEMM: m,n,k"),
                                 cl::cat(category));
static cl::opt<std::string>
    deepbench("deepbench",
              cl::desc("Folder with DeepBench's conv_inference.csv and "
                       "gemm_inference.csv: embed every shape and summarize"),
              cl::cat(category));
static cl::opt<std::string>
    intrinsic("intrinsic", cl::desc("batch x in x out (default 1x16x16)"),
              cl::init("1x16x16"), cl::cat(category));
static cl::opt<bool> noFlatten("no-flatten",
                               cl::desc("Forbid layout flattening (im2col)"),
                               cl::cat(category));
static cl::opt<bool> noSwap("no-swap",
                            cl::desc("Forbid swapping the inputs' roles"),
                            cl::cat(category));
static cl::opt<std::string>
    jsonFile("json",
             cl::desc("Also write the per-shape results as JSON to this file "
                      "(for python3 -m phaze.report --embedding)"),
             cl::value_desc("file"), cl::cat(category));
static cl::opt<bool>
    noWindow("no-window-on-axis",
             cl::desc("Keep filter dimensions in outer loops (no im2col)"),
             cl::cat(category));

static bool parseInts(llvm::StringRef s, llvm::SmallVectorImpl<int64_t> &out,
                      char sep = ',') {
  llvm::SmallVector<llvm::StringRef> parts;
  s.split(parts, sep);
  for (llvm::StringRef p : parts) {
    int64_t v;
    if (p.trim().getAsInteger(10, v))
      return false;
    out.push_back(v);
  }
  return true;
}

struct Row {
  std::string label;
  Operator op;
};

static void printOne(const Row &row, const Intrinsic &in, const Options &o,
                     llvm::raw_ostream &os, double &logSum, double &maxSpeedup,
                     int &count, int &worse, llvm::json::Array &records) {
  Result r = solve(row.op, in, o);
  Embedding fixed = fixedStrategy(row.op, in);
  if (!r.ok) {
    os << llvm::formatv("{0,-34} error: {1}\n", row.label, r.error);
    return;
  }
  double speedup = fixed.cycles / r.best.cycles;
  logSum += std::log(speedup);
  maxSpeedup = std::max(maxSpeedup, speedup);
  ++count;
  worse += r.best.cycles > fixed.cycles;
  os << llvm::formatv("{0,-34} {1,9} {2,7:F3} {3,7:F3} {4,8:F2}  {5}\n",
                      row.label, r.numEmbeddings, r.best.utilization,
                      fixed.utilization, speedup, r.best.describe(row.op));
  records.push_back(llvm::json::Object{{"shape", row.label},
                                       {"embeddings", r.numEmbeddings},
                                       {"utilization", r.best.utilization},
                                       {"fixed_utilization", fixed.utilization},
                                       {"cycles", r.best.cycles},
                                       {"fixed_cycles", fixed.cycles},
                                       {"speedup", speedup},
                                       {"embedding", r.best.describe(row.op)}});
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "phaze-embed: embed convolutions and GEMMs onto a tensor intrinsic by "
      "constraint satisfaction (Gecode), against TVM's fixed VTA strategy\n\n"
      "  phaze-embed --conv 1,1,161,700,32,5,20,0,0,2,2\n"
      "  phaze-embed --deepbench ../shared/data/deepbench\n");
  Intrinsic in;
  llvm::SmallVector<int64_t> shape;
  if (!parseInts(intrinsic, shape, 'x') || shape.size() != 3 || shape[0] < 1 ||
      shape[1] < 1 || shape[2] < 1) {
    llvm::WithColor::error() << "--intrinsic wants BxIxO, e.g. 1x16x16\n";
    return 1;
  }
  in.batch = shape[0], in.in = shape[1], in.out = shape[2];
  Options o;
  o.allowFlatten = !noFlatten;
  o.allowSwap = !noSwap;
  o.allowWindowOnAxis = !noWindow;

  std::vector<Row> rows;
  if (!conv.empty()) {
    llvm::SmallVector<int64_t> v;
    if (!parseInts(conv, v) || (v.size() != 7 && v.size() != 11)) {
      llvm::WithColor::error()
          << "--conv wants n,c,h,w,k,r,s[,pad_h,pad_w,stride_h,stride_w]\n";
      return 1;
    }
    if (v.size() == 7)
      v.append({0, 0, 1, 1});
    rows.push_back(
        {"conv " + conv, Operator::conv2d(v[0], v[1], v[2], v[3], v[4], v[5],
                                          v[6], v[7], v[8], v[9], v[10])});
  }
  if (!gemm.empty()) {
    llvm::SmallVector<int64_t> v;
    if (!parseInts(gemm, v) || v.size() != 3) {
      llvm::WithColor::error() << "--gemm wants m,n,k\n";
      return 1;
    }
    rows.push_back({"gemm " + gemm, Operator::gemm(v[0], v[1], v[2])});
  }
  if (!deepbench.empty()) {
    auto load = [&](llvm::StringRef file, bool isConv) -> bool {
      auto buf = llvm::MemoryBuffer::getFile(deepbench + "/" + file.str());
      if (!buf) {
        llvm::WithColor::error() << "cannot read " << deepbench << "/" << file
                                 << ": " << buf.getError().message() << "\n";
        return false;
      }
      llvm::SmallVector<llvm::StringRef> lines;
      (*buf)->getBuffer().split(lines, '\n', -1, false);
      for (size_t i = 1; i < lines.size(); ++i) {
        llvm::SmallVector<llvm::StringRef> f;
        lines[i].trim().split(f, ',');
        auto num = [&](size_t j) {
          int64_t v = 0;
          (void)f[j].getAsInteger(10, v);
          return v;
        };
        std::string label = (f[0] + (isConv ? " conv " : " gemm ") +
                             llvm::join(llvm::ArrayRef(f).drop_front(), ","))
                                .str();
        if (isConv && f.size() >= 12) {
          // w,h,c,n,k,s,r,pad_w,pad_h,stride_w,stride_h
          rows.push_back(
              {label,
               Operator::conv2d(num(4), num(3), num(2), num(1), num(5), num(7),
                                num(6), num(9), num(8), num(11), num(10))});
        } else if (!isConv && f.size() >= 4) {
          rows.push_back({label, Operator::gemm(num(1), num(2), num(3))});
        }
      }
      return true;
    };
    if (!load("conv_inference.csv", true) || !load("gemm_inference.csv", false))
      return 1;
  }
  if (rows.empty()) {
    llvm::WithColor::error() << "nothing to embed: give --conv, --gemm or "
                                "--deepbench (see --help)\n";
    return 1;
  }
  llvm::outs() << llvm::formatv(
      "intrinsic {0}x{1}x{2}\n{3,-34} {4,9} {5,7} {6,7} {7,8}  {8}\n", in.batch,
      in.in, in.out, "shape", "embeds", "util", "fixed", "speedup",
      "chosen embedding");
  double logSum = 0, maxSpeedup = 0;
  int count = 0, worse = 0;
  auto start = std::chrono::steady_clock::now();
  llvm::json::Array records;
  for (const Row &row : rows)
    printOne(row, in, o, llvm::outs(), logSum, maxSpeedup, count, worse,
             records);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (count)
    llvm::outs() << llvm::formatv(
        "shapes {0}, geomean speedup {1:F3}, max speedup {2:F2}, worse than "
        "fixed {3}, {4:F2} s\n",
        count, std::exp(logSum / count), maxSpeedup, worse, seconds);
  if (!jsonFile.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream out(jsonFile, ec);
    if (ec) {
      llvm::WithColor::error()
          << "cannot write '" << jsonFile << "': " << ec.message() << "\n";
      return 1;
    }
    out << llvm::formatv(
               "{0:2}", llvm::json::Value(llvm::json::Object{
                            {"intrinsic", llvm::formatv("{0}x{1}x{2}", in.batch,
                                                        in.in, in.out)
                                              .str()},
                            {"shapes", std::move(records)}}))
        << "\n";
  }
  return 0;
}
