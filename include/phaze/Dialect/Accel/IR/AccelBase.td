//===- AccelBase.td - accel dialect definition -------------*- tablegen -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The accel dialect describes accelerator hardware as IR: chips, multi-device
// systems and architecture search spaces.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_ACCEL_IR_ACCELBASE_TD
#define PHAZE_DIALECT_ACCEL_IR_ACCELBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Accel_Dialect : Dialect {
  let name = "accel";
  let cppNamespace = "::mlir::phaze::accel";
  let summary = "Accelerator hardware described as IR";
  let description = [{
    The `accel` dialect describes the hardware that phaze searches over and
    estimates costs on, in physical units named in every field:

    * a chip (`#accel.chip`): tensor units (a systolic `rows x cols` MAC
      array, or a fixed GEMM intrinsic `batch x rows x cols` such as VTA's
      1x16x16), vector units (`lanes` wide), per-unit local buffers, a shared
      on-chip global buffer, off-chip memory and a clock in Hz;
    * a system (`#accel.system`): how many chips, how many per node, and the
      intra-node and inter-node links (bandwidth in bytes/s, latency in s);
    * a search space (`#accel.space`): a domain per architecture parameter
      (powers of two, ranges, explicit sets, or tied to another parameter),
      an area budget in um^2 and PHAZE's lower-area rule.

    Derived figures (peak FLOP/s, MACs per cycle, bytes per cycle, area) are
    methods of the attributes, never stored numbers. The `accel.chip`,
    `accel.system` and `accel.space` operations give descriptions a symbol
    name so that a file can hold several and refer to them.
  }];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class Accel_Op<string mnemonic, list<Trait> traits = []>
    : Op<Accel_Dialect, mnemonic, traits>;

class Accel_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Accel_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

/// A double-precision parameter. It prints the shortest text that parses back
/// to the same value and accepts both integer and floating-point literals.
def Accel_F64Parameter : AttrParameter<"::mlir::phaze::accel::F64", "a 64-bit float"> {
  let parser = "::mlir::phaze::accel::parseF64($_parser)";
  let printer = "::mlir::phaze::accel::printF64($_printer, $_self)";
}

class Accel_DefaultF64Parameter<string default>
    : DefaultValuedParameter<"::mlir::phaze::accel::F64", default,
                             "a 64-bit float"> {
  let parser = "::mlir::phaze::accel::parseF64($_parser)";
  let printer = "::mlir::phaze::accel::printF64($_printer, $_self)";
}

/// An optional double: absent prints nothing.
def Accel_OptionalF64Parameter
    : OptionalParameter<"std::optional<::mlir::phaze::accel::F64>",
                        "an optional 64-bit float"> {
  let parser = "::mlir::phaze::accel::parseOptionalF64Field($_parser)";
  let printer = "::mlir::phaze::accel::printF64($_printer, *$_self)";
}

/// A boolean parameter spelled `true` or `false`, `false` by default.
def Accel_DefaultFalseParameter
    : DefaultValuedParameter<"bool", "false", "a boolean"> {
  let parser = "::mlir::phaze::accel::parseBool($_parser)";
  let printer = "$_printer << ($_self ? \"true\" : \"false\")";
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Accel_TensorUnitKind : I32EnumAttr<"TensorUnitKind",
    "how a tensor unit computes", [
      I32EnumAttrCase<"Systolic", 0, "systolic">,
      I32EnumAttrCase<"Intrinsic", 1, "intrinsic">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::phaze::accel";
}

def Accel_LinkKind : I32EnumAttr<"LinkKind", "kind of device interconnect", [
      I32EnumAttrCase<"Generic", 0, "generic">,
      I32EnumAttrCase<"NVLink", 1, "nvlink">,
      I32EnumAttrCase<"InfiniBand", 2, "infiniband">,
      I32EnumAttrCase<"ICI", 3, "ici">,
      I32EnumAttrCase<"PCIe", 4, "pcie">,
      I32EnumAttrCase<"Ethernet", 5, "ethernet">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::phaze::accel";
}

def Accel_SpaceParam : I32EnumAttr<"SpaceParam",
    "an architecture parameter of a search space", [
      I32EnumAttrCase<"TensorCount", 0, "tensor_count">,
      I32EnumAttrCase<"VectorCount", 1, "vector_count">,
      I32EnumAttrCase<"TensorCols", 2, "tensor_cols">,
      I32EnumAttrCase<"TensorRows", 3, "tensor_rows">,
      I32EnumAttrCase<"VectorLanes", 4, "vector_lanes">,
      I32EnumAttrCase<"GlobalBufferBytes", 5, "global_buffer_bytes">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::phaze::accel";
}

#endif // PHAZE_DIALECT_ACCEL_IR_ACCELBASE_TD
