// RUN: phaze-opt %s --verify-roundtrip | FileCheck %s

// Printing and parsing the accel attributes: default-valued fields are
// elided, floats print as the shortest text that parses back to the same
// value (with a '.' before any exponent), and integer literals are accepted
// for float fields.

// A systolic tensor unit. `batch = 1` and `efficiency = 1.0` are the
// defaults and are elided; the integer clock prints as a float.
// CHECK-LABEL: accel.chip @systolic_chip
// CHECK-SAME: #accel.chip<clock_hz = 1.0e+09,
// CHECK-SAME: tensor = <count = 8, kind = systolic, rows = 128, cols = 128,
// CHECK-SAME: mac_type = bf16, acc_type = f32,
// CHECK-SAME: local_buffer = <capacity_bytes = 262144, bandwidth_bytes_per_s = 1.344e+11>>,
// CHECK-SAME: vector = <count = 2, lanes = 128, elem_type = bf16,
// CHECK-SAME: local_buffer = <capacity_bytes = 2048, bandwidth_bytes_per_s = 1.344e+11>>,
// CHECK-SAME: global_buffer = <capacity_bytes = 134217728, bandwidth_bytes_per_s = 5.376e+11>,
// CHECK-SAME: off_chip = <capacity_bytes = 34359738368, bandwidth_bytes_per_s = 1.2e+12>>
accel.chip @systolic_chip #accel.chip<
  clock_hz = 1000000000,
  tensor = <count = 8, kind = systolic, batch = 1, rows = 128, cols = 128,
            mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 262144,
                            bandwidth_bytes_per_s = 1.344e11>,
            efficiency = 1.0>,
  vector = <count = 2, lanes = 128, elem_type = bf16,
            local_buffer = <capacity_bytes = 2048,
                            bandwidth_bytes_per_s = 134400000000>,
            efficiency = 1>,
  global_buffer = <capacity_bytes = 134217728,
                   bandwidth_bytes_per_s = 5.376e11>,
  off_chip = <capacity_bytes = 34359738368, bandwidth_bytes_per_s = 1.2e12>>

// A GEMM intrinsic with a batch and efficiencies below 1, which print.
// CHECK-LABEL: accel.chip @intrinsic_chip
// CHECK-SAME: #accel.chip<clock_hz = 1.05e+09,
// CHECK-SAME: tensor = <count = 1, kind = intrinsic, batch = 8, rows = 16, cols = 16,
// CHECK-SAME: mac_type = i8, acc_type = i32,
// CHECK-SAME: local_buffer = <capacity_bytes = 294912, bandwidth_bytes_per_s = 2.72e+10>, efficiency = 0.85>,
// CHECK-SAME: vector = <count = 1, lanes = 16, elem_type = i32,
// CHECK-SAME: local_buffer = <capacity_bytes = 32768, bandwidth_bytes_per_s = 4.0e+08>, efficiency = 0.5>,
// CHECK-SAME: global_buffer = <capacity_bytes = 131072, bandwidth_bytes_per_s = 6.4e+09>,
// CHECK-SAME: off_chip = <capacity_bytes = 536870912, bandwidth_bytes_per_s = 8.0e+08>>
accel.chip @intrinsic_chip #accel.chip<
  clock_hz = 1.05e9,
  tensor = <count = 1, kind = intrinsic, batch = 8, rows = 16, cols = 16,
            mac_type = i8, acc_type = i32,
            local_buffer = <capacity_bytes = 294912,
                            bandwidth_bytes_per_s = 2.72e10>,
            efficiency = 0.85>,
  vector = <count = 1, lanes = 16, elem_type = i32,
            local_buffer = <capacity_bytes = 32768,
                            bandwidth_bytes_per_s = 4.0e8>,
            efficiency = 0.5>,
  global_buffer = <capacity_bytes = 131072, bandwidth_bytes_per_s = 6.4e9>,
  off_chip = <capacity_bytes = 536870912, bandwidth_bytes_per_s = 800000000>>

// Systems with an intra-node link, covering every link kind.
// CHECK-LABEL: accel.system @pod_with_intra_node chip @systolic_chip
// CHECK-SAME: #accel.system<devices = 1024, devices_per_node = 4,
// CHECK-SAME: intra_node = <kind = ici, bandwidth_bytes_per_s = 4.5e+10, latency_s = 1.0e-06>,
// CHECK-SAME: inter_node = <kind = ethernet, bandwidth_bytes_per_s = 1.25e+10, latency_s = 1.0e-05>>
accel.system @pod_with_intra_node chip @systolic_chip #accel.system<
  devices = 1024, devices_per_node = 4,
  intra_node = <kind = ici, bandwidth_bytes_per_s = 4.5e10, latency_s = 1.0e-6>,
  inter_node = <kind = ethernet, bandwidth_bytes_per_s = 12500000000,
                latency_s = 0.00001>>

// CHECK-LABEL: accel.system @cluster_with_intra_node chip @intrinsic_chip
// CHECK-SAME: #accel.system<devices = 64, devices_per_node = 8,
// CHECK-SAME: intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e+11, latency_s = 2.0e-06>,
// CHECK-SAME: inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e+10, latency_s = 5.0e-06>>
accel.system @cluster_with_intra_node chip @intrinsic_chip #accel.system<
  devices = 64, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10,
                latency_s = 5.0e-6>>

// The smallest bandwidth allowed (1 MB/s) and a zero latency.
// CHECK-LABEL: accel.system @generic_pair chip @intrinsic_chip
// CHECK-SAME: #accel.system<devices = 2, devices_per_node = 2,
// CHECK-SAME: intra_node = <kind = generic, bandwidth_bytes_per_s = 1.0e+09, latency_s = 0.0>,
// CHECK-SAME: inter_node = <kind = generic, bandwidth_bytes_per_s = 1.0e+06, latency_s = 0.5>>
accel.system @generic_pair chip @intrinsic_chip #accel.system<
  devices = 2, devices_per_node = 2,
  intra_node = <kind = generic, bandwidth_bytes_per_s = 1.0e9, latency_s = 0.0>,
  inter_node = <kind = generic, bandwidth_bytes_per_s = 1000000, latency_s = 0.5>>

// One device per node: no intra-node link. 2^32 needs ten digits and prints
// without an exponent.
// CHECK-LABEL: accel.system @flat_without_intra_node chip @systolic_chip
// CHECK-SAME: #accel.system<devices = 1024, devices_per_node = 1,
// CHECK-SAME: inter_node = <kind = pcie, bandwidth_bytes_per_s = 4294967296.0, latency_s = 0.0>>
accel.system @flat_without_intra_node chip @systolic_chip #accel.system<
  devices = 1024, devices_per_node = 1,
  inter_node = <kind = pcie, bandwidth_bytes_per_s = 4294967296.0,
                latency_s = 0>>

// PHAZE's space: powers of two, a tied parameter and the budget taken from a
// chip. The local buffer sizing given is the default (16 bytes per MAC, at
// least 1024 bytes) and is elided.
// CHECK-LABEL: accel.space @pow2_space template @systolic_chip budget @systolic_chip
// CHECK-SAME: #accel.space<tensor_count = #accel.pow2_range<1, 4096>,
// CHECK-SAME: vector_count = #accel.pow2_range<1, 4096>,
// CHECK-SAME: tensor_cols = #accel.pow2_range<2, 256>,
// CHECK-SAME: tensor_rows = #accel.pow2_range<2, 256>,
// CHECK-SAME: vector_lanes = #accel.tied<tensor_cols>,
// CHECK-SAME: global_buffer_bytes = #accel.pow2_range<2097152, 134217728>,
// CHECK-SAME: min_area_fraction = 0.3, exempt_single_unit = true>
accel.space @pow2_space template @systolic_chip budget @systolic_chip
    #accel.space<
  tensor_count = #accel.pow2_range<1, 4096>,
  vector_count = #accel.pow2_range<1, 4096>,
  tensor_cols = #accel.pow2_range<2, 256>,
  tensor_rows = #accel.pow2_range<2, 256>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 134217728>,
  min_area_fraction = 0.3, exempt_single_unit = true,
  local_buffer_bytes_per_mac = 16, local_buffer_min_bytes = 1024>

// Integer ranges with and without a step, sets (kept in the order written),
// an explicit area budget and a power budget. `min_area_fraction = 0.0` and
// `exempt_single_unit = false` are the defaults and are elided.
// CHECK-LABEL: accel.space @mixed_space template @intrinsic_chip
// CHECK-SAME: #accel.space<tensor_count = #accel.int_range<1, 8>,
// CHECK-SAME: vector_count = #accel.int_range<2, 8, step = 2>,
// CHECK-SAME: tensor_cols = #accel.int_set<[96, 16, 128]>,
// CHECK-SAME: tensor_rows = #accel.int_range<16, 64, step = 16>,
// CHECK-SAME: vector_lanes = #accel.tied<tensor_cols>,
// CHECK-SAME: global_buffer_bytes = #accel.int_set<[4194304]>,
// CHECK-SAME: area_budget_um2 = 2.5e+08, local_buffer_bytes_per_mac = 8,
// CHECK-SAME: local_buffer_min_bytes = 512, power_budget_w = 175.0>
accel.space @mixed_space template @intrinsic_chip #accel.space<
  tensor_count = #accel.int_range<1, 8>,
  vector_count = #accel.int_range<2, 8, step = 2>,
  tensor_cols = #accel.int_set<[96, 16, 128]>,
  tensor_rows = #accel.int_range<16, 64, step = 16>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.int_set<[4194304]>,
  area_budget_um2 = 250000000, min_area_fraction = 0.0,
  exempt_single_unit = false, local_buffer_bytes_per_mac = 8,
  local_buffer_min_bytes = 512, power_budget_w = 175>

// `step = 1` is the default and is elided; single-value power-of-two ranges
// and parameters tied to different targets.
// CHECK-LABEL: accel.space @defaults_space template @intrinsic_chip
// CHECK-SAME: #accel.space<tensor_count = #accel.int_range<1, 4>,
// CHECK-SAME: vector_count = #accel.tied<tensor_count>,
// CHECK-SAME: tensor_cols = #accel.pow2_range<16, 16>,
// CHECK-SAME: tensor_rows = #accel.pow2_range<16, 16>,
// CHECK-SAME: vector_lanes = #accel.tied<tensor_rows>,
// CHECK-SAME: global_buffer_bytes = #accel.pow2_range<2097152, 2097152>,
// CHECK-SAME: area_budget_um2 = 2.5e+08, power_budget_w = 75.0>
accel.space @defaults_space template @intrinsic_chip #accel.space<
  tensor_count = #accel.int_range<1, 4, step = 1>,
  vector_count = #accel.tied<tensor_count>,
  tensor_cols = #accel.pow2_range<16, 16>,
  tensor_rows = #accel.pow2_range<16, 16>,
  vector_lanes = #accel.tied<tensor_rows>,
  global_buffer_bytes = #accel.pow2_range<2097152, 2097152>,
  area_budget_um2 = 2.5e8, local_buffer_bytes_per_mac = 16,
  local_buffer_min_bytes = 1024, power_budget_w = 7.5e1>
