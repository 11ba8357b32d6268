// RUN: phaze-opt %s -split-input-file -verify-diagnostics --phaze-schedule | FileCheck %s

// A diamond on 2 tensor and 2 vector units, latencies written by hand:
//   mm  (tensor): one unit 4 s, both units 2 s
//   v1, v2 (vector, read mm): one unit 3 s, both units 2 s
//   add (vector, reads v1 and v2): one unit 3 s, both units 2 s
// By hand: mm intra-op parallel on [0, 2] (alone on the chip); v1 and v2
// each on one vector unit, concurrently, on [2, 5] (both parallel would
// take 2 + 2 = 4 > 3 since parallel ops run alone); add parallel on
// [5, 7]. No schedule is shorter: v1 and v2 cannot both end before 5, and
// add takes at least 2 after them. The critical path (2 + 2 + 2 = 6) is
// below the optimum, so the MILP proves 7.
#e = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @diamond
// CHECK-SAME:    phaze.makespan = #phaze.makespan<makespan_s = 7.0, lower_bound_s = 7.0, optimal = true, tasks = 4
// CHECK:         linalg.matmul {{.*}}phaze.schedule = #phaze.schedule<start_s = 0.0, duration_s = 2.0, unit = tensor, parallel = true, units = 2>
// CHECK:         linalg.generic {{.*}}phaze.schedule = #phaze.schedule<start_s = 2.0, duration_s = 3.0, unit = vector, units = 1>
// CHECK:         linalg.generic {{.*}}phaze.schedule = #phaze.schedule<start_s = 2.0, duration_s = 3.0, unit = vector, units = 1>
// CHECK:         linalg.generic {{.*}}phaze.schedule = #phaze.schedule<start_s = 5.0, duration_s = 2.0, unit = vector, parallel = true, units = 2>
func.func @diamond(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
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
  %s = linalg.generic {indexing_maps = [#e, #e, #e], iterator_types = ["parallel", "parallel"]}
      ins(%v1, %v2 : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>)
      attrs = {phaze.estimate = #phaze.estimate<latency_s = 3.0, parallel_latency_s = 2.0, energy_j = 0.0, utilization = 1.0, parallel_utilization = 1.0, units = 2, bound = compute>} {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  return %s : tensor<8x8xf32>
}

// -----

// A collective after a contraction, on 2 tensor units: the all-reduce runs on
// the network and holds no unit. By hand: mm intra-op parallel on [0, 2]
// (4 s on one unit), then the all-reduce on [2, 3]: makespan 3, the
// critical path.
// CHECK-LABEL: func.func @collective
// CHECK-SAME:    phaze.makespan = #phaze.makespan<makespan_s = 3.0, lower_bound_s = 3.0, optimal = true, tasks = 2
// CHECK:         linalg.matmul {{.*}}phaze.schedule = #phaze.schedule<start_s = 0.0, duration_s = 2.0, unit = tensor, parallel = true, units = 2>
// CHECK:         phaze.all_reduce {{.*}}phaze.schedule = #phaze.schedule<start_s = 2.0, duration_s = 1.0, unit = network, units = 0>
func.func @collective(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %mm = linalg.matmul {phaze.estimate = #phaze.estimate<latency_s = 4.0, parallel_latency_s = 2.0, energy_j = 0.0, utilization = 1.0, parallel_utilization = 1.0, units = 2, bound = compute>}
      ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  %r = phaze.all_reduce %mm group(4) {phaze.estimate = #phaze.estimate<latency_s = 1.0, parallel_latency_s = 1.0, energy_j = 0.0, utilization = 1.0, parallel_utilization = 1.0, units = 1, bound = link>} : tensor<8x8xf32>
  return %r : tensor<8x8xf32>
}

// -----

// A chain: every op takes its faster mode, so the makespan is the sum of
// min(one unit, all units) = min(4, 2) + min(1, 3) = 3, proven by the
// critical-path bound without a MILP.
// CHECK-LABEL: func.func @chain
// CHECK-SAME:    phaze.makespan = #phaze.makespan<makespan_s = 3.0, lower_bound_s = 3.0, optimal = true, tasks = 2
func.func @chain(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %mm = linalg.matmul {phaze.estimate = #phaze.estimate<latency_s = 4.0, parallel_latency_s = 2.0, energy_j = 0.0, utilization = 1.0, parallel_utilization = 1.0, units = 4, bound = compute>}
      ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  %mm2 = linalg.matmul {phaze.estimate = #phaze.estimate<latency_s = 1.0, parallel_latency_s = 3.0, energy_j = 0.0, utilization = 1.0, parallel_utilization = 1.0, units = 4, bound = compute>}
      ins(%mm, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %mm2 : tensor<8x8xf32>
}

// -----

// An op with work but no estimate: a located error.
func.func @missing(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error@+1 {{phaze-schedule: no latency for this op; run phaze-estimate first}}
  %mm = linalg.matmul ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %mm : tensor<8x8xf32>
}

// -----

// An estimate for zero units of the op's kind: a located error.
func.func @no_units(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  // expected-error@+1 {{phaze-schedule: the chip has no unit of this op's kind (units = 0)}}
  %mm = linalg.matmul {phaze.estimate = #phaze.estimate<latency_s = 4.0, parallel_latency_s = 2.0, energy_j = 0.0, utilization = 1.0, parallel_utilization = 1.0, units = 0, bound = compute>}
      ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %mm : tensor<8x8xf32>
}

// -----

// A function without work gets an empty schedule (makespan 0), so placement
// can use it (the search treats it the same way).
// CHECK-LABEL: func.func @no_work
// CHECK-SAME:    phaze.makespan = #phaze.makespan<makespan_s = 0.0, lower_bound_s = 0.0, optimal = true, tasks = 0, solve_s = 0.0>
func.func @no_work(%a: tensor<8x8xf32>) -> tensor<64xf32> {
  %r = tensor.collapse_shape %a [[0, 1]] : tensor<8x8xf32> into tensor<64xf32>
  return %r : tensor<64xf32>
}

// -----

// An op of zero latency is not a task, but the dependence through it stays:
// mm (2 s on one unit or both) -> z (zero latency) -> v (3 s on one vector
// unit, 2 s on both). By hand: v starts at 2 and runs parallel for 2 s,
// makespan 4. Had the edge been lost, v would run on one vector unit beside
// mm from 0: makespan 3.
#e2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @through_zero_latency
// CHECK-SAME:    phaze.makespan = #phaze.makespan<makespan_s = 4.0, lower_bound_s = 4.0, optimal = true, tasks = 2
// CHECK:         linalg.matmul {{.*}}phaze.schedule = #phaze.schedule<start_s = 0.0, duration_s = 2.0
// CHECK:         linalg.generic {{.*}}latency_s = 0.0
// CHECK-NOT:     phaze.schedule
// CHECK-SAME:    bound = none>} {
// CHECK:         linalg.generic {{.*}}phaze.schedule = #phaze.schedule<start_s = 2.0, duration_s = 2.0, unit = vector, parallel = true, units = 2>
func.func @through_zero_latency(%a: tensor<8x8xf32>, %b: tensor<8x8xf32>, %c: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %mm = linalg.matmul {phaze.estimate = #phaze.estimate<latency_s = 2.0, parallel_latency_s = 2.0, energy_j = 0.0, utilization = 1.0, parallel_utilization = 1.0, units = 2, bound = compute>}
      ins(%a, %b : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) -> tensor<8x8xf32>
  %z = linalg.generic {indexing_maps = [#e2, #e2], iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<8x8xf32>) outs(%c : tensor<8x8xf32>)
      attrs = {phaze.estimate = #phaze.estimate<latency_s = 0.0, parallel_latency_s = 0.0, energy_j = 0.0, utilization = 0.0, parallel_utilization = 0.0, units = 2, bound = none>} {
  ^bb0(%x: f32, %o: f32):
    %r = arith.mulf %x, %x : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %v = linalg.generic {indexing_maps = [#e2, #e2], iterator_types = ["parallel", "parallel"]}
      ins(%z : tensor<8x8xf32>) outs(%c : tensor<8x8xf32>)
      attrs = {phaze.estimate = #phaze.estimate<latency_s = 3.0, parallel_latency_s = 2.0, energy_j = 0.0, utilization = 1.0, parallel_utilization = 1.0, units = 2, bound = compute>} {
  ^bb0(%x: f32, %o: f32):
    %r = arith.addf %x, %x : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  return %v : tensor<8x8xf32>
}
