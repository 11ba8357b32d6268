// A space whose area rule admits nothing: at least 99.99% of the budget,
// and the only chip under the budget that large is the template, which
// the domains do not contain (counts 1..2 where the template has 64).
accel.chip @big #accel.chip<
  clock_hz = 1.0e9,
  tensor = <count = 64, kind = systolic, rows = 16, cols = 16,
            mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 4096,
                            bandwidth_bytes_per_s = 1.28e11>>,
  vector = <count = 2, lanes = 16, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024,
                            bandwidth_bytes_per_s = 1.28e11>>,
  global_buffer = <capacity_bytes = 4194304,
                   bandwidth_bytes_per_s = 5.12e11>,
  off_chip = <capacity_bytes = 17179869184, bandwidth_bytes_per_s = 1.0e11>>

accel.system @big_16 chip @big #accel.system<
  devices = 16, devices_per_node = 4,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 1.0e11,
                latency_s = 1.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 1.0e10,
                latency_s = 5.0e-6>>

accel.space @tiny template @big budget @big #accel.space<
  tensor_count = #accel.pow2_range<1, 2>,
  vector_count = #accel.pow2_range<1, 2>,
  tensor_cols = #accel.pow2_range<8, 8>,
  tensor_rows = #accel.pow2_range<8, 8>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 2097152>,
  min_area_fraction = 0.9999, exempt_single_unit = false,
  local_buffer_bytes_per_mac = 16, local_buffer_min_bytes = 1024>
