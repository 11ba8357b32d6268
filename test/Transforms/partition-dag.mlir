// RUN: phaze-opt %s -verify-diagnostics --phaze-partition="global-batch=2" | FileCheck %s
// RUN: phaze-opt %s --phaze-partition="global-batch=2 report=true" -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: not phaze-opt %s --phaze-partition="global-batch=2 semantics=phaze-reference" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REF

// Layers that form a DAG: a diamond @l0 -> {@l1, @l2} -> @l3 (@l2 does not
// read @l1), so stages are sets of layers rather than intervals of the call
// order. Each layer takes 1 s forward and 1 s backward and holds 1e9
// parameter bytes; a device holds 2e9 bytes (at most two layers per stage).
// @l1's output is 1e8 bytes, the others' 1e6, over 1e6 B/s links without
// latency. Two devices, 2 microbatches. By hand: one stage does not fit
// (4e9 bytes), so two stages of two layers, d = 1:
//  - {@l0, @l2} then {@l1, @l3}: the first stage receives the gradients of
//    @l0 (read by @l1) and @l2 (read by @l3), 2e6 bytes = 2 s; the second
//    receives their outputs, 2 s: loads 4 + 2 = 6 s, x (2 + 2 - 1) = 18 s;
//  - the intervals {@l0, @l1} {@l2, @l3}: @l1's 1e8 bytes cross (100 s),
//    plus @l0's 1e6: 105 s x 3;
//  - {@l0} {@l1, @l2, @l3} or {@l0, @l1, @l2} {@l3}: 3e9 bytes, too much.
// CHECK:      phaze.plan = #phaze.plan<semantics = "phaze", t = 1, d = 1, p = 2
// CHECK-SAME:   stages = [#phaze.stage<first_layer = 0, last_layer = 2, devices = 1, load_s = 6.0, memory_bytes = 2.0e+09, layers = [0, 2]>,
// CHECK-SAME:   #phaze.stage<first_layer = 1, last_layer = 3, devices = 1, load_s = 6.0, memory_bytes = 2.0e+09, layers = [1, 3]>]
// CHECK-SAME:   time_per_iteration_s = 18.0
// REPORT:      stage  layers
// REPORT-NEXT:     0  @l0 @l2
// REPORT-NEXT:     1  @l1 @l3
// PHAZE's DP takes chains only.
// REF:        error: phaze-partition: graph t = 1: layers 1 and 2 are consecutive but not connected: branching in the layer graph (PHAZE's DP handles chains only)
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
    off_chip = <capacity_bytes = 2000000000, bandwidth_bytes_per_s = 1.0e11>>
  accel.system @s chip @c #accel.system<
    devices = 2, devices_per_node = 2,
    intra_node = <kind = nvlink, bandwidth_bytes_per_s = 1.0e6, latency_s = 0.0>,
    inter_node = <kind = infiniband, bandwidth_bytes_per_s = 1.0e6, latency_s = 0.0>>

  func.func private @none() attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 0.0, lower_bound_s = 0.0, optimal = true, tasks = 0, solve_s = 0.0>} {
    return
  }
  func.func private @back() attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 1.0, lower_bound_s = 1.0, optimal = true, tasks = 1, solve_s = 0.0>} {
    return
  }
  func.func private @l0(%a: tensor<1x16xi64>) -> tensor<250000xf32> attributes {
      phaze.layer = #phaze.layer<index = 0, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 1.0, lower_bound_s = 1.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @back, optimizer = @none, saved_bytes = 0, recompute_saved_bytes = 0, parameters = 0, parameter_bytes = 1000000000, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    %c = arith.constant dense<0.0> : tensor<250000xf32>
    return %c : tensor<250000xf32>
  }
  func.func private @l1(%a: tensor<250000xf32>) -> tensor<25000000xf32> attributes {
      phaze.layer = #phaze.layer<index = 1, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 1.0, lower_bound_s = 1.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @back, optimizer = @none, saved_bytes = 0, recompute_saved_bytes = 0, parameters = 0, parameter_bytes = 1000000000, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    %c = arith.constant dense<0.0> : tensor<25000000xf32>
    return %c : tensor<25000000xf32>
  }
  func.func private @l2(%a: tensor<250000xf32>) -> tensor<250000xf32> attributes {
      phaze.layer = #phaze.layer<index = 2, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 1.0, lower_bound_s = 1.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @back, optimizer = @none, saved_bytes = 0, recompute_saved_bytes = 0, parameters = 0, parameter_bytes = 1000000000, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    return %a : tensor<250000xf32>
  }
  func.func private @l3(%a: tensor<25000000xf32>, %b: tensor<250000xf32>) -> tensor<250000xf32> attributes {
      phaze.layer = #phaze.layer<index = 3, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 1.0, lower_bound_s = 1.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @back, optimizer = @none, saved_bytes = 0, recompute_saved_bytes = 0, parameters = 0, parameter_bytes = 1000000000, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    return %b : tensor<250000xf32>
  }
  func.func @forward(%tokens: tensor<1x16xi64>) -> tensor<250000xf32> {
    %0 = call @l0(%tokens) : (tensor<1x16xi64>) -> tensor<250000xf32>
    %1 = call @l1(%0) : (tensor<250000xf32>) -> tensor<25000000xf32>
    %2 = call @l2(%0) : (tensor<250000xf32>) -> tensor<250000xf32>
    %3 = call @l3(%1, %2) : (tensor<25000000xf32>, tensor<250000xf32>) -> tensor<250000xf32>
    return %3 : tensor<250000xf32>
  }
}
