// RUN: phaze-opt %s --phaze-estimate="hardware=%hardware/a100.mlir" | FileCheck %s --check-prefixes=CHECK,A100
// RUN: phaze-opt %s --phaze-estimate="hardware=%hardware/h100.mlir" | FileCheck %s --check-prefixes=CHECK,H100

// An 8192^3 bf16 GEMM reaches at least 90% of the modelled tensor peak on
// the shipped A100 and H100 (all SMs, compute-bound).
// CHECK-LABEL: func.func @gemm
// CHECK: linalg.matmul {{{.*}}phaze.estimate = #phaze.estimate<{{.*}}parallel_utilization = 0.9{{[0-9]*}}, units = {{108|132}}, bound = compute>}
func.func @gemm(%a: tensor<8192x8192xbf16>, %b: tensor<8192x8192xbf16>) -> tensor<8192x8192xbf16> {
  %zero = arith.constant 0.0 : bf16
  %e = tensor.empty() : tensor<8192x8192xbf16>
  %f = linalg.fill ins(%zero : bf16) outs(%e : tensor<8192x8192xbf16>) -> tensor<8192x8192xbf16>
  %c = linalg.matmul ins(%a, %b : tensor<8192x8192xbf16>, tensor<8192x8192xbf16>) outs(%f : tensor<8192x8192xbf16>) -> tensor<8192x8192xbf16>
  return %c : tensor<8192x8192xbf16>
}

// An elementwise add over 1 GiB per operand is bound by HBM bandwidth:
// 3 GiB / 2.039 TB/s = 1.58 ms on the A100, 3 GiB / 3.35 TB/s = 0.96 ms on
// the H100; the checks accept +-10% around those (datasheet) figures.
// CHECK-LABEL: func.func @add
// A100: linalg.generic {{.*}}phaze.estimate = #phaze.estimate<{{.*}}parallel_latency_s = {{0\.001(4[2-9]|[56][0-9]|7[0-4])[0-9]*}}, {{.*}}bound = off_chip>
// H100: linalg.generic {{.*}}phaze.estimate = #phaze.estimate<{{.*}}parallel_latency_s = {{(0\.000(8[6-9]|9[0-9])|0\.0010[0-5])[0-9]*}}, {{.*}}bound = off_chip>
func.func @add(%a: tensor<16384x32768xbf16>, %b: tensor<16384x32768xbf16>) -> tensor<16384x32768xbf16> {
  %e = tensor.empty() : tensor<16384x32768xbf16>
  %c = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%a, %b : tensor<16384x32768xbf16>, tensor<16384x32768xbf16>) outs(%e : tensor<16384x32768xbf16>) {
  ^bb0(%x: bf16, %y: bf16, %o: bf16):
    %s = arith.addf %x, %y : bf16
    linalg.yield %s : bf16
  } -> tensor<16384x32768xbf16>
  return %c : tensor<16384x32768xbf16>
}
