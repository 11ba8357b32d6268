// RUN: not phaze-opt %s --accel-enumerate-space="format=xml" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not phaze-opt %s --accel-enumerate-space -o /dev/null 2>&1 | FileCheck %s --check-prefix=SEVERAL
// RUN: not phaze-opt %s --accel-enumerate-space="space=nope" -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not phaze-opt %s --accel-enumerate-space="space=a output-file=%t/no/such/dir/out.jsonl" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FILE
// RUN: not phaze-opt %s --accel-describe="output-file=%t/no/such/dir/out.txt" -o /dev/null 2>&1 | FileCheck %s --check-prefix=DESCRIBE

// FORMAT: error: accel-enumerate-space: unknown format 'xml'; expected 'jsonl' or 'csv'
// SEVERAL: error: accel-enumerate-space: the module holds 2 accel.space ops; choose one with 'space=NAME'
// UNKNOWN: error: accel-enumerate-space: no accel.space named @nope
// FILE: enumerate-space-errors.mlir:{{[0-9]+}}:1: error: accel-enumerate-space: cannot open output file '{{.*}}out.jsonl': No such file or directory
// DESCRIBE: error: accel-describe: cannot open output file '{{.*}}out.txt': No such file or directory

accel.chip @base #accel.chip<clock_hz = 1.0e9,
  tensor = <count = 1, kind = systolic, rows = 4, cols = 4, mac_type = bf16, acc_type = f32,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e10>>,
  vector = <count = 1, lanes = 4, elem_type = bf16,
            local_buffer = <capacity_bytes = 1024, bandwidth_bytes_per_s = 1.0e10>>,
  global_buffer = <capacity_bytes = 4194304, bandwidth_bytes_per_s = 1.0e11>,
  off_chip = <capacity_bytes = 1073741824, bandwidth_bytes_per_s = 1.0e11>>

accel.space @a template @base #accel.space<
  tensor_count = #accel.int_set<[1]>, vector_count = #accel.int_set<[1]>,
  tensor_cols = #accel.int_set<[4]>, tensor_rows = #accel.int_set<[4]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.int_set<[2097152]>, area_budget_um2 = 1.0e9>

accel.space @b template @base #accel.space<
  tensor_count = #accel.int_set<[1]>, vector_count = #accel.int_set<[1]>,
  tensor_cols = #accel.int_set<[4]>, tensor_rows = #accel.int_set<[4]>,
  vector_lanes = #accel.tied<tensor_cols>,
  global_buffer_bytes = #accel.int_set<[2097152]>, area_budget_um2 = 1.0e9>
