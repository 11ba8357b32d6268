//===- Passes.td - accel dialect passes --------------------*- tablegen -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_ACCEL_TRANSFORMS_PASSES_TD
#define PHAZE_DIALECT_ACCEL_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AccelDescribePass : Pass<"accel-describe", "mlir::ModuleOp"> {
  let summary = "Prints what the hardware descriptions in a module mean";
  let description = [{
    For every `accel.chip`, `accel.system` and `accel.space` in the module,
    prints the derived figures: peak FLOP/s of the tensor and vector units,
    MACs per cycle, memory capacities and bandwidths (also per cycle),
    machine balance and area under PHAZE's area model; for systems the
    aggregate figures; for spaces the number of candidates, of admitted
    configurations, of unique tensor- and vector-unit configurations, and
    the admitted area range. The module is not changed.

    With `emit-json`, the output is one JSON object:

    ```
    {"chips": [{"name", "clock_hz", "tensor_count", "tensor_kind",
                "tensor_batch", "tensor_rows", "tensor_cols",
                "macs_per_cycle", "tensor_peak_flops", "vector_count",
                "vector_lanes", "vector_peak_flops", "peak_flops",
                "tensor_local_buffer_bytes", "vector_local_buffer_bytes",
                "global_buffer_bytes", "global_buffer_bandwidth_bytes_per_s",
                "off_chip_bytes", "off_chip_bandwidth_bytes_per_s",
                "off_chip_bytes_per_cycle", "machine_balance_flops_per_byte",
                "area_um2", "tensor_area_um2", "vector_area_um2",
                "global_buffer_area_um2"} ],
     "systems": [{"name", "chip", "devices", "devices_per_node", "nodes",
                  "peak_flops", "off_chip_bytes", "intra_node", "inter_node"} ],
     "spaces": [{"name", "template", "area_budget_um2", "candidates",
                 "admitted", "unique_tensor_configs", "unique_vector_configs",
                 "single_unit", "min_area_um2", "max_area_um2"} ]}
    ```
  }];
  let options = [
    Option<"outputFile", "output-file", "std::string", /*default=*/"\"-\"",
           "Where to write the description ('-' for stdout)">,
    Option<"emitJson", "emit-json", "bool", /*default=*/"false",
           "Write JSON instead of a readable table">
  ];
}

def AccelEnumerateSpacePass : Pass<"accel-enumerate-space", "mlir::ModuleOp"> {
  let summary = "Writes every configuration an accel.space admits";
  let description = [{
    Enumerates the configurations of an `accel.space` in PHAZE's order
    (each parameter descending: tensor_count, vector_count, tensor_cols,
    tensor_rows, vector_lanes, global_buffer_bytes) and writes one record
    per admitted configuration: as JSON lines

    ```
    {"tensor_count": 8, "vector_count": 2, "tensor_batch": 1,
     "tensor_rows": 128, "tensor_cols": 128, "vector_lanes": 128,
     "tensor_local_buffer_bytes": 262144, "vector_local_buffer_bytes": 2048,
     "global_buffer_bytes": 134217728, "area_um2": 278826676.31}
    ```

    or, with `format=csv`, as CSV with these columns. The module is not
    changed.
  }];
  let options = [
    Option<"spaceName", "space", "std::string", /*default=*/"\"\"",
           "The accel.space to enumerate (default: the module's only one)">,
    Option<"outputFile", "output-file", "std::string", /*default=*/"\"-\"",
           "Where to write the configurations ('-' for stdout)">,
    Option<"format", "format", "std::string", /*default=*/"\"jsonl\"",
           "Output format: 'jsonl' or 'csv'">,
    Option<"limit", "limit", "uint64_t", /*default=*/"0",
           "Write at most this many configurations (0: all)">
  ];
}

#endif // PHAZE_DIALECT_ACCEL_TRANSFORMS_PASSES_TD
