// RUN: phaze-opt %hardware/phaze.mlir --accel-describe -o /dev/null | FileCheck %s
// RUN: phaze-opt %hardware/phaze.mlir --accel-describe=emit-json -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: phaze-opt %hardware/a100.mlir --accel-describe=emit-json -o /dev/null | FileCheck %s --check-prefix=A100
// RUN: phaze-opt %hardware/h100.mlir --accel-describe=emit-json -o /dev/null | FileCheck %s --check-prefix=H100
// RUN: phaze-opt %hardware/vta.mlir --accel-describe -o /dev/null | FileCheck %s --check-prefix=VTA
// RUN: phaze-opt %s --accel-describe -o /dev/null 2>&1 | FileCheck %s --check-prefix=EMPTY

// Expected figures: peak = 2 FLOP x MACs/cycle x clock (8 x 128 x 128 at
// 1.05 GHz = 275.25 TFLOP/s, TPU v4's 275); areas are PHAZE's published ones
// (278,826,676.31 um^2; smallest configuration 3,355,047.77 um^2); the space
// counts are those of PHAZE's cores.json (29,360; 4,186; 697; 9,308).

// CHECK-LABEL: chip @tpuv4_like
// CHECK:       tensor units          8 x systolic 128x128 (bf16 -> f32), 131072 MAC/cycle
// CHECK:       tensor peak           275.25 TFLOP/s
// CHECK:       vector peak           537.60 GFLOP/s
// CHECK:       global buffer         128 MiB, 537.60 GB/s (512.0 B/cycle)
// CHECK:       off-chip memory       32 GiB, 1.20 TB/s
// CHECK:       area                  278.83 mm^2 = 278826676.31 um^2 (tensor 103.19, vector 0.21, global buffer 175.42 mm^2)
// CHECK-LABEL: system @phaze_1024 (chip @tpuv4_like)
// CHECK:       devices               1024 = 1024 nodes x 1 device
// CHECK:       inter-node link       pcie, 4.29 GB/s per direction
// CHECK-LABEL: space @phaze (template @tpuv4_like)
// CHECK:       area budget           278.83 mm^2 = 278826676.31 um^2
// CHECK:       candidates            75712
// CHECK:       admitted              29360
// CHECK:       unique tensor configs 4186
// CHECK:       unique vector configs 697
// CHECK:       single tensor/vector  9308
// CHECK:       admitted area         3.36 to 278.83 mm^2

// JSON:      "chips": [
// JSON:        "area_um2": 278826676.312
// JSON:        "tensor_peak_flops": 275251200000000
// JSON:      "spaces": [
// JSON:        "admitted": 29360,
// JSON:        "candidates": 75712,
// JSON:        "single_unit": 9308,
// JSON:        "unique_tensor_configs": 4186,
// JSON:        "unique_vector_configs": 697
// JSON:      "systems": [
// JSON:        "devices": 1024,

// Expected for the A100, 108 SMs x 1024 FMA/cycle x 2 x 1.41 GHz = 311.87 TFLOP/s (312 on the
// datasheet); vector 108 x 256 x 2 x 1.41 GHz = 77.97 TFLOP/s (78).
// A100:      "off_chip_bandwidth_bytes_per_s": 2039000000000
// A100:      "tensor_peak_flops": 311869440000000
// A100:      "vector_peak_flops": 77967360000000
// A100:      "devices_per_node": 8
// A100:      "kind": "nvlink"

// Expected for the H100, 132 x 2048 x 2 x 1.83 GHz = 989.4 TFLOP/s.
// H100:      "tensor_peak_flops": 989429760000000

// Expected for VTA, 1 x 16 x 16 MACs at 100 MHz = 51.2 GOP/s.
// VTA-LABEL: chip @vta_1x16x16
// VTA:       tensor units          1 x intrinsic 1x16x16 (i8 -> i32), 256 MAC/cycle
// VTA:       tensor peak           51.20 GFLOP/s

// EMPTY: warning: accel-describe: the module holds no accel.chip, accel.system or accel.space
module {
}
