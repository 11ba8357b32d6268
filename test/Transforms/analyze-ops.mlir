// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-analyze-ops | FileCheck %s

// Named and generic forms of a 64x128 * 128x32 matmul get the same answer:
// 64*32*128 = 262144 MACs, reads 64*128*4 + 128*32*4 + (output, read by the
// accumulation) 64*32*4 = 57344 B, writes 8192 B.
#mA = affine_map<(m, n, k) -> (m, k)>
#mB = affine_map<(m, n, k) -> (k, n)>
#mC = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @matmul_named_and_generic
func.func @matmul_named_and_generic(%a: tensor<64x128xf32>, %b: tensor<128x32xf32>, %c: tensor<64x32xf32>) -> (tensor<64x32xf32>, tensor<64x32xf32>) {
  // CHECK: linalg.matmul {{.*}}phaze.analysis = #phaze.op_analysis<class = tensor, pattern = contraction, macs = 262144, flops = 524288, bytes_read = 57344, bytes_written = 8192, loop_extents = [64, 32, 128], loop_roles = [parallel, parallel, reduction]>
  %0 = linalg.matmul ins(%a, %b : tensor<64x128xf32>, tensor<128x32xf32>) outs(%c : tensor<64x32xf32>) -> tensor<64x32xf32>
  // CHECK: linalg.generic {{.*}}phaze.analysis = #phaze.op_analysis<class = tensor, pattern = contraction, macs = 262144, flops = 524288, bytes_read = 57344, bytes_written = 8192, loop_extents = [64, 32, 128], loop_roles = [parallel, parallel, reduction]>
  %1 = linalg.generic {indexing_maps = [#mA, #mB, #mC], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<64x128xf32>, tensor<128x32xf32>) outs(%c : tensor<64x32xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x32xf32>
  return %0, %1 : tensor<64x32xf32>, tensor<64x32xf32>
}

// -----

// Batched bf16 contraction with f32 accumulation (casts in the payload):
// 4*16*8*32 = 16384 MACs; loop 0 is a batch dimension.
// CHECK-LABEL: func.func @batch_matmul_mixed
func.func @batch_matmul_mixed(%a: tensor<4x16x32xbf16>, %b: tensor<4x32x8xbf16>, %c: tensor<4x16x8xf32>) -> tensor<4x16x8xf32> {
  // CHECK: linalg.batch_matmul {{.*}}#phaze.op_analysis<class = tensor, pattern = contraction, macs = 16384, flops = 32768, bytes_read = 8192, bytes_written = 2048, loop_extents = [4, 16, 8, 32], loop_roles = [batch, parallel, parallel, reduction]>
  %0 = linalg.batch_matmul ins(%a, %b : tensor<4x16x32xbf16>, tensor<4x32x8xbf16>) outs(%c : tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  return %0 : tensor<4x16x8xf32>
}

// -----

// Convolution: N=1, F=8, OH=OW=14, C=3, KH=KW=3: 1*8*14*14*3*3*3 = 42336 MACs.
// Depthwise: C=8, OH=OW=14, 3x3: 8*14*14*9 = 14112 MACs.
// Max pooling 2x2 over 8x14x14 -> 8x7x7: vector work, one maxf per point:
// 8*7*7*2*2 = 1568 FLOPs.
// CHECK-LABEL: func.func @convolutions
func.func @convolutions(%in: tensor<1x3x16x16xf32>, %w: tensor<8x3x3x3xf32>, %o: tensor<1x8x14x14xf32>,
                        %din: tensor<1x8x16x16xf32>, %dw: tensor<8x3x3xf32>,
                        %win: tensor<2x2xf32>, %po: tensor<1x8x7x7xf32>) -> (tensor<1x8x14x14xf32>, tensor<1x8x14x14xf32>, tensor<1x8x7x7xf32>) {
  // CHECK: linalg.conv_2d_nchw_fchw {{.*}}#phaze.op_analysis<class = tensor, pattern = convolution, macs = 42336, flops = 84672, {{.*}}loop_roles = [batch, parallel, parallel, parallel, reduction, reduction, reduction]>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%in, %w : tensor<1x3x16x16xf32>, tensor<8x3x3x3xf32>) outs(%o : tensor<1x8x14x14xf32>) -> tensor<1x8x14x14xf32>
  // CHECK: linalg.depthwise_conv_2d_nchw_chw {{.*}}#phaze.op_analysis<class = tensor, pattern = depthwise_convolution, macs = 14112, flops = 28224,
  %1 = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%din, %dw : tensor<1x8x16x16xf32>, tensor<8x3x3xf32>) outs(%o : tensor<1x8x14x14xf32>) -> tensor<1x8x14x14xf32>
  // CHECK: linalg.pooling_nchw_max {{.*}}#phaze.op_analysis<class = vector, pattern = pooling, macs = 0, flops = 1568,
  %2 = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%o, %win : tensor<1x8x14x14xf32>, tensor<2x2xf32>) outs(%po : tensor<1x8x7x7xf32>) -> tensor<1x8x7x7xf32>
  return %0, %1, %2 : tensor<1x8x14x14xf32>, tensor<1x8x14x14xf32>, tensor<1x8x7x7xf32>
}

// -----

// Elementwise ReLU (cmpf + select = 2 ops per element) on 32x64 f32:
// 4096 FLOPs, 8192 B read and written. A row sum is a reduction (one addf
// per point: 2048 FLOPs). Transpose, broadcast and fill move data or are free.
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
#tr = affine_map<(i, j) -> (j, i)>
// CHECK-LABEL: func.func @vector_and_movement
func.func @vector_and_movement(%x: tensor<32x64xf32>, %r: tensor<32xf32>, %t: tensor<64x32xf32>) -> (tensor<32x64xf32>, tensor<32xf32>, tensor<64x32xf32>, tensor<32x64xf32>, tensor<32xf32>) {
  %zero = arith.constant 0.0 : f32
  // CHECK: tensor.empty() {phaze.analysis = #phaze.op_analysis<class = free, pattern = empty,
  %e = tensor.empty() : tensor<32x64xf32>
  // CHECK: linalg.generic {{.*}}#phaze.op_analysis<class = vector, pattern = elementwise, macs = 0, flops = 4096, bytes_read = 8192, bytes_written = 8192, loop_extents = [32, 64], loop_roles = [parallel, parallel]>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<32x64xf32>) outs(%e : tensor<32x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.cmpf ogt, %a, %zero : f32
    %s = arith.select %c, %a, %zero : f32
    linalg.yield %s : f32
  } -> tensor<32x64xf32>
  // CHECK: linalg.generic {{.*}}#phaze.op_analysis<class = vector, pattern = reduction, macs = 0, flops = 2048, bytes_read = 8320, bytes_written = 128, loop_extents = [32, 64], loop_roles = [parallel, reduction]>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<32x64xf32>) outs(%r : tensor<32xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  } -> tensor<32xf32>
  // CHECK: linalg.transpose {{.*}}#phaze.op_analysis<class = data_movement, pattern = transpose, macs = 0, flops = 0, bytes_read = 8192, bytes_written = 8192,
  %tt = linalg.transpose ins(%x : tensor<32x64xf32>) outs(%t : tensor<64x32xf32>) permutation = [1, 0]
  // CHECK: linalg.broadcast {{.*}}#phaze.op_analysis<class = data_movement, pattern = broadcast, macs = 0, flops = 0, bytes_read = 128, bytes_written = 8192,
  %b = linalg.broadcast ins(%r : tensor<32xf32>) outs(%e : tensor<32x64xf32>) dimensions = [1]
  // CHECK: linalg.fill {{.*}}#phaze.op_analysis<class = free, pattern = fill,
  %f = linalg.fill ins(%zero : f32) outs(%r : tensor<32xf32>) -> tensor<32xf32>
  return %relu, %sum, %tt, %b, %f : tensor<32x64xf32>, tensor<32xf32>, tensor<64x32xf32>, tensor<32x64xf32>, tensor<32xf32>
}

// -----

// Dynamic shapes and ops without a cost model are counted as unknown, with a
// located warning; nothing is skipped.
// CHECK-LABEL: func.func @negative_unknown
func.func @negative_unknown(%a: tensor<?x16xf32>, %b: tensor<16x8xf32>, %c: tensor<?x8xf32>, %t: tensor<4xf32>) -> (tensor<?x8xf32>, tensor<4xf32>) {
  // expected-warning@+2 {{phaze-analyze-ops: counted as unknown: dynamic loop bounds; phaze needs static shapes}}
  // CHECK: linalg.matmul {{.*}}#phaze.op_analysis<class = unknown, pattern = other, macs = 0,
  %0 = linalg.matmul ins(%a, %b : tensor<?x16xf32>, tensor<16x8xf32>) outs(%c : tensor<?x8xf32>) -> tensor<?x8xf32>
  // expected-warning@+2 {{phaze-analyze-ops: counted as unknown: no cost model for 'tosa.abs'}}
  // CHECK: tosa.abs {{.*}}#phaze.op_analysis<class = unknown
  %1 = tosa.abs %t : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<?x8xf32>, tensor<4xf32>
}

// -----

// 2^31 x 2^30 = 2^61 points fit in 64 bits, but 2^61 f32 elements are 2^63
// bytes, which do not: counted as unknown, not wrapped around.
#big = affine_map<(d0, d1) -> (d0, d1)>
func.func @bytes_overflow(%x: tensor<2147483648x1073741824xf32>, %y: tensor<2147483648x1073741824xf32>) -> tensor<2147483648x1073741824xf32> {
  // expected-warning@+1 {{phaze-analyze-ops: counted as unknown: an operand has a dynamic shape, an unsized element type or over 2^63 bytes}}
  %r = linalg.generic {indexing_maps = [#big, #big], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2147483648x1073741824xf32>) outs(%y : tensor<2147483648x1073741824xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<2147483648x1073741824xf32>
  return %r : tensor<2147483648x1073741824xf32>
}
