// RUN: phaze-opt %s --accel-enumerate-space="limit=3" -o /dev/null | FileCheck %s
// RUN: phaze-opt %s --accel-enumerate-space="format=csv" -o /dev/null | FileCheck %s --check-prefix=CSV
// RUN: phaze-opt %s --accel-enumerate-space="space=tiny" -o /dev/null | count 7

// A 2 x 2 x 1 x 1 x 2 space: 8 candidates; tied lanes; an explicit budget.
// Areas by hand (PHAZE's tables): a tensor unit of 4x4 PEs with a 1 KiB
// buffer is 16 x 760.041386 + 6133.98 = 18294.642176 um^2; a vector unit of
// 4 lanes with 1 KiB is 4 x 759.823853 + 6133.98 = 9173.275412 um^2; a 2 MiB
// global buffer is 3338220 um^2, 4 MiB is 6078640 um^2.

accel.chip @base #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 4, cols = 4, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e10>>,
  vector = <count = 1, lanes = 4, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e10>>,
  global_buffer = <capacity_bytes = 4194304, bandwidth_bytes_per_s = 1.0e11>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e11>>

// The largest candidate (2, 2, 4 MiB) = 2 x 18294.642176 + 2 x 9173.275412
// + 6078640 = 6133575.835176; the budget 6.13e6 excludes exactly it (the
// next largest, (2, 1, 4 MiB), is 6124402.559764).
accel.space @tiny template @base #accel.space<
  tensor_count = #accel.int_set<[2, 1]>,
  vector_count = #accel.int_range<1, 2>,
  tensor_cols = #accel.int_set<[4]>,
  tensor_rows = #accel.pow2_range<4, 4>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.pow2_range<2097152, 4194304>,
  area_budget_um2 = 6.13e6>

// Descending order: (2,2,2 MiB), (2,1,4 MiB), (2,1,2 MiB), ...
// CHECK:      {"tensor_count": 2, "vector_count": 2, "tensor_batch": 1, "tensor_rows": 4, "tensor_cols": 4, "vector_lanes": 4, "tensor_local_buffer_bytes": 1024, "vector_local_buffer_bytes": 1024, "global_buffer_bytes": 2097152, "area_um2": 3393155.83517
// CHECK-NEXT: {"tensor_count": 2, "vector_count": 1, {{.*}} "global_buffer_bytes": 4194304, "area_um2": 6124402.55976
// CHECK-NEXT: {"tensor_count": 2, "vector_count": 1, {{.*}} "global_buffer_bytes": 2097152, "area_um2": 3383982.55976
// CHECK-NOT:  tensor_count

// CSV:      tensor_count,vector_count,tensor_batch,tensor_rows,tensor_cols,vector_lanes,tensor_local_buffer_bytes,vector_local_buffer_bytes,global_buffer_bytes,area_um2
// CSV-NEXT: 2,2,1,4,4,4,1024,1024,2097152,3393155.8351
// CSV-COUNT-6: {{^[12],[12],1,4,4,4,1024,1024,[0-9]+,[0-9.]+$}}
// CSV-NOT: {{.}}
