// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-outline-layers | FileCheck %s
// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-outline-layers=min-repeats=4 | FileCheck %s --check-prefix=MIN4

// Three identical blocks (matmul with its own weight, ReLU, residual add)
// between a different first op and a different last op: the blocks become
// one layer function called three times; what precedes and follows them
// becomes a layer each. Weights differ in value, not in shape.
#id = affine_map<(i, j) -> (i, j)>
func.func @three_blocks(%x: tensor<8x16xf32>) -> tensor<8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x16xf32>
  %in = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<8x16xf32>

  %w0 = arith.constant dense<0.1> : tensor<16x16xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %m0 = linalg.matmul ins(%in, %w0 : tensor<8x16xf32>, tensor<16x16xf32>) outs(%f0 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %r0 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m0, %in : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
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

  %out = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%r2 : tensor<8x16xf32>) outs(%e : tensor<8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %t = math.tanh %a : f32
    linalg.yield %t : f32
  } -> tensor<8x16xf32>
  return %out : tensor<8x16xf32>
}

// CHECK-LABEL: func.func private @three_blocks_layer0
// CHECK-SAME:    phaze.layer = #phaze.layer<index = 0, repeats = 1>
// CHECK:         arith.negf
// CHECK-LABEL: func.func private @three_blocks_layer1
// CHECK-SAME:    phaze.layer = #phaze.layer<index = 1, repeats = 3>
// CHECK:         linalg.matmul
// CHECK:         arith.maximumf
// CHECK-NOT:     linalg.matmul
// CHECK:         return
// CHECK-LABEL: func.func private @three_blocks_layer2
// CHECK-SAME:    phaze.layer = #phaze.layer<index = 2, repeats = 1>
// CHECK:         math.tanh
// CHECK-LABEL: func.func @three_blocks
// CHECK:         %[[A:.*]] = call @three_blocks_layer0(%arg0)
// CHECK-NEXT:    %[[B:.*]] = call @three_blocks_layer1(%[[A]])
// CHECK-NEXT:    %[[C:.*]] = call @three_blocks_layer1(%[[B]]
// CHECK-NEXT:    %[[D:.*]] = call @three_blocks_layer1(%[[C]]
// CHECK-NEXT:    %[[E:.*]] = call @three_blocks_layer2(%[[D]]
// CHECK-NEXT:    return %[[E]]

// With min-repeats=4 nothing repeats often enough: one layer holds it all.
// MIN4-LABEL: func.func private @three_blocks_layer0
// MIN4-SAME:    #phaze.layer<index = 0, repeats = 1>
// MIN4-COUNT-3: linalg.matmul
// MIN4-LABEL: func.func @three_blocks
// MIN4-NEXT:    call @three_blocks_layer0
// MIN4-NEXT:    return

// -----

// Blocks of different shapes are different layers.
func.func @different_shapes(%x: tensor<8x16xf32>) -> tensor<8x64xf32> {
  %zero = arith.constant 0.0 : f32
  %w0 = arith.constant dense<0.1> : tensor<16x32xf32>
  %e0 = tensor.empty() : tensor<8x32xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<8x32xf32>) -> tensor<8x32xf32>
  %m0 = linalg.matmul ins(%x, %w0 : tensor<8x16xf32>, tensor<16x32xf32>) outs(%f0 : tensor<8x32xf32>) -> tensor<8x32xf32>
  %w1 = arith.constant dense<0.1> : tensor<32x64xf32>
  %e1 = tensor.empty() : tensor<8x64xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<8x64xf32>) -> tensor<8x64xf32>
  %m1 = linalg.matmul ins(%m0, %w1 : tensor<8x32xf32>, tensor<32x64xf32>) outs(%f1 : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %m1 : tensor<8x64xf32>
}
// CHECK-LABEL: func.func private @different_shapes_layer0
// CHECK-SAME:    repeats = 1
// CHECK-COUNT-2: linalg.matmul
// CHECK-LABEL: func.func @different_shapes

// -----

// expected-warning@+1 {{phaze-outline-layers: skipped: the function has more than one block}}
func.func @negative_two_blocks(%c: i1, %x: tensor<4xf32>) -> tensor<4xf32> {
  cf.cond_br %c, ^a, ^b
^a:
  return %x : tensor<4xf32>
^b:
  return %x : tensor<4xf32>
}

// -----

// A mask computed by a region that captures a function argument (%s) is not
// invariant: it is not cloned into the layer (which would leave %s
// undefined there) but stays a value the layer takes.
#cm = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func private @captured_scale_layer0(
// CHECK-SAME:      %[[S:[^:]+]]: f32
// CHECK:           arith.mulf %{{.*}}, %[[S]] : f32
// CHECK-LABEL: func.func @captured_scale(
func.func @captured_scale(%x: tensor<4x4xf32>, %s: f32) -> tensor<4x4xf32> {
  %cst = arith.constant dense<1.0> : tensor<4x4xf32>
  %e0 = tensor.empty() : tensor<4x4xf32>
  %m = linalg.generic {indexing_maps = [#cm, #cm], iterator_types = ["parallel", "parallel"]} ins(%cst : tensor<4x4xf32>) outs(%e0 : tensor<4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %q = arith.mulf %in, %s : f32
    linalg.yield %q : f32
  } -> tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %w1 = arith.constant dense<0.5> : tensor<4x4xf32>
  %e1 = tensor.empty() : tensor<4x4xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %a1 = linalg.matmul ins(%x, %w1 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f1 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %g1 = tensor.empty() : tensor<4x4xf32>
  %b1 = linalg.add ins(%a1, %m : tensor<4x4xf32>, tensor<4x4xf32>) outs(%g1 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %w2 = arith.constant dense<0.25> : tensor<4x4xf32>
  %e2 = tensor.empty() : tensor<4x4xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %a2 = linalg.matmul ins(%b1, %w2 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f2 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %g2 = tensor.empty() : tensor<4x4xf32>
  %b2 = linalg.add ins(%a2, %m : tensor<4x4xf32>, tensor<4x4xf32>) outs(%g2 : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %b2 : tensor<4x4xf32>
}
