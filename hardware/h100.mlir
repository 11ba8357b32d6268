// NVIDIA H100-80GB SXM, modelled per streaming multiprocessor (SM): each of
// the 132 SMs is one tensor unit (four fourth-generation tensor cores, 2048
// dense FP16/BF16 FMAs per cycle, as an 8x16x16 intrinsic) and one vector
// unit (256 BF16 lanes). At 1.83 GHz: 989.4 TFLOP/s tensor. Memory: a 256 KiB
// register file per SM (the units' local buffer), 50 MiB L2, 80 GiB HBM3 at 3.35 TB/s. Links: NVLink4 450 GB/s
// per direction inside a node of 8, InfiniBand NDR 50 GB/s per GPU between
// nodes.
//
// Datasheet figures and modelling estimates are listed in
// ../docs/HardwareModel.md. Run: phaze-opt h100.mlir --accel-describe

accel.chip @h100_80gb #accel.chip<
  clock_hz = 1.83e9,
  tensor = <count = 132, kind = intrinsic, batch = 8, rows = 16, cols = 16,
            mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 262144,
                            bandwidth_bytes_per_s = 1.87392e12>>,
  vector = <count = 132, lanes = 256, elem_type = bf16,
            local_buffer = <capacity_bytes = 262144,
                            bandwidth_bytes_per_s = 1.87392e12>>,
  global_buffer = <capacity_bytes = 52428800,
                   bandwidth_bytes_per_s = 9.3696e12>,
  off_chip = <capacity_bytes = 85899345920, bandwidth_bytes_per_s = 3.35e12>>

// One DGX H100 node.
accel.system @dgx_h100 chip @h100_80gb #accel.system<
  devices = 8, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 4.5e11,
                latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 5.0e10,
                latency_s = 5.0e-6>>

// 128 DGX H100 nodes (1024 GPUs).
accel.system @h100_cluster_1024 chip @h100_80gb #accel.system<
  devices = 1024, devices_per_node = 8,
  intra_node = <kind = nvlink, bandwidth_bytes_per_s = 4.5e11,
                latency_s = 2.0e-6>,
  inter_node = <kind = infiniband, bandwidth_bytes_per_s = 5.0e10,
                latency_s = 5.0e-6>>
