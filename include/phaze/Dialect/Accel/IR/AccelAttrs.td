//===- AccelAttrs.td - accel hardware attributes -----------*- tablegen -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Parameterized attributes that describe memories, compute units, chips,
// systems of chips and architecture search spaces. Every quantity is in the
// physical unit that its field name states.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_ACCEL_IR_ACCELATTRS_TD
#define PHAZE_DIALECT_ACCEL_IR_ACCELATTRS_TD

include "phaze/Dialect/Accel/IR/AccelBase.td"
include "phaze/Dialect/Accel/IR/AccelInterfaces.td"

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

def Accel_MemoryAttr : Accel_Attr<"Memory", "memory"> {
  let summary = "A memory level: capacity in bytes, bandwidth in bytes/s";
  let description = [{
    One level of the memory hierarchy: a unit's local buffer, the on-chip
    global buffer, or off-chip memory (HBM).

    ```mlir
    #accel.memory<capacity_bytes = 134217728, bandwidth_bytes_per_s = 1.2e12>
    ```

    `getBytesPerCycle(clockHz)` gives the bandwidth per clock cycle.
  }];
  let parameters = (ins
    "int64_t":$capacity_bytes,
    Accel_F64Parameter:$bandwidth_bytes_per_s
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Bytes the memory delivers per cycle of a clock at `clockHz`.
    double getBytesPerCycle(double clockHz) const {
      return getBandwidthBytesPerS() / clockHz;
    }
  }];
}

//===----------------------------------------------------------------------===//
// Compute units
//===----------------------------------------------------------------------===//

def Accel_TensorUnitAttr : Accel_Attr<"TensorUnit", "tensor_unit"> {
  let summary = "`count` identical tensor units (MAC arrays or GEMM intrinsics)";
  let description = [{
    A group of `count` identical tensor units. A unit is either

    * `kind = systolic`: a `rows x cols` MAC array; each cycle it consumes
      one `rows`-long slice of the reduction axis and produces partial sums
      for `cols` outputs (`batch` must be 1); or
    * `kind = intrinsic`: a fixed GEMM instruction of shape
      `batch x rows x cols` (VTA: BATCH x BLOCK_IN x BLOCK_OUT), i.e. `batch`
      input rows times a `rows x cols` weight block per cycle.

    Either way a unit does `batch * rows * cols` MACs per cycle, with `rows`
    the reduction extent and `cols` the output extent. `mac_type` and
    `acc_type` are the multiply and accumulate element types, `local_buffer`
    the unit's private buffer, and `efficiency` the achievable fraction of
    peak (a calibration factor in (0, 1]).

    ```mlir
    #accel.tensor_unit<count = 8, kind = systolic, rows = 128, cols = 128,
                       mac_type = bf16, acc_type = f32,
                       local_buffer = <capacity_bytes = 262144,
                                       bandwidth_bytes_per_s = 1.3e11>>
    ```
  }];
  let parameters = (ins
    "int64_t":$count,
    EnumParameter<Accel_TensorUnitKind>:$kind,
    DefaultValuedParameter<"int64_t", "1">:$batch,
    "int64_t":$rows,
    "int64_t":$cols,
    "::mlir::Type":$mac_type,
    "::mlir::Type":$acc_type,
    "MemoryAttr":$local_buffer,
    Accel_DefaultF64Parameter<"1.0">:$efficiency
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// MACs one unit performs per cycle: batch * rows * cols.
    int64_t getMacsPerCyclePerUnit() const {
      return getBatch() * getRows() * getCols();
    }
    /// MACs all `count` units perform per cycle.
    int64_t getMacsPerCycle() const {
      return getCount() * getMacsPerCyclePerUnit();
    }
    /// Peak FLOP/s of all units at `clockHz` (2 FLOPs per MAC), before the
    /// efficiency factor.
    double getPeakFlops(double clockHz) const {
      return 2.0 * static_cast<double>(getMacsPerCycle()) * clockHz;
    }
  }];
}

def Accel_VectorUnitAttr : Accel_Attr<"VectorUnit", "vector_unit"> {
  let summary = "`count` identical SIMD vector units of `lanes` lanes";
  let description = [{
    A group of `count` identical vector units for elementwise, reduction and
    normalization work. Each lane performs one multiply-accumulate (2 FLOPs)
    per cycle on `elem_type` elements.

    ```mlir
    #accel.vector_unit<count = 2, lanes = 128, elem_type = bf16,
                       local_buffer = <capacity_bytes = 2048,
                                       bandwidth_bytes_per_s = 1.3e11>>
    ```
  }];
  let parameters = (ins
    "int64_t":$count,
    "int64_t":$lanes,
    "::mlir::Type":$elem_type,
    "MemoryAttr":$local_buffer,
    Accel_DefaultF64Parameter<"1.0">:$efficiency
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Lanes of all `count` units.
    int64_t getLanesTotal() const { return getCount() * getLanes(); }
    /// Peak FLOP/s of all units at `clockHz` (2 FLOPs per lane per cycle),
    /// before the efficiency factor.
    double getPeakFlops(double clockHz) const {
      return 2.0 * static_cast<double>(getLanesTotal()) * clockHz;
    }
  }];
}

//===----------------------------------------------------------------------===//
// Chip
//===----------------------------------------------------------------------===//

def Accel_ChipAttr : Accel_Attr<"Chip", "chip"> {
  let summary = "One accelerator chip";
  let description = [{
    A chip: a clock in Hz, tensor units, vector units, a global buffer shared
    by all units, and off-chip memory.

    ```mlir
    #accel.chip<clock_hz = 1.05e9,
                tensor = <count = 8, kind = systolic, rows = 128, cols = 128, ...>,
                vector = <count = 2, lanes = 128, ...>,
                global_buffer = <capacity_bytes = 134217728, ...>,
                off_chip = <capacity_bytes = 34359738368, ...>>
    ```

    Derived figures are methods: `getPeakFlops()`, `getMacsPerCycle()`,
    `getOffChipBytesPerCycle()`, `getAreaUm2()` (PHAZE's area model; see
    docs/HardwareModel.md), `getMachineBalance()` (FLOPs per off-chip byte).
  }];
  let parameters = (ins
    Accel_F64Parameter:$clock_hz,
    "TensorUnitAttr":$tensor,
    "VectorUnitAttr":$vector,
    "MemoryAttr":$global_buffer,
    "MemoryAttr":$off_chip
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// MACs per cycle of all tensor units.
    int64_t getMacsPerCycle() const { return getTensor().getMacsPerCycle(); }
    /// Peak FLOP/s of the tensor units.
    double getTensorPeakFlops() const {
      return getTensor().getPeakFlops(getClockHz());
    }
    /// Peak FLOP/s of the vector units.
    double getVectorPeakFlops() const {
      return getVector().getPeakFlops(getClockHz());
    }
    /// Peak FLOP/s of the chip: tensor and vector units together.
    double getPeakFlops() const {
      return getTensorPeakFlops() + getVectorPeakFlops();
    }
    /// Off-chip bytes per cycle.
    double getOffChipBytesPerCycle() const {
      return getOffChip().getBytesPerCycle(getClockHz());
    }
    /// Tensor-unit peak FLOPs per byte of off-chip bandwidth.
    double getMachineBalance() const {
      return getTensorPeakFlops() / getOffChip().getBandwidthBytesPerS();
    }
    /// The chip's area in um^2 under PHAZE's area model.
    double getAreaUm2() const;
    /// The IR-free configuration that the area model and the space
    /// enumeration use.
    ::mlir::phaze::arch::ChipConfig getConfig() const;
  }];
}

//===----------------------------------------------------------------------===//
// System
//===----------------------------------------------------------------------===//

def Accel_LinkAttr : Accel_Attr<"Link", "link"> {
  let summary = "A device interconnect: bandwidth per direction and latency";
  let description = [{
    A link between devices, with its per-device, per-direction bandwidth in
    bytes/s and its latency in seconds.

    ```mlir
    #accel.link<kind = nvlink, bandwidth_bytes_per_s = 3.0e11, latency_s = 1.0e-6>
    ```
  }];
  let parameters = (ins
    EnumParameter<Accel_LinkKind>:$kind,
    Accel_F64Parameter:$bandwidth_bytes_per_s,
    Accel_F64Parameter:$latency_s
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Accel_SystemAttr : Accel_Attr<"System", "system"> {
  let summary = "Many chips: device count, devices per node, links";
  let description = [{
    `devices` chips, grouped into nodes of `devices_per_node`. Traffic inside
    a node uses `intra_node` (required when a node holds more than one
    device); traffic between nodes uses `inter_node`.

    ```mlir
    #accel.system<devices = 1024, devices_per_node = 8,
                  intra_node = <kind = nvlink, ...>,
                  inter_node = <kind = infiniband, ...>>
    ```
  }];
  let parameters = (ins
    "int64_t":$devices,
    "int64_t":$devices_per_node,
    OptionalParameter<"LinkAttr">:$intra_node,
    "LinkAttr":$inter_node
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Number of nodes: devices / devices_per_node.
    int64_t getNumNodes() const { return getDevices() / getDevicesPerNode(); }
  }];
}

//===----------------------------------------------------------------------===//
// Parameter domains
//===----------------------------------------------------------------------===//

def Accel_Pow2RangeAttr : Accel_Attr<"Pow2Range", "pow2_range",
    [DeclareAttrInterfaceMethods<Accel_DomainAttrInterface>]> {
  let summary = "The powers of two from `min` to `max`, inclusive";
  let description = [{
    ```mlir
    #accel.pow2_range<1, 4096>   // 1, 2, 4, ..., 4096
    ```
  }];
  let parameters = (ins "int64_t":$min, "int64_t":$max);
  let assemblyFormat = "`<` $min `,` $max `>`";
  let genVerifyDecl = 1;
}

def Accel_IntRangeAttr : Accel_Attr<"IntRange", "int_range",
    [DeclareAttrInterfaceMethods<Accel_DomainAttrInterface>]> {
  let summary = "The integers from `min` to `max` in steps of `step`";
  let description = [{
    ```mlir
    #accel.int_range<16, 64, step = 16>   // 16, 32, 48, 64
    ```
  }];
  let parameters = (ins "int64_t":$min, "int64_t":$max,
                        DefaultValuedParameter<"int64_t", "1">:$step);
  let assemblyFormat = "`<` $min `,` $max (`,` `step` `=` $step^)? `>`";
  let genVerifyDecl = 1;
}

def Accel_IntSetAttr : Accel_Attr<"IntSet", "int_set",
    [DeclareAttrInterfaceMethods<Accel_DomainAttrInterface>]> {
  let summary = "An explicit set of positive integers";
  let description = [{
    ```mlir
    #accel.int_set<[96, 128, 192]>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$values);
  let assemblyFormat = "`<` `[` $values `]` `>`";
  let genVerifyDecl = 1;
}

def Accel_TiedAttr : Accel_Attr<"Tied", "tied"> {
  let summary = "A parameter that always equals another parameter";
  let description = [{
    Ties a search-space parameter to another one, as PHAZE ties the vector
    units' lane count to the tensor units' width:

    ```mlir
    vector_lanes = #accel.tied<tensor_cols>
    ```
  }];
  let parameters = (ins EnumParameter<Accel_SpaceParam>:$target);
  let assemblyFormat = "`<` $target `>`";
}

//===----------------------------------------------------------------------===//
// Search space
//===----------------------------------------------------------------------===//

def Accel_SpaceAttr : Accel_Attr<"Space", "space"> {
  let summary = "An architecture search space";
  let description = [{
    One domain per architecture parameter (`#accel.pow2_range`,
    `#accel.int_range`, `#accel.int_set`, or `#accel.tied` to another
    parameter), and the rules that admit a configuration:

    * `area_budget_um2`: a configuration's area must not exceed it (it may
      instead come from a reference chip, see `accel.space`);
    * `min_area_fraction`: PHAZE's lower-area rule; a configuration must
      have at least this fraction of the budget, unless
      `exempt_single_unit` is true and it has a single tensor or vector
      unit;
    * local buffers are sized as in PHAZE:
      `max(local_buffer_bytes_per_mac * MACs, local_buffer_min_bytes)`;
    * `power_budget_w`: recorded and verified positive; enforced once phaze
      has an energy model.

    ```mlir
    #accel.space<tensor_count = #accel.pow2_range<1, 4096>,
                 vector_count = #accel.pow2_range<1, 4096>,
                 tensor_cols = #accel.pow2_range<2, 256>,
                 tensor_rows = #accel.pow2_range<2, 256>,
                 vector_lanes = #accel.tied<tensor_cols>,
                 global_buffer_bytes = #accel.pow2_range<2097152, 134217728>,
                 min_area_fraction = 0.3, exempt_single_unit = true>
    ```
  }];
  let parameters = (ins
    "::mlir::Attribute":$tensor_count,
    "::mlir::Attribute":$vector_count,
    "::mlir::Attribute":$tensor_cols,
    "::mlir::Attribute":$tensor_rows,
    "::mlir::Attribute":$vector_lanes,
    "::mlir::Attribute":$global_buffer_bytes,
    Accel_OptionalF64Parameter:$area_budget_um2,
    Accel_DefaultF64Parameter<"0.0">:$min_area_fraction,
    Accel_DefaultFalseParameter:$exempt_single_unit,
    DefaultValuedParameter<"int64_t", "16">:$local_buffer_bytes_per_mac,
    DefaultValuedParameter<"int64_t", "1024">:$local_buffer_min_bytes,
    Accel_OptionalF64Parameter:$power_budget_w
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The domain attribute of parameter `p`.
    ::mlir::Attribute getDomain(SpaceParam p) const;
    /// Lowers the space onto the IR-free enumeration library, with the
    /// non-enumerated fields taken from `templ` and the area budget
    /// `budgetUm2`.
    ::mlir::phaze::arch::SpaceSpec getSpec(ChipAttr templ,
                                           double budgetUm2) const;
  }];
}

#endif // PHAZE_DIALECT_ACCEL_IR_ACCELATTRS_TD
