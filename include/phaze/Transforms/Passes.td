//===- Passes.td - phaze workload passes -------------------*- tablegen -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_TRANSFORMS_PASSES_TD
#define PHAZE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def PhazeAnalyzeOpsPass : Pass<"phaze-analyze-ops", "mlir::ModuleOp"> {
  let summary = "Classifies tensor ops by structure and counts MACs, FLOPs "
                "and bytes";
  let description = [{
    Attaches `phaze.analysis = #phaze.op_analysis<...>` to every operation
    of every function that reads or writes tensors: linalg ops (named or
    `linalg.generic`, matched through the LinalgOp interface), tensor data
    movement (pad, slices, concat, reshapes) and constants.

    * Tensor-unit work: a multiply-accumulate reduction of two inputs
      (contractions, batched contractions, convolutions, depthwise
      convolutions), one MAC per iteration point.
    * Vector-unit work: any other computing payload (elementwise ops,
      reductions, pooling windows), FLOPs = payload operations x points.
    * Data movement (copy, transpose, broadcast, pad, slices, concat) and
      free ops (fills, reshapes, constants, empty tensors).
    * Ops with dynamic shapes or without a cost model get a warning at
      their location and class `unknown`; they are counted, never skipped.

    With `report=table` or `report=json` it also writes per-op lines and
    per-function and per-module totals by class to `report-file`. The JSON
    form is

    ```
    {"functions": [{"name", "ops": [{"op", "loc", "class", "pattern",
                                     "macs", "flops", "bytes_read",
                                     "bytes_written"} ],
                    "totals": TOTALS} ],
     "totals": TOTALS}
    TOTALS = {"<class>": {"ops", "macs", "flops", "bytes_read",
                          "bytes_written"}, ..., "all": {...}}
    ```
  }];
  let dependentDialects = ["::mlir::phaze::PhazeDialect"];
  let options = [
    Option<"report", "report", "std::string", /*default=*/"\"none\"",
           "Write a report: 'none', 'table' or 'json'">,
    Option<"reportFile", "report-file", "std::string", /*default=*/"\"-\"",
           "Where to write the report ('-' for stdout)">,
    Option<"annotate", "annotate", "bool", /*default=*/"true",
           "Attach phaze.analysis attributes to the ops">
  ];
}

#endif // PHAZE_TRANSFORMS_PASSES_TD
