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
// CHECK: linalg.matmul {{{.*}}phaze.estimate = #phaze.estimate<latency_s = 1.6384e-05, parallel_latency_s = 8.192e-06, {{.*}}units = 2, bound = compute>}
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
// CHECK: linalg.matmul {{{.*}}phaze.estimate = #phaze.estimate<latency_s = 1.6392e-05, parallel_latency_s = 4.104e-06, {{.*}}units = 4, bound = compute>}
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

// -----

// VTA-like 1x16x16 intrinsic and DeepSpeech's first convolution shape (C = 1,
// K = 32, 5 x 20 filter, stride 2): the embedding puts filter dimensions on
// the 16-wide reduction axis (im2col, 100 of 112 slots); with
// allow-im2col=false only the single channel would fit.
// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-estimate="allow-im2col=false" | FileCheck %s --check-prefix=NOIM2COL
accel.chip @vta #accel.chip<clock_hz = 1.0e8,
  tensor = <count = 1, kind = intrinsic, batch = 1, rows = 16, cols = 16, mac_type = i8, acc_type = i32,
            local_buffer = <capacity_bytes = 294912, bandwidth_bytes_per_s = 2.72e10>>,
  vector = <count = 1, lanes = 16, elem_type = i32,
            local_buffer = <capacity_bytes = 32768, bandwidth_bytes_per_s = 4.0e8>>,
  global_buffer = <capacity_bytes = 131072, bandwidth_bytes_per_s = 6.4e9>,
  off_chip = <capacity_bytes = 536870912, bandwidth_bytes_per_s = 8.0e8>>
// CHECK-LABEL: func.func @deepspeech
// CHECK: phaze.embedding = #phaze.embedding<form = "i=[{{.*}}d5:{{[0-9]+}},d6:{{[0-9]+}}] o=[d1:16]", embeddings = {{[0-9]+}}, calls = {{[0-9]+}}, transform_bytes = {{[1-9][0-9]*}}>
// NOIM2COL-LABEL: func.func @deepspeech
// NOIM2COL: phaze.embedding = #phaze.embedding<form = "o=[d1:16]", {{.*}}transform_bytes = 0>
func.func @deepspeech(%x: tensor<1x1x161x700xi8>, %w: tensor<32x1x5x20xi8>, %o: tensor<1x32x79x341xi32>) -> tensor<1x32x79x341xi32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %w : tensor<1x1x161x700xi8>, tensor<32x1x5x20xi8>) outs(%o : tensor<1x32x79x341xi32>) -> tensor<1x32x79x341xi32>
  return %0 : tensor<1x32x79x341xi32>
}

// -----

// Vector work by operation kind: an add costs 1 cycle per element and lane,
// an exp 4. 4096 elements on 1 unit of 16 lanes at 1 GHz: add 256 cycles
// (0.256 us), exp 1024 cycles (1.024 us); memory is far from binding.
accel.chip @lanes #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 4, cols = 4, mac_type = f32, acc_type = f32,
            local_buffer = <capacity_bytes = 65536, bandwidth_bytes_per_s = 1.0e15>>,
  vector = <count = 1, lanes = 16, elem_type = f32,
            local_buffer = <capacity_bytes = 65536, bandwidth_bytes_per_s = 1.0e15>>,
  global_buffer = <capacity_bytes = 4194304, bandwidth_bytes_per_s = 1.0e15>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e15>>
#id1 = affine_map<(i) -> (i)>
// CHECK-LABEL: func.func @kinds
// CHECK: phaze.estimate = #phaze.estimate<latency_s = 2.56e-07, parallel_latency_s = 2.56e-07,
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
// CHECK: phaze.estimate = #phaze.estimate<latency_s = 1.024e-06, parallel_latency_s = 1.024e-06,
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.exp
func.func @kinds(%x: tensor<4096xf32>) -> (tensor<4096xf32>, tensor<4096xf32>) {
  %e = tensor.empty() : tensor<4096xf32>
  %a = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%x : tensor<4096xf32>) outs(%e : tensor<4096xf32>) {
  ^bb0(%v: f32, %o: f32):
    %s = arith.addf %v, %v : f32
    linalg.yield %s : f32
  } -> tensor<4096xf32>
  %b = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]} ins(%x : tensor<4096xf32>) outs(%e : tensor<4096xf32>) {
  ^bb0(%v: f32, %o: f32):
    %s = math.exp %v : f32
    linalg.yield %s : f32
  } -> tensor<4096xf32>
  return %a, %b : tensor<4096xf32>, tensor<4096xf32>
}
