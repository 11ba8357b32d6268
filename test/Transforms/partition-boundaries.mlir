// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-partition="global-batch=8 fixed-stages=2" | FileCheck %s

// The bytes crossing a boundary count values that reach the next layer
// through ops between the layers: here the 16-byte output of the first @l1
// call goes through an arith.addf to the second. The fixed split into two
// stages is then the same as in partition.mlir: each stage 2 x 3 s plus one
// 16-byte transfer at 1e12 B/s and 1e-6 s latency, 6.000001000016 s.
// CHECK-LABEL: module @through_an_add
// CHECK-SAME:    phaze.fixed_plan = #phaze.plan<semantics = "phaze", t = 1, d = 1, p = 2
// CHECK-SAME:    stages = [#phaze.stage<first_layer = 0, last_layer = 1, devices = 1, load_s = 6.00000100001{{[0-9]*}}
module @through_an_add {
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
    %x = arith.addf %1, %1 : tensor<4xf32>
    %2 = call @l1(%x) : (tensor<4xf32>) -> tensor<4xf32>
    %3 = call @l2(%2) : (tensor<4xf32>) -> tensor<4xf32>
    return %3 : tensor<4xf32>
  }
}

// -----

// A layer call inside a nested region: the chain is the entry function's
// top-level calls only.
module @nested {
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

  func.func private @l(%a: tensor<4xf32>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 0, repeats = 1>} {
    return %a : tensor<4xf32>
  }
  func.func @forward(%a: tensor<4xf32>) -> tensor<4xf32> {
    %0 = call @l(%a) : (tensor<4xf32>) -> tensor<4xf32>
    %1 = scf.execute_region -> tensor<4xf32> {
      // expected-error @below {{phaze-partition: a layer call inside a nested region; the chain must be the entry function's top-level layer calls}}
      %2 = func.call @l(%0) : (tensor<4xf32>) -> tensor<4xf32>
      scf.yield %2 : tensor<4xf32>
    }
    return %1 : tensor<4xf32>
  }
}
