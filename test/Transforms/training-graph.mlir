// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-training-graph --phaze-analyze-ops | FileCheck %s
// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-training-graph="optimizer=sgd mixed-precision=false" --phaze-analyze-ops | FileCheck %s --check-prefix=SGD

// A 4x8 * 8x16 matmul: backward is the input-gradient contraction
// dX[m,k] = sum_n dY[m,n] W[k,n] and the weight-gradient contraction
// dW[k,n] = sum_m X[m,k] dY[m,n], 4*16*8 = 512 MACs each. The backward reads
// X (4*8*4 = 128 bytes saved); W (128 elements, 512 bytes) is the parameter.
// Adam with fp32 master weights keeps 12 bytes of state per element (1536).
// CHECK-LABEL: func.func @matmul
// CHECK-SAME:    phaze.training = #phaze.training<backward = @matmul_backward, optimizer = @matmul_optimizer, saved_bytes = 128, recompute_saved_bytes = 128, parameters = 128, parameter_bytes = 512, gradient_bytes = 512, optimizer_state_bytes = 1536>
// CHECK-LABEL: func.func private @matmul_backward
// CHECK-SAME:    (%[[DY:.*]]: tensor<4x16xf32>, %[[X:.*]]: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<8x16xf32>)
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction", "parallel"]} ins(%{{.*}}, %[[DY]] : tensor<8x16xf32>, tensor<4x16xf32>) outs(%{{.*}} : tensor<4x8xf32>)
// CHECK-SAME:    #phaze.op_analysis<class = tensor, pattern = contraction, macs = 512
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction", "parallel", "parallel"]} ins(%[[X]], %[[DY]] : tensor<4x8xf32>, tensor<4x16xf32>) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK-SAME:    #phaze.op_analysis<class = tensor, pattern = contraction, macs = 512
// CHECK-LABEL: func.func private @matmul_optimizer
// Adam: 12 operations per element on 128 elements.
// CHECK:         #phaze.op_analysis<class = vector, pattern = elementwise, macs = 0, flops = 1536
// SGD-LABEL: func.func @matmul
// SGD-SAME:    optimizer_state_bytes = 0>
// SGD-LABEL: func.func private @matmul_optimizer
// SGD: #phaze.op_analysis<class = vector, pattern = elementwise, macs = 0, flops = 256
func.func @matmul(%x: tensor<4x8xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<8x16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// ReLU then a row sum. The sum's gradient is a broadcast of dY (all loops
// parallel) and reads nothing of the forward; ReLU's is select(x >= 0, g, 0)
// on the recomputed payload and reads x: 4*8*4 = 128 bytes saved.
// CHECK-LABEL: func.func @relu_sum
// CHECK-SAME:    saved_bytes = 128, recompute_saved_bytes = 128, parameters = 0
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
// CHECK-LABEL: func.func private @relu_sum_backward
// CHECK-SAME:    (%[[DS:.*]]: tensor<4xf32>, %[[X:.*]]: tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%[[DS]] : tensor<4xf32>)
// CHECK:         linalg.generic {{.*}}ins(%[[X]], %{{.*}} : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK:           arith.cmpf oge
// CHECK:           arith.select
func.func @relu_sum(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  %e2 = tensor.empty() : tensor<4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4xf32>) -> tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%r : tensor<4x8xf32>) outs(%f : tensor<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %t = arith.addf %acc, %a : f32
    linalg.yield %t : f32
  } -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

// A payload op without a derivative rule: a located warning.
#id1 = affine_map<(i) -> (i)>
func.func @negative_sin(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  // expected-warning@+1 {{phaze-training-graph: a payload operation has no derivative rule; its gradient is incomplete}}
  %y = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = math.sin %a : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Dynamic shapes: the function is skipped with a located warning.
func.func @negative_dynamic(%x: tensor<?x16xf32>, %w: tensor<16x16xf32>, %c: tensor<?x16xf32>) -> tensor<?x16xf32> {
  // expected-warning@+2 {{phaze-training-graph: skipped @negative_dynamic: it has dynamic shapes, and its training graph needs static ones}}
  // expected-warning@+1 {{phaze-analyze-ops: counted as unknown: dynamic loop bounds}}
  %0 = linalg.matmul ins(%x, %w : tensor<?x16xf32>, tensor<16x16xf32>) outs(%c : tensor<?x16xf32>) -> tensor<?x16xf32>
  return %0 : tensor<?x16xf32>
}
