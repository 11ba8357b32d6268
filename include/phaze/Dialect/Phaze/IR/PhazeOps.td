//===- PhazeOps.td - phaze dialect operations --------------*- tablegen -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Collectives that tensor (Megatron) parallelism inserts into a layer.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_PHAZE_IR_PHAZEOPS_TD
#define PHAZE_DIALECT_PHAZE_IR_PHAZEOPS_TD

include "phaze/Dialect/Phaze/IR/PhazeBase.td"
include "mlir/IR/OpBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Phaze_Op<string mnemonic, list<Trait> traits = []>
    : Op<Phaze_Dialect, mnemonic, traits>;

def Phaze_AllReduceOp : Phaze_Op<"all_reduce",
    [Pure, SameOperandsAndResultType]> {
  let summary = "Sum a tensor over the devices of a tensor-parallel group";
  let description = [{
    Megatron's `g` operator (`reduce_from_tensor_model_parallel_region`):
    each of the `group_size` devices holds a partial sum, and the result is
    their sum on every device. Its gradient is the identity. It moves
    `getBytes()` bytes per device (a ring all-reduce sends
    2 (group_size - 1) / group_size of them).

    ```mlir
    %y = phaze.all_reduce %partial group(8) : tensor<2048x12288xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       ConfinedAttr<I64Attr, [IntPositive]>:$group_size);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `group` `(` $group_size `)` attr-dict `:` type($input)
  }];
  let extraClassDeclaration = [{
    /// Bytes of the tensor each device contributes.
    int64_t getBytes();
  }];
}

def Phaze_GradAllReduceOp : Phaze_Op<"grad_all_reduce",
    [Pure, SameOperandsAndResultType]> {
  let summary = "Identity forward; all-reduce of the gradient backward";
  let description = [{
    Megatron's `f` operator (`copy_to_tensor_model_parallel_region`): the
    input of a column-parallel layer is replicated on the `group_size`
    devices, so the forward is the identity and the backward sums the
    devices' partial input gradients (`phaze-training-graph` emits a
    `phaze.all_reduce` for it).

    ```mlir
    %x1 = phaze.grad_all_reduce %x group(8) : tensor<2048x12288xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       ConfinedAttr<I64Attr, [IntPositive]>:$group_size);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `group` `(` $group_size `)` attr-dict `:` type($input)
  }];
}

#endif // PHAZE_DIALECT_PHAZE_IR_PHAZEOPS_TD
