//===- AccelAttrs.cpp - accel hardware attributes -------------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Parsing helpers, verifiers and derived figures of the accel attributes.
//
//===----------------------------------------------------------------------===//

#include "phaze/Dialect/Accel/IR/AccelAttrs.h"
#include "phaze/Arch/AreaModel.h"
#include "phaze/Dialect/Accel/IR/AccelDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::phaze;
using namespace mlir::phaze::accel;

#include "phaze/Dialect/Accel/IR/AccelAttrInterfaces.cpp.inc"
#include "phaze/Dialect/Accel/IR/AccelEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "phaze/Dialect/Accel/IR/AccelAttrs.cpp.inc"

void AccelDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "phaze/Dialect/Accel/IR/AccelAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Parameter parsing and printing
//===----------------------------------------------------------------------===//

FailureOr<double> mlir::phaze::accel::parseF64(AsmParser &parser) {
  bool negative = succeeded(parser.parseOptionalMinus());
  APInt intValue;
  OptionalParseResult intResult = parser.parseOptionalInteger(intValue);
  if (intResult.has_value()) {
    if (failed(*intResult))
      return failure();
    // `1e9` lexes as the integer 1 followed by the identifier `e9`.
    SMLoc exponentLoc = parser.getCurrentLocation();
    StringRef exponent;
    if (succeeded(parser.parseOptionalKeyword(&exponent))) {
      std::string digits = llvm::toString(intValue, 10, /*Signed=*/false);
      if (exponent.starts_with_insensitive("e"))
        return parser.emitError(exponentLoc)
               << "MLIR float literals need a '.' before the exponent: write "
               << digits << ".0" << exponent << " instead of " << digits
               << exponent;
      return parser.emitError(exponentLoc)
             << "unexpected '" << exponent << "' after a number";
    }
    double v = intValue.roundToDouble(/*isSigned=*/false);
    return negative ? -v : v;
  }
  double value;
  if (parser.parseFloat(value))
    return failure();
  return negative ? -value : value;
}

FailureOr<std::optional<F64>>
mlir::phaze::accel::parseOptionalF64Field(AsmParser &parser) {
  FailureOr<double> v = parseF64(parser);
  if (failed(v))
    return failure();
  return std::optional<F64>(F64(*v));
}

std::string mlir::phaze::accel::formatF64(double value) {
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value)
      break;
  }
  std::string text(buf);
  // MLIR float literals need a '.' before the exponent.
  if (std::isfinite(value) && text.find('.') == std::string::npos) {
    size_t e = text.find_first_of("eE");
    if (e == std::string::npos)
      text += ".0";
    else
      text.insert(e, ".0");
  }
  return text;
}

void mlir::phaze::accel::printF64(AsmPrinter &printer, double value) {
  printer << formatF64(value);
}

FailureOr<bool> mlir::phaze::accel::parseBool(AsmParser &parser) {
  if (succeeded(parser.parseOptionalKeyword("true")))
    return true;
  if (succeeded(parser.parseOptionalKeyword("false")))
    return false;
  return parser.emitError(parser.getCurrentLocation(),
                          "expected 'true' or 'false'");
}

arch::Param mlir::phaze::accel::toArchParam(SpaceParam p) {
  switch (p) {
  case SpaceParam::TensorCount:
    return arch::Param::TensorCount;
  case SpaceParam::VectorCount:
    return arch::Param::VectorCount;
  case SpaceParam::TensorCols:
    return arch::Param::TensorCols;
  case SpaceParam::TensorRows:
    return arch::Param::TensorRows;
  case SpaceParam::VectorLanes:
    return arch::Param::VectorLanes;
  case SpaceParam::GlobalBufferBytes:
    return arch::Param::GlobalBufferBytes;
  }
  llvm_unreachable("unknown space parameter");
}

//===----------------------------------------------------------------------===//
// Verification helpers
//===----------------------------------------------------------------------===//

using EmitErrorFn = function_ref<InFlightDiagnostic()>;

/// `value` must be > 0.
static LogicalResult checkPositive(EmitErrorFn emitError, StringRef field,
                                   int64_t value) {
  if (value > 0)
    return success();
  return emitError() << "'" << field << "' must be positive, got " << value;
}

/// `value` must be >= 0.
static LogicalResult checkNonNegative(EmitErrorFn emitError, StringRef field,
                                      int64_t value) {
  if (value >= 0)
    return success();
  return emitError() << "'" << field << "' must not be negative, got " << value;
}

/// `value` must be finite and > 0.
static LogicalResult checkPositive(EmitErrorFn emitError, StringRef field,
                                   double value) {
  if (std::isfinite(value) && value > 0)
    return success();
  return emitError() << "'" << field << "' must be positive and finite, got "
                     << formatF64(value);
}

/// A bandwidth in bytes/s: positive, and not implausibly small for the unit.
static LogicalResult checkBandwidth(EmitErrorFn emitError, StringRef field,
                                    double value) {
  if (failed(checkPositive(emitError, field, value)))
    return failure();
  if (value < 1e6)
    return emitError() << "'" << field << "' = " << formatF64(value)
                       << " is below 1 MB/s; bandwidths are in bytes per "
                          "second (did you give GB/s?)";
  return success();
}

/// An efficiency factor in (0, 1].
static LogicalResult checkEfficiency(EmitErrorFn emitError, double value) {
  if (value > 0 && value <= 1)
    return success();
  return emitError() << "'efficiency' is the achievable fraction of peak "
                        "and must be in (0, 1], got "
                     << formatF64(value);
}

/// An element type a unit computes on: an integer or float type.
static LogicalResult checkElementType(EmitErrorFn emitError, StringRef field,
                                      Type type) {
  if (type && (isa<IntegerType>(type) || isa<FloatType>(type)))
    return success();
  return emitError() << "'" << field
                     << "' must be an integer or floating-point type, got "
                     << type;
}

//===----------------------------------------------------------------------===//
// MemoryAttr
//===----------------------------------------------------------------------===//

LogicalResult MemoryAttr::verify(EmitErrorFn emitError, int64_t capacityBytes,
                                 F64 bandwidth) {
  if (failed(checkPositive(emitError, "capacity_bytes", capacityBytes)) ||
      failed(checkBandwidth(emitError, "bandwidth_bytes_per_s", bandwidth)))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// TensorUnitAttr, VectorUnitAttr
//===----------------------------------------------------------------------===//

LogicalResult TensorUnitAttr::verify(EmitErrorFn emitError, int64_t count,
                                     TensorUnitKind kind, int64_t batch,
                                     int64_t rows, int64_t cols, Type macType,
                                     Type accType, MemoryAttr localBuffer,
                                     F64 efficiency) {
  if (failed(checkNonNegative(emitError, "count", count)) ||
      failed(checkPositive(emitError, "batch", batch)) ||
      failed(checkPositive(emitError, "rows", rows)) ||
      failed(checkPositive(emitError, "cols", cols)) ||
      failed(checkElementType(emitError, "mac_type", macType)) ||
      failed(checkElementType(emitError, "acc_type", accType)) ||
      failed(checkEfficiency(emitError, efficiency)))
    return failure();
  if (kind == TensorUnitKind::Systolic && batch != 1)
    return emitError() << "a systolic tensor unit has 'batch' = 1, got "
                       << batch << "; use 'kind = intrinsic' for a "
                       << "batch x rows x cols GEMM instruction";
  if (accType.getIntOrFloatBitWidth() < macType.getIntOrFloatBitWidth())
    return emitError() << "'acc_type' " << accType
                       << " is narrower than 'mac_type' " << macType;
  if (!localBuffer)
    return emitError() << "'local_buffer' is required";
  return success();
}

LogicalResult VectorUnitAttr::verify(EmitErrorFn emitError, int64_t count,
                                     int64_t lanes, Type elemType,
                                     MemoryAttr localBuffer, F64 efficiency) {
  if (failed(checkNonNegative(emitError, "count", count)) ||
      failed(checkPositive(emitError, "lanes", lanes)) ||
      failed(checkElementType(emitError, "elem_type", elemType)) ||
      failed(checkEfficiency(emitError, efficiency)))
    return failure();
  if (!localBuffer)
    return emitError() << "'local_buffer' is required";
  return success();
}

//===----------------------------------------------------------------------===//
// ChipAttr
//===----------------------------------------------------------------------===//

LogicalResult ChipAttr::verify(EmitErrorFn emitError, F64 clockHz,
                               TensorUnitAttr tensor, VectorUnitAttr vector,
                               MemoryAttr globalBuffer, MemoryAttr offChip) {
  if (failed(checkPositive(emitError, "clock_hz", clockHz)))
    return failure();
  if (clockHz < 1e6)
    return emitError() << "'clock_hz' = " << formatF64(clockHz)
                       << " is below 1 MHz; the clock is in Hz (did you give "
                          "MHz or GHz?)";
  if (clockHz > 1e11)
    return emitError() << "'clock_hz' = " << formatF64(clockHz)
                       << " is above 100 GHz; the clock is in Hz";
  if (!tensor || !vector || !globalBuffer || !offChip)
    return emitError() << "a chip needs 'tensor', 'vector', 'global_buffer' "
                          "and 'off_chip'";
  if (tensor.getCount() == 0 && vector.getCount() == 0)
    return emitError() << "a chip needs at least one tensor or vector unit";
  if (offChip.getCapacityBytes() < globalBuffer.getCapacityBytes())
    return emitError() << "off-chip memory (" << offChip.getCapacityBytes()
                       << " bytes) is smaller than the global buffer ("
                       << globalBuffer.getCapacityBytes()
                       << " bytes); capacities are in bytes";
  return success();
}

arch::ChipConfig ChipAttr::getConfig() const {
  arch::ChipConfig c;
  TensorUnitAttr t = getTensor();
  VectorUnitAttr v = getVector();
  c.tensorCount = t.getCount();
  c.tensorBatch = t.getBatch();
  c.tensorRows = t.getRows();
  c.tensorCols = t.getCols();
  c.tensorLocalBufferBytes = t.getLocalBuffer().getCapacityBytes();
  c.vectorCount = v.getCount();
  c.vectorLanes = v.getLanes();
  c.vectorLocalBufferBytes = v.getLocalBuffer().getCapacityBytes();
  c.globalBufferBytes = getGlobalBuffer().getCapacityBytes();
  return c;
}

double ChipAttr::getAreaUm2() const { return arch::chipAreaUm2(getConfig()); }

//===----------------------------------------------------------------------===//
// LinkAttr, SystemAttr
//===----------------------------------------------------------------------===//

LogicalResult LinkAttr::verify(EmitErrorFn emitError, LinkKind kind,
                               F64 bandwidth, F64 latency) {
  if (failed(checkBandwidth(emitError, "bandwidth_bytes_per_s", bandwidth)))
    return failure();
  if (!std::isfinite(latency) || latency < 0)
    return emitError() << "'latency_s' must be finite and not negative, got "
                       << formatF64(latency);
  if (latency >= 1.0)
    return emitError() << "'latency_s' = " << formatF64(latency)
                       << " s is implausible for a link; latencies are in "
                          "seconds (did you give us or ns?)";
  return success();
}

LogicalResult SystemAttr::verify(EmitErrorFn emitError, int64_t devices,
                                 int64_t devicesPerNode, LinkAttr intraNode,
                                 LinkAttr interNode) {
  if (failed(checkPositive(emitError, "devices", devices)) ||
      failed(checkPositive(emitError, "devices_per_node", devicesPerNode)))
    return failure();
  if (devices % devicesPerNode != 0)
    return emitError() << "'devices_per_node' = " << devicesPerNode
                       << " does not divide 'devices' = " << devices;
  if (devicesPerNode > 1 && !intraNode)
    return emitError() << "'intra_node' link is required when a node holds "
                       << devicesPerNode << " devices";
  if (!interNode)
    return emitError() << "'inter_node' link is required";
  return success();
}

//===----------------------------------------------------------------------===//
// Domains
//===----------------------------------------------------------------------===//

static bool isPowerOfTwo(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

LogicalResult Pow2RangeAttr::verify(EmitErrorFn emitError, int64_t min,
                                    int64_t max) {
  if (failed(checkPositive(emitError, "min", min)) ||
      failed(checkPositive(emitError, "max", max)))
    return failure();
  if (!isPowerOfTwo(min) || !isPowerOfTwo(max))
    return emitError() << "bounds of a power-of-two range must be powers of "
                          "two, got ["
                       << min << ", " << max << "]";
  if (min > max)
    return emitError() << "empty range: min " << min << " > max " << max;
  return success();
}

SmallVector<int64_t> Pow2RangeAttr::getDomainValues() const {
  SmallVector<int64_t> v;
  for (int64_t x = getMin(); x <= getMax(); x *= 2) {
    v.push_back(x);
    if (x > getMax() / 2) // the next power would pass max (or overflow)
      break;
  }
  return v;
}

LogicalResult IntRangeAttr::verify(EmitErrorFn emitError, int64_t min,
                                   int64_t max, int64_t step) {
  if (failed(checkPositive(emitError, "min", min)) ||
      failed(checkPositive(emitError, "step", step)))
    return failure();
  if (min > max)
    return emitError() << "empty range: min " << min << " > max " << max;
  if ((max - min) / step >= (int64_t(1) << 24))
    return emitError() << "range has more than 2^24 values";
  return success();
}

SmallVector<int64_t> IntRangeAttr::getDomainValues() const {
  SmallVector<int64_t> v;
  int64_t n = (getMax() - getMin()) / getStep() + 1;
  for (int64_t i = 0; i < n; ++i)
    v.push_back(getMin() + i * getStep());
  return v;
}

LogicalResult IntSetAttr::verify(EmitErrorFn emitError,
                                 ArrayRef<int64_t> values) {
  if (values.empty())
    return emitError() << "empty set";
  for (int64_t v : values)
    if (v <= 0)
      return emitError() << "set values must be positive, got " << v;
  SmallVector<int64_t> sorted(values);
  llvm::sort(sorted);
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    return emitError() << "set has duplicate values";
  return success();
}

SmallVector<int64_t> IntSetAttr::getDomainValues() const {
  SmallVector<int64_t> v(getValues());
  llvm::sort(v);
  return v;
}

//===----------------------------------------------------------------------===//
// SpaceAttr
//===----------------------------------------------------------------------===//

Attribute SpaceAttr::getDomain(SpaceParam p) const {
  switch (p) {
  case SpaceParam::TensorCount:
    return getTensorCount();
  case SpaceParam::VectorCount:
    return getVectorCount();
  case SpaceParam::TensorCols:
    return getTensorCols();
  case SpaceParam::TensorRows:
    return getTensorRows();
  case SpaceParam::VectorLanes:
    return getVectorLanes();
  case SpaceParam::GlobalBufferBytes:
    return getGlobalBufferBytes();
  }
  llvm_unreachable("unknown space parameter");
}

static constexpr SpaceParam kAllParams[] = {
    SpaceParam::TensorCount, SpaceParam::VectorCount,
    SpaceParam::TensorCols,  SpaceParam::TensorRows,
    SpaceParam::VectorLanes, SpaceParam::GlobalBufferBytes};

LogicalResult SpaceAttr::verify(
    EmitErrorFn emitError, Attribute tensorCount, Attribute vectorCount,
    Attribute tensorCols, Attribute tensorRows, Attribute vectorLanes,
    Attribute globalBufferBytes, std::optional<F64> areaBudgetUm2,
    F64 minAreaFraction, bool exemptSingleUnit, int64_t localBufferBytesPerMac,
    int64_t localBufferMinBytes, std::optional<F64> powerBudgetW) {
  Attribute domains[] = {tensorCount, vectorCount, tensorCols,
                         tensorRows,  vectorLanes, globalBufferBytes};
  for (auto [p, d] : llvm::zip_equal(kAllParams, domains)) {
    StringRef name = stringifySpaceParam(p);
    if (!d)
      return emitError() << "'" << name << "' is required";
    if (isa<DomainAttrInterface>(d))
      continue;
    auto tied = dyn_cast<TiedAttr>(d);
    if (!tied)
      return emitError() << "'" << name
                         << "' must be a domain (#accel.pow2_range, "
                            "#accel.int_range, #accel.int_set) or "
                            "#accel.tied, got "
                         << d;
    if (tied.getTarget() == p)
      return emitError() << "'" << name << "' is tied to itself";
    Attribute target = domains[static_cast<int>(tied.getTarget())];
    if (isa_and_nonnull<TiedAttr>(target))
      return emitError() << "'" << name << "' is tied to '"
                         << stringifySpaceParam(tied.getTarget())
                         << "', which is itself tied";
  }
  if (areaBudgetUm2 &&
      failed(checkPositive(emitError, "area_budget_um2", *areaBudgetUm2)))
    return failure();
  if (!(minAreaFraction >= 0 && minAreaFraction < 1))
    return emitError() << "'min_area_fraction' must be in [0, 1), got "
                       << formatF64(minAreaFraction);
  if (failed(checkNonNegative(emitError, "local_buffer_bytes_per_mac",
                              localBufferBytesPerMac)) ||
      failed(checkNonNegative(emitError, "local_buffer_min_bytes",
                              localBufferMinBytes)))
    return failure();
  if (powerBudgetW &&
      failed(checkPositive(emitError, "power_budget_w", *powerBudgetW)))
    return failure();
  return success();
}

arch::SpaceSpec SpaceAttr::getSpec(ChipAttr templ, double budgetUm2) const {
  arch::SpaceSpec spec;
  for (SpaceParam p : kAllParams) {
    arch::ParamDomain &d = spec.domains[static_cast<int>(toArchParam(p))];
    Attribute attr = getDomain(p);
    if (auto tied = dyn_cast<TiedAttr>(attr)) {
      d.tiedTo = toArchParam(tied.getTarget());
      continue;
    }
    SmallVector<int64_t> values =
        cast<DomainAttrInterface>(attr).getDomainValues();
    d.values.assign(values.begin(), values.end());
  }
  spec.base = templ.getConfig();
  spec.areaBudgetUm2 = budgetUm2;
  spec.minAreaFraction = getMinAreaFraction();
  spec.exemptSingleUnit = getExemptSingleUnit();
  spec.localBufferBytesPerMac = getLocalBufferBytesPerMac();
  spec.localBufferMinBytes = getLocalBufferMinBytes();
  return spec;
}
