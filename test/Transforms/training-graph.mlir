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

// -----

// A gather whose row index is computed by several ops (idx + 1): the table
// gradient recomputes the whole index slice and scatters dY[i, j] into row
// ids[i] + 1, a new parallel loop over the table's 10 rows.
#gi = affine_map<(d0, d1) -> (d0)>
#go = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @gather_offset_index(
// CHECK-LABEL: func.func private @gather_offset_index_backward(
// CHECK-SAME:      -> tensor<10x8xf32>
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["reduction", "parallel", "parallel"]
// CHECK:           %[[CAST:.+]] = arith.index_cast
// CHECK:           %[[ROW:.+]] = arith.addi %[[CAST]]
// CHECK:           %[[LOOP:.+]] = linalg.index 2
// CHECK:           arith.cmpi eq, %[[ROW]], %[[LOOP]]
func.func @gather_offset_index(%ids: tensor<4xi64>, %table: tensor<10x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#gi, #go], iterator_types = ["parallel", "parallel"]} ins(%ids : tensor<4xi64>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: i64, %out: f32):
    %i0 = arith.index_cast %in : i64 to index
    %c1 = arith.constant 1 : index
    %i1 = arith.addi %i0, %c1 : index
    %j = linalg.index 1 : index
    %v = tensor.extract %table[%i1, %j] : tensor<10x8xf32>
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// A constant-derived tensor (%m1) used both before and after an activation:
// its recomputation in the backward is placed before its first use, and a
// region capturing a function-level constant (%s) is cloned with it.
#od = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func private @constant_reuse_backward(
// CHECK:         %[[CST:.+]] = arith.constant 2.000000e+00
// CHECK:         linalg.fill{{.*}} ins(%[[CST]]
// CHECK:         return
func.func @constant_reuse(%x: tensor<4xf32>) -> tensor<4xf32> {
  %cst = arith.constant 2.0 : f32
  %s = arith.constant 3.0 : f32
  %e0 = tensor.empty() : tensor<4xf32>
  %m1 = linalg.fill ins(%cst : f32) outs(%e0 : tensor<4xf32>) -> tensor<4xf32>
  %e1 = tensor.empty() : tensor<4xf32>
  %m2 = linalg.generic {indexing_maps = [#od, #od], iterator_types = ["parallel"]} ins(%m1 : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %q = arith.mulf %in, %s : f32
    linalg.yield %q : f32
  } -> tensor<4xf32>
  %e2 = tensor.empty() : tensor<4xf32>
  %y1 = linalg.generic {indexing_maps = [#od, #od, #od], iterator_types = ["parallel"]} ins(%x, %m2 : tensor<4xf32>, tensor<4xf32>) outs(%e2 : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %q = arith.mulf %a, %b : f32
    linalg.yield %q : f32
  } -> tensor<4xf32>
  %e3 = tensor.empty() : tensor<4xf32>
  %y2 = linalg.generic {indexing_maps = [#od, #od, #od], iterator_types = ["parallel"]} ins(%y1, %m1 : tensor<4xf32>, tensor<4xf32>) outs(%e3 : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %q = arith.mulf %a, %b : f32
    linalg.yield %q : f32
  } -> tensor<4xf32>
  return %y2 : tensor<4xf32>
}
