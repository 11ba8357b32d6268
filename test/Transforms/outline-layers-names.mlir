// RUN: phaze-opt %s -verify-diagnostics --phaze-outline-layers | FileCheck %s
// RUN: phaze-opt %s -verify-diagnostics --phaze-outline-layers --phaze-outline-layers | FileCheck %s

// Three identical blocks (matmul, residual ReLU) outlined into one layer.
// A user function already holds the name @blocks_layer0: the layer gets
// another name and the calls name it, the user's function is untouched.
// Running the pass a second time changes nothing (same checks).
#id = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func private @blocks_layer0(%{{.*}}: i32) -> i32
// CHECK-NEXT:    return
// CHECK-LABEL: func.func private @blocks_layer0_1(
// CHECK-SAME:      phaze.layer = #phaze.layer<index = 0, repeats = 3>
// CHECK:         linalg.matmul
// CHECK-NOT:     call
// CHECK-LABEL: func.func @blocks(
// CHECK-COUNT-3: call @blocks_layer0_1(
// CHECK-NOT:     call
// CHECK:         return
func.func private @blocks_layer0(%a: i32) -> i32 {
  return %a : i32
}
func.func @blocks(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x16xf32>
  %w0 = arith.constant dense<0.1> : tensor<16x16xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %m0 = linalg.matmul ins(%x, %w0 : tensor<8x16xf32>, tensor<16x16xf32>) outs(%f0 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %r0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m0, %x : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %c = arith.maximumf %a, %zero : f32
    %s = arith.addf %c, %b : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  %w1 = arith.constant dense<0.2> : tensor<16x16xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %m1 = linalg.matmul ins(%r0, %w1 : tensor<8x16xf32>, tensor<16x16xf32>) outs(%f1 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %r1 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m1, %r0 : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %c = arith.maximumf %a, %zero : f32
    %s = arith.addf %c, %b : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  %w2 = arith.constant dense<0.3> : tensor<16x16xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %m2 = linalg.matmul ins(%r1, %w2 : tensor<8x16xf32>, tensor<16x16xf32>) outs(%f2 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %r2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m2, %r1 : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %c = arith.maximumf %a, %zero : f32
    %s = arith.addf %c, %b : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  return %r2 : tensor<8x16xf32>
}
