// RUN: phaze-opt %s --phaze-analyze-ops="report=table" -o /dev/null | FileCheck %s
// RUN: phaze-opt %s --phaze-analyze-ops="report=json" -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: not phaze-opt %s --phaze-analyze-ops="report=xml" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// Two functions: @f has a 64x32x128 matmul (262144 MACs) and its fill;
// @g an 8x8x8 matmul (512 MACs). The module total is 262656 MACs.

// CHECK-LABEL: function @f
// CHECK:       linalg.fill free fill
// CHECK:       linalg.matmul tensor contraction 262144 MACs 524288 FLOPs
// CHECK:       tensor 1 262144 524288 57344 8192
// CHECK-LABEL: function @g
// CHECK:       tensor 1 512 1024
// CHECK-LABEL: module totals
// CHECK:       tensor 2 262656 525312
// CHECK:       total 4 262656

// JSON:      "functions": [
// JSON:          "name": "f",
// JSON:              "class": "tensor",
// JSON-NEXT:         "flops": 524288,
// JSON-NEXT:         "loc": "{{.*}}analyze-ops-report.mlir:[[# @LINE + 20]]:8",
// JSON-NEXT:         "macs": 262144,
// JSON-NEXT:         "op": "linalg.matmul",
// JSON-NEXT:         "pattern": "contraction"
// JSON:          "name": "g",
// JSON:          "totals": {
// JSON:      "totals": {
// JSON:        "tensor": {
// JSON-NEXT:     "bytes_read":
// JSON-NEXT:     "bytes_written":
// JSON-NEXT:     "flops": 525312,
// JSON-NEXT:     "macs": 262656,
// JSON-NEXT:     "ops": 2

// BAD: error: phaze-analyze-ops: unknown report 'xml'; expected 'none', 'table' or 'json'

func.func @f(%a: tensor<64x128xf32>, %b: tensor<128x32xf32>) -> tensor<64x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x32xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<64x32xf32>) -> tensor<64x32xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<64x128xf32>, tensor<128x32xf32>) outs(%c : tensor<64x32xf32>) -> tensor<64x32xf32>
  return %0 : tensor<64x32xf32>
}

func.func @g(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}
