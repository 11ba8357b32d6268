//===- ModelZoo.cpp - transformer workloads as linalg-on-tensors ----------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Hyperparameters: ../shared/reference/phaze-reference.md §6 (the models of
// PHAZE's evaluation) and anchors.md §5.4 (Megatron 22B and 175B of
// Korthikanti et al.). See docs/ModelZoo.md.
//
//===----------------------------------------------------------------------===//

#include "phaze/Models/ModelZoo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <cmath>

using namespace mlir;
using namespace mlir::phaze;

using Family = TransformerConfig::Family;
using Norm = TransformerConfig::Norm;
using Ffn = TransformerConfig::Ffn;

const std::vector<TransformerConfig> &mlir::phaze::getModelZoo() {
  static const std::vector<TransformerConfig> zoo = [] {
    std::vector<TransformerConfig> z;
    auto add = [&](TransformerConfig c) { z.push_back(std::move(c)); };
    {
      TransformerConfig c;
      c.name = "bert-large";
      c.description = "BERT-Large encoder (no MLM head), post-norm, GELU";
      c.source = "HF bert-large-uncased; PHAZE bertlarge";
      c.family = Family::BERT;
      c.layers = 24, c.hidden = 1024, c.heads = 16, c.ffnHidden = 4096;
      c.vocab = 30522, c.seq = 512;
      c.preNorm = false, c.causal = false, c.lmHead = false;
      add(c);
    }
    {
      TransformerConfig c;
      c.name = "gpt2-xl";
      c.description = "GPT-2 XL decoder with LM head, pre-norm, GELU";
      c.source = "HF gpt2-xl; PHAZE gpt2";
      c.layers = 48, c.hidden = 1600, c.heads = 25, c.ffnHidden = 6400;
      c.vocab = 50257, c.seq = 1024;
      add(c);
    }
    {
      TransformerConfig c;
      c.name = "opt-350m";
      c.description = "OPT-350M decoder, post-norm, ReLU, 512-wide word "
                      "embeddings projected in and out";
      c.source = "HF facebook/opt-350m; PHAZE opt";
      c.family = Family::OPT;
      c.ffn = Ffn::Relu;
      c.layers = 24, c.hidden = 1024, c.heads = 16, c.ffnHidden = 4096;
      c.vocab = 50272, c.seq = 2048, c.projDim = 512;
      c.preNorm = false;
      add(c);
    }
    {
      TransformerConfig c;
      c.name = "llama2-7b";
      c.description = "Llama 2 7B decoder, RMSNorm, rotary positions, "
                      "SwiGLU, no biases";
      c.source = "HF meta-llama/Llama-2-7b-hf; PHAZE llama2";
      c.family = Family::Llama;
      c.norm = Norm::RMSNorm;
      c.ffn = Ffn::SwiGLU;
      c.layers = 32, c.hidden = 4096, c.heads = 32, c.ffnHidden = 11008;
      c.vocab = 32000, c.seq = 4096;
      c.learnedPositions = false, c.bias = false;
      add(c);
    }
    {
      TransformerConfig c;
      c.name = "gpt3-175b";
      c.description = "GPT-3 175B decoder with LM head";
      c.source = "Brown et al. 2020; PHAZE megatrongpt3";
      c.layers = 96, c.hidden = 12288, c.heads = 96, c.ffnHidden = 49152;
      c.vocab = 50257, c.seq = 2048;
      add(c);
    }
    {
      TransformerConfig c;
      c.name = "megatron-22b";
      c.description = "Megatron GPT 22B (Korthikanti et al., Table 5)";
      c.source = "Korthikanti et al. MLSys'23";
      c.layers = 48, c.hidden = 6144, c.heads = 64, c.ffnHidden = 4 * 6144;
      c.vocab = 51200, c.seq = 2048;
      add(c);
    }
    {
      TransformerConfig c;
      c.name = "megatron-175b";
      c.description = "Megatron GPT-3 175B (Korthikanti et al., Table 5)";
      c.source = "Korthikanti et al. MLSys'23";
      c.layers = 96, c.hidden = 12288, c.heads = 96, c.ffnHidden = 49152;
      c.vocab = 51200, c.seq = 2048;
      add(c);
    }
    return z;
  }();
  return zoo;
}

const TransformerConfig *mlir::phaze::lookupModel(const std::string &name) {
  for (const TransformerConfig &c : getModelZoo())
    if (c.name == name)
      return &c;
  return nullptr;
}

void mlir::phaze::registerModelZooDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, tensor::TensorDialect>();
}

namespace {

/// Emits the ops of a transformer, frontend style.
class Emitter {
public:
  Emitter(ImplicitLocOpBuilder &b, Type elemType)
      : b(b), et(elemType), ctx(b.getContext()) {}

  RankedTensorType ty(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, et);
  }

  /// A weight: a splat constant, as torch-mlir emits with splatted weights.
  Value weight(ArrayRef<int64_t> shape, double value = 0.02) {
    RankedTensorType t = ty(shape);
    return arith::ConstantOp::create(
        b, t, DenseElementsAttr::get(t, b.getFloatAttr(et, value)));
  }

  /// A constant that is not a parameter (a mask, a position table): marked
  /// `phaze.buffer`, PyTorch's word for non-trainable tensors.
  Value buffer(ArrayRef<int64_t> shape, double value) {
    Value v = weight(shape, value);
    v.getDefiningOp()->setAttr("phaze.buffer", b.getUnitAttr());
    return v;
  }

  Value scalar(double v) {
    return arith::ConstantOp::create(b, et, b.getFloatAttr(et, v));
  }

  Value empty(ArrayRef<int64_t> shape) {
    return tensor::EmptyOp::create(b, shape, et);
  }

  Value filled(ArrayRef<int64_t> shape, double v) {
    Value init = empty(shape);
    return linalg::FillOp::create(b, ValueRange{scalar(v)}, ValueRange{init})
        .getResult(0);
  }

  /// [M, K] x [K, N].
  Value matmul(Value x, Value w) {
    auto xt = cast<RankedTensorType>(x.getType());
    auto wt = cast<RankedTensorType>(w.getType());
    SmallVector<int64_t> shape = {xt.getDimSize(0), wt.getDimSize(1)};
    return linalg::MatmulOp::create(b, TypeRange{ty(shape)}, ValueRange{x, w},
                                    ValueRange{filled(shape, 0.0)})
        .getResult(0);
  }

  /// [B, M, K] x [B, K, N].
  Value batchMatmul(Value x, Value y) {
    auto xt = cast<RankedTensorType>(x.getType());
    auto yt = cast<RankedTensorType>(y.getType());
    SmallVector<int64_t> shape = {xt.getDimSize(0), xt.getDimSize(1),
                                  yt.getDimSize(2)};
    return linalg::BatchMatmulOp::create(b, TypeRange{ty(shape)},
                                         ValueRange{x, y},
                                         ValueRange{filled(shape, 0.0)})
        .getResult(0);
  }

  using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

  /// An elementwise generic over the output shape; `maps` index the inputs.
  Value elementwise(ValueRange inputs, ArrayRef<AffineMap> maps,
                    ArrayRef<int64_t> shape, BodyFn body) {
    SmallVector<AffineMap> all(maps);
    all.push_back(b.getMultiDimIdentityMap(shape.size()));
    SmallVector<utils::IteratorType> iters(shape.size(),
                                           utils::IteratorType::parallel);
    return linalg::GenericOp::create(
               b, TypeRange{ty(shape)}, inputs, ValueRange{empty(shape)}, all,
               iters,
               [&](OpBuilder &nb, Location loc, ValueRange args) {
                 linalg::YieldOp::create(nb, loc, body(nb, loc, args));
               })
        .getResult(0);
  }

  /// Reduces the last dimension of `x` with `combine(acc, x)` from `init`.
  Value
  reduceLast(Value x, double init,
             function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
    auto xt = cast<RankedTensorType>(x.getType());
    unsigned rank = xt.getRank();
    SmallVector<int64_t> outShape(xt.getShape().drop_back());
    AffineMap in = b.getMultiDimIdentityMap(rank);
    AffineMap out = AffineMap::get(rank, 0, in.getResults().drop_back(), ctx);
    SmallVector<utils::IteratorType> iters(rank - 1,
                                           utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    return linalg::GenericOp::create(
               b, TypeRange{ty(outShape)}, ValueRange{x},
               ValueRange{filled(outShape, init)}, ArrayRef<AffineMap>{in, out},
               iters,
               [&](OpBuilder &nb, Location loc, ValueRange args) {
                 linalg::YieldOp::create(nb, loc,
                                         combine(nb, loc, args[1], args[0]));
               })
        .getResult(0);
  }

  AffineMap id(unsigned rank) { return b.getMultiDimIdentityMap(rank); }
  /// (d0, ..., dn) -> (d0, ..., dn-1): broadcast along the last dimension.
  AffineMap dropLast(unsigned rank) {
    return AffineMap::get(rank, 0, id(rank).getResults().drop_back(), ctx);
  }
  /// (d0, ..., dn) -> (dn): a per-column vector.
  AffineMap lastOnly(unsigned rank) {
    return AffineMap::get(rank, 0, b.getAffineDimExpr(rank - 1));
  }

  Value add(Value x, Value y) {
    auto shape = cast<RankedTensorType>(x.getType()).getShape();
    unsigned r = shape.size();
    return elementwise({x, y}, {id(r), id(r)}, shape,
                       [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                         return arith::AddFOp::create(nb, l, a[0], a[1]);
                       });
  }

  /// x + bias, bias along the last dimension.
  Value addBias(Value x, Value bias) {
    auto shape = cast<RankedTensorType>(x.getType()).getShape();
    unsigned r = shape.size();
    return elementwise({x, bias}, {id(r), lastOnly(r)}, shape,
                       [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                         return arith::AddFOp::create(nb, l, a[0], a[1]);
                       });
  }

  Value linear(Value x, int64_t in, int64_t out, bool bias) {
    Value y = matmul(x, weight({in, out}));
    return bias ? addBias(y, weight({out}, 0.0)) : y;
  }

  Value transpose(Value x, ArrayRef<int64_t> perm) {
    auto xt = cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(xt.getDimSize(p));
    return linalg::TransposeOp::create(b, x, empty(shape), perm).getResult()[0];
  }

  Value expand(Value x, ArrayRef<int64_t> shape,
               ArrayRef<ReassociationIndices> reassoc) {
    return tensor::ExpandShapeOp::create(b, ty(shape), x, reassoc);
  }

  Value collapse(Value x, ArrayRef<ReassociationIndices> reassoc) {
    return tensor::CollapseShapeOp::create(b, x, reassoc);
  }

  ImplicitLocOpBuilder &b;
  Type et;
  MLIRContext *ctx;
};

/// Builds the whole model.
class TransformerBuilder {
public:
  TransformerBuilder(ImplicitLocOpBuilder &b, const TransformerConfig &c,
                     int64_t mbs, int64_t seq, int64_t vocab, int64_t layers)
      : e(b, b.getBF16Type()), b(b), c(c), B(mbs), S(seq), V(vocab), L(layers),
        T(mbs * seq), H(c.hidden), A(c.heads), D(c.hidden / c.heads),
        F(c.ffnHidden) {}

  void setLoc(const Twine &name) {
    b.setLoc(NameLoc::get(b.getStringAttr(name)));
  }

  Value norm(Value x, const Twine &name) {
    setLoc(name);
    Value gamma = e.weight({H}, 1.0);
    double invH = 1.0 / static_cast<double>(H);
    double eps = 1e-5;
    if (c.norm == Norm::RMSNorm) {
      Value ss = e.reduceLast(
          x, 0.0, [](OpBuilder &nb, Location l, Value acc, Value v) -> Value {
            Value sq = arith::MulFOp::create(nb, l, v, v);
            return arith::AddFOp::create(nb, l, acc, sq);
          });
      Value k = e.scalar(invH), epsV = e.scalar(eps);
      return e.elementwise(
          {x, ss, gamma}, {e.id(2), e.dropLast(2), e.lastOnly(2)}, {T, H},
          [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
            Value ms = arith::MulFOp::create(nb, l, a[1], k);
            Value r = math::RsqrtOp::create(
                nb, l, arith::AddFOp::create(nb, l, ms, epsV));
            return arith::MulFOp::create(
                nb, l, arith::MulFOp::create(nb, l, a[0], r), a[2]);
          });
    }
    Value beta = e.weight({H}, 0.0);
    Value sum = e.reduceLast(
        x, 0.0, [](OpBuilder &nb, Location l, Value acc, Value v) -> Value {
          return arith::AddFOp::create(nb, l, acc, v);
        });
    Value k = e.scalar(invH), epsV = e.scalar(eps);
    Value centered =
        e.elementwise({x, sum}, {e.id(2), e.dropLast(2)}, {T, H},
                      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                        Value mean = arith::MulFOp::create(nb, l, a[1], k);
                        return arith::SubFOp::create(nb, l, a[0], mean);
                      });
    Value var = e.reduceLast(
        centered, 0.0,
        [](OpBuilder &nb, Location l, Value acc, Value v) -> Value {
          Value sq = arith::MulFOp::create(nb, l, v, v);
          return arith::AddFOp::create(nb, l, acc, sq);
        });
    return e.elementwise(
        {centered, var, gamma, beta},
        {e.id(2), e.dropLast(2), e.lastOnly(2), e.lastOnly(2)}, {T, H},
        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
          Value v = arith::MulFOp::create(nb, l, a[1], k);
          Value r = math::RsqrtOp::create(
              nb, l, arith::AddFOp::create(nb, l, v, epsV));
          Value n = arith::MulFOp::create(nb, l, a[0], r);
          return arith::AddFOp::create(
              nb, l, arith::MulFOp::create(nb, l, n, a[2]), a[3]);
        });
  }

  /// Rotary position embedding on [T, H] (Llama): x*cos + rotate_half(x)*sin
  /// with rotate_half a permutation inside each head, as affine maps.
  Value rotary(Value x) {
    MLIRContext *ctx = b.getContext();
    AffineExpr t = b.getAffineDimExpr(0), j = b.getAffineDimExpr(1);
    AffineExpr rot = j.floorDiv(D) * D + (j + D / 2) % D;
    AffineMap rotMap = AffineMap::get(2, 0, {t, rot}, ctx);
    AffineMap table = AffineMap::get(2, 0, {t % S, j % D}, ctx);
    AffineMap signMap = AffineMap::get(2, 0, {j % D}, ctx);
    Value cosT = e.buffer({S, D}, 1.0), sinT = e.buffer({S, D}, 0.5);
    Value sign = e.buffer({D}, 1.0);
    return e.elementwise(
        {x, x, cosT, sinT, sign}, {e.id(2), rotMap, table, table, signMap},
        {T, H}, [](OpBuilder &nb, Location l, ValueRange a) -> Value {
          Value p = arith::MulFOp::create(nb, l, a[0], a[2]);
          Value q = arith::MulFOp::create(
              nb, l, arith::MulFOp::create(nb, l, a[1], a[4]), a[3]);
          return arith::AddFOp::create(nb, l, p, q);
        });
  }

  Value attention(Value x, const std::string &p) {
    setLoc(p + ".qkv");
    Value qkv = e.linear(x, H, 3 * H, c.bias);
    auto head = [&](int which) {
      Value s = tensor::ExtractSliceOp::create(
          b, e.ty({T, H}), qkv, ValueRange{}, ValueRange{}, ValueRange{},
          b.getDenseI64ArrayAttr({0, which * H}),
          b.getDenseI64ArrayAttr({T, H}), b.getDenseI64ArrayAttr({1, 1}));
      if (c.family == Family::Llama && which < 2)
        s = rotary(s);
      return e.expand(s, {B, S, A, D}, {{0, 1}, {2, 3}});
    };
    setLoc(p + ".heads");
    Value q =
        e.collapse(e.transpose(head(0), {0, 2, 1, 3}), {{0, 1}, {2}, {3}});
    Value k =
        e.collapse(e.transpose(head(1), {0, 2, 3, 1}), {{0, 1}, {2}, {3}});
    Value v =
        e.collapse(e.transpose(head(2), {0, 2, 1, 3}), {{0, 1}, {2}, {3}});
    setLoc(p + ".scores");
    Value scores = e.batchMatmul(q, k);
    // Scale and mask (causal for decoders, padding for encoders).
    Value mask = e.buffer({S, S}, c.causal ? -1e4 : 0.0);
    Value scale = e.scalar(1.0 / std::sqrt(static_cast<double>(D)));
    MLIRContext *ctx = b.getContext();
    AffineMap maskMap = AffineMap::get(
        3, 0, {b.getAffineDimExpr(1), b.getAffineDimExpr(2)}, ctx);
    Value masked = e.elementwise(
        {scores, mask}, {e.id(3), maskMap}, {B * A, S, S},
        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
          return arith::AddFOp::create(
              nb, l, arith::MulFOp::create(nb, l, a[0], scale), a[1]);
        });
    setLoc(p + ".softmax");
    Value probs = softmax(masked);
    setLoc(p + ".context");
    Value ctxv = e.batchMatmul(probs, v);
    Value merged =
        e.collapse(e.transpose(e.expand(ctxv, {B, A, S, D}, {{0, 1}, {2}, {3}}),
                               {0, 2, 1, 3}),
                   {{0, 1}, {2, 3}});
    setLoc(p + ".out");
    return e.linear(merged, H, H, c.bias);
  }

  /// Softmax along the last dimension of a rank-3 tensor.
  Value softmax(Value x) {
    auto shape = cast<RankedTensorType>(x.getType()).getShape();
    unsigned r = shape.size();
    Value m = e.reduceLast(
        x, -1e4, [](OpBuilder &nb, Location l, Value acc, Value v) -> Value {
          return arith::MaximumFOp::create(nb, l, acc, v);
        });
    Value ex =
        e.elementwise({x, m}, {e.id(r), e.dropLast(r)}, shape,
                      [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                        return math::ExpOp::create(
                            nb, l, arith::SubFOp::create(nb, l, a[0], a[1]));
                      });
    Value s = e.reduceLast(
        ex, 0.0, [](OpBuilder &nb, Location l, Value acc, Value v) -> Value {
          return arith::AddFOp::create(nb, l, acc, v);
        });
    return e.elementwise({ex, s}, {e.id(r), e.dropLast(r)}, shape,
                         [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                           return arith::DivFOp::create(nb, l, a[0], a[1]);
                         });
  }

  Value mlp(Value x, const std::string &p) {
    setLoc(p + ".up");
    if (c.ffn == Ffn::SwiGLU) {
      Value g = e.linear(x, H, F, c.bias);
      Value u = e.linear(x, H, F, c.bias);
      setLoc(p + ".act");
      Value one = e.scalar(1.0);
      Value act = e.elementwise(
          {g, u}, {e.id(2), e.id(2)}, {T, F},
          [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
            Value en =
                math::ExpOp::create(nb, l, arith::NegFOp::create(nb, l, a[0]));
            Value sig = arith::DivFOp::create(
                nb, l, one, arith::AddFOp::create(nb, l, one, en));
            return arith::MulFOp::create(
                nb, l, arith::MulFOp::create(nb, l, a[0], sig), a[1]);
          });
      setLoc(p + ".down");
      return e.linear(act, F, H, c.bias);
    }
    Value h = e.linear(x, H, F, c.bias);
    setLoc(p + ".act");
    Value act;
    if (c.ffn == Ffn::Relu) {
      Value zero = e.scalar(0.0);
      act =
          e.elementwise({h}, {e.id(2)}, {T, F},
                        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          return arith::MaximumFOp::create(nb, l, a[0], zero);
                        });
    } else {
      // GELU, tanh approximation.
      Value half = e.scalar(0.5), one = e.scalar(1.0);
      Value k0 = e.scalar(0.7978845608), k1 = e.scalar(0.044715);
      act = e.elementwise(
          {h}, {e.id(2)}, {T, F},
          [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
            Value x3 = arith::MulFOp::create(
                nb, l, arith::MulFOp::create(nb, l, a[0], a[0]), a[0]);
            Value inner = arith::MulFOp::create(
                nb, l, k0,
                arith::AddFOp::create(nb, l, a[0],
                                      arith::MulFOp::create(nb, l, k1, x3)));
            Value th = math::TanhOp::create(nb, l, inner);
            return arith::MulFOp::create(
                nb, l, arith::MulFOp::create(nb, l, half, a[0]),
                arith::AddFOp::create(nb, l, one, th));
          });
    }
    setLoc(p + ".down");
    return e.linear(act, F, H, c.bias);
  }

  Value layer(Value x, int64_t i) {
    std::string p = "layers." + std::to_string(i);
    if (c.preNorm) {
      Value a = attention(norm(x, p + ".norm1"), p + ".attention");
      setLoc(p + ".residual1");
      x = e.add(x, a);
      Value m = mlp(norm(x, p + ".norm2"), p + ".mlp");
      setLoc(p + ".residual2");
      return e.add(x, m);
    }
    Value a = attention(x, p + ".attention");
    setLoc(p + ".residual1");
    x = norm(e.add(x, a), p + ".norm1");
    Value m = mlp(x, p + ".mlp");
    setLoc(p + ".residual2");
    return norm(e.add(x, m), p + ".norm2");
  }

  /// Gathers rows of `table` [rows, width] by `tokens` [B, S] into [T, width].
  Value gather(Value tokens, Value table, int64_t width) {
    MLIRContext *ctx = b.getContext();
    AffineMap tokMap = AffineMap::get(
        3, 0, {b.getAffineDimExpr(0), b.getAffineDimExpr(1)}, ctx);
    SmallVector<utils::IteratorType> iters(3, utils::IteratorType::parallel);
    Value out =
        linalg::GenericOp::create(
            b, TypeRange{e.ty({B, S, width})}, ValueRange{tokens},
            ValueRange{e.empty({B, S, width})},
            ArrayRef<AffineMap>{tokMap, e.id(3)}, iters,
            [&](OpBuilder &nb, Location l, ValueRange a) {
              Value row =
                  arith::IndexCastOp::create(nb, l, nb.getIndexType(), a[0]);
              Value col = linalg::IndexOp::create(nb, l, 2);
              Value v =
                  tensor::ExtractOp::create(nb, l, table, ValueRange{row, col});
              linalg::YieldOp::create(nb, l, v);
            })
            .getResult(0);
    return e.collapse(out, {{0, 1}, {2}});
  }

  Value embed(Value tokens) {
    setLoc("embedding");
    int64_t width = c.projDim ? c.projDim : H;
    Value x = gather(tokens, e.weight({V, width}), width);
    if (c.projDim) {
      setLoc("embedding.project_in");
      x = e.matmul(x, e.weight({width, H}));
    }
    if (c.learnedPositions) {
      setLoc("embedding.positions");
      MLIRContext *ctx = b.getContext();
      AffineMap posMap = AffineMap::get(
          2, 0, {b.getAffineDimExpr(0) % S, b.getAffineDimExpr(1)}, ctx);
      x = e.elementwise({x, e.weight({S, H})}, {e.id(2), posMap}, {T, H},
                        [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                          return arith::AddFOp::create(nb, l, a[0], a[1]);
                        });
    }
    if (c.family == Family::BERT) {
      setLoc("embedding.norm");
      x = norm(x, "embedding.norm");
    }
    return x;
  }

  /// Logits, then the mean cross-entropy against `labels`, as a rank-0
  /// tensor.
  Value head(Value x, Value labels) {
    if (c.preNorm)
      x = norm(x, "final_norm");
    int64_t width = H;
    if (c.projDim) {
      setLoc("head.project_out");
      x = e.matmul(x, e.weight({H, c.projDim}));
      width = c.projDim;
    }
    setLoc("head.logits");
    Value logits = e.matmul(x, e.weight({width, V}));
    setLoc("head.loss");
    // log-sum-exp per row.
    Value m = e.reduceLast(
        logits, -1e4,
        [](OpBuilder &nb, Location l, Value acc, Value v) -> Value {
          return arith::MaximumFOp::create(nb, l, acc, v);
        });
    Value s = e.reduceLast(
        e.elementwise({logits, m}, {e.id(2), e.dropLast(2)}, {T, V},
                      [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                        return math::ExpOp::create(
                            nb, l, arith::SubFOp::create(nb, l, a[0], a[1]));
                      }),
        0.0, [](OpBuilder &nb, Location l, Value acc, Value v) -> Value {
          return arith::AddFOp::create(nb, l, acc, v);
        });
    // The label's logit per row (a gather), then the mean of lse - picked.
    Value flatLabels = e.collapse(labels, {{0, 1}});
    SmallVector<utils::IteratorType> par(1, utils::IteratorType::parallel);
    Value picked =
        linalg::GenericOp::create(
            b, TypeRange{e.ty({T})}, ValueRange{flatLabels},
            ValueRange{e.empty({T})}, ArrayRef<AffineMap>{e.id(1), e.id(1)},
            par,
            [&](OpBuilder &nb, Location l, ValueRange a) {
              Value row = linalg::IndexOp::create(nb, l, 0);
              Value col =
                  arith::IndexCastOp::create(nb, l, nb.getIndexType(), a[0]);
              Value v = tensor::ExtractOp::create(nb, l, logits,
                                                  ValueRange{row, col});
              linalg::YieldOp::create(nb, l, v);
            })
            .getResult(0);
    Value invT = e.scalar(1.0 / static_cast<double>(T));
    MLIRContext *ctx = b.getContext();
    AffineMap toScalar = AffineMap::get(1, 0, {}, ctx);
    RankedTensorType scalarTy = e.ty({});
    Value init =
        linalg::FillOp::create(
            b, ValueRange{e.scalar(0.0)},
            ValueRange{tensor::EmptyOp::create(b, ArrayRef<int64_t>{}, e.et)})
            .getResult(0);
    return linalg::GenericOp::create(
               b, TypeRange{scalarTy}, ValueRange{s, m, picked},
               ValueRange{init},
               ArrayRef<AffineMap>{e.id(1), e.id(1), e.id(1), toScalar},
               SmallVector<utils::IteratorType>{utils::IteratorType::reduction},
               [&](OpBuilder &nb, Location l, ValueRange a) {
                 Value lse = arith::AddFOp::create(
                     nb, l, math::LogOp::create(nb, l, a[0]), a[1]);
                 Value nll = arith::SubFOp::create(nb, l, lse, a[2]);
                 Value scaled = arith::MulFOp::create(nb, l, nll, invT);
                 Value sum = arith::AddFOp::create(nb, l, a[3], scaled);
                 linalg::YieldOp::create(nb, l, sum);
               })
        .getResult(0);
  }

  func::FuncOp build(ModuleOp module) {
    Type tokTy = RankedTensorType::get({B, S}, b.getI64Type());
    SmallVector<Type> inputs = {tokTy};
    if (c.lmHead)
      inputs.push_back(tokTy);
    Type resultTy = c.lmHead ? Type(e.ty({})) : Type(e.ty({T, H}));
    b.setInsertionPointToEnd(module.getBody());
    auto fn = func::FuncOp::create(b, "forward",
                                   b.getFunctionType(inputs, {resultTy}));
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Value x = embed(entry->getArgument(0));
    for (int64_t i = 0; i < L; ++i)
      x = layer(x, i);
    Value result = c.lmHead ? head(x, entry->getArgument(1)) : x;
    setLoc("return");
    func::ReturnOp::create(b, ValueRange{result});
    return fn;
  }

private:
  Emitter e;
  ImplicitLocOpBuilder &b;
  const TransformerConfig &c;
  int64_t B, S, V, L, T, H, A, D, F;
};

} // namespace

OwningOpRef<ModuleOp>
mlir::phaze::buildTransformer(MLIRContext *context,
                              const TransformerConfig &config,
                              const ModelOptions &options, std::string &error) {
  int64_t seq = options.seq ? options.seq : config.seq;
  int64_t vocab = options.vocab ? options.vocab : config.vocab;
  int64_t layers = options.layers ? options.layers : config.layers;
  if (seq <= 0 || vocab <= 0 || layers <= 0 || options.mbs <= 0) {
    error = "sequence length, vocabulary, layers and microbatch size must be "
            "positive";
    return nullptr;
  }
  if (config.hidden % config.heads != 0) {
    error = "hidden size " + std::to_string(config.hidden) +
            " is not divisible by " + std::to_string(config.heads) + " heads";
    return nullptr;
  }
  context->loadDialect<arith::ArithDialect, func::FuncDialect,
                       linalg::LinalgDialect, math::MathDialect,
                       tensor::TensorDialect>();
  Location loc = NameLoc::get(StringAttr::get(context, config.name));
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  module->setName(config.name);
  ImplicitLocOpBuilder b(loc, context);
  TransformerBuilder tb(b, config, options.mbs, seq, vocab, layers);
  tb.build(*module);
  return module;
}
