// NVIDIA A100-80GB SXM, modelled per streaming multiprocessor (SM): each of
// the 108 SMs is one tensor unit (its four third-generation tensor cores,
// 1024 dense FP16/BF16 FMAs per cycle, as an 8x16x8 intrinsic) and one
// vector unit (256 BF16 lanes). At 1.41 GHz: 312 TFLOP/s tensor, 78 TFLOP/s
// vector. Memory: a 256 KiB register file per SM (the units' local buffer), 40 MiB L2, 80 GiB HBM2e at
// 2.039 TB/s. Links: NVLink3 300 GB/s per direction inside a node of 8,
// InfiniBand HDR 25 GB/s per GPU between nodes.
//
// Datasheet figures and modelling estimates are listed in
// ../docs/HardwareModel.md. Run: phaze-opt a100.mlir --accel-describe

accel.chip @a100_80gb #accel.chip<
  clock_hz = 1.41e9,
  tensor = <count = 108, kind = intrinsic, batch = 8, rows = 16, cols = 8,
            mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 262144,
                            bandwidth_bytes_per_s = 1.44384e12>>,
  vector = <count = 108, lanes = 256, elem_type = bf16,
            local_buffer = <capacity_bytes = 262144,
                            bandwidth_bytes_per_s = 1.44384e12>>,
  global_buffer = <capacity_bytes = 41943040,
                   bandwidth_bytes_per_s = 7.2192e12>,
  off_chip = <capacity_bytes = 85899345920, bandwidth_bytes_per_s = 2.039e12>>

// One DGX A100 node.
accel.system @dgx_a100 chip @a100_80gb #accel.system<
  devices = 8, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11,
                latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10,
                latency_s = 5.0e-6>>

// 128 DGX A100 nodes (1024 GPUs), a Selene-like cluster.
accel.system @a100_cluster_1024 chip @a100_80gb #accel.system<
  devices = 1024, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 3.0e11,
                latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 2.5e10,
                latency_s = 5.0e-6>>
