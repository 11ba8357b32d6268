// VTA (apache/tvm-vta, config/vta_config.json) in its default configuration:
// one GEMM core executing a 1x16x16 int8 x int8 -> int32 intrinsic per cycle
// (LOG_BATCH = 0, LOG_BLOCK = 4), an ALU of 16 int32 lanes on the
// accumulator, SRAMs of 32 KiB (input), 256 KiB (weight), 128 KiB
// (accumulator) and 32 KiB (micro-ops), on a PYNQ-class board at 100 MHz with
// a 64-bit AXI port to 512 MiB of DDR.
//
// Mapping onto accel: the tensor unit's local buffer is the input plus weight
// SRAM, read at 16 + 256 bytes per cycle; the accumulator SRAM, which the
// GEMM core and the ALU share, is the global buffer; the ALU's local buffer
// is the micro-op SRAM. See ../docs/HardwareModel.md.
// Run: phaze-opt vta.mlir --accel-describe

accel.chip @vta_1x16x16 #accel.chip<
  clock_hz = 1.0e8,
  tensor = <count = 1, kind = intrinsic, batch = 1, rows = 16, cols = 16,
            mac_type = i8, acc_type = i32,
            local_buffer = <capacity_bytes = 294912,
                            bandwidth_bytes_per_s = 2.72e10>>,
  vector = <count = 1, lanes = 16, elem_type = i32,
            local_buffer = <capacity_bytes = 32768,
                            bandwidth_bytes_per_s = 4.0e8>>,
  global_buffer = <capacity_bytes = 131072, bandwidth_bytes_per_s = 6.4e9>,
  off_chip = <capacity_bytes = 536870912, bandwidth_bytes_per_s = 8.0e8>>

// A single VTA board.
accel.system @vta_board chip @vta_1x16x16 #accel.system<
  devices = 1, devices_per_node = 1,
  inter_node = <kind = ethernet, bandwidth_bytes_per_s = 1.25e8,
                latency_s = 5.0e-5>>
