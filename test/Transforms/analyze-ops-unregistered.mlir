// RUN: phaze-opt %s --allow-unregistered-dialect -verify-diagnostics --phaze-analyze-ops="report=table" -o /dev/null | FileCheck %s
// An unregistered op on tensors is counted as unknown, with a located
// warning; the rest is analysed.
// CHECK: unknown 1 0 0 0 0
// CHECK: total 2
func.func @f(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-warning@+1 {{phaze-analyze-ops: counted as unknown: no cost model for 'mystery.op'}}
  %0 = "mystery.op"(%x) : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %e = tensor.empty() : tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
