//===- Json.h - Piper's and PHAZE's JSON partitioning instances -*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Readers for the instance formats of Piper (inputs/*.json of msr-fiddle/
// piper) and of PHAZE's device-placement program. Errors are located: a
// syntax error by line and column, a wrong or missing field by its JSON path
// (e.g. `nodes[3].TMPCs.1[0].timePerSample`), an inconsistent graph by the
// node or edge it concerns.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_PARTITION_JSON_H
#define PHAZE_PARTITION_JSON_H

#include "phaze/Partition/PhazeDp.h"
#include "phaze/Partition/Piper.h"
#include "phaze/Partition/Plan.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace mlir {
namespace phaze {
namespace partition {

/// Reads Piper's instance format into `out`. Node ids become positions in
/// the `nodes` array (edges and sync dictionaries are renumbered). Runs
/// PiperProblem::check(). On failure returns false with a located message.
bool parsePiperJson(llvm::StringRef text, PiperProblem &out,
                    std::string &error);

/// Reads PHAZE's device-placement format (one layer graph per t under
/// `nodes` and `edges`) into `out`, layers renumbered in topological order
/// and graphs sorted by t. Runs PhazeProblem::check(). On failure returns
/// false with a located message.
bool parsePhazeJson(llvm::StringRef text, PhazeProblem &out,
                    std::string &error);

/// phaze's placement problem (Plan.h) as JSON: the system, the training
/// setup and one object per layer, every field named with its unit. What
/// `phaze-partition{problem-file=...}` writes and `phaze-partition
/// --format=plan` reads (to benchmark or replay the DP without the IR).
llvm::json::Value planProblemToJson(const PlanProblem &p);

/// Reads a placement problem written by planProblemToJson; runs check().
bool parsePlanJson(llvm::StringRef text, PlanProblem &out, std::string &error);

/// Whether `text` looks like PHAZE's format rather than Piper's (its nodes
/// are an object keyed by t).
bool looksLikePhazeJson(llvm::StringRef text);

} // namespace partition
} // namespace phaze
} // namespace mlir

#endif // PHAZE_PARTITION_JSON_H
