// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-tensor-parallel=t=4 | FileCheck %s

// A row-parallel contraction that accumulates into a
// non-zero init (a bias or a loop-carried sum) would add that init t times
// in the all-reduce: its pair stays replicated, while the pair outside the
// loop, reading the same input, is partitioned; the input's
// grad_all_reduce sits at its definition, dominating both regions.
// CHECK-LABEL: func.func @loop_carried_init
// CHECK-NEXT:    %[[X:.*]] = phaze.grad_all_reduce %arg0 group(4)
// CHECK:         scf.for
// CHECK:           linalg.matmul ins(%arg0, %{{.*}} : tensor<4x8xf32>, tensor<8x16xf32>)
// CHECK:           linalg.matmul {{.*}} tensor<16x8xf32>) outs(%arg
// CHECK-NOT:       phaze.all_reduce
// CHECK:           scf.yield
// CHECK:         linalg.matmul ins(%[[X]], %{{.*}} : tensor<4x8xf32>, tensor<8x4xf32>)
// CHECK:         %[[P:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x4xf32>, tensor<4x8xf32>)
// CHECK-NEXT:    phaze.all_reduce %[[P]] group(4)
func.func @loop_carried_init(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %z = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %e0 = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%z : f32) outs(%e0 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %loop = scf.for %i = %c0 to %c2 step %c1 iter_args(%acc = %init) -> (tensor<4x8xf32>) {
    %w1 = arith.constant dense<0.5> : tensor<8x16xf32>
    %e1 = tensor.empty() : tensor<4x16xf32>
    %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<4x16xf32>) -> tensor<4x16xf32>
    %h = linalg.matmul ins(%x, %w1 : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f1 : tensor<4x16xf32>) -> tensor<4x16xf32>
    %w2 = arith.constant dense<0.5> : tensor<16x8xf32>
    %o = linalg.matmul ins(%h, %w2 : tensor<4x16xf32>, tensor<16x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
    scf.yield %o : tensor<4x8xf32>
  }
  %w3 = arith.constant dense<0.5> : tensor<8x16xf32>
  %e3 = tensor.empty() : tensor<4x16xf32>
  %f3 = linalg.fill ins(%z : f32) outs(%e3 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %h2 = linalg.matmul ins(%x, %w3 : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f3 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %w4 = arith.constant dense<0.5> : tensor<16x8xf32>
  %e4 = tensor.empty() : tensor<4x8xf32>
  %f4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %o2 = linalg.matmul ins(%h2, %w4 : tensor<4x16xf32>, tensor<16x8xf32>) outs(%f4 : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %loop, %o2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// A bufferized (memref) fill is not a tensor producer: left alone, no crash.
// CHECK-LABEL: func.func @memref_fill
// CHECK:         linalg.fill ins(%{{.*}} : f32) outs(%arg0 : memref<4x4xf32>)
// expected-warning@+1 {{phaze-tensor-parallel: no column-parallel / row-parallel contraction pair found; the model stays replicated}}
module {
func.func @memref_fill(%m: memref<4x4xf32>) {
  %c = arith.constant 0.0 : f32
  linalg.fill ins(%c : f32) outs(%m : memref<4x4xf32>)
  return
}
}

// -----

// A split that would reach a dynamic extent (16 columns collapsed with a
// dynamic batch) cannot be checked for divisibility: replicated.
#d1 = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @dynamic_extent
// CHECK-NOT:     phaze.
// CHECK:         return
// expected-warning@+1 {{phaze-tensor-parallel: no column-parallel / row-parallel contraction pair found; the model stays replicated}}
module {
func.func @dynamic_extent(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %z = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %w1 = arith.constant dense<0.5> : tensor<8x16xf32>
  %e1 = tensor.empty(%n) : tensor<?x16xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<?x8xf32>, tensor<8x16xf32>) outs(%f1 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %flat = tensor.collapse_shape %h [[0, 1]] : tensor<?x16xf32> into tensor<?xf32>
  %c16 = arith.constant 16 : index
  %m = arith.muli %n, %c16 : index
  %e2 = tensor.empty(%m) : tensor<?xf32>
  %g = linalg.generic {indexing_maps = [#d1, #d1], iterator_types = ["parallel"]} ins(%flat : tensor<?xf32>) outs(%e2 : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %q = arith.mulf %a, %a : f32
    linalg.yield %q : f32
  } -> tensor<?xf32>
  %back = tensor.expand_shape %g [[0, 1]] output_shape [%n, 16] : tensor<?xf32> into tensor<?x16xf32>
  %w2 = arith.constant dense<0.5> : tensor<16x8xf32>
  %e3 = tensor.empty(%n) : tensor<?x8xf32>
  %f3 = linalg.fill ins(%z : f32) outs(%e3 : tensor<?x8xf32>) -> tensor<?x8xf32>
  %o = linalg.matmul ins(%back, %w2 : tensor<?x16xf32>, tensor<16x8xf32>) outs(%f3 : tensor<?x8xf32>) -> tensor<?x8xf32>
  return %o : tensor<?x8xf32>
}
}
