// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-estimate | FileCheck %s

// A chip without tensor units runs contractions on its vector units (a
// remark says so): 64^3 MACs x 2 ops on 2 units x 32 lanes at 1 GHz =
// 8192 cycles = 8.192 us on all units, 16.384 us on one.
accel.chip @no_tensor #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 0, kind = systolic, rows = 4, cols = 4, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e12>>,
  vector = <count = 2, lanes = 32, elem_type = bf16,
            local_buffer = <capacity_bytes = 65536, bandwidth_bytes_per_s = 1.0e12>>,
  global_buffer = <capacity_bytes = 4194304, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e11>>
// CHECK-LABEL: func.func @mm
// CHECK: linalg.matmul {phaze.estimate = #phaze.estimate<latency_s = 1.6384e-05, parallel_latency_s = 8.192e-06, {{.*}}units = 2, bound = compute>}
func.func @mm(%a: tensor<64x64xbf16>, %b: tensor<64x64xbf16>, %c: tensor<64x64xbf16>) -> tensor<64x64xbf16> {
  // expected-remark@+1 {{phaze-estimate: @no_tensor has no tensor units; the contraction runs on the vector units}}
  %0 = linalg.matmul ins(%a, %b : tensor<64x64xbf16>, tensor<64x64xbf16>) outs(%c : tensor<64x64xbf16>) -> tensor<64x64xbf16>
  return %0 : tensor<64x64xbf16>
}

// -----

// A 4 x 4 systolic array at 1 GHz: a 64 x 64 x 64 matmul is 64^3 / 16 =
// 16384 calls (+ 8 fill cycles) per unit; with 4 units 4096 + 8 cycles.
accel.chip @small #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 4, kind = systolic, rows = 4, cols = 4, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 65536, bandwidth_bytes_per_s = 1.0e12>>,
  vector = <count = 1, lanes = 4, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e12>>,
  global_buffer = <capacity_bytes = 4194304, bandwidth_bytes_per_s = 1.0e12>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e12>>
// CHECK-LABEL: func.func @mm2
// CHECK: linalg.matmul {phaze.estimate = #phaze.estimate<latency_s = 1.6392e-05, parallel_latency_s = 4.104e-06, {{.*}}units = 4, bound = compute>}
func.func @mm2(%a: tensor<64x64xbf16>, %b: tensor<64x64xbf16>, %c: tensor<64x64xbf16>) -> tensor<64x64xbf16> {
  %0 = linalg.matmul ins(%a, %b : tensor<64x64xbf16>, tensor<64x64xbf16>) outs(%c : tensor<64x64xbf16>) -> tensor<64x64xbf16>
  return %0 : tensor<64x64xbf16>
}

// -----

// expected-error@+1 {{phaze-estimate: no accel.chip found in the module (or give hardware=FILE)}}
module {
  func.func @nothing() {
    return
  }
}
