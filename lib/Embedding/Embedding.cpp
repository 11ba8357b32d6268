//===- Embedding.cpp - embedding operators onto tensor intrinsics ---------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Compiled with -fexceptions -frtti (Gecode's headers need both); no
// exception leaves this file.
//
//===----------------------------------------------------------------------===//

#include "phaze/Embedding/Embedding.h"

#include <gecode/int.hh>
#include <gecode/minimodel.hh>
#include <gecode/search.hh>

#include <algorithm>
#include <exception>
#include <memory>
#include <sstream>

using namespace mlir::phaze::embedding;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t axisWidth(const Intrinsic &in, Axis a) {
  switch (a) {
  case Axis::Batch:
    return in.batch;
  case Axis::In:
    return in.in;
  case Axis::Out:
    return in.out;
  case Axis::None:
    return 1;
  }
  return 1;
}

/// Whether dimension `d` may map to axis `a` (with the inputs' roles
/// exchanged when `swapped`).
bool compatible(const LoopDim &d, Axis a, bool swapped) {
  bool x = swapped ? d.inB : d.inA; // the instruction's input operand
  bool w = swapped ? d.inA : d.inB; // the instruction's weight operand
  switch (a) {
  case Axis::Batch:
    return x && d.inC && !w;
  case Axis::In:
    return x && w && !d.inC;
  case Axis::Out:
    return w && d.inC && !x;
  case Axis::None:
    return true;
  }
  return false;
}

constexpr Axis kAxes[] = {Axis::Batch, Axis::In, Axis::Out};

/// The Gecode model: per dimension its axis and factor, per axis whether it
/// is flattened, and whether the inputs swap roles.
class EmbeddingSpace : public Gecode::Space {
public:
  EmbeddingSpace(const Operator &op, const Intrinsic &in, const Options &o)
      : axis(*this, op.dims.size(), 0, 3),
        factor(*this, op.dims.size(), 0,
               std::max<int>({static_cast<int>(in.batch),
                              static_cast<int>(in.in),
                              static_cast<int>(in.out), 1})),
        flat(*this, 3, 0, 1), swap(*this, 0, o.allowSwap ? 1 : 0) {
    using namespace Gecode;
    int n = op.dims.size();
    for (int d = 0; d < n; ++d) {
      const LoopDim &ld = op.dims[d];
      // Unmapped dims have factor 1; mapped ones a factor >= 2 or 0
      // (flattened).
      rel(*this, (axis[d] == 0) == (factor[d] == 1));
      for (int a = 1; a <= 3; ++a) {
        Axis ax = static_cast<Axis>(a);
        bool ok0 = compatible(ld, ax, false);
        bool ok1 = compatible(ld, ax, true);
        if (ld.windowed && !o.allowWindowOnAxis)
          ok0 = ok1 = false;
        if (!ok0)
          rel(*this, (axis[d] == a) >> (swap == 1));
        if (!ok1)
          rel(*this, (axis[d] == a) >> (swap == 0));
        int width = static_cast<int>(axisWidth(in, ax));
        int cap = static_cast<int>(std::min<int64_t>(width, ld.extent));
        // Packed: 2 <= factor <= min(width, extent); flattened: 0.
        rel(*this, ((axis[d] == a) && (flat[a - 1] == 0)) >>
                       ((factor[d] >= 2) && (factor[d] <= cap)));
        rel(*this, ((axis[d] == a) && (flat[a - 1] == 1)) >>
                       (factor[d] == 0));
      }
    }
    for (int a = 1; a <= 3; ++a) {
      Axis ax = static_cast<Axis>(a);
      int width = static_cast<int>(axisWidth(in, ax));
      // Packed factors on an axis fit its width.
      IntVar prod(*this, 1, 1);
      for (int d = 0; d < n; ++d) {
        IntVar y(*this, 0, width > 1 ? width : 1);
        rel(*this, (axis[d] == a) >> (y == factor[d]));
        rel(*this, (axis[d] != a) >> (y == 1));
        IntVar next(*this, 0, width > 1 ? width : 1);
        mult(*this, prod, y, next);
        prod = next;
      }
      // Flattening needs two dimensions and a wide axis.
      BoolVarArgs on(n);
      for (int d = 0; d < n; ++d)
        on[d] = expr(*this, axis[d] == a);
      if (!o.allowFlatten || width < 2)
        rel(*this, flat[a - 1] == 0);
      else
        rel(*this, (flat[a - 1] == 1) >> (sum(on) >= 2));
      // An unused axis is not flattened (one solution per embedding).
      rel(*this, (sum(on) == 0) >> (flat[a - 1] == 0));
    }
    branch(*this, swap, BOOL_VAL_MIN());
    branch(*this, flat, BOOL_VAR_NONE(), BOOL_VAL_MIN());
    branch(*this, axis, INT_VAR_NONE(), INT_VAL_MIN());
    branch(*this, factor, INT_VAR_NONE(), INT_VAL_MIN());
  }

  EmbeddingSpace(EmbeddingSpace &s) : Gecode::Space(s) {
    axis.update(*this, s.axis);
    factor.update(*this, s.factor);
    flat.update(*this, s.flat);
    swap.update(*this, s.swap);
  }

  Gecode::Space *copy() override { return new EmbeddingSpace(*this); }

  Embedding toEmbedding() const {
    Embedding e;
    for (int d = 0; d < axis.size(); ++d) {
      e.axis.push_back(static_cast<Axis>(axis[d].val()));
      e.factor.push_back(factor[d].val());
    }
    for (int a = 0; a < 3; ++a)
      e.flattened[a] = flat[a].val() == 1;
    e.swapped = swap.val() == 1;
    return e;
  }

private:
  Gecode::IntVarArray axis, factor;
  Gecode::BoolVarArray flat;
  Gecode::BoolVar swap;
};

bool better(const Embedding &a, const Embedding &b) {
  if (a.cycles != b.cycles)
    return a.cycles < b.cycles;
  return a.transformBytes < b.transformBytes;
}

} // namespace

int64_t Operator::macs() const {
  int64_t m = 1;
  for (const LoopDim &d : dims)
    m *= d.extent;
  return m;
}

bool Operator::check(std::string &error) const {
  if (dims.empty()) {
    error = "the operator has no loop dimensions";
    return false;
  }
  for (const LoopDim &d : dims) {
    if (d.extent < 1) {
      error = "dimension '" + d.name + "' has extent " +
              std::to_string(d.extent);
      return false;
    }
    if (!d.inA && !d.inB && !d.inC) {
      error = "dimension '" + d.name + "' indexes no operand";
      return false;
    }
  }
  if (elementBytes < 1) {
    error = "element size must be positive";
    return false;
  }
  return true;
}

Operator Operator::conv2d(int64_t n, int64_t c, int64_t h, int64_t w,
                          int64_t k, int64_t r, int64_t s, int64_t padH,
                          int64_t padW, int64_t strideH, int64_t strideW,
                          int64_t elementBytes) {
  int64_t p = (h + 2 * padH - r) / strideH + 1;
  int64_t q = (w + 2 * padW - s) / strideW + 1;
  Operator op;
  op.elementBytes = elementBytes;
  //               name extent  inA   inB    inC   windowed
  op.dims.push_back({"n", n, true, false, true, false});
  op.dims.push_back({"k", k, false, true, true, false});
  op.dims.push_back({"p", p, true, false, true, r > 1});
  op.dims.push_back({"q", q, true, false, true, s > 1});
  op.dims.push_back({"c", c, true, true, false, false});
  op.dims.push_back({"r", r, true, true, false, r > 1});
  op.dims.push_back({"s", s, true, true, false, s > 1});
  return op;
}

Operator Operator::gemm(int64_t m, int64_t n, int64_t k,
                        int64_t elementBytes) {
  Operator op;
  op.elementBytes = elementBytes;
  op.dims.push_back({"m", m, true, false, true, false});
  op.dims.push_back({"n", n, false, true, true, false});
  op.dims.push_back({"k", k, true, true, false, false});
  return op;
}

bool mlir::phaze::embedding::evaluate(const Operator &op,
                                      const Intrinsic &in, Embedding &e) {
  size_t n = op.dims.size();
  if (e.axis.size() != n || e.factor.size() != n)
    return false;
  int64_t calls = 1;
  bool window = false, flatX = false, flatW = false;
  for (Axis a : kAxes) {
    int64_t width = axisWidth(in, a);
    int ai = static_cast<int>(a) - 1;
    int64_t packed = 1, flatExtent = 1, mapped = 0;
    for (size_t d = 0; d < n; ++d) {
      if (e.axis[d] != a)
        continue;
      const LoopDim &ld = op.dims[d];
      if (!compatible(ld, a, e.swapped))
        return false;
      ++mapped;
      window |= ld.windowed;
      bool x = e.swapped ? ld.inB : ld.inA;
      bool w = e.swapped ? ld.inA : ld.inB;
      if (e.flattened[ai]) {
        if (e.factor[d] != 0)
          return false;
        flatExtent *= ld.extent;
        flatX |= x;
        flatW |= w;
      } else {
        int64_t f = e.factor[d];
        if (f < 2 || f > width || f > ld.extent)
          return false;
        packed *= f;
        calls *= ceilDiv(ld.extent, f);
      }
    }
    if (e.flattened[ai]) {
      if (mapped < 2 || width < 2)
        return false;
      calls *= ceilDiv(flatExtent, width);
    } else if (packed > width) {
      return false;
    }
  }
  for (size_t d = 0; d < n; ++d) {
    if (e.axis[d] == Axis::None) {
      if (e.factor[d] != 1)
        return false;
      calls *= op.dims[d].extent;
    }
  }
  // Layout transformations: im2col of the activations when a filter
  // dimension or a windowed output dimension sits on an axis, and a
  // rearranged operand when dimensions are flattened onto an axis. Padding
  // a tile that does not divide a dimension is left to the load
  // instruction (zero fill), as VTA's DMA does.
  auto operandBytes = [&](bool activations) {
    int64_t b = op.elementBytes;
    for (const LoopDim &d : op.dims)
      if (activations ? d.inA : d.inB)
        b *= d.extent;
    return b;
  };
  bool xIsA = !e.swapped;
  bool transformA = window || (xIsA ? flatX : flatW);
  bool transformB = xIsA ? flatW : flatX;
  e.transformBytes =
      (transformA ? operandBytes(true) : 0) +
      (transformB && !in.weightsPackedOffline ? operandBytes(false) : 0);
  e.calls = calls;
  e.utilization = static_cast<double>(op.macs()) /
                  (static_cast<double>(calls) * in.macsPerCall());
  e.cycles = static_cast<double>(calls) * in.cyclesPerCall +
             static_cast<double>(e.transformBytes) / in.transformBytesPerCycle;
  return true;
}

Result mlir::phaze::embedding::solve(const Operator &op, const Intrinsic &in,
                                     const Options &options) {
  Result r;
  if (!op.check(r.error))
    return r;
  if (in.batch < 1 || in.in < 1 || in.out < 1) {
    r.error = "the instruction's axes must be positive";
    return r;
  }
  try {
    auto root = std::make_unique<EmbeddingSpace>(op, in, options);
    Gecode::DFS<EmbeddingSpace> search(root.get());
    bool have = false;
    while (EmbeddingSpace *s = search.next()) {
      std::unique_ptr<EmbeddingSpace> owned(s);
      Embedding e = s->toEmbedding();
      if (!evaluate(op, in, e))
        continue; // the model admits only valid ones; keep the guard
      ++r.numEmbeddings;
      if (!have || better(e, r.best)) {
        r.best = e;
        have = true;
      }
    }
    Gecode::Search::Statistics st = search.statistics();
    r.nodes = st.node;
    r.failures = st.fail;
    r.ok = have;
    if (!have)
      r.error = "no valid embedding";
  } catch (const Gecode::Exception &ex) {
    r.ok = false;
    r.error = std::string("Gecode: ") + ex.what();
  } catch (const std::exception &ex) {
    r.ok = false;
    r.error = ex.what();
  }
  return r;
}

Embedding mlir::phaze::embedding::fixedStrategy(const Operator &op,
                                                const Intrinsic &in) {
  // Channels (the reduction dims shared by both inputs that are not
  // windowed) on the in axis, the output channels on the out axis, the
  // batch on the batch axis; everything else in outer loops.
  Embedding e;
  bool usedIn = false, usedOut = false, usedBatch = false;
  for (const LoopDim &d : op.dims) {
    Axis a = Axis::None;
    if (!usedIn && compatible(d, Axis::In, false) && !d.windowed &&
        in.in >= 2) {
      a = Axis::In;
      usedIn = true;
    } else if (!usedOut && compatible(d, Axis::Out, false) && in.out >= 2) {
      a = Axis::Out;
      usedOut = true;
    } else if (!usedBatch && compatible(d, Axis::Batch, false) &&
               !d.windowed && in.batch >= 2) {
      a = Axis::Batch;
      usedBatch = true;
    }
    e.axis.push_back(a);
    int64_t width = axisWidth(in, a);
    // TVM pads the channel dimension to the full width.
    e.factor.push_back(a == Axis::None ? 1 : width);
  }
  // A padded factor larger than the extent is still one call per block.
  Embedding copy = e;
  for (size_t d = 0; d < op.dims.size(); ++d)
    if (copy.axis[d] != Axis::None)
      copy.factor[d] = std::min<int64_t>(copy.factor[d], op.dims[d].extent);
  if (copy.factor == e.factor) {
    evaluate(op, in, e);
    return e;
  }
  // Cost the fixed strategy with its padding: blocks of the full width.
  evaluate(op, in, copy);
  int64_t calls = 1;
  for (size_t d = 0; d < op.dims.size(); ++d)
    calls *= e.axis[d] == Axis::None ? op.dims[d].extent
                                     : ceilDiv(op.dims[d].extent, e.factor[d]);
  copy.calls = calls;
  copy.utilization = static_cast<double>(op.macs()) /
                     (static_cast<double>(calls) * in.macsPerCall());
  // Padding to the instruction widths is left to the load instruction, as
  // for every embedding: no layout transformation.
  int64_t bytes = 0;
  copy.transformBytes = bytes;
  copy.cycles = static_cast<double>(calls) * in.cyclesPerCall +
                static_cast<double>(bytes) / in.transformBytesPerCycle;
  return copy;
}

std::string Embedding::describe(const Operator &op) const {
  std::ostringstream os;
  const char *names[] = {"b", "i", "o"};
  bool first = true;
  for (Axis a : kAxes) {
    int ai = static_cast<int>(a) - 1;
    std::ostringstream part;
    bool any = false;
    for (size_t d = 0; d < axis.size(); ++d) {
      if (axis[d] != a)
        continue;
      part << (any ? "," : "") << op.dims[d].name;
      if (!flattened[ai])
        part << ":" << factor[d];
      any = true;
    }
    if (!any)
      continue;
    os << (first ? "" : " ") << names[ai] << (flattened[ai] ? "=flat[" : "=[")
       << part.str() << "]";
    first = false;
  }
  if (swapped)
    os << " swapped";
  return os.str();
}
