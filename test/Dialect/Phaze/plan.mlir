// RUN: phaze-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// A placement of a layer DAG: stages as sets of chain positions round-trip.
// CHECK-LABEL: module attributes
// CHECK-SAME: #phaze.stage<first_layer = 0, last_layer = 2, devices = 1, load_s = 6.0, memory_bytes = 2.0, layers = [0, 2]>
// CHECK-SAME: #phaze.stage<first_layer = 1, last_layer = 3, devices = 2, load_s = 6.0, memory_bytes = 2.0, layers = [1, 3]>
module attributes {phaze.plan = #phaze.plan<semantics = "phaze", t = 2, d = 1, p = 2, microbatch_size = 1, microbatches = 2, stages = [#phaze.stage<first_layer = 0, last_layer = 2, devices = 1, load_s = 6.0, memory_bytes = 2.0, layers = [0, 2]>, #phaze.stage<first_layer = 1, last_layer = 3, devices = 2, load_s = 6.0, memory_bytes = 2.0, layers = [1, 3]>], time_per_iteration_s = 18.0, pipeline_s = 18.0, all_reduce_s = 0.0, optimizer_s = 0.0, samples_per_s = 0.1, tokens_per_s = 1.0, peak_memory_bytes = 2.0, mfu = 0.0, solve_s = 0.0>} {
}

// -----

// expected-error @below {{'layers' must ascend from first_layer to last_layer}}
module attributes {x = #phaze.stage<first_layer = 0, last_layer = 2, devices = 1, load_s = 6.0, memory_bytes = 2.0, layers = [2, 0]>} {
}

// -----

// expected-error @below {{layer 2 is in two stages}}
module attributes {phaze.plan = #phaze.plan<semantics = "phaze", t = 1, d = 1, p = 2, microbatch_size = 1, microbatches = 2, stages = [#phaze.stage<first_layer = 0, last_layer = 2, devices = 1, load_s = 6.0, memory_bytes = 2.0, layers = [0, 2]>, #phaze.stage<first_layer = 1, last_layer = 3, devices = 1, load_s = 6.0, memory_bytes = 2.0>], time_per_iteration_s = 18.0, pipeline_s = 18.0, all_reduce_s = 0.0, optimizer_s = 0.0, samples_per_s = 0.1, tokens_per_s = 1.0, peak_memory_bytes = 2.0, mfu = 0.0, solve_s = 0.0>} {
}

// -----

// expected-error @below {{layer 1 is in no stage}}
module attributes {phaze.plan = #phaze.plan<semantics = "phaze", t = 1, d = 1, p = 2, microbatch_size = 1, microbatches = 2, stages = [#phaze.stage<first_layer = 0, last_layer = 2, devices = 1, load_s = 6.0, memory_bytes = 2.0, layers = [0, 2]>, #phaze.stage<first_layer = 3, last_layer = 3, devices = 1, load_s = 6.0, memory_bytes = 2.0>], time_per_iteration_s = 18.0, pipeline_s = 18.0, all_reduce_s = 0.0, optimizer_s = 0.0, samples_per_s = 0.1, tokens_per_s = 1.0, peak_memory_bytes = 2.0, mfu = 0.0, solve_s = 0.0>} {
}

// -----

// Intervals follow each other.
// expected-error @below {{stage 1 starts at layer 3, expected 2}}
module attributes {phaze.plan = #phaze.plan<semantics = "phaze", t = 1, d = 1, p = 2, microbatch_size = 1, microbatches = 2, stages = [#phaze.stage<first_layer = 0, last_layer = 1, devices = 1, load_s = 6.0, memory_bytes = 2.0>, #phaze.stage<first_layer = 3, last_layer = 3, devices = 1, load_s = 6.0, memory_bytes = 2.0>], time_per_iteration_s = 18.0, pipeline_s = 18.0, all_reduce_s = 0.0, optimizer_s = 0.0, samples_per_s = 0.1, tokens_per_s = 1.0, peak_memory_bytes = 2.0, mfu = 0.0, solve_s = 0.0>} {
}

// -----

// Positions are chain indices (never expanded): a huge interval is refused.
// expected-error @below {{layers must satisfy 0 <= first_layer <= last_layer < 2^31, got 0 and 9223372036854775807}}
module attributes {x = #phaze.stage<first_layer = 0, last_layer = 9223372036854775807, devices = 1, load_s = 6.0, memory_bytes = 2.0>} {
}
