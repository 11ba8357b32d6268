// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-partition="global-batch=8" | FileCheck %s
// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-partition="global-batch=8 fixed-stages=2" | FileCheck %s --check-prefix=FIXED
// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-partition="global-batch=8 semantics=phaze-reference" | FileCheck %s --check-prefix=REF
// RUN: phaze-opt %s --phaze-partition="global-batch=8 fixed-stages=2 report=true" -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: phaze-opt %s --phaze-partition="global-batch=8 recompute=full" | FileCheck %s --check-prefix=LAYER
// RUN: phaze-opt %s --phaze-partition="global-batch=8 recompute=full recompute-checkpoint=stage" | FileCheck %s --check-prefix=STAGE
// RUN: not phaze-opt %s --phaze-partition="recompute-checkpoint=op" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADCKPT

// PHAZE's worked example A (phaze-reference.md §5.4) as IR: a chain of four
// layers (@l0, @l1 twice, @l2), each 1 s forward and 2 s backward, no
// parameters, no optimizer time, 16-byte boundaries over 1e12 B/s links
// (negligible but not zero), 4 devices in one node, 8 microbatches of one
// 16-token sample. By hand: one stage replicated over d = 4 takes
// 12 s x 8/4 microbatches = 24 s (four stages would take 3 s x (8 + 3) =
// 33 s plus the transfers); 8 samples / 24 s = 1/3 sample/s, 16/3 tokens/s.
// Memory: 8 bytes stashed per layer, all in one stage with 1 microbatch in
// flight: 32 bytes.
// CHECK:      phaze.plan = #phaze.plan<semantics = "phaze", t = 1, d = 4, p = 1, microbatch_size = 1, microbatches = 2,
// CHECK-SAME:   stages = [#phaze.stage<first_layer = 0, last_layer = 3, devices = 1, load_s = 12.0, memory_bytes = 32.0>]
// CHECK-SAME:   time_per_iteration_s = 24.0, pipeline_s = 24.0, all_reduce_s = 0.0, optimizer_s = 0.0,
// CHECK-SAME:   samples_per_s = 0.333333333333333{{[0-9]*}}, tokens_per_s = 5.33333333333333{{[0-9]*}}
// The fixed Megatron-style split into 2 stages: the repeated @l1 calls
// are the core, one per stage; @l0 joins the first stage, @l2 the last.
// Each stage: 2 layers x 3 s, plus one 16-byte transfer at 1e12 B/s and
// 1e-6 s latency (the first stage receives the output gradient, the second
// its input activation): 6.000001000016 s; d = 1, so x (8 + 1) =
// 54.000009000144 s.
// FIXED:      phaze.fixed_plan = #phaze.plan<semantics = "phaze", t = 1, d = 1, p = 2
// FIXED-SAME:   stages = [#phaze.stage<first_layer = 0, last_layer = 1, devices = 1, load_s = 6.00000100001{{[0-9]*}}
// FIXED-SAME:   #phaze.stage<first_layer = 2, last_layer = 3
// FIXED-SAME:   time_per_iteration_s = 54.0000090001{{[0-9]*}}
// The report: the optimum, then the fixed split, stage by stage with runs
// of the same layer function folded; 54.000009 / 24 = 2.25x.
// REPORT:      phaze-partition: optimum: t = 1, d = 4, p = 1 (4 devices), 2 microbatches of 1 per pipeline
// REPORT-NEXT:   time per iteration   24.0000 s (pipeline 24.0000, all-reduce 0.0000, optimizer 0.0000)
// REPORT-NEXT:   throughput           0.3 samples/s, 5 tokens/s
// REPORT:          0  @l0 @l1 x2 @l2
// REPORT:      fixed Megatron-style split: t = 1, d = 1, p = 2 (2 devices)
// REPORT:          0  @l0 @l1
// REPORT-NEXT:     1  @l1 @l2
// REPORT:      optimum vs fixed split: 2.25x the throughput
// PHAZE's own model gives its published 24 as well.
// REF:        phaze.plan = #phaze.plan<semantics = "phaze-reference", t = 1, d = 4, p = 1
// REF-SAME:     time_per_iteration_s = 24.0
// With full recomputation the same single stage (d = 4, one microbatch in
// flight) runs 4 x (1 + 2 + 1) = 16 s per microbatch, 32 s. Checkpointing
// every layer's input keeps 4 x 4 bytes plus one layer's 8 bytes rebuilt:
// 24 bytes; checkpointing only the stage's input keeps @l0's 4 bytes and
// rebuilds all four layers' 8 bytes at once: 36 bytes.
// LAYER:      stages = [#phaze.stage<first_layer = 0, last_layer = 3, devices = 1, recompute = true, load_s = 16.0, memory_bytes = 24.0>]
// LAYER-SAME: time_per_iteration_s = 32.0
// STAGE:      stages = [#phaze.stage<first_layer = 0, last_layer = 3, devices = 1, recompute = true, load_s = 16.0, memory_bytes = 36.0>]
// STAGE-SAME: time_per_iteration_s = 32.0
// BADCKPT:    recompute-checkpoint must be layer or stage, got 'op'
module {
  accel.chip @c #accel.chip<
    clock_hz = 1.0e9,
    tensor = <count = 1, kind = systolic, rows = 4, cols = 4,
              mac_type = bf16, acc_type = f32,
              local_buffer = <capacity_bytes = 4096,
                              bandwidth_bytes_per_s = 1.0e11>>,
    vector = <count = 1, lanes = 4, elem_type = bf16,
              local_buffer = <capacity_bytes = 4096,
                              bandwidth_bytes_per_s = 1.0e11>>,
    global_buffer = <capacity_bytes = 1048576,
                     bandwidth_bytes_per_s = 1.0e11>,
    off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e11>>
  accel.system @s chip @c #accel.system<
    devices = 4, devices_per_node = 4,
    intra_node = <kind = nvlink, bandwidth_bytes_per_s = 1.0e12, latency_s = 1.0e-6>,
    inter_node = <kind = infiniband, bandwidth_bytes_per_s = 1.0e12, latency_s = 1.0e-6>>

  func.func private @l0(%a: tensor<1x16xi64>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 0, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 1.0, lower_bound_s = 1.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @l0_backward, optimizer = @l0_optimizer, saved_bytes = 8, recompute_saved_bytes = 4, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    %c = arith.constant dense<0.0> : tensor<4xf32>
    return %c : tensor<4xf32>
  }
  func.func private @l0_backward(%g: tensor<4xf32>) attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 2.0, lower_bound_s = 2.0, optimal = true, tasks = 1, solve_s = 0.0>} {
    return
  }
  func.func private @l0_optimizer() attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 0.0, lower_bound_s = 0.0, optimal = true, tasks = 0, solve_s = 0.0>} {
    return
  }
  func.func private @l1(%a: tensor<4xf32>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 1, repeats = 2>,
      phaze.makespan = #phaze.makespan<makespan_s = 1.0, lower_bound_s = 1.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @l1_backward, optimizer = @l0_optimizer, saved_bytes = 8, recompute_saved_bytes = 4, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    return %a : tensor<4xf32>
  }
  func.func private @l1_backward(%g: tensor<4xf32>) attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 2.0, lower_bound_s = 2.0, optimal = true, tasks = 1, solve_s = 0.0>} {
    return
  }
  func.func private @l2(%a: tensor<4xf32>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 2, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 1.0, lower_bound_s = 1.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @l1_backward, optimizer = @l0_optimizer, saved_bytes = 8, recompute_saved_bytes = 4, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    return %a : tensor<4xf32>
  }
  func.func @forward(%tokens: tensor<1x16xi64>) -> tensor<4xf32> {
    %0 = call @l0(%tokens) : (tensor<1x16xi64>) -> tensor<4xf32>
    %1 = call @l1(%0) : (tensor<4xf32>) -> tensor<4xf32>
    %2 = call @l1(%1) : (tensor<4xf32>) -> tensor<4xf32>
    %3 = call @l2(%2) : (tensor<4xf32>) -> tensor<4xf32>
    return %3 : tensor<4xf32>
  }
}
