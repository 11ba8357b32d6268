// RUN: phaze-opt %s --phaze-workload-pipeline="report=table" -o /dev/null | FileCheck %s
// RUN: phaze-opt %s --phaze-workload-pipeline="training=false report=table" -o /dev/null | FileCheck %s --check-prefix=FWD

// A TOSA model (MLIR 22, TOSA 1.0 form) goes through the whole pipeline:
// tosa-to-linalg, canonicalize/CSE, layers, training graph, analysis. Two
// identical blocks of (1x16x16 * 1x16x16 batched matmul, ReLU): each matmul
// is 16*16*16 = 4096 MACs forward, so 8192 forward and 3 x 8192 = 24576 with
// the backward pass.
// CHECK: function @two_blocks_layer0 (executions: 2)
// CHECK: function @two_blocks_layer0_backward (executions: 2)
// FWD: module totals
// FWD: tensor 2 8192 16384
// CHECK: module totals
// CHECK: tensor 6 24576 49152
func.func @two_blocks(%x: tensor<1x16x16xf32>) -> tensor<1x16x16xf32> {
  %w0 = "tosa.const"() <{values = dense<0.5> : tensor<1x16x16xf32>}> : () -> tensor<1x16x16xf32>
  %w1 = "tosa.const"() <{values = dense<0.25> : tensor<1x16x16xf32>}> : () -> tensor<1x16x16xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.matmul %x, %w0, %zp, %zp : (tensor<1x16x16xf32>, tensor<1x16x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x16x16xf32>) -> tensor<1x16x16xf32>
  %2 = tosa.matmul %1, %w1, %zp, %zp : (tensor<1x16x16xf32>, tensor<1x16x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16xf32>
  %3 = tosa.clamp %2 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x16x16xf32>) -> tensor<1x16x16xf32>
  return %3 : tensor<1x16x16xf32>
}
