//===- Hardware.cpp - load accel chips and systems for a pass -------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "Hardware.h"

#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::phaze;

LogicalResult mlir::phaze::loadHardware(ModuleOp module, StringRef pass,
                                        StringRef hardware, StringRef chip,
                                        StringRef system,
                                        OwningOpRef<ModuleOp> &file,
                                        accel::ChipOp &chipOp,
                                        accel::SystemOp &sysOp) {
  ModuleOp source = module;
  if (!hardware.empty()) {
    llvm::SourceMgr mgr;
    std::string error;
    auto buffer = openInputFile(hardware, &error);
    if (!buffer)
      return module.emitError() << pass << ": " << error;
    mgr.AddNewSourceBuffer(std::move(buffer), SMLoc());
    file = parseSourceFile<ModuleOp>(mgr, module.getContext());
    if (!file)
      return module.emitError()
             << pass << ": cannot parse '" << hardware << "'";
    source = *file;
  }
  SmallVector<accel::ChipOp> chips(source.getOps<accel::ChipOp>());
  if (!chip.empty()) {
    for (accel::ChipOp c : chips)
      if (c.getSymName() == chip)
        chipOp = c;
    if (!chipOp)
      return module.emitError() << pass << ": no accel.chip @" << chip;
  } else if (chips.size() == 1) {
    chipOp = chips.front();
  } else {
    return module.emitError()
           << pass << ": "
           << (chips.empty() ? "no accel.chip found"
                             : "several accel.chip ops; choose one with "
                               "chip=NAME")
           << (hardware.empty()
                   ? std::string(" in the module (or give hardware=FILE)")
                   : (" in '" + hardware + "'").str());
  }
  for (accel::SystemOp s : source.getOps<accel::SystemOp>())
    if ((system.empty() && s.getChip() == chipOp.getSymName()) ||
        s.getSymName() == system)
      sysOp = s;
  if (!system.empty() && !sysOp)
    return module.emitError() << pass << ": no accel.system @" << system;
  return success();
}
