// RUN: not phaze-opt %s --phaze-training-graph="optimizer=lamb" -o /dev/null 2>&1 | FileCheck %s
// CHECK: error: phaze-training-graph: unknown optimizer 'lamb'; expected 'sgd' or 'adam'
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
