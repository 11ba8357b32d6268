//===- Json.cpp - Piper's and PHAZE's JSON partitioning instances ---------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Partition/Json.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>

using namespace mlir::phaze::partition;
namespace json = llvm::json;

namespace {

/// Parses `text`; a syntax error becomes "line:column: message" in
/// `error` (LLVM writes "[line:column, byte=N]: message").
std::optional<json::Value> parseJson(llvm::StringRef text, std::string &error) {
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (parsed)
    return std::move(*parsed);
  error = llvm::toString(parsed.takeError());
  llvm::StringRef m = error;
  if (m.consume_front("[")) {
    auto [where, rest] = m.split("]: ");
    error = (where.split(',').first + ": " + rest).str();
  }
  return std::nullopt;
}

/// Reads one edge {sourceId, destId, communicationCost}, with ids mapped to
/// positions; `noSuch` is the message for an unknown id.
bool readEdge(const json::Value &v, json::Path path,
              const std::map<int64_t, int> &position, int &from, int &to,
              double &bytes, llvm::StringLiteral noSuch) {
  json::ObjectMapper o(v, path);
  int64_t src, dst;
  if (!o || !o.map("sourceId", src) || !o.map("destId", dst) ||
      !o.map("communicationCost", bytes))
    return false;
  auto f = position.find(src), t = position.find(dst);
  if (f == position.end()) {
    path.field("sourceId").report(noSuch);
    return false;
  }
  if (t == position.end()) {
    path.field("destId").report(noSuch);
    return false;
  }
  from = f->second;
  to = t->second;
  return true;
}

/// A TMPC with its sync dictionaries still keyed by node id.
struct RawOption {
  PiperOption option;
  std::map<int64_t, double> syncFw, syncBw;
};

bool readSync(const json::Value &v, std::map<int64_t, double> &out,
              json::Path path) {
  const json::Object *o = v.getAsObject();
  if (!o) {
    path.report("expected an object of node id -> bytes");
    return false;
  }
  for (const auto &[key, value] : *o) {
    int64_t id;
    if (llvm::StringRef(key).getAsInteger(10, id)) {
      path.field(key).report("expected an integer node id as key");
      return false;
    }
    std::optional<double> bytes = value.getAsNumber();
    if (!bytes) {
      path.field(key).report("expected a number of bytes");
      return false;
    }
    out[id] = *bytes;
  }
  return true;
}

bool readOption(const json::Value &v, RawOption &out, json::Path path) {
  json::ObjectMapper o(v, path);
  if (!o)
    return false;
  const json::Object *obj = v.getAsObject();
  if (!o.map("id", out.option.name) ||
      !o.map("timePerSample", out.option.timePerSample) ||
      !o.map("parameterSize", out.option.parameterBytes) ||
      !o.map("memoryUsageA", out.option.memoryPerMicrobatch) ||
      !o.map("memoryUsageB", out.option.memoryFixedBytes))
    return false;
  for (auto [field, map] :
       {std::pair<llvm::StringLiteral, std::map<int64_t, double> *>{
            "syncTimeFw", &out.syncFw},
        {"syncTimeBw", &out.syncBw}}) {
    const json::Value *s = obj->get(field);
    if (!s) {
      path.field(field).report("missing value");
      return false;
    }
    if (!readSync(*s, *map, path.field(field)))
      return false;
  }
  return true;
}

} // namespace

bool mlir::phaze::partition::parsePiperJson(llvm::StringRef text,
                                            PiperProblem &out,
                                            std::string &error) {
  std::optional<json::Value> parsed = parseJson(text, error);
  if (!parsed)
    return false;
  json::Path::Root root("instance");
  json::Path path(root);
  auto fail = [&]() {
    error = llvm::toString(root.getError());
    return false;
  };
  json::ObjectMapper top(*parsed, path);
  if (!top)
    return fail();
  PiperProblem p;
  if (!top.map("maxMemoryPerDevice", p.maxMemoryBytes) ||
      !top.map("maxDevices", p.maxDevices) ||
      !top.map("bandwidth", p.bandwidthBytesPerS) ||
      !top.map("mbsInBatch", p.microbatchesPerBatch))
    return fail();
  const json::Object *obj = parsed->getAsObject();
  const json::Array *nodes = obj->getArray("nodes");
  if (!nodes) {
    path.field("nodes").report("expected an array of nodes");
    return fail();
  }
  const json::Array *edges = obj->getArray("edges");
  if (!edges) {
    path.field("edges").report("expected an array of edges");
    return fail();
  }
  // Node ids -> positions.
  std::map<int64_t, int> position;
  std::vector<std::map<int64_t, std::vector<RawOption>>> raw(nodes->size());
  json::Path nodesPath = path.field("nodes");
  for (size_t i = 0; i < nodes->size(); ++i) {
    json::Path np = nodesPath.index(i);
    json::ObjectMapper o((*nodes)[i], np);
    int64_t id;
    PiperNode node;
    if (!o || !o.map("id", id) || !o.mapOptional("name", node.name))
      return fail();
    if (!position.emplace(id, i).second) {
      np.field("id").report("duplicate node id");
      return fail();
    }
    const json::Object *tm = (*nodes)[i].getAsObject()->getObject("TMPCs");
    if (!tm) {
      np.field("TMPCs").report("expected an object of degree -> "
                               "configurations");
      return fail();
    }
    // json::Path keeps a pointer to its parent: name every level.
    json::Path tmPath = np.field("TMPCs");
    for (const auto &[key, list] : *tm) {
      json::Path tp = tmPath.field(key);
      int64_t t;
      if (llvm::StringRef(key).getAsInteger(10, t)) {
        tp.report("expected an integer tensor-parallel degree as key");
        return fail();
      }
      const json::Array *arr = list.getAsArray();
      if (!arr) {
        tp.report("expected an array of configurations");
        return fail();
      }
      std::vector<RawOption> &opts = raw[i][t];
      for (size_t l = 0; l < arr->size(); ++l) {
        RawOption ro;
        if (!readOption((*arr)[l], ro, tp.index(l)))
          return fail();
        opts.push_back(std::move(ro));
      }
    }
    p.nodes.push_back(std::move(node));
  }
  json::Path edgesPath = path.field("edges");
  for (size_t e = 0; e < edges->size(); ++e) {
    PiperEdge edge;
    if (!readEdge((*edges)[e], edgesPath.index(e), position, edge.from, edge.to,
                  edge.bytesPerSample, "no node has this id"))
      return fail();
    p.edges.push_back(edge);
  }
  for (size_t i = 0; i < raw.size(); ++i)
    for (auto &[t, opts] : raw[i])
      for (RawOption &ro : opts) {
        for (auto [dict, list] :
             {std::pair<std::map<int64_t, double> *,
                        std::vector<std::pair<int, double>> *>{
                  &ro.syncFw, &ro.option.syncInBytes},
              {&ro.syncBw, &ro.option.syncOutBytes}})
          for (auto [id, bytes] : *dict) {
            auto it = position.find(id);
            if (it == position.end()) {
              error = "node " + std::to_string(i) +
                      ", t = " + std::to_string(t) + ", '" + ro.option.name +
                      "': sync key " + std::to_string(id) + " names no node";
              return false;
            }
            list->push_back({it->second, bytes});
          }
        p.nodes[i].options[t].push_back(std::move(ro.option));
      }
  if (!p.check(error))
    return false;
  out = std::move(p);
  return true;
}

bool mlir::phaze::partition::looksLikePhazeJson(llvm::StringRef text) {
  std::string error;
  std::optional<json::Value> parsed = parseJson(text, error);
  if (!parsed)
    return false;
  const json::Object *o = parsed->getAsObject();
  return o && o->getObject("nodes");
}

bool mlir::phaze::partition::parsePhazeJson(llvm::StringRef text,
                                            PhazeProblem &out,
                                            std::string &error) {
  std::optional<json::Value> parsed = parseJson(text, error);
  if (!parsed)
    return false;
  json::Path::Root root("instance");
  json::Path path(root);
  auto fail = [&]() {
    error = llvm::toString(root.getError());
    return false;
  };
  json::ObjectMapper top(*parsed, path);
  if (!top)
    return fail();
  PhazeProblem p;
  double microbatches = 0;
  std::string optimizer = "SGD";
  if (!top.map("maxMemoryPerDevice", p.maxMemoryBytes) ||
      !top.map("maxDevices", p.maxDevices) ||
      !top.map("bandwidth", p.bandwidthBytesPerS) ||
      !top.map("mbsInBatch", microbatches) ||
      !top.mapOptional("activationRecomputation", p.recompute) ||
      !top.mapOptional("optimizerAlgorithm", optimizer) ||
      !top.mapOptional("fixedPP", p.fixed.stages) ||
      !top.mapOptional("fixedTMPC", p.fixed.t) ||
      !top.mapOptional("fixedDP", p.fixed.d) ||
      !top.mapOptional("numTransformerLayers", p.fixed.transformerLayers))
    return fail();
  // PHAZE truncates M = 4096 / mbs to an integer.
  if (!std::isfinite(microbatches) || microbatches < 1 || microbatches > 1e15) {
    path.field("mbsInBatch")
        .report("expected a number of microbatches in "
                "[1, 1e15]");
    return fail();
  }
  p.microbatchesPerBatch = static_cast<int64_t>(microbatches);
  if (optimizer == "Adam") {
    p.adam = true;
  } else if (optimizer != "SGD") {
    path.field("optimizerAlgorithm").report("expected \"SGD\" or \"Adam\"");
    return fail();
  }
  const json::Object *obj = parsed->getAsObject();
  const json::Object *nodes = obj->getObject("nodes");
  const json::Object *edges = obj->getObject("edges");
  if (!nodes) {
    path.field("nodes").report("expected an object of t -> layers");
    return fail();
  }
  if (!edges) {
    path.field("edges").report("expected an object of t -> edges");
    return fail();
  }
  json::Path nodesPath = path.field("nodes"), edgesPath = path.field("edges");
  for (const auto &[key, list] : *nodes) {
    PhazeGraph g;
    json::Path np = nodesPath.field(key);
    if (llvm::StringRef(key).getAsInteger(10, g.t)) {
      np.report("expected an integer tensor-parallel width as key");
      return fail();
    }
    const json::Array *arr = list.getAsArray();
    if (!arr) {
      np.report("expected an array of layers");
      return fail();
    }
    std::map<int64_t, int> position;
    for (size_t i = 0; i < arr->size(); ++i) {
      json::Path lp = np.index(i);
      json::ObjectMapper o((*arr)[i], lp);
      PhazeLayer l;
      if (!o || !o.map("id", l.id) ||
          !o.map("parameterSize", l.parameterBytes) ||
          !o.map("activationSize", l.activationBytes) ||
          !o.map("optimalLatencyFw", l.forwardS) ||
          !o.map("optimalLatencyBw", l.backwardS) ||
          !o.map("isTensorParallelized", l.tensorParallel))
        return fail();
      if (!position.emplace(l.id, i).second) {
        lp.field("id").report("duplicate layer id");
        return fail();
      }
      g.layers.push_back(l);
    }
    const json::Value *ev = edges->get(key);
    json::Path ep = edgesPath.field(key);
    const json::Array *earr = ev ? ev->getAsArray() : nullptr;
    if (!earr) {
      ep.report("expected an array of edges for every t under nodes");
      return fail();
    }
    for (size_t e = 0; e < earr->size(); ++e) {
      PhazeEdge edge;
      if (!readEdge((*earr)[e], ep.index(e), position, edge.from, edge.to,
                    edge.bytes, "no layer has this id"))
        return fail();
      g.edges.push_back(edge);
    }
    // Renumber in topological order (Kahn, ties by input position).
    int n = g.layers.size();
    std::vector<int> indeg(n, 0), order;
    std::vector<std::vector<int>> succ(n);
    for (const PhazeEdge &e : g.edges) {
      ++indeg[e.to];
      succ[e.from].push_back(e.to);
    }
    std::set<int> ready;
    for (int v = 0; v < n; ++v)
      if (!indeg[v])
        ready.insert(v);
    while (!ready.empty()) {
      int v = *ready.begin();
      ready.erase(ready.begin());
      order.push_back(v);
      for (int w : succ[v])
        if (--indeg[w] == 0)
          ready.insert(w);
    }
    if (static_cast<int>(order.size()) != n) {
      for (int v = 0; v < n; ++v)
        if (indeg[v]) {
          error = "graph t = " + std::to_string(g.t) +
                  ": the layer graph has a cycle through layer " +
                  std::to_string(g.layers[v].id);
          return false;
        }
    }
    std::vector<int> rank(n);
    PhazeGraph sorted;
    sorted.t = g.t;
    for (int k = 0; k < n; ++k) {
      rank[order[k]] = k;
      sorted.layers.push_back(g.layers[order[k]]);
    }
    for (PhazeEdge e : g.edges) {
      e.from = rank[e.from];
      e.to = rank[e.to];
      sorted.edges.push_back(e);
    }
    // The same edge order in every graph, whatever the file's.
    std::stable_sort(sorted.edges.begin(), sorted.edges.end(),
                     [](const PhazeEdge &a, const PhazeEdge &b) {
                       return std::tie(a.from, a.to) < std::tie(b.from, b.to);
                     });
    p.graphs.push_back(std::move(sorted));
  }
  std::sort(p.graphs.begin(), p.graphs.end(),
            [](const PhazeGraph &a, const PhazeGraph &b) { return a.t < b.t; });
  if (!p.check(error))
    return false;
  out = std::move(p);
  return true;
}

/// A chain's layers as JSON objects, every field named with its unit.
static json::Array planLayersToJson(const std::vector<PlanLayer> &ls) {
  json::Array layers;
  for (const PlanLayer &l : ls)
    layers.push_back(
        json::Object{{"name", l.name},
                     {"forward_s", l.forwardS},
                     {"backward_s", l.backwardS},
                     {"optimizer_s", l.optimizerS},
                     {"parameter_bytes", l.parameterBytes},
                     {"gradient_bytes", l.gradientBytes},
                     {"optimizer_state_bytes", l.optimizerStateBytes},
                     {"stash_bytes", l.stashBytes},
                     {"recompute_stash_bytes", l.recomputeStashBytes},
                     {"output_bytes", l.outputBytes},
                     {"forward_flops", l.forwardFlops}});
  return layers;
}

llvm::json::Value
mlir::phaze::partition::planProblemToJson(const PlanProblem &p) {
  json::Array edges;
  for (const PlanEdge &e : p.edges)
    edges.push_back(json::Array{e.from, e.to});
  json::Array others;
  for (const PlanWidth &w : p.otherWidths)
    others.push_back(
        json::Object{{"t", w.t}, {"layers", planLayersToJson(w.layers)}});
  auto link = [](const PlanLink &k) {
    return json::Object{{"bandwidth_bytes_per_s", k.bandwidthBytesPerS},
                        {"latency_s", k.latencyS}};
  };
  const char *recompute = toString(p.recompute);
  return json::Object{
      {"devices", p.devices},
      {"devices_per_node", p.devicesPerNode},
      {"intra_node", link(p.intraNode)},
      {"inter_node", link(p.interNode)},
      {"memory_bytes", p.memoryBytes},
      {"peak_flops_per_s", p.peakFlopsPerS},
      {"t", p.t},
      {"microbatches", p.microbatches},
      {"samples_per_microbatch", p.samplesPerMicrobatch},
      {"tokens_per_sample", p.tokensPerSample},
      {"pipeline_schedule",
       p.schedule == PipelineSchedule::GPipe ? "gpipe" : "1f1b"},
      {"recompute", recompute},
      {"recompute_checkpoint", toString(p.checkpoint)},
      {"layers", planLayersToJson(p.layers)},
      {"other_widths", std::move(others)},
      {"edges", std::move(edges)}};
}

bool mlir::phaze::partition::parsePlanJson(llvm::StringRef text,
                                           PlanProblem &out,
                                           std::string &error) {
  std::optional<json::Value> parsed = parseJson(text, error);
  if (!parsed)
    return false;
  json::Path::Root root("problem");
  json::Path path(root);
  auto fail = [&]() {
    error = llvm::toString(root.getError());
    return false;
  };
  json::ObjectMapper o(*parsed, path);
  PlanProblem p;
  std::string schedule, recompute;
  if (!o || !o.map("devices", p.devices) ||
      !o.map("devices_per_node", p.devicesPerNode) ||
      !o.map("memory_bytes", p.memoryBytes) ||
      !o.map("peak_flops_per_s", p.peakFlopsPerS) || !o.map("t", p.t) ||
      !o.map("microbatches", p.microbatches) ||
      !o.map("samples_per_microbatch", p.samplesPerMicrobatch) ||
      !o.map("tokens_per_sample", p.tokensPerSample) ||
      !o.map("pipeline_schedule", schedule) || !o.map("recompute", recompute))
    return fail();
  const json::Object *obj = parsed->getAsObject();
  json::Path intraPath = path.field("intra_node"),
             interPath = path.field("inter_node");
  for (auto [name, link, lp] :
       {std::tuple<llvm::StringLiteral, PlanLink *, json::Path *>{
            "intra_node", &p.intraNode, &intraPath},
        {"inter_node", &p.interNode, &interPath}}) {
    const json::Value *v = obj->get(name);
    if (!v) {
      lp->report("missing value");
      return fail();
    }
    json::ObjectMapper m(*v, *lp);
    if (!m || !m.map("bandwidth_bytes_per_s", link->bandwidthBytesPerS) ||
        !m.map("latency_s", link->latencyS))
      return fail();
  }
  if (schedule == "1f1b")
    p.schedule = PipelineSchedule::OneFOneB;
  else if (schedule == "gpipe")
    p.schedule = PipelineSchedule::GPipe;
  else {
    path.field("pipeline_schedule").report("expected \"1f1b\" or \"gpipe\"");
    return fail();
  }
  if (!parseRecomputePolicy(recompute, p.recompute)) {
    path.field("recompute").report("expected \"off\", \"full\" or \"auto\"");
    return fail();
  }
  std::string checkpoint = "layer";
  if (!o.mapOptional("recompute_checkpoint", checkpoint))
    return fail();
  if (!parseRecomputeCheckpoint(checkpoint, p.checkpoint)) {
    path.field("recompute_checkpoint")
        .report("expected \"layer\" or \"stage\"");
    return fail();
  }
  // The layers of one chain, under `where` (the problem or a width).
  auto mapLayers = [&](const json::Object &from, json::Path where,
                       std::vector<PlanLayer> &into) {
    const json::Array *layers = from.getArray("layers");
    if (!layers) {
      where.field("layers").report("expected an array of layers");
      return false;
    }
    json::Path layersPath = where.field("layers");
    for (size_t i = 0; i < layers->size(); ++i) {
      json::Path lp = layersPath.index(i);
      json::ObjectMapper m((*layers)[i], lp);
      PlanLayer l;
      if (!m || !m.mapOptional("name", l.name) ||
          !m.map("forward_s", l.forwardS) ||
          !m.map("backward_s", l.backwardS) ||
          !m.map("optimizer_s", l.optimizerS) ||
          !m.map("parameter_bytes", l.parameterBytes) ||
          !m.map("gradient_bytes", l.gradientBytes) ||
          !m.map("optimizer_state_bytes", l.optimizerStateBytes) ||
          !m.map("stash_bytes", l.stashBytes) ||
          !m.map("recompute_stash_bytes", l.recomputeStashBytes) ||
          !m.map("output_bytes", l.outputBytes) ||
          !m.map("forward_flops", l.forwardFlops))
        return false;
      into.push_back(l);
    }
    return true;
  };
  if (!mapLayers(*obj, path, p.layers))
    return fail();
  // Optional: the layer DAG as [from, to] pairs (empty: the chain).
  if (const json::Value *v = obj->get("edges")) {
    json::Path ep = path.field("edges");
    const json::Array *edges = v->getAsArray();
    if (!edges) {
      ep.report("expected an array of [from, to] pairs");
      return fail();
    }
    for (size_t k = 0; k < edges->size(); ++k) {
      const json::Array *pair = (*edges)[k].getAsArray();
      std::optional<int64_t> from, to;
      if (pair && pair->size() == 2) {
        from = (*pair)[0].getAsInteger();
        to = (*pair)[1].getAsInteger();
      }
      if (!from || !to || *from < 0 || *to < 0 ||
          *from > std::numeric_limits<int>::max() ||
          *to > std::numeric_limits<int>::max()) {
        ep.index(k).report("expected a [from, to] pair of layer indices");
        return fail();
      }
      p.edges.push_back({static_cast<int>(*from), static_cast<int>(*to)});
    }
  }
  // Optional: the chain at other tensor-parallel widths.
  if (const json::Value *v = obj->get("other_widths")) {
    json::Path wp = path.field("other_widths");
    const json::Array *widths = v->getAsArray();
    if (!widths) {
      wp.report("expected an array of widths");
      return fail();
    }
    for (size_t k = 0; k < widths->size(); ++k) {
      json::Path ip = wp.index(k);
      json::ObjectMapper m((*widths)[k], ip);
      PlanWidth w;
      if (!m || !m.map("t", w.t) ||
          !mapLayers(*(*widths)[k].getAsObject(), ip, w.layers))
        return fail();
      p.otherWidths.push_back(std::move(w));
    }
  }
  if (!p.check(error))
    return false;
  out = std::move(p);
  return true;
}
