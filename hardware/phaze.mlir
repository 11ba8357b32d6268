// PHAZE's hardware (Wang et al., ICML 2024; msr-fiddle/phaze at fed7cde):
// the TPUv4-like chip that sets the area budget, the 1024-device system, and
// the architecture search space of 29,360 configurations.
//
// Sources: ../docs/HardwareModel.md lists each figure and where it is from.
// Bandwidths of the local and global buffers are PHAZE's Sunstone mapper
// bandwidths (64 and 256 two-byte words per cycle); off-chip memory is TPU
// v4's HBM2 (32 GiB, 1.2 TB/s; PHAZE sweeps the capacity and models no HBM
// bandwidth). Run: phaze-opt phaze.mlir --accel-describe

// 8 tensor units of 128x128 (131,072 MACs), 2 vector units of 128 lanes,
// a 128 MiB global buffer, 1.05 GHz: 275.25 TFLOP/s, 278.83 mm^2.
accel.chip @tpuv4_like #accel.chip<
  clock_hz = 1.05e9,
  tensor = <count = 8, kind = systolic, rows = 128, cols = 128,
            mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 262144,
                            bandwidth_bytes_per_s = 1.344e11>>,
  vector = <count = 2, lanes = 128, elem_type = bf16,
            local_buffer = <capacity_bytes = 2048,
                            bandwidth_bytes_per_s = 1.344e11>>,
  global_buffer = <capacity_bytes = 134217728,
                   bandwidth_bytes_per_s = 5.376e11>,
  off_chip = <capacity_bytes = 34359738368, bandwidth_bytes_per_s = 1.2e12>>

// 1024 devices on a flat 4 GiB/s interconnect ("PCIe 3.0, 32 Gb/s").
accel.system @phaze_1024 chip @tpuv4_like #accel.system<
  devices = 1024, devices_per_node = 1,
  inter_node = <kind = pcie, bandwidth_bytes_per_s = 4294967296.0,
                latency_s = 0.0>>

// PHAZE's space: every count, width and depth a power of two, vector lanes
// tied to the tensor-unit width, global buffer 2..128 MiB, local buffers of
// 16 bytes per MAC (at least 1 KiB), area at most the TPUv4-like chip's and
// at least 30% of it unless the chip has a single tensor or vector unit.
accel.space @phaze template @tpuv4_like budget @tpuv4_like #accel.space<
  tensor_count = #accel.pow2_range<1, 4096>,
  vector_count = #accel.pow2_range<1, 4096>,
  tensor_cols = #accel.pow2_range<2, 256>,
  tensor_rows = #accel.pow2_range<2, 256>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 134217728>,
  min_area_fraction = 0.3, exempt_single_unit = true,
  local_buffer_bytes_per_mac = 16, local_buffer_min_bytes = 1024>
