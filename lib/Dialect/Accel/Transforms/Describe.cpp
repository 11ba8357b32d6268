//===- Describe.cpp - print what hardware descriptions mean ---------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The accel-describe pass: derived figures of every chip, system and space
// in a module, as a readable table or as JSON.
//
//===----------------------------------------------------------------------===//

#include "phaze/Arch/AreaModel.h"
#include "phaze/Arch/Space.h"
#include "phaze/Dialect/Accel/IR/AccelOps.h"
#include "phaze/Dialect/Accel/Transforms/Passes.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir {
namespace phaze {
namespace accel {
#define GEN_PASS_DEF_ACCELDESCRIBEPASS
#include "phaze/Dialect/Accel/Transforms/Passes.h.inc"
} // namespace accel
} // namespace phaze
} // namespace mlir

using namespace mlir;
using namespace mlir::phaze;
using namespace mlir::phaze::accel;

namespace {

//===----------------------------------------------------------------------===//
// Readable quantities
//===----------------------------------------------------------------------===//

/// `value` with an SI prefix and `unit`, e.g. "275.25 TFLOP/s".
std::string si(double value, StringRef unit) {
  static const char *prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int i = 0;
  double v = value;
  while (std::abs(v) >= 1000.0 && i < 6) {
    v /= 1000.0;
    ++i;
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.2f ", v) << prefixes[i] << unit;
  return s;
}

/// `bytes` with a binary prefix, e.g. "128 MiB" (exact) or "1.50 KiB".
std::string binaryBytes(int64_t bytes) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  double v = static_cast<double>(bytes);
  while (v >= 1024.0 && i < 4) {
    v /= 1024.0;
    ++i;
  }
  std::string s;
  llvm::raw_string_ostream os(s);
  if (v == static_cast<double>(static_cast<int64_t>(v)))
    os << static_cast<int64_t>(v) << " " << units[i];
  else
    os << llvm::format("%.2f ", v) << units[i];
  return s;
}

std::string shape(TensorUnitAttr t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << stringifyTensorUnitKind(t.getKind()) << " ";
  if (t.getKind() == TensorUnitKind::Intrinsic)
    os << t.getBatch() << "x";
  os << t.getRows() << "x" << t.getCols();
  return s;
}

std::string typeName(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

std::string memoryLine(MemoryAttr m, double clockHz) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << binaryBytes(m.getCapacityBytes()) << ", "
     << si(m.getBandwidthBytesPerS(), "B/s")
     << llvm::format(" (%.1f B/cycle)", m.getBytesPerCycle(clockHz));
  return s;
}

std::string linkLine(LinkAttr l) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << stringifyLinkKind(l.getKind()) << ", "
     << si(l.getBandwidthBytesPerS(), "B/s") << " per direction, "
     << llvm::format("%.3g", l.getLatencyS() * 1e6) << " us latency";
  return s;
}

void row(raw_ostream &os, StringRef key, const Twine &value) {
  os << "  " << llvm::left_justify(key, 22) << value << "\n";
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct AccelDescribePass
    : public accel::impl::AccelDescribePassBase<AccelDescribePass> {
  using AccelDescribePassBase::AccelDescribePassBase;

  void runOnOperation() override;

private:
  void describeChip(ChipOp op, raw_ostream &os);
  void describeSystem(SystemOp op, ChipOp chip, raw_ostream &os);
  LogicalResult describeSpace(SpaceOp op, raw_ostream &os,
                              SymbolTableCollection &symbols);
  llvm::json::Object chipJson(ChipOp op);
  llvm::json::Object systemJson(SystemOp op, ChipOp chip);
  llvm::json::Object spaceJson(SpaceOp op, const arch::SpaceSpec &spec,
                               const arch::SpaceStats &stats);
};

void AccelDescribePass::describeChip(ChipOp op, raw_ostream &os) {
  ChipAttr c = op.getSpec();
  TensorUnitAttr t = c.getTensor();
  VectorUnitAttr v = c.getVector();
  arch::ChipConfig cfg = c.getConfig();
  double clk = c.getClockHz();
  os << "chip @" << op.getSymName() << "\n";
  row(os, "clock", si(clk, "Hz"));
  row(os, "tensor units",
      Twine(t.getCount()) + " x " + shape(t) + " (" + typeName(t.getMacType()) +
          " -> " + typeName(t.getAccType()) + "), " +
          Twine(c.getMacsPerCycle()) + " MAC/cycle");
  row(os, "tensor peak",
      si(c.getTensorPeakFlops(), "FLOP/s") + " (efficiency " +
          llvm::formatv("{0}", t.getEfficiency().value()).str() + ")");
  row(os, "vector units",
      Twine(v.getCount()) + " x " + Twine(v.getLanes()) + " lanes (" +
          typeName(v.getElemType()) + ")");
  row(os, "vector peak",
      si(c.getVectorPeakFlops(), "FLOP/s") + " (efficiency " +
          llvm::formatv("{0}", v.getEfficiency().value()).str() + ")");
  row(os, "peak", si(c.getPeakFlops(), "FLOP/s"));
  row(os, "tensor local buffer",
      memoryLine(t.getLocalBuffer(), clk) + " per unit");
  row(os, "vector local buffer",
      memoryLine(v.getLocalBuffer(), clk) + " per unit");
  row(os, "global buffer", memoryLine(c.getGlobalBuffer(), clk));
  row(os, "off-chip memory", memoryLine(c.getOffChip(), clk));
  row(os, "machine balance",
      llvm::formatv("{0:F1} FLOP/B (tensor peak / off-chip bandwidth)",
                    c.getMachineBalance())
          .str());
  row(os, "area",
      llvm::formatv("{0:F2} mm^2 = {1:F2} um^2 (tensor {2:F2}, vector "
                    "{3:F2}, global buffer {4:F2} mm^2)",
                    c.getAreaUm2() * 1e-6, c.getAreaUm2(),
                    arch::tensorUnitsAreaUm2(cfg) * 1e-6,
                    arch::vectorUnitsAreaUm2(cfg) * 1e-6,
                    arch::globalBufferAreaUm2(cfg.globalBufferBytes) * 1e-6)
          .str());
  os << "\n";
}

void AccelDescribePass::describeSystem(SystemOp op, ChipOp chip,
                                       raw_ostream &os) {
  SystemAttr s = op.getSpec();
  ChipAttr c = chip.getSpec();
  os << "system @" << op.getSymName() << " (chip @" << chip.getSymName()
     << ")\n";
  row(os, "devices",
      Twine(s.getDevices()) + " = " + Twine(s.getNumNodes()) +
          (s.getNumNodes() == 1 ? " node x " : " nodes x ") +
          Twine(s.getDevicesPerNode()) +
          (s.getDevicesPerNode() == 1 ? " device" : " devices"));
  row(os, "peak",
      si(static_cast<double>(s.getDevices()) * c.getPeakFlops(), "FLOP/s"));
  row(os, "off-chip memory",
      binaryBytes(s.getDevices() * c.getOffChip().getCapacityBytes()) +
          " in all");
  if (s.getIntraNode())
    row(os, "intra-node link", linkLine(s.getIntraNode()));
  row(os, "inter-node link", linkLine(s.getInterNode()));
  os << "\n";
}

llvm::json::Object AccelDescribePass::chipJson(ChipOp op) {
  ChipAttr c = op.getSpec();
  TensorUnitAttr t = c.getTensor();
  VectorUnitAttr v = c.getVector();
  arch::ChipConfig cfg = c.getConfig();
  return llvm::json::Object{
      {"name", op.getSymName()},
      {"clock_hz", c.getClockHz().value()},
      {"tensor_count", t.getCount()},
      {"tensor_kind", stringifyTensorUnitKind(t.getKind())},
      {"tensor_batch", t.getBatch()},
      {"tensor_rows", t.getRows()},
      {"tensor_cols", t.getCols()},
      {"macs_per_cycle", c.getMacsPerCycle()},
      {"tensor_peak_flops", c.getTensorPeakFlops()},
      {"vector_count", v.getCount()},
      {"vector_lanes", v.getLanes()},
      {"vector_peak_flops", c.getVectorPeakFlops()},
      {"peak_flops", c.getPeakFlops()},
      {"tensor_local_buffer_bytes", t.getLocalBuffer().getCapacityBytes()},
      {"vector_local_buffer_bytes", v.getLocalBuffer().getCapacityBytes()},
      {"global_buffer_bytes", c.getGlobalBuffer().getCapacityBytes()},
      {"global_buffer_bandwidth_bytes_per_s",
       c.getGlobalBuffer().getBandwidthBytesPerS().value()},
      {"off_chip_bytes", c.getOffChip().getCapacityBytes()},
      {"off_chip_bandwidth_bytes_per_s",
       c.getOffChip().getBandwidthBytesPerS().value()},
      {"off_chip_bytes_per_cycle", c.getOffChipBytesPerCycle()},
      {"machine_balance_flops_per_byte", c.getMachineBalance()},
      {"area_um2", c.getAreaUm2()},
      {"tensor_area_um2", arch::tensorUnitsAreaUm2(cfg)},
      {"vector_area_um2", arch::vectorUnitsAreaUm2(cfg)},
      {"global_buffer_area_um2",
       arch::globalBufferAreaUm2(cfg.globalBufferBytes)},
  };
}

static llvm::json::Value linkJson(LinkAttr l) {
  if (!l)
    return nullptr;
  return llvm::json::Object{
      {"kind", stringifyLinkKind(l.getKind())},
      {"bandwidth_bytes_per_s", l.getBandwidthBytesPerS().value()},
      {"latency_s", l.getLatencyS().value()}};
}

llvm::json::Object AccelDescribePass::systemJson(SystemOp op, ChipOp chip) {
  SystemAttr s = op.getSpec();
  ChipAttr c = chip.getSpec();
  return llvm::json::Object{
      {"name", op.getSymName()},
      {"chip", chip.getSymName()},
      {"devices", s.getDevices()},
      {"devices_per_node", s.getDevicesPerNode()},
      {"nodes", s.getNumNodes()},
      {"peak_flops", static_cast<double>(s.getDevices()) * c.getPeakFlops()},
      {"off_chip_bytes", s.getDevices() * c.getOffChip().getCapacityBytes()},
      {"intra_node", linkJson(s.getIntraNode())},
      {"inter_node", linkJson(s.getInterNode())},
  };
}

llvm::json::Object AccelDescribePass::spaceJson(SpaceOp op,
                                                const arch::SpaceSpec &spec,
                                                const arch::SpaceStats &st) {
  return llvm::json::Object{
      {"name", op.getSymName()},
      {"template", op.getTemplateChip()},
      {"area_budget_um2", spec.areaBudgetUm2},
      {"min_area_fraction", spec.minAreaFraction},
      {"candidates", static_cast<int64_t>(st.candidates)},
      {"admitted", static_cast<int64_t>(st.admitted)},
      {"unique_tensor_configs", static_cast<int64_t>(st.uniqueTensorConfigs)},
      {"unique_vector_configs", static_cast<int64_t>(st.uniqueVectorConfigs)},
      {"single_unit", static_cast<int64_t>(st.singleUnit)},
      {"min_area_um2", st.minAreaUm2},
      {"max_area_um2", st.maxAreaUm2},
  };
}

void AccelDescribePass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTableCollection symbols;

  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> out =
      openOutputFile(outputFile, &error);
  if (!out) {
    module.emitError() << "accel-describe: " << error;
    return signalPassFailure();
  }
  raw_ostream &os = out->os();

  llvm::json::Array chips, systems, spaces;
  bool any = false;
  bool failedAny = false;
  for (Operation &op : module.getBody()->getOperations()) {
    if (auto chip = dyn_cast<ChipOp>(op)) {
      any = true;
      if (emitJson)
        chips.push_back(chipJson(chip));
      else
        describeChip(chip, os);
    } else if (auto system = dyn_cast<SystemOp>(op)) {
      any = true;
      ChipOp chip = system.getChipOp(symbols);
      if (!chip) {
        system.emitOpError() << "chip " << system.getChipAttr()
                             << " does not resolve to an accel.chip";
        failedAny = true;
        continue;
      }
      if (emitJson)
        systems.push_back(systemJson(system, chip));
      else
        describeSystem(system, chip, os);
    } else if (auto space = dyn_cast<SpaceOp>(op)) {
      any = true;
      FailureOr<arch::SpaceSpec> spec = space.getSpec(symbols);
      if (failed(spec)) {
        failedAny = true;
        continue;
      }
      arch::SpaceStats st = arch::computeStats(*spec);
      if (emitJson) {
        spaces.push_back(spaceJson(space, *spec, st));
        continue;
      }
      os << "space @" << space.getSymName() << " (template @"
         << space.getTemplateChip() << ")\n";
      row(os, "area budget",
          llvm::formatv("{0:F2} mm^2 = {1:F2} um^2", spec->areaBudgetUm2 * 1e-6,
                        spec->areaBudgetUm2)
              .str());
      if (spec->minAreaFraction > 0)
        row(os, "lower-area rule",
            llvm::formatv("area >= {0} x budget{1}", spec->minAreaFraction,
                          spec->exemptSingleUnit
                              ? ", unless one tensor or vector unit"
                              : "")
                .str());
      row(os, "candidates", Twine(st.candidates));
      row(os, "admitted", Twine(st.admitted));
      row(os, "unique tensor configs", Twine(st.uniqueTensorConfigs));
      row(os, "unique vector configs", Twine(st.uniqueVectorConfigs));
      row(os, "single tensor/vector", Twine(st.singleUnit));
      if (st.admitted)
        row(os, "admitted area",
            llvm::formatv("{0:F2} to {1:F2} mm^2", st.minAreaUm2 * 1e-6,
                          st.maxAreaUm2 * 1e-6)
                .str());
      os << "\n";
    }
  }
  if (!any)
    module.emitWarning() << "accel-describe: the module holds no accel.chip, "
                            "accel.system or accel.space";
  if (emitJson) {
    llvm::json::Object root{{"chips", std::move(chips)},
                            {"systems", std::move(systems)},
                            {"spaces", std::move(spaces)}};
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  }
  out->keep();
  if (failedAny)
    return signalPassFailure();
  markAllAnalysesPreserved();
}

} // namespace
