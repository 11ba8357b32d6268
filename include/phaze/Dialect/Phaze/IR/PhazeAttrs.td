//===- PhazeAttrs.td - phaze result attributes -------------*- tablegen -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_PHAZE_IR_PHAZEATTRS_TD
#define PHAZE_DIALECT_PHAZE_IR_PHAZEATTRS_TD

include "phaze/Dialect/Phaze/IR/PhazeBase.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Phaze_OpClass : I32EnumAttr<"OpClass",
    "which unit kind an operation's work runs on", [
      I32EnumAttrCase<"Tensor", 0, "tensor">,
      I32EnumAttrCase<"Vector", 1, "vector">,
      I32EnumAttrCase<"DataMovement", 2, "data_movement">,
      I32EnumAttrCase<"Free", 3, "free">,
      I32EnumAttrCase<"Unknown", 4, "unknown">,
      I32EnumAttrCase<"Collective", 5, "collective">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::phaze";
}

def Phaze_Unit : I32EnumAttr<"Unit",
    "which units a scheduled operation holds", [
      I32EnumAttrCase<"Tensor", 0, "tensor">,
      I32EnumAttrCase<"Vector", 1, "vector">,
      I32EnumAttrCase<"Fused", 2, "fused">,
      I32EnumAttrCase<"Network", 3, "network">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::phaze";
}

def Phaze_OpPattern : I32EnumAttr<"OpPattern",
    "the structure an operation was recognized as", [
      I32EnumAttrCase<"Contraction", 0, "contraction">,
      I32EnumAttrCase<"Convolution", 1, "convolution">,
      I32EnumAttrCase<"DepthwiseConvolution", 2, "depthwise_convolution">,
      I32EnumAttrCase<"Elementwise", 3, "elementwise">,
      I32EnumAttrCase<"Reduction", 4, "reduction">,
      I32EnumAttrCase<"Pooling", 5, "pooling">,
      I32EnumAttrCase<"Copy", 6, "copy">,
      I32EnumAttrCase<"Transpose", 7, "transpose">,
      I32EnumAttrCase<"Broadcast", 8, "broadcast">,
      I32EnumAttrCase<"Fill", 9, "fill">,
      I32EnumAttrCase<"Reshape", 10, "reshape">,
      I32EnumAttrCase<"Pad", 11, "pad">,
      I32EnumAttrCase<"Slice", 12, "slice">,
      I32EnumAttrCase<"Concat", 13, "concat">,
      I32EnumAttrCase<"Constant", 14, "constant">,
      I32EnumAttrCase<"Empty", 15, "empty">,
      I32EnumAttrCase<"Other", 16, "other">,
      I32EnumAttrCase<"Gather", 17, "gather">,
      I32EnumAttrCase<"AllReduce", 18, "all_reduce">,
      I32EnumAttrCase<"Identity", 19, "identity">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::phaze";
}

def Phaze_LoopRole : I32EnumAttr<"LoopRole", "the role of a loop dimension", [
      I32EnumAttrCase<"Batch", 0, "batch">,
      I32EnumAttrCase<"Parallel", 1, "parallel">,
      I32EnumAttrCase<"Reduction", 2, "reduction">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::phaze";
}

def Phaze_Bound : I32EnumAttr<"Bound", "what limits an estimate", [
      I32EnumAttrCase<"Compute", 0, "compute">,
      I32EnumAttrCase<"LocalBuffer", 1, "local_buffer">,
      I32EnumAttrCase<"GlobalBuffer", 2, "global_buffer">,
      I32EnumAttrCase<"OffChip", 3, "off_chip">,
      I32EnumAttrCase<"Link", 4, "link">,
      I32EnumAttrCase<"None", 5, "none">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::phaze";
}

/// A boolean spelled true/false (default false), as in the accel dialect.
def Accel_DefaultFalseParameter
    : DefaultValuedParameter<"bool", "false", "a boolean"> {
  let parser = "::mlir::phaze::accel::parseBool($_parser)";
  let printer = "$_printer << ($_self ? \"true\" : \"false\")";
}

/// A double parameter (the accel dialect's F64: exact round trip).
def Phaze_F64Parameter : AttrParameter<"::mlir::phaze::accel::F64",
                                       "a 64-bit float"> {
  let parser = "::mlir::phaze::accel::parseF64($_parser)";
  let printer = "::mlir::phaze::accel::printF64($_printer, $_self)";
}

//===----------------------------------------------------------------------===//
// Op analysis
//===----------------------------------------------------------------------===//

def Phaze_OpAnalysisAttr : Phaze_Attr<"OpAnalysis", "op_analysis"> {
  let summary = "What an operation computes and moves, for one execution";
  let description = [{
    Derived by `phaze-analyze-ops` from the operation's structure (indexing
    maps, iterator types, static loop ranges and payload), never from its
    name:

    * `class`: the unit kind that runs it (`tensor`, `vector`,
      `data_movement`, `free`, `unknown`, or `collective` for communication
      between devices) and `pattern` (contraction,
      convolution, depthwise_convolution, elementwise, reduction, pooling,
      copy, transpose, broadcast, gather, fill, reshape, pad, slice, concat,
      constant, empty, all_reduce, identity, other);
    * `macs`: multiply-accumulates (tensor class: one per iteration point);
    * `flops`: floating-point or integer operations (tensor class: 2 per
      MAC; otherwise payload operations per iteration point times points);
    * `bytes_read`, `bytes_written`: the operands' and results' tensor sizes
      in bytes (an output that the payload reads, as in a reduction, counts
      as read too);
    * `loop_extents` and `loop_roles`: one entry per loop dimension, in the
      op's loop order.

    ```mlir
    phaze.analysis = #phaze.op_analysis<class = tensor, pattern = contraction,
        macs = 1048576, flops = 2097152, bytes_read = 16384,
        bytes_written = 16384, loop_extents = [64, 128, 128],
        loop_roles = [parallel, parallel, reduction]>
    ```
  }];
  let parameters = (ins
    EnumParameter<Phaze_OpClass>:$op_class,
    EnumParameter<Phaze_OpPattern>:$pattern,
    "int64_t":$macs,
    "int64_t":$flops,
    "int64_t":$bytes_read,
    "int64_t":$bytes_written,
    OptionalArrayRefParameter<"int64_t">:$loop_extents,
    OptionalArrayRefParameter<"::mlir::phaze::LoopRole">:$loop_roles
  );
  let assemblyFormat = [{
    `<` `class` `=` $op_class `,` `pattern` `=` $pattern `,` `macs` `=` $macs `,`
    `flops` `=` $flops `,` `bytes_read` `=` $bytes_read `,` `bytes_written`
    `=` $bytes_written (`,` `loop_extents` `=` `[` $loop_extents^ `]`)?
    (`,` `loop_roles` `=` `[` $loop_roles^ `]`)? `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The name of the discardable attribute that holds an op's analysis.
    static constexpr ::llvm::StringLiteral getAttrName() {
      return ::llvm::StringLiteral("phaze.analysis");
    }
  }];
}

//===----------------------------------------------------------------------===//
// Estimates
//===----------------------------------------------------------------------===//

def Phaze_EstimateAttr : Phaze_Attr<"Estimate", "estimate"> {
  let summary = "Latency, energy and utilization of an op on a chip";
  let description = [{
    Written by `phaze-estimate`: the op's latency in seconds on one unit of
    its kind (`latency_s`) and split over all `units` units of that kind
    (`parallel_latency_s`), its energy in joules, the utilization of the
    units used in each case, and what bounds the parallel estimate.

    ```mlir
    phaze.estimate = #phaze.estimate<latency_s = 0.0271, parallel_latency_s =
        0.0034, energy_j = 1.9, utilization = 0.99, parallel_utilization =
        0.98, units = 8, bound = compute>
    ```
  }];
  let parameters = (ins
    Phaze_F64Parameter:$latency_s,
    Phaze_F64Parameter:$parallel_latency_s,
    Phaze_F64Parameter:$energy_j,
    Phaze_F64Parameter:$utilization,
    Phaze_F64Parameter:$parallel_utilization,
    "int64_t":$units,
    EnumParameter<Phaze_Bound>:$bound
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let extraClassDeclaration = [{
    static constexpr ::llvm::StringLiteral getAttrName() {
      return ::llvm::StringLiteral("phaze.estimate");
    }
  }];
}

def Phaze_EmbeddingAttr : Phaze_Attr<"Embedding", "embedding"> {
  let summary = "How a contraction is embedded onto a tensor instruction";
  let description = [{
    Written by `phaze-estimate` on tensor-unit ops: the embedding the
    constraint solver chose (`form`: per instruction axis b, i, o the loop
    dimensions and their tile factors, `flat[...]` for dimensions flattened
    by a layout transformation, `swapped` when the inputs exchange roles),
    the number of valid embeddings, the instruction calls on one unit, and
    the bytes the implied layout transformation (im2col, flattening) moves.

    ```mlir
    phaze.embedding = #phaze.embedding<form = "i=[d5:5,d6:3] o=[d1:16]",
        embeddings = 2800, calls = 1048576, transform_bytes = 1966080>
    ```
  }];
  let parameters = (ins StringRefParameter<>:$form, "int64_t":$embeddings,
                        "int64_t":$calls, "int64_t":$transform_bytes);
  let assemblyFormat = "`<` struct(params) `>`";
  let extraClassDeclaration = [{
    static constexpr ::llvm::StringLiteral getAttrName() {
      return ::llvm::StringLiteral("phaze.embedding");
    }
  }];
}

//===----------------------------------------------------------------------===//
// Schedules
//===----------------------------------------------------------------------===//

def Phaze_ScheduleAttr : Phaze_Attr<"Schedule", "schedule"> {
  let summary = "When an op runs in its layer's schedule, and on what";
  let description = [{
    Written by `phaze-schedule` on each scheduled op: its start and duration
    in seconds from the start of its function, the kind of unit it runs on
    (`tensor`, `vector` (vector work and data movement), `fused` (a tensor
    and a vector unit), `network` (a collective, which holds none)), whether
    it runs intra-op parallel on all units of its kind (then alone on the
    chip), and how many units of its kind it holds: one, all, or none for a
    collective (a fused op counts its vector units, as its estimate does,
    and holds one tensor unit beside them, or all).

    ```mlir
    phaze.schedule = #phaze.schedule<start_s = 2.5e-05, duration_s = 1.2e-05,
        unit = tensor, parallel = true, units = 8>
    ```
  }];
  let parameters = (ins Phaze_F64Parameter:$start_s,
                        Phaze_F64Parameter:$duration_s,
                        EnumParameter<Phaze_Unit>:$unit,
                        Accel_DefaultFalseParameter:$parallel,
                        "int64_t":$units);
  let assemblyFormat = "`<` struct(params) `>`";
  let extraClassDeclaration = [{
    static constexpr ::llvm::StringLiteral getAttrName() {
      return ::llvm::StringLiteral("phaze.schedule");
    }
  }];
}

def Phaze_MakespanAttr : Phaze_Attr<"Makespan", "makespan"> {
  let summary = "A function's scheduled makespan and its proof";
  let description = [{
    Written by `phaze-schedule` on each scheduled function: the makespan in
    seconds, the proven lower bound (equal when `optimal`), the number of
    tasks, and the seconds spent solving.
  }];
  let parameters = (ins Phaze_F64Parameter:$makespan_s,
                        Phaze_F64Parameter:$lower_bound_s,
                        Accel_DefaultFalseParameter:$optimal,
                        "int64_t":$tasks,
                        Phaze_F64Parameter:$solve_s);
  let assemblyFormat = "`<` struct(params) `>`";
  let extraClassDeclaration = [{
    static constexpr ::llvm::StringLiteral getAttrName() {
      return ::llvm::StringLiteral("phaze.makespan");
    }
  }];
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

def Phaze_LayerAttr : Phaze_Attr<"Layer", "layer"> {
  let summary = "A layer function: its position in the model and repeats";
  let description = [{
    Marks a function that `phaze-outline-layers` outlined from a model:
    `index` is its position in the model (0 for the first layer function
    called), `repeats` how many consecutive times the model runs it (96 for
    GPT-3's decoder layer). Each unique layer is costed and scheduled once.

    ```mlir
    func.func private @forward_layer1(...) attributes {
        phaze.layer = #phaze.layer<index = 1, repeats = 96>}
    ```
  }];
  let parameters = (ins "int64_t":$index, "int64_t":$repeats);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The name of the discardable attribute on a layer function.
    static constexpr ::llvm::StringLiteral getAttrName() {
      return ::llvm::StringLiteral("phaze.layer");
    }
  }];
}

//===----------------------------------------------------------------------===//
// Training
//===----------------------------------------------------------------------===//

def Phaze_TrainingAttr : Phaze_Attr<"Training", "training"> {
  let summary = "The training form of a layer function";
  let description = [{
    Written by `phaze-training-graph` on each forward layer function:

    * `backward`: the function computing the layer's gradients (input
      gradients and, for every contraction, the weight gradient);
    * `optimizer`: the function applying the optimizer step to the layer's
      parameters;
    * `saved_bytes`: activation memory per microbatch when activations are
      stashed: the bytes of the forward tensors the backward function reads
      (parameters excluded);
    * `recompute_saved_bytes`: the same with recomputation: only the layer's
      inputs are kept, and the forward pass runs again before backward;
    * `parameters`: parameter elements; `parameter_bytes`,
      `gradient_bytes`, `optimizer_state_bytes`: their memory (optimizer
      state includes fp32 master weights in mixed precision);
    * `selective_saved_bytes`: with selective recomputation (Korthikanti et
      al.), the saved bytes without the attention core's activations (the
      ops marked `phaze.selective_recompute`, recomputed before backward);
      -1 (elided) when the layer has no attention core.
  }];
  let parameters = (ins
    "::mlir::FlatSymbolRefAttr":$backward,
    "::mlir::FlatSymbolRefAttr":$optimizer,
    "int64_t":$saved_bytes,
    "int64_t":$recompute_saved_bytes,
    "int64_t":$parameters,
    "int64_t":$parameter_bytes,
    "int64_t":$gradient_bytes,
    "int64_t":$optimizer_state_bytes,
    DefaultValuedParameter<"int64_t", "-1",
                           "saved bytes with selective recomputation">:
        $selective_saved_bytes
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let extraClassDeclaration = [{
    /// The name of the discardable attribute on a forward function.
    static constexpr ::llvm::StringLiteral getAttrName() {
      return ::llvm::StringLiteral("phaze.training");
    }
  }];
}

//===----------------------------------------------------------------------===//
// Placement over many devices
//===----------------------------------------------------------------------===//

/// A list of layer positions, printed in brackets; empty by default.
def Phaze_LayerListParameter
    : OptionalArrayRefParameter<"int64_t", "layer positions"> {
  let parser = "::mlir::phaze::parseIndexList($_parser)";
  let printer = "::mlir::phaze::printIndexList($_printer, $_self)";
}

def Phaze_StageAttr : Phaze_Attr<"Stage", "stage"> {
  let summary = "One pipeline stage of a placement";
  let description = [{
    Layers `first_layer` to `last_layer` (positions in the model's chain of
    layer calls, counting every repeat) on `devices` devices, with or
    without activation recomputation; its load per microbatch (forward,
    backward, recomputed forward, receiving its input activation and its
    output gradient) in seconds, and its memory per device in bytes at its
    position in the pipeline. When the layers form a DAG and the stage is
    not an interval of the call order, `layers` lists its positions
    (ascending, from `first_layer` to `last_layer`).
  }];
  let parameters = (ins "int64_t":$first_layer, "int64_t":$last_layer,
                        "int64_t":$devices,
                        Accel_DefaultFalseParameter:$recompute,
                        Phaze_F64Parameter:$load_s,
                        Phaze_F64Parameter:$memory_bytes,
                        Phaze_LayerListParameter:$layers);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Phaze_PlanAttr : Phaze_Attr<"Plan", "plan"> {
  let summary = "A placement of training over many devices, with its figures";
  let description = [{
    Written by `phaze-partition` on the module (`phaze.plan`, and the fixed
    Megatron-style strategy as `phaze.fixed_plan` when asked for): the
    tensor-parallel width `t`, data-parallel degree `d`, pipeline depth `p`,
    samples per microbatch and microbatches per pipeline, the stages, and
    the time per iteration in seconds split into the pipeline
    (max stage load · (m + p − 1)), the gradient all-reduce and the
    optimizer step; throughput in samples and tokens per second, the peak
    memory per device in bytes, the model FLOPs utilization (0 when the
    chip's peak is unknown), and the seconds the DP took (`solve_s`). `semantics` is `phaze` or `phaze-reference`
    (PHAZE's DP).

    ```mlir
    phaze.plan = #phaze.plan<semantics = "phaze", t = 8, d = 1, p = 8,
        microbatch_size = 1, microbatches = 64, stages = [...],
        time_per_iteration_s = 17.2, pipeline_s = 17.1, all_reduce_s = 0.0,
        optimizer_s = 0.1, samples_per_s = 3.7, tokens_per_s = 7620.0,
        peak_memory_bytes = 5.1e10, mfu = 0.43, solve_s = 0.0004>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"the model">:$semantics,
    "int64_t":$t, "int64_t":$d, "int64_t":$p,
    "int64_t":$microbatch_size, "int64_t":$microbatches,
    "::mlir::ArrayAttr":$stages,
    Phaze_F64Parameter:$time_per_iteration_s,
    Phaze_F64Parameter:$pipeline_s,
    Phaze_F64Parameter:$all_reduce_s,
    Phaze_F64Parameter:$optimizer_s,
    Phaze_F64Parameter:$samples_per_s,
    Phaze_F64Parameter:$tokens_per_s,
    Phaze_F64Parameter:$peak_memory_bytes,
    Phaze_F64Parameter:$mfu,
    Phaze_F64Parameter:$solve_s);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    static constexpr ::llvm::StringLiteral getAttrName() {
      return ::llvm::StringLiteral("phaze.plan");
    }
    static constexpr ::llvm::StringLiteral getFixedAttrName() {
      return ::llvm::StringLiteral("phaze.fixed_plan");
    }
  }];
}

#endif // PHAZE_DIALECT_PHAZE_IR_PHAZEATTRS_TD
