// Malformed input gets a located diagnostic and a non-zero exit, not a crash.
// RUN: not phaze-opt %s -split-input-file 2>&1 | FileCheck %s

// CHECK: malformed.mlir:[[# @LINE + 1]]:1: error: custom op 'accel.chipp' is unknown
accel.chipp @x

// -----

// CHECK: malformed.mlir:[[# @LINE + 1]]:39: error: MLIR float literals need a '.' before the exponent: write 1.0e9 instead of 1e9
accel.chip @y #accel.chip<clock_hz = 1e9>

// -----

// CHECK: malformed.mlir:[[# @LINE + 1]]:5: error: expected operation name in quotes
%0 = = 3

// -----

// A struct with required fields missing.
// CHECK: malformed.mlir:[[# @LINE + 1]]:43: error: expected ','
accel.chip @z #accel.chip<clock_hz = 1.0e9>
