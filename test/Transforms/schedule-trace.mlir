// RUN: phaze-opt %s --phaze-schedule="trace-file=%t.json" > /dev/null
// RUN: FileCheck %s --input-file=%t.json

// A fork on 2 tensor and 2 vector units: mm runs intra-op parallel (2 s on
// both tensor units, against 4 s on one), then v1 and v2 run concurrently on
// one vector unit each (3 s; both parallel would take 2 + 2 = 4 s). The
// trace has one row per unit, times in microseconds.
// CHECK:      "traceEvents"
// CHECK-DAG:  {"dur":2000000,"name":"linalg.matmul","ph":"X","pid":"fork","tid":"tensor 0","ts":0}
// CHECK-DAG:  {"dur":2000000,"name":"linalg.matmul","ph":"X","pid":"fork","tid":"tensor 1","ts":0}
// CHECK-DAG:  {"dur":3000000,"name":"linalg.generic","ph":"X","pid":"fork","tid":"vector 0","ts":2000000}
// CHECK-DAG:  {"dur":3000000,"name":"linalg.generic","ph":"X","pid":"fork","tid":"vector 1","ts":2000000}
#e = affine_map<(d0, d1) -> (d0, d1)>
func.func @fork(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %mm = linalg.matmul {phaze.estimate = #phaze.estimate<latency_s = 4.0, parallel_latency_s = 2.0, energy_j = 0.0, utilization = 1.0, parallel_utilization = 1.0, units = 2, bound = compute>}
      ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  %v1 = linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<8x8xf32>) outs(%c : tensor<8x8xf32>)
      attrs = {phaze.estimate = #phaze.estimate<latency_s = 3.0, parallel_latency_s = 2.0, energy_j = 0.0, utilization = 1.0, parallel_utilization = 1.0, units = 2, bound = compute>} {
  ^bb0(%x: f32, %o: f32):
    %r = arith.mulf %x, %x : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %v2 = linalg.generic {indexing_maps = [#e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<8x8xf32>) outs(%c : tensor<8x8xf32>)
      attrs = {phaze.estimate = #phaze.estimate<latency_s = 3.0, parallel_latency_s = 2.0, energy_j = 0.0, utilization = 1.0, parallel_utilization = 1.0, units = 2, bound = compute>} {
  ^bb0(%x: f32, %o: f32):
    %r = arith.addf %x, %x : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  return %v1, %v2 : tensor<8x8xf32>, tensor<8x8xf32>
}
