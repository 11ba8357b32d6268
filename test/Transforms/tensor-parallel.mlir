// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-tensor-parallel=t=4 | FileCheck %s
// RUN: phaze-opt %s -split-input-file --phaze-tensor-parallel=t=1 | FileCheck %s --check-prefix=ONE
// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-tensor-parallel=t=4 --phaze-training-graph | FileCheck %s --check-prefix=TRAIN

// A two-layer MLP with a residual add: the first matmul is column-parallel
// (W1 [16, 64] -> [16, 16] per device, bias 64 -> 16), ReLU works on 16 of
// the 64 columns, the second matmul is row-parallel (W2 [64, 16] ->
// [16, 16]) and its partial sums are all-reduced before the residual add.
#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>
// CHECK-LABEL: func.func @mlp
// CHECK-SAME:    attributes {phaze.tensor_parallel = 4 : i64}
// CHECK:         %[[X:.*]] = phaze.grad_all_reduce %arg0 group(4) : tensor<8x16xf32>
// CHECK:         %[[W1:.*]] = arith.constant dense<{{.*}}> : tensor<16x16xf32>
// CHECK:         %[[H:.*]] = linalg.matmul ins(%[[X]], %[[W1]] : tensor<8x16xf32>, tensor<16x16xf32>) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK:         linalg.generic {{.*}} ins(%[[H]], %{{.*}} : tensor<8x16xf32>, tensor<16xf32>)
// CHECK:         arith.maximumf
// CHECK:         %[[P:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x16xf32>, tensor<16x16xf32>) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK-NEXT:    %[[S:.*]] = phaze.all_reduce %[[P]] group(4) : tensor<8x16xf32>
// CHECK:         linalg.generic {{.*}} ins(%[[S]], %arg0 : tensor<8x16xf32>, tensor<8x16xf32>)
// ONE-NOT: phaze.
// The backward pass all-reduces the replicated input's gradient.
// TRAIN-LABEL: func.func private @mlp_backward
// TRAIN-COUNT-1: phaze.all_reduce
// TRAIN-NOT: phaze.all_reduce
func.func @mlp(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %w1 = arith.constant dense<0.1> : tensor<16x64xf32>
  %b1 = arith.constant dense<0.0> : tensor<64xf32>
  %e1 = tensor.empty() : tensor<8x64xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<8x64xf32>) -> tensor<8x64xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<8x16xf32>, tensor<16x64xf32>) outs(%f1 : tensor<8x64xf32>) -> tensor<8x64xf32>
  %e2 = tensor.empty() : tensor<8x64xf32>
  %a = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h, %b1 : tensor<8x64xf32>, tensor<64xf32>) outs(%e2 : tensor<8x64xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8x64xf32>
  %w2 = arith.constant dense<0.1> : tensor<64x16xf32>
  %e3 = tensor.empty() : tensor<8x16xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %y = linalg.matmul ins(%a, %w2 : tensor<8x64xf32>, tensor<64x16xf32>) outs(%f3 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %e4 = tensor.empty() : tensor<8x16xf32>
  %out = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %x : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e4 : tensor<8x16xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<8x16xf32>
  return %out : tensor<8x16xf32>
}

// -----

// A single matmul has no row-parallel partner: it stays replicated.
// expected-warning@+1 {{phaze-tensor-parallel: no column-parallel / row-parallel contraction pair found; the model stays replicated}}
module {
  func.func @single(%x: tensor<8x16xf32>) -> tensor<8x64xf32> {
    %zero = arith.constant 0.0 : f32
    %w = arith.constant dense<0.1> : tensor<16x64xf32>
    %e = tensor.empty() : tensor<8x64xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
    %h = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x64xf32>) outs(%f : tensor<8x64xf32>) -> tensor<8x64xf32>
    return %h : tensor<8x64xf32>
  }
}

// -----

// t must divide the split width: 6 columns over 4 devices.
#id2 = affine_map<(i, j) -> (i, j)>
func.func @negative_indivisible(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %zero = arith.constant 0.0 : f32
  // expected-error@+1 {{phaze-tensor-parallel: t = 4 does not divide dimension 1 (size 6) of 'tensor<16x6xf32>'}}
  %w1 = arith.constant dense<0.1> : tensor<16x6xf32>
  %e1 = tensor.empty() : tensor<8x6xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<8x6xf32>) -> tensor<8x6xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<8x16xf32>, tensor<16x6xf32>) outs(%f1 : tensor<8x6xf32>) -> tensor<8x6xf32>
  %w2 = arith.constant dense<0.1> : tensor<6x16xf32>
  %e3 = tensor.empty() : tensor<8x16xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<8x6xf32>, tensor<6x16xf32>) outs(%f3 : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

