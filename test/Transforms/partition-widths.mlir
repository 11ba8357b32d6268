// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-partition="global-batch=2" | FileCheck %s
// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-partition="global-batch=2 report=true" -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-partition="global-batch=2 semantics=phaze-reference" | FileCheck %s --check-prefix=REF

// A per-stage choice of tensor-parallel width. Two layers, each with a
// variant of width 2 (as phaze-tensor-parallel{widths=2} emits them):
// @embed takes 2 s forward and 2 s backward at either width; @layer takes
// 10 s + 10 s at width 1 and 2.25 s + 2.25 s at width 2. Three devices in one
// node, 2 microbatches of one sample, 16-byte boundaries over 1e12 B/s links
// with 1e-6 s latency (one transfer: 1.000016e-6 s). By hand:
//  - width 1 only: one stage over d = 2: 24 s x 1 = 24 s; two stages
//    (d = 1): 20.000001 s x 3; one stage d = 1: 48 s;
//  - one stage of width 2 (2 devices, d = 1): 8.5 s x 2 = 17 s;
//  - [@embed at width 1][@layer at width 2] on 3 devices: loads 4 s and
//    4.5 s + 1.000016e-6 s, x (2 + 2 - 1) = 13.500003000048 s: the optimum;
//  - [@embed t2][@layer t1] (3 devices): 20 s x 3; [t2][t2] needs 4.
// CHECK:      phaze.plan = #phaze.plan<semantics = "phaze", t = 2, d = 1, p = 2, microbatch_size = 1, microbatches = 2,
// CHECK-SAME:   stages = [#phaze.stage<first_layer = 0, last_layer = 0, devices = 1, load_s = 4.000001000016{{[0-9]*}}
// CHECK-SAME:   #phaze.stage<first_layer = 1, last_layer = 1, devices = 2, load_s = 4.500001000016{{[0-9]*}}
// CHECK-SAME:   time_per_iteration_s = 13.500003000048{{[0-9]*}}
// PHAZE's DP gets one layer graph per width and picks one t for the whole
// model: the best uniform plan above, one stage at t = 2, 17 s.
// REF:        phaze.plan = #phaze.plan<semantics = "phaze-reference", t = 2, d = 1, p = 1
// REF-SAME:     time_per_iteration_s = 17.0
// REPORT:      phaze-partition: optimum: t = 2 (widest stage), d = 1, p = 2 (3 devices), 2 microbatches of 1 per pipeline
// REPORT:      stage  layers                                   t  load (s)
// REPORT-NEXT:     0  @embed                                   1   4.00000
// REPORT-NEXT:     1  @layer                                   2   4.50000
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
    devices = 3, devices_per_node = 3,
    intra_node = <kind = nvlink, bandwidth_bytes_per_s = 1.0e12, latency_s = 1.0e-6>,
    inter_node = <kind = infiniband, bandwidth_bytes_per_s = 1.0e12, latency_s = 1.0e-6>>

  func.func private @embed(%a: tensor<1x16xi64>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 0, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 2.0, lower_bound_s = 2.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @embed_backward, optimizer = @none, saved_bytes = 8, recompute_saved_bytes = 4, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    %c = arith.constant dense<0.0> : tensor<4xf32>
    return %c : tensor<4xf32>
  }
  func.func private @embed_t2(%a: tensor<1x16xi64>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 0, repeats = 1>,
      phaze.width_of = @embed, phaze.width = 2 : i64,
      phaze.makespan = #phaze.makespan<makespan_s = 2.0, lower_bound_s = 2.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @embed_backward, optimizer = @none, saved_bytes = 8, recompute_saved_bytes = 4, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    %c = arith.constant dense<0.0> : tensor<4xf32>
    return %c : tensor<4xf32>
  }
  func.func private @embed_backward(%g: tensor<4xf32>) attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 2.0, lower_bound_s = 2.0, optimal = true, tasks = 1, solve_s = 0.0>} {
    return
  }
  func.func private @none() attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 0.0, lower_bound_s = 0.0, optimal = true, tasks = 0, solve_s = 0.0>} {
    return
  }
  func.func private @layer(%a: tensor<4xf32>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 1, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 10.0, lower_bound_s = 10.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @layer_backward, optimizer = @none, saved_bytes = 8, recompute_saved_bytes = 4, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    return %a : tensor<4xf32>
  }
  func.func private @layer_backward(%g: tensor<4xf32>) attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 10.0, lower_bound_s = 10.0, optimal = true, tasks = 1, solve_s = 0.0>} {
    return
  }
  func.func private @layer_t2(%a: tensor<4xf32>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 1, repeats = 1>,
      phaze.width_of = @layer, phaze.width = 2 : i64, phaze.tensor_parallel = 2 : i64,
      phaze.makespan = #phaze.makespan<makespan_s = 2.25, lower_bound_s = 2.25, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @layer_t2_backward, optimizer = @none, saved_bytes = 8, recompute_saved_bytes = 4, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    return %a : tensor<4xf32>
  }
  func.func private @layer_t2_backward(%g: tensor<4xf32>) attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 2.25, lower_bound_s = 2.25, optimal = true, tasks = 1, solve_s = 0.0>} {
    return
  }
  func.func @forward(%tokens: tensor<1x16xi64>) -> tensor<4xf32> {
    %0 = call @embed(%tokens) : (tensor<1x16xi64>) -> tensor<4xf32>
    %1 = call @layer(%0) : (tensor<4xf32>) -> tensor<4xf32>
    return %1 : tensor<4xf32>
  }
}

// -----

// A layer without a variant of a width the others have.
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
    devices = 3, devices_per_node = 3,
    intra_node = <kind = nvlink, bandwidth_bytes_per_s = 1.0e12, latency_s = 1.0e-6>,
    inter_node = <kind = infiniband, bandwidth_bytes_per_s = 1.0e12, latency_s = 1.0e-6>>

  func.func private @embed(%a: tensor<1x16xi64>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 0, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 2.0, lower_bound_s = 2.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @none, optimizer = @none, saved_bytes = 8, recompute_saved_bytes = 4, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    %c = arith.constant dense<0.0> : tensor<4xf32>
    return %c : tensor<4xf32>
  }
  func.func private @none() attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 0.0, lower_bound_s = 0.0, optimal = true, tasks = 0, solve_s = 0.0>} {
    return
  }
  func.func private @layer(%a: tensor<4xf32>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 1, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 10.0, lower_bound_s = 10.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @none, optimizer = @none, saved_bytes = 8, recompute_saved_bytes = 4, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    return %a : tensor<4xf32>
  }
  func.func private @layer_t2(%a: tensor<4xf32>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 1, repeats = 1>,
      phaze.width_of = @layer, phaze.width = 2 : i64,
      phaze.makespan = #phaze.makespan<makespan_s = 2.25, lower_bound_s = 2.25, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @none, optimizer = @none, saved_bytes = 8, recompute_saved_bytes = 4, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    return %a : tensor<4xf32>
  }
  func.func @forward(%tokens: tensor<1x16xi64>) -> tensor<4xf32> {
    // expected-error @below {{phaze-partition: @embed has no variant of width 2 (other layers have one; run phaze-tensor-parallel with widths= on the whole model)}}
    %0 = call @embed(%tokens) : (tensor<1x16xi64>) -> tensor<4xf32>
    %1 = call @layer(%0) : (tensor<4xf32>) -> tensor<4xf32>
    return %1 : tensor<4xf32>
  }
}
