// phaze-opt runs the upstream TOSA-to-linalg pipeline on TOSA (MLIR 22, TOSA
// v1.0 form) and the result is linalg on tensors.
// RUN: phaze-opt %s --tosa-to-linalg-pipeline | FileCheck %s

// CHECK-LABEL: func.func @matmul_relu
// CHECK:         linalg.batch_matmul
// CHECK-NOT:     tosa.
// CHECK:         return
func.func @matmul_relu(%a: tensor<1x8x16xf32>, %b: tensor<1x16x4xf32>) -> tensor<1x8x4xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.matmul %a, %b, %zp, %zp : (tensor<1x8x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x4xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x8x4xf32>) -> tensor<1x8x4xf32>
  return %1 : tensor<1x8x4xf32>
}
