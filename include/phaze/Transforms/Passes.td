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
    per-function and per-module totals by class to `report-file`. A
    function's `executions` is how often one run of the model executes it
    (the sum over its call sites of the caller's executions; 96 for GPT-3's
    outlined decoder layer); module totals weight each function by it. The JSON
    form is

    ```
    {"functions": [{"name", "executions",
                    "ops": [{"op", "loc", "class", "pattern",
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

def PhazeOutlineLayersPass : Pass<"phaze-outline-layers", "mlir::ModuleOp"> {
  let summary = "Finds repeated layers in a flat model and outlines them";
  let description = [{
    Finds runs of consecutive, structurally identical blocks of operations
    in each function (a model as a frontend emits it: one flat function)
    and outlines each kind of block into a private layer function, called
    once per repetition. With `outline-rest`, the operations between runs
    (an embedding, a head, a downsampling block) become layer functions of
    their own, so the model function is a sequence of calls. Each layer
    function carries `phaze.layer = #phaze.layer<index = i, repeats = n>`
    and is named `<function>_layer<i>`; each unique layer is then costed and
    scheduled once.

    Blocks are matched by structure only: operation names, attributes,
    types, regions and dataflow (operands from the same relative position,
    constants by value, values from outside the block bijectively). Names
    and locations are ignored. A run must repeat at least `min-repeats`
    times and contain tensor-unit work (a contraction or convolution).

    Before (GPT-style, flat):
    ```mlir
    func.func @forward(%tokens) { <embedding> <layer> <layer> ... <head> }
    ```
    After:
    ```mlir
    func.func @forward(%tokens) {
      %x0 = call @forward_layer0(%tokens)     // embedding, repeats = 1
      %x1 = call @forward_layer1(%x0)         // decoder, repeats = 96
      ...
      %l = call @forward_layer2(%x96, ...)    // head, repeats = 1
    }
    ```
  }];
  let dependentDialects = ["::mlir::phaze::PhazeDialect",
                           "::mlir::func::FuncDialect"];
  let options = [
    Option<"minRepeats", "min-repeats", "int64_t", /*default=*/"2",
           "Outline a block kind only if it repeats at least this often">,
    Option<"outlineRest", "outline-rest", "bool", /*default=*/"true",
           "Outline the operations between repeated runs as layers too">
  ];
}

def PhazeTrainingGraphPass : Pass<"phaze-training-graph", "mlir::ModuleOp"> {
  let summary = "Derives backward and optimizer work and activation memory";
  let description = [{
    For every layer function (`#phaze.layer`; every function when the model
    was not outlined) creates, in IR:

    * `@<layer>_backward`: reverse-mode differentiation of the layer. Each
      linalg op's gradient with respect to each float input is a
      `linalg.generic` over the forward iteration space whose output is
      indexed like that input; its payload recomputes the needed part of the
      forward payload and applies scalar derivative rules (add, sub, mul,
      div, neg, exp, log, tanh, rsqrt, sqrt, max/min, select, casts). A
      contraction thus yields its input-gradient and weight-gradient
      contractions with exact shapes (backward MACs = 2 x forward MACs), a
      broadcast a reduction, a reduction a broadcast, a convolution the
      transposed-convolution and filter-gradient contractions. Reshapes,
      slices, pads and casts get their adjoint data movement. The function
      takes the output gradients and the forward tensors it reads (the saved
      activations) and returns the gradients of the layer's inputs and
      parameters.
    * `@<layer>_optimizer`: the optimizer step on every parameter (`sgd` or
      `adam`; with `mixed-precision`, fp32 master weights).
    * `phaze.training = #phaze.training<...>` on the layer: the functions,
      the activation bytes saved per microbatch with stashing (the saved
      forward tensors) and with recomputation (the layer inputs only),
      parameter, gradient and optimizer-state bytes.

    Ops without a derivative rule get a warning at their location; the
    gradient through them is left out, never silently.
  }];
  let dependentDialects = ["::mlir::phaze::PhazeDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
  let options = [
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"adam\"",
           "Optimizer: 'sgd' or 'adam'">,
    Option<"mixedPrecision", "mixed-precision", "bool", /*default=*/"true",
           "Keep fp32 master weights (mixed-precision training)">
  ];
}

def PhazeTensorParallelPass : Pass<"phaze-tensor-parallel", "mlir::ModuleOp"> {
  let summary = "Rewrites layers into their per-device Megatron form";
  let description = [{
    Partitions each layer function (every function when the model was not
    outlined) over `t` devices as Megatron-LM does, found by structure:
    a contraction with a weight matrix is column-parallel if its split
    output columns can be carried (through elementwise ops, transposes,
    slices, reshapes that turn columns into heads, batch matmuls over the
    split heads, reductions over other dimensions) to a contraction that
    reduces over them, which becomes row-parallel. Weights and biases are
    sliced, every op in between works on 1/t of the columns or heads, a
    `phaze.all_reduce` sums the row-parallel output, and a
    `phaze.grad_all_reduce` marks the column-parallel input (its gradient is
    all-reduced; `phaze-training-graph` emits that collective). LayerNorms,
    residual adds, embeddings and heads stay replicated.

    A `t` that does not divide a split dimension (the hidden size, the
    heads, the FFN size) is rejected with an error at the op whose result
    cannot be split. Run it before `phaze-training-graph`.

    `widths=1,2,4` also emits every layer function at each of those widths
    (other than `t`) as a variant `@<layer>_t<w>`, partitioned over w
    devices (`phaze.tensor_parallel = w` when it splits) and marked
    `phaze.width_of = @<layer>` and `phaze.width = w`. The chain still calls the layers at width
    `t`; the variants are alternatives (`phaze-analyze-ops` counts them zero
    times) that `phaze-training-graph`, `phaze-estimate` and `phaze-schedule`
    process like any layer, and from which `phaze-partition` chooses a
    tensor-parallel width per pipeline stage.
  }];
  let dependentDialects = ["::mlir::phaze::PhazeDialect"];
  let options = [
    Option<"t", "t", "int64_t", /*default=*/"1",
           "Tensor-parallel width (devices per layer)">,
    ListOption<"widths", "widths", "int64_t",
               "Also emit each layer at these widths, as variants for a "
               "per-stage choice of width in phaze-partition">
  ];
}

def PhazeEstimatePass : Pass<"phaze-estimate", "mlir::ModuleOp"> {
  let summary = "Estimates every op's latency and energy on an accel chip";
  let description = [{
    Takes the `accel.chip` of the module, or of `hardware=FILE` (`chip=NAME`
    picks one of several), and writes `phaze.estimate =
    #phaze.estimate<...>` on every analysed op: latency in seconds on one
    unit of its kind and on all units of its kind (intra-op parallel),
    energy in joules, utilization, and the bounding resource. Collectives
    use the links of the chip's `accel.system` (or `system=NAME`).

    Tensor-unit work is embedded onto the unit's instruction by the
    constraint solver (a systolic rows x cols array is the instruction
    1 x rows x cols); then every op is bounded by its compute (the
    efficiency factor applies), by its local-buffer, global-buffer and
    off-chip traffic over their bandwidths; see docs/CostModel.md. A chip
    without tensor units runs contractions on its vector units and says so
    with a remark. Tensor-unit ops also get `#phaze.embedding` (the chosen
    embedding and its layout transformation). Estimates are memoized by
    (op work, chip) in a cache shared by the whole process.
  }];
  let dependentDialects = ["::mlir::phaze::PhazeDialect"];
  let options = [
    Option<"hardware", "hardware", "std::string", /*default=*/"\"\"",
           "An accel hardware file (default: the module's own accel ops)">,
    Option<"chip", "chip", "std::string", /*default=*/"\"\"",
           "The accel.chip to use (default: the only one)">,
    Option<"system", "system", "std::string", /*default=*/"\"\"",
           "The accel.system for collectives (default: the chip's)">,
    Option<"allowIm2col", "allow-im2col", "bool", /*default=*/"true",
           "Let embeddings put filter dimensions on the instruction and "
           "flatten dimensions (im2col); false keeps the existing layout">,
    Option<"allowSwap", "allow-swap", "bool", /*default=*/"true",
           "Let embeddings exchange the roles of the two inputs">
  ];
}

def PhazeSchedulePass : Pass<"phaze-schedule", "mlir::ModuleOp"> {
  let summary = "Schedules each function's ops on the tensor and vector units";
  let description = [{
    For every function (a layer, its backward, its optimizer step), the ops
    with a `#phaze.estimate` are tasks: tensor-class ops on tensor units,
    vector work and data movement on vector units, collectives on the
    network (no unit). Each runs on one unit (`latency_s`) or intra-op
    parallel on all units of its kind (`parallel_latency_s`, and then alone
    on the chip); dependences follow def-use chains. The makespan is
    minimized with the scheduling library, per series block: the list
    schedule improved by a local search over modes, from the start and
    from the end, as upper bound, the critical-path, area and off-path
    bounds as lower bound, and when they differ an exact branch and bound
    (first briefly; on wide blocks from the end), simulated annealing over
    task orders and modes for better schedules, a path relaxation (a small
    CBC MILP along the critical path, with the optimum of each small core
    of tasks between two of its tasks) for a stronger bound and schedules
    with its modes, then, on wide blocks, a CBC scheduling MILP from the
    best schedule found (docs/Scheduling.md).

    Writes `#phaze.schedule<start_s, duration_s, unit, parallel, units>` on
    each task (`unit`: tensor, vector, fused or network) and `#phaze.makespan<makespan_s, lower_bound_s, optimal, tasks,
    solve_s>` on the function; with `trace-file`, a Chrome trace (open in
    Perfetto: one row per unit). A schedule not proven optimal within
    `time-limit` is kept with a warning giving its gap; with `exact=false`
    nothing is searched (the list schedule and its bound; the search's fast
    path), and a schedule whose bounds differ gets the same warning.
    Problems are solved once per process.
  }];
  let dependentDialects = ["::mlir::phaze::PhazeDialect"];
  let options = [
    Option<"timeLimit", "time-limit", "double", /*default=*/"10.0",
           "Wall-clock seconds of solving per function (search, "
           "annealing, relaxation and MILP; CBC's limits leave an "
           "allowance for its root processing)">,
    Option<"exact", "exact", "bool", /*default=*/"true",
           "Search (branch and bound, path relaxation, MILP) when the "
           "bounds differ; false: "
           "keep the list schedule with its proven gap (phaze-search's "
           "fast path)">,
    Option<"traceFile", "trace-file", "std::string", /*default=*/"\"\"",
           "Write the schedules as a Chrome trace (JSON) to this file">,
    Option<"threads", "threads", "unsigned", /*default=*/"0",
           "Solver threads per function, 1 or 2 (0: 2 where the machine "
           "has two hardware threads or more): with 2 a second thread "
           "runs the branch and bound beside the rest, and the first "
           "proof ends the solve (the same makespans; which of two "
           "equally short schedules is kept may vary)">
  ];
}

def PhazePartitionPass : Pass<"phaze-partition", "mlir::ModuleOp"> {
  let summary = "Places training over many devices: pipeline stages, data "
                "and tensor parallelism, recomputation";
  let description = [{
    Reads the layered, scheduled workload: the entry function's chain of
    layer calls (every repeat counts), each layer's forward, backward and
    optimizer makespans (`#phaze.makespan`, from `phaze-schedule`), its
    memory (`#phaze.training`), the bytes crossing each boundary between
    layers, and the tensor-parallel width the layers were rewritten for
    (`phaze.tensor_parallel`). The system (devices, devices per node, links)
    and the memory per device come from the hardware file.

    Finds the placement with the highest throughput by dynamic programming
    (docs/Partitioning.md): stages, data-parallel degree d (dividing the
    microbatches), recomputation per stage, under the memory per device;
    `semantics=phaze-reference` runs PHAZE's own model instead. Writes
    `phaze.plan = #phaze.plan<...>` on the module; with `fixed-stages`, the
    Megatron-style split into that many equal stages (and `fixed-data-
    parallel` pipelines) as `phaze.fixed_plan`. No placement that fits is an
    error naming the binding constraint and the smallest memory per device
    that would admit one. `report` prints both as a table on stdout.
  }];
  let dependentDialects = ["::mlir::phaze::PhazeDialect"];
  let options = [
    Option<"hardware", "hardware", "std::string", /*default=*/"\"\"",
           "An accel hardware file (default: the module's own accel ops)">,
    Option<"chip", "chip", "std::string", /*default=*/"\"\"",
           "The accel.chip (default: the only one)">,
    Option<"system", "system", "std::string", /*default=*/"\"\"",
           "The accel.system (default: the chip's last)">,
    Option<"semantics", "semantics", "std::string", /*default=*/"\"phaze\"",
           "phaze (default) or phaze-reference (PHAZE's DP)">,
    Option<"globalBatch", "global-batch", "int64_t", /*default=*/"4096",
           "Samples per iteration (PHAZE: 4096 sequences)">,
    Option<"microbatchSize", "microbatch-size", "int64_t", /*default=*/"0",
           "Samples per microbatch (default: the batch dimension of the "
           "entry function's first argument)">,
    Option<"tokensPerSample", "tokens-per-sample", "int64_t",
           /*default=*/"0",
           "Tokens per sample (default: the sequence dimension of the entry "
           "function's first argument when it is an integer tensor, else 1)">,
    Option<"recompute", "recompute", "std::string", /*default=*/"\"auto\"",
           "Activation recomputation: off, full, auto (per stage: only "
           "where stashing does not fit), or selective (every layer "
           "recomputes its attention core, Korthikanti et al.)">,
    Option<"recomputeCheckpoint", "recompute-checkpoint", "std::string",
           /*default=*/"\"layer\"",
           "What recomputation keeps per in-flight microbatch: 'layer' "
           "(every layer's input, one layer rebuilt at a time; "
           "Megatron-LM) or 'stage' (only the stage's input, the whole "
           "stage rebuilt at once; Piper, PHAZE)">,
    Option<"pipelineSchedule", "pipeline-schedule", "std::string",
           /*default=*/"\"1f1b\"", "1f1b (default) or gpipe">,
    Option<"devices", "devices", "int64_t", /*default=*/"0",
           "Devices (default: the system's)">,
    Option<"memoryGiB", "memory-gib", "double", /*default=*/"0",
           "Memory per device in GiB (default: the chip's off-chip "
           "capacity)">,
    Option<"fixedStages", "fixed-stages", "int64_t", /*default=*/"0",
           "Also evaluate the Megatron-style split into this many stages">,
    Option<"fixedDataParallel", "fixed-data-parallel", "int64_t",
           /*default=*/"1", "Data-parallel pipelines of the fixed split">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Print the plan (and the fixed split) as a table on stdout">,
    Option<"problemFile", "problem-file", "std::string", /*default=*/"\"\"",
           "Also write the placement problem as JSON to this file (replay "
           "or benchmark it with phaze-partition --format=plan)">
  ];
}

#endif // PHAZE_TRANSFORMS_PASSES_TD
