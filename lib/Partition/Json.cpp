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

#include <map>

using namespace mlir::phaze::partition;
namespace json = llvm::json;

namespace {

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
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed) {
    // LLVM writes "[line:column, byte=N]: message"; say "line:column:".
    std::string m = llvm::toString(parsed.takeError());
    llvm::StringRef text = m;
    if (text.consume_front("[")) {
      auto [where, rest] = text.split("]: ");
      error = (where.split(',').first + ": " + rest).str();
    } else {
      error = m;
    }
    return false;
  }
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
    json::Path ep = edgesPath.index(e);
    json::ObjectMapper o((*edges)[e], ep);
    int64_t from, to;
    PiperEdge edge;
    if (!o || !o.map("sourceId", from) || !o.map("destId", to) ||
        !o.map("communicationCost", edge.bytesPerSample))
      return fail();
    auto f = position.find(from), t = position.find(to);
    if (f == position.end()) {
      ep.field("sourceId").report("no node has this id");
      return fail();
    }
    if (t == position.end()) {
      ep.field("destId").report("no node has this id");
      return fail();
    }
    edge.from = f->second;
    edge.to = t->second;
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
