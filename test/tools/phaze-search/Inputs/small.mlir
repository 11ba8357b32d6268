// A small space for phaze-search tests: 64-lane-class chips on a 16-device
// system (4 per node). Template: 2 tensor units of 16x16, 2 vector units of
// 16 lanes, 4 MiB global buffer. The space varies counts 1..4, array sides
// 8..16 and the global buffer 2..4 MiB: 3*3*2*2*2 = 72 candidates, all under
// the template's area (no lower area rule).
accel.chip @small #accel.chip<
  clock_hz = 1.0e9,
  tensor = <count = 2, kind = systolic, rows = 16, cols = 16,
            mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096,
                            bandwidth_bytes_per_s = 1.28e11>>,
  vector = <count = 2, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024,
                            bandwidth_bytes_per_s = 1.28e11>>,
  global_buffer = <capacity_bytes = 4194304,
                   bandwidth_bytes_per_s = 5.12e11>,
  off_chip = <capacity_bytes = 17179869184, bandwidth_bytes_per_s = 1.0e11>>

accel.system @small_16 chip @small #accel.system<
  devices = 16, devices_per_node = 4,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 1.0e11,
                latency_s = 1.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 1.0e10,
                latency_s = 5.0e-6>>

accel.space @small_space template @small budget @small #accel.space<
  tensor_count = #accel.pow2_range<1, 4>,
  vector_count = #accel.pow2_range<1, 4>,
  tensor_cols = #accel.pow2_range<8, 16>,
  tensor_rows = #accel.pow2_range<8, 16>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  min_area_fraction = 0.0, exempt_single_unit = false,
  local_buffer_bytes_per_mac = 16, local_buffer_min_bytes = 1024>
