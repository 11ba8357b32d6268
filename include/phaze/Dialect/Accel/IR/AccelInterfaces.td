//===- AccelInterfaces.td - accel attribute interfaces -----*- tablegen -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_ACCEL_IR_ACCELINTERFACES_TD
#define PHAZE_DIALECT_ACCEL_IR_ACCELINTERFACES_TD

include "mlir/IR/OpBase.td"

def Accel_DomainAttrInterface : AttrInterface<"DomainAttrInterface"> {
  let cppNamespace = "::mlir::phaze::accel";
  let description = [{
    A finite set of positive integer values that a search-space parameter
    ranges over.
  }];
  let methods = [
    InterfaceMethod<
      /*desc=*/"Returns the values of the domain, ascending, without duplicates.",
      /*retType=*/"::llvm::SmallVector<int64_t>",
      /*methodName=*/"getDomainValues",
      /*args=*/(ins)>
  ];
}

#endif // PHAZE_DIALECT_ACCEL_IR_ACCELINTERFACES_TD
