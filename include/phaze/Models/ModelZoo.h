//===- ModelZoo.h - transformer workloads as linalg-on-tensors --*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Builds the forward pass of well-known transformer models as linalg on
// tensors, the same kind of IR torch-mlir or IREE emit for them: named
// matmuls and batch matmuls, linalg.generic for normalization, softmax,
// activations and embeddings, tensor reshapes and transposes, weights as
// splat constants. One flat function, every layer spelled out.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_MODELS_MODELZOO_H
#define PHAZE_MODELS_MODELZOO_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
namespace phaze {

/// Hyperparameters of a transformer.
struct TransformerConfig {
  enum class Family { GPT, BERT, OPT, Llama };
  enum class Norm { LayerNorm, RMSNorm };
  enum class Ffn { Gelu, Relu, SwiGLU };

  std::string name;
  std::string description;
  std::string source;
  Family family = Family::GPT;
  Norm norm = Norm::LayerNorm;
  Ffn ffn = Ffn::Gelu;
  int64_t layers = 0;
  int64_t hidden = 0;
  int64_t heads = 0;
  int64_t ffnHidden = 0;
  int64_t vocab = 0;
  /// Default sequence length.
  int64_t seq = 0;
  /// OPT's word-embedding projection dimension (0: none).
  int64_t projDim = 0;
  /// Pre-norm (GPT, Llama) or post-norm (BERT, OPT-350M) residual blocks.
  bool preNorm = true;
  /// Causal attention mask.
  bool causal = true;
  /// Learned position embeddings (GPT, BERT, OPT); Llama uses rotary.
  bool learnedPositions = true;
  /// Biases on the linear layers.
  bool bias = true;
  /// A language-model head (final projection to the vocabulary).
  bool lmHead = true;
};

/// The models phaze ships.
const std::vector<TransformerConfig> &getModelZoo();

/// The model named `name`, or null.
const TransformerConfig *lookupModel(const std::string &name);

/// How to instantiate a model.
struct ModelOptions {
  /// Sequence length (0: the model's default).
  int64_t seq = 0;
  /// Microbatch size.
  int64_t mbs = 1;
  /// Vocabulary size (0: the model's default).
  int64_t vocab = 0;
  /// Layers (0: the model's default).
  int64_t layers = 0;
};

/// Builds `@forward` for `config` into a new module. Returns null and sets
/// `error` if the options are inconsistent (e.g. heads not dividing hidden).
OwningOpRef<ModuleOp> buildTransformer(MLIRContext *context,
                                       const TransformerConfig &config,
                                       const ModelOptions &options,
                                       std::string &error);

/// Registers the dialects buildTransformer creates.
void registerModelZooDialects(DialectRegistry &registry);

} // namespace phaze
} // namespace mlir

#endif // PHAZE_MODELS_MODELZOO_H
