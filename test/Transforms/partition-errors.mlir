// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-partition="global-batch=4 memory-gib=1e-7"
// RUN: not phaze-opt %s -split-input-file --phaze-partition="global-batch=4 recompute=sometimes" 2>&1 | FileCheck %s --check-prefix=OPTION
// RUN: not phaze-opt %s -split-input-file --phaze-partition="global-batch=6 microbatch-size=4" 2>&1 | FileCheck %s --check-prefix=BATCH
// RUN: not phaze-opt %s -split-input-file --phaze-partition="memory-gib=-4" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// OPTION: error: phaze-partition: recompute must be off, full, auto or selective, got 'sometimes'
// NEGATIVE: error: phaze-partition: devices, memory-gib and fixed-stages must not be negative
// BATCH: error: phaze-partition: global-batch (6) must be a positive multiple of the microbatch size (4)

// Nothing to place: the workload was not outlined into layers.
// expected-error @below {{phaze-partition: no function calls #phaze.layer functions; run phaze-workload-pipeline and phaze-schedule first}}
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
    devices = 2, devices_per_node = 1,
    inter_node = <kind = infiniband, bandwidth_bytes_per_s = 1.0e10, latency_s = 1.0e-6>>
  func.func @forward(%a: tensor<4xf32>) -> tensor<4xf32> {
    return %a : tensor<4xf32>
  }
}

// -----

// A layer that was not scheduled.
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
    devices = 2, devices_per_node = 1,
    inter_node = <kind = infiniband, bandwidth_bytes_per_s = 1.0e10, latency_s = 1.0e-6>>
  // expected-error @below {{phaze-partition: @l0 has no #phaze.makespan; run phaze-schedule first}}
  func.func private @l0(%a: tensor<1x16xi64>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 0, repeats = 1>,
      phaze.training = #phaze.training<backward = @l0_backward, optimizer = @l0_optimizer, saved_bytes = 1000, recompute_saved_bytes = 100, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    %c = arith.constant dense<0.0> : tensor<4xf32>
    return %c : tensor<4xf32>
  }
  func.func private @l0_backward() attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 2.0, lower_bound_s = 2.0, optimal = true, tasks = 1, solve_s = 0.0>} {
    return
  }
  func.func private @l0_optimizer() attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 0.0, lower_bound_s = 0.0, optimal = true, tasks = 0, solve_s = 0.0>} {
    return
  }
  func.func @forward(%tokens: tensor<1x16xi64>) -> tensor<4xf32> {
    %0 = call @l0(%tokens) : (tensor<1x16xi64>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}

// -----

// No system: devices, nodes and links are unknown.
// expected-error @below {{phaze-partition: no accel.system for @c (devices, nodes and links are needed)}}
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
  func.func private @l0(%a: tensor<1x16xi64>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 0, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 1.0, lower_bound_s = 1.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @l0_backward, optimizer = @l0_optimizer, saved_bytes = 1000, recompute_saved_bytes = 100, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    %c = arith.constant dense<0.0> : tensor<4xf32>
    return %c : tensor<4xf32>
  }
  func.func private @l0_backward() attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 2.0, lower_bound_s = 2.0, optimal = true, tasks = 1, solve_s = 0.0>} {
    return
  }
  func.func private @l0_optimizer() attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 0.0, lower_bound_s = 0.0, optimal = true, tasks = 0, solve_s = 0.0>} {
    return
  }
  func.func @forward(%tokens: tensor<1x16xi64>) -> tensor<4xf32> {
    %0 = call @l0(%tokens) : (tensor<1x16xi64>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}

// -----

// 1e-7 GiB = 107.4 bytes per device, but the single layer stashes 1000
// bytes per microbatch (one in flight: one stage, under 1F1B) and,
// recomputed, holds 100 plus the 1000 it rebuilds: 1000 bytes at the least.
// expected-error @below {{phaze-partition: no placement fits in 107.4 bytes of memory per device (binding: memory per device; the smallest that admits a placement is 1000 bytes)}}
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
    devices = 2, devices_per_node = 1,
    inter_node = <kind = infiniband, bandwidth_bytes_per_s = 1.0e10, latency_s = 1.0e-6>>
  func.func private @l0(%a: tensor<1x16xi64>) -> tensor<4xf32> attributes {
      phaze.layer = #phaze.layer<index = 0, repeats = 1>,
      phaze.makespan = #phaze.makespan<makespan_s = 1.0, lower_bound_s = 1.0, optimal = true, tasks = 1, solve_s = 0.0>,
      phaze.training = #phaze.training<backward = @l0_backward, optimizer = @l0_optimizer, saved_bytes = 1000, recompute_saved_bytes = 100, parameters = 0, parameter_bytes = 0, gradient_bytes = 0, optimizer_state_bytes = 0>} {
    %c = arith.constant dense<0.0> : tensor<4xf32>
    return %c : tensor<4xf32>
  }
  func.func private @l0_backward() attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 2.0, lower_bound_s = 2.0, optimal = true, tasks = 1, solve_s = 0.0>} {
    return
  }
  func.func private @l0_optimizer() attributes {
      phaze.makespan = #phaze.makespan<makespan_s = 0.0, lower_bound_s = 0.0, optimal = true, tasks = 0, solve_s = 0.0>} {
    return
  }
  func.func @forward(%tokens: tensor<1x16xi64>) -> tensor<4xf32> {
    %0 = call @l0(%tokens) : (tensor<1x16xi64>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
