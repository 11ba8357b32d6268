// RUN: phaze-opt %s -split-input-file -verify-diagnostics

// Every diagnostic of the accel attribute verifiers, their parse helpers
// and the accel.system / accel.space symbol checks.

// A memory's capacity must be positive.
// expected-error@+7 {{'capacity_bytes' must be positive, got 0}}
// expected-error@+6 {{failed to parse Accel_ChipAttr parameter 'global_buffer'}}
accel.chip @zero_global_buffer_capacity #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 0, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// The error is reported where the nested memory starts; every enclosing
// attribute then reports the parameter it failed to parse.
// expected-error@+5 {{'capacity_bytes' must be positive, got -4096}}
// expected-error@+4 {{failed to parse Accel_TensorUnitAttr parameter 'local_buffer'}}
// expected-error@+3 {{failed to parse Accel_ChipAttr parameter 'tensor'}}
accel.chip @negative_local_buffer_capacity #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = -4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// A bandwidth must be positive.
// expected-error@+8 {{'bandwidth_bytes_per_s' must be positive and finite, got 0}}
// expected-error@+7 {{failed to parse Accel_ChipAttr parameter 'off_chip'}}
accel.chip @zero_off_chip_bandwidth #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 0.0>>

// -----

// A bandwidth must be finite (1.0e400 overflows to infinity).
// expected-error@+7 {{'bandwidth_bytes_per_s' must be positive and finite, got inf}}
// expected-error@+6 {{failed to parse Accel_ChipAttr parameter 'global_buffer'}}
accel.chip @infinite_global_buffer_bandwidth #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e400>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// Bandwidths are in bytes/s: 1200, a figure in GB/s, means 1.2 kB/s.
// expected-error@+8 {{is below 1 MB/s; bandwidths are in bytes per second (did you give GB/s?)}}
// expected-error@+7 {{failed to parse Accel_ChipAttr parameter 'off_chip'}}
accel.chip @off_chip_bandwidth_in_gb_per_s #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1200.0>>

// -----

// A unit count must not be negative.
// expected-error@+3 {{'count' must not be negative, got -1}}
// expected-error@+3 {{failed to parse Accel_ChipAttr parameter 'tensor'}}
accel.chip @negative_tensor_count #accel.chip<clock_hz = 1.0e9,
  tensor = <count = -1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// An intrinsic's batch must be positive.
// expected-error@+3 {{'batch' must be positive, got 0}}
// expected-error@+3 {{failed to parse Accel_ChipAttr parameter 'tensor'}}
accel.chip @zero_intrinsic_batch #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = intrinsic, batch = 0, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// A tensor unit's rows must be positive.
// expected-error@+3 {{'rows' must be positive, got 0}}
// expected-error@+3 {{failed to parse Accel_ChipAttr parameter 'tensor'}}
accel.chip @zero_tensor_rows #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 0, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// A tensor unit's cols must be positive.
// expected-error@+3 {{'cols' must be positive, got -16}}
// expected-error@+3 {{failed to parse Accel_ChipAttr parameter 'tensor'}}
accel.chip @negative_tensor_cols #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = -16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// mac_type must be an integer or float type.
// expected-error@+3 {{'mac_type' must be an integer or floating-point type, got 'index'}}
// expected-error@+3 {{failed to parse Accel_ChipAttr parameter 'tensor'}}
accel.chip @index_mac_type #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = index, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// acc_type must be an integer or float type, not a vector.
// expected-error@+3 {{'acc_type' must be an integer or floating-point type, got 'vector<4xf32>'}}
// expected-error@+3 {{failed to parse Accel_ChipAttr parameter 'tensor'}}
accel.chip @vector_acc_type #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = vector<4xf32>,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// An efficiency of 0 is outside (0, 1].
// expected-error@+3 {{'efficiency' is the achievable fraction of peak and must be in (0, 1]}}
// expected-error@+3 {{failed to parse Accel_ChipAttr parameter 'tensor'}}
accel.chip @zero_tensor_efficiency #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32, efficiency = 0.0,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// A systolic array has batch 1; a batched GEMM is an intrinsic.
// expected-error@+3 {{a systolic tensor unit has 'batch' = 1, got 8; use 'kind = intrinsic'}}
// expected-error@+3 {{failed to parse Accel_ChipAttr parameter 'tensor'}}
accel.chip @systolic_with_batch #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, batch = 8, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// The accumulator must be at least as wide as the multiplier inputs.
// expected-error@+3 {{'acc_type' 'bf16' is narrower than 'mac_type' 'f32'}}
// expected-error@+3 {{failed to parse Accel_ChipAttr parameter 'tensor'}}
accel.chip @acc_type_narrower_than_mac_type #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = f32, acc_type = bf16,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// A vector unit count must not be negative.
// expected-error@+5 {{'count' must not be negative, got -2}}
// expected-error@+5 {{failed to parse Accel_ChipAttr parameter 'vector'}}
accel.chip @negative_vector_count #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = -2, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// A vector unit's lanes must be positive.
// expected-error@+5 {{'lanes' must be positive, got 0}}
// expected-error@+5 {{failed to parse Accel_ChipAttr parameter 'vector'}}
accel.chip @zero_vector_lanes #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 0, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// elem_type must be an integer or float type.
// expected-error@+5 {{'elem_type' must be an integer or floating-point type, got 'none'}}
// expected-error@+5 {{failed to parse Accel_ChipAttr parameter 'vector'}}
accel.chip @none_elem_type #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = none,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// An efficiency above 1 is outside (0, 1].
// expected-error@+5 {{'efficiency' is the achievable fraction of peak and must be in (0, 1]}}
// expected-error@+5 {{failed to parse Accel_ChipAttr parameter 'vector'}}
accel.chip @vector_efficiency_above_one #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16, efficiency = 1.5,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// The clock must be positive.
// expected-error@+1 {{'clock_hz' must be positive and finite}}
accel.chip @negative_clock #accel.chip<clock_hz = -1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// The clock is in Hz: 1050 is a MHz figure.
// expected-error@+1 {{is below 1 MHz; the clock is in Hz (did you give MHz or GHz?)}}
accel.chip @clock_in_mhz #accel.chip<clock_hz = 1050,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// A clock above 100 GHz is rejected.
// expected-error@+1 {{is above 100 GHz; the clock is in Hz}}
accel.chip @clock_above_100_ghz #accel.chip<clock_hz = 1.05e12,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// A float field needs a number.
// expected-error@+2 {{expected floating point literal}}
// expected-error@+1 {{failed to parse Accel_ChipAttr parameter 'clock_hz'}}
accel.chip @clock_not_a_number #accel.chip<clock_hz = fast,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// A chip needs a tensor or a vector unit.
// expected-error@+1 {{a chip needs at least one tensor or vector unit}}
accel.chip @zero_tensor_and_vector_units #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 0, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 0, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

// -----

// Off-chip memory must hold at least the global buffer.
// expected-error@+1 {{off-chip memory (1048576 bytes) is smaller than the global buffer (2097152 bytes)}}
accel.chip @off_chip_smaller_than_global_buffer #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1048576, bandwidth_bytes_per_s = 1.0e12>>

// -----

// Link bandwidths are in bytes/s: 300 is a GB/s figure.
// expected-error@+11 {{is below 1 MB/s; bandwidths are in bytes per second}}
// expected-error@+10 {{failed to parse Accel_SystemAttr parameter 'intra_node'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.system @link_bandwidth_in_gb_per_s chip @chip #accel.system<devices = 16, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 300.0, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = 5.0e-6>>

// -----

// A link latency must not be negative.
// expected-error@+12 {{'latency_s' must be finite and not negative}}
// expected-error@+11 {{failed to parse Accel_SystemAttr parameter 'inter_node'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.system @negative_link_latency chip @chip #accel.system<devices = 16, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = -5.0e-6>>

// -----

// Latencies are in seconds: 5 s is a microsecond figure.
// expected-error@+12 {{'latency_s' = 5.0 s is implausible for a link}}
// expected-error@+11 {{failed to parse Accel_SystemAttr parameter 'inter_node'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.system @link_latency_in_us chip @chip #accel.system<devices = 16, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = 5.0>>

// -----

// A system needs devices.
// expected-error@+9 {{'devices' must be positive, got 0}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.system @zero_devices chip @chip #accel.system<devices = 0, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = 5.0e-6>>

// -----

// A node holds at least one device.
// expected-error@+9 {{'devices_per_node' must be positive, got 0}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.system @zero_devices_per_node chip @chip #accel.system<devices = 16, devices_per_node = 0,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = 5.0e-6>>

// -----

// Nodes must split the devices evenly.
// expected-error@+9 {{'devices_per_node' = 8 does not divide 'devices' = 12}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.system @devices_per_node_not_dividing chip @chip #accel.system<devices = 12, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = 5.0e-6>>

// -----

// A node of several devices needs an intra-node link.
// expected-error@+9 {{'intra_node' link is required when a node holds 8 devices}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.system @missing_intra_node chip @chip #accel.system<devices = 16, devices_per_node = 8,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = 5.0e-6>>

// -----

// Power-of-two range bounds must be positive.
// expected-error@+11 {{'min' must be positive, got 0}}
// expected-error@+10 {{failed to parse Accel_SpaceAttr parameter 'tensor_count'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @pow2_range_zero_min template @chip #accel.space<
  tensor_count = #accel.pow2_range<0, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// Power-of-two range bounds must be positive.
// expected-error@+11 {{'max' must be positive, got -4}}
// expected-error@+10 {{failed to parse Accel_SpaceAttr parameter 'tensor_count'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @pow2_range_negative_max template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, -4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// Power-of-two range bounds must be powers of two.
// expected-error@+11 {{bounds of a power-of-two range must be powers of two, got [3, 48]}}
// expected-error@+10 {{failed to parse Accel_SpaceAttr parameter 'tensor_count'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @pow2_range_not_power_of_two template @chip #accel.space<
  tensor_count = #accel.pow2_range<3, 48>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// A power-of-two range must not be empty.
// expected-error@+13 {{empty range: min 16 > max 8}}
// expected-error@+12 {{failed to parse Accel_SpaceAttr parameter 'tensor_cols'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @pow2_range_empty template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<16, 8>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// An integer range's min must be positive.
// expected-error@+12 {{'min' must be positive, got 0}}
// expected-error@+11 {{failed to parse Accel_SpaceAttr parameter 'vector_count'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @int_range_zero_min template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<0, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// An integer range's step must be positive.
// expected-error@+12 {{'step' must be positive, got 0}}
// expected-error@+11 {{failed to parse Accel_SpaceAttr parameter 'vector_count'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @int_range_zero_step template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4, step = 0>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// An integer range must not be empty.
// expected-error@+12 {{empty range: min 64 > max 16}}
// expected-error@+11 {{failed to parse Accel_SpaceAttr parameter 'vector_count'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @int_range_empty template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<64, 16, step = 16>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// An integer range holds at most 2^24 values.
// expected-error@+12 {{range has more than 2^24 values}}
// expected-error@+11 {{failed to parse Accel_SpaceAttr parameter 'vector_count'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @int_range_too_large template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 100000000>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// An integer set must not be empty; the parser already rejects `[]`.
// expected-error@+14 {{expected integer value}}
// expected-error@+13 {{failed to parse Accel_IntSetAttr parameter 'values'}}
// expected-error@+12 {{failed to parse Accel_SpaceAttr parameter 'tensor_rows'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @int_set_empty template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// Integer set values must be positive.
// expected-error@+13 {{set values must be positive, got 0}}
// expected-error@+12 {{failed to parse Accel_SpaceAttr parameter 'tensor_rows'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @int_set_non_positive template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[0, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// Integer set values must be unique.
// expected-error@+13 {{set has duplicate values}}
// expected-error@+12 {{failed to parse Accel_SpaceAttr parameter 'tensor_rows'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @int_set_duplicate template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[16, 32, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// A parameter's domain must be a domain attribute.
// expected-error@+9 {{'tensor_count' must be a domain (#accel.pow2_range, #accel.int_range, #accel.int_set) or #accel.tied, got 4 : i64}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @integer_domain template @chip #accel.space<
  tensor_count = 4,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// A parameter cannot be tied to itself.
// expected-error@+9 {{'vector_lanes' is tied to itself}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @tied_to_itself template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<vector_lanes>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// A parameter cannot be tied to a tied parameter.
// expected-error@+9 {{'vector_lanes' is tied to 'tensor_rows', which is itself tied}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @tied_to_tied template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.tied<tensor_cols>,
  vector_lanes = #accel.tied<tensor_rows>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// The area budget must be positive.
// expected-error@+9 {{'area_budget_um2' must be positive and finite}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @negative_area_budget template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = -1.0e8>

// -----

// min_area_fraction must be below 1.
// expected-error@+9 {{'min_area_fraction' must be in [0, 1), got 1.0}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @min_area_fraction_one template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8, min_area_fraction = 1.0>

// -----

// min_area_fraction must not be negative.
// expected-error@+9 {{'min_area_fraction' must be in [0, 1), got -0.3}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @negative_min_area_fraction template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8, min_area_fraction = -0.3>

// -----

// Local buffer sizing must not be negative.
// expected-error@+9 {{'local_buffer_bytes_per_mac' must not be negative, got -16}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @negative_local_buffer_bytes_per_mac template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8, local_buffer_bytes_per_mac = -16>

// -----

// Local buffer sizing must not be negative.
// expected-error@+9 {{'local_buffer_min_bytes' must not be negative, got -1024}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @negative_local_buffer_min_bytes template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8, local_buffer_min_bytes = -1024>

// -----

// The power budget must be positive.
// expected-error@+9 {{'power_budget_w' must be positive and finite}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @zero_power_budget template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8, power_budget_w = 0.0>

// -----

// exempt_single_unit is spelled true or false.
// expected-error@+16 {{expected 'true' or 'false'}}
// expected-error@+15 {{failed to parse Accel_SpaceAttr parameter 'exempt_single_unit'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @exempt_single_unit_not_bool template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8, exempt_single_unit = 1>

// -----

// A system's chip must exist.
// expected-error@+1 {{'accel.system' op chip @missing does not exist}}
accel.system @system_of_missing_chip chip @missing #accel.system<devices = 16, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = 5.0e-6>>

// -----

// A system's chip must be an accel.chip.
// expected-error@+13 {{'accel.system' op chip @base_system is not an 'accel.chip' but 'accel.system'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.system @base_system chip @chip #accel.system<devices = 16, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = 5.0e-6>>

accel.system @system_of_system chip @base_system #accel.system<devices = 16, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = 5.0e-6>>

// -----

// A space's template chip must exist.
// expected-error@+1 {{'accel.space' op template @missing does not exist}}
accel.space @space_of_missing_template template @missing #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// A space's template must be an accel.chip.
// expected-error@+13 {{'accel.space' op template @base_system is not an 'accel.chip' but 'accel.system'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.system @base_system chip @chip #accel.system<devices = 16, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = 5.0e-6>>

accel.space @space_of_system_template template @base_system #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// A space's budget chip must exist.
// expected-error@+9 {{'accel.space' op budget @missing does not exist}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @space_with_missing_budget_chip template @chip budget @missing #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>>

// -----

// A space's budget must be an accel.chip.
// expected-error@+13 {{'accel.space' op budget @base_system is not an 'accel.chip' but 'accel.system'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.system @base_system chip @chip #accel.system<devices = 16, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10, latency_s = 5.0e-6>>

accel.space @space_with_system_budget template @chip budget @base_system #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>>

// -----

// A space takes its area budget from a chip or a number, not both.
// expected-error@+9 {{'accel.space' op has both a 'budget' chip and 'area_budget_um2'; give one}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @space_with_two_budgets template @chip budget @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>

// -----

// A space needs an area budget.
// expected-error@+9 {{'accel.space' op needs an area budget: a 'budget' chip or 'area_budget_um2'}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @space_without_budget template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>>

// -----

// No candidate fits in 1000 um^2.
// expected-error@+9 {{'accel.space' op admits no configuration: the area budget is 1000.00 um^2, and candidate areas range from}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @space_budget_too_small template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1000.0>

// -----

// No candidate reaches half of a 1 m^2 budget.
// expected-error@+9 {{'accel.space' op admits no configuration: the area budget is 1000000000000.00 um^2 with a lower bound of 500000000000.00 um^2, and candidate areas range from 3405209.20 um^2 to 6980529.03 um^2}}
accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>

accel.space @space_above_min_area template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.int_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.int_set<[8, 16]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e12, min_area_fraction = 0.5>

// -----

accel.chip @chip #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 16, cols = 16, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096, bandwidth_bytes_per_s = 1.0e11>>,
  vector = <count = 1, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e11>>,
  global_buffer = <capacity_bytes = 2097152, bandwidth_bytes_per_s = 1.0e11>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e11>>

// A power-of-two range up to 2^62 used to loop past INT64_MAX.
// expected-error@+1 {{'accel.space' op tensor_count domain has a value above 1048576}}
accel.space @negative_huge_pow2_range template @chip #accel.space<
  tensor_count = #accel.pow2_range<1, 4611686018427387904>,
  vector_count = #accel.pow2_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>, tensor_rows = #accel.pow2_range<8, 16>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 1.0e8>
