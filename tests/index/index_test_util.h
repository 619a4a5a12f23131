#pragma once
/// Shared fixtures of the index tests: synthetic faces, temporary index paths and a full
/// engine run to compare an index against.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "facecluster/index/face_index.h"
#include "facecluster/pipeline.h"
#include "facecluster/synth/synth.h"

namespace fc::testing {

/// n synthetic faces of dimension d (make_synthetic defaults otherwise).
inline FeatureMatrix synth_faces(int64_t n, int64_t d = 32, uint64_t seed = 7) {
    SynthParams p;
    p.n_faces = n;
    p.dim = d;
    p.seed = seed;
    p.max_identity_size = 60;
    return make_synthetic(p).features;
}

/// Rows [begin, end) of x as their own matrix.
inline FeatureMatrix rows_of(const FeatureMatrix& x, int64_t begin, int64_t end) {
    std::vector<float> v(x.data + begin * x.cols, x.data + end * x.cols);
    return FeatureMatrix::from_vector(end - begin, x.cols, std::move(v));
}

inline std::vector<int64_t> iota_ids(int64_t begin, int64_t end) {
    std::vector<int64_t> ids;
    for (int64_t i = begin; i < end; ++i) ids.push_back(i);
    return ids;
}

/// A fresh path in the test's temporary folder (removed with its WAL and IVF files first).
inline std::string temp_index_path(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / "fc_index_tests";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / (name + ".fcx")).string();
    for (const char* suffix : {"", "-wal", "-shm", ".ivf", ".ivf.tmp"}) std::filesystem::remove(path + suffix);
    return path;
}

inline IndexParams small_params(int64_t k = 20) {
    IndexParams p;
    p.k = k;
    p.ndde_k = std::min<int64_t>(10, k);
    return p;
}

/// small_params with the IVF search over nlist cells, nprobe of them per face.
inline IndexParams ivf_params(int64_t nlist, int64_t nprobe, int64_t k = 20) {
    IndexParams p = small_params(k);
    p.search = IndexSearch::kIvf;
    p.nlist = nlist;
    p.nprobe = nprobe;
    return p;
}

/// The engine's full run (cluster_graph) on the index's own graph, with its parameters.
inline ClusterResult engine_run(const FaceIndex& index) {
    ClusterParams cp;
    cp.knn.k = index.params().k;
    cp.ndde.k = index.params().ndde_k;
    cp.ndde.sigma = index.params().ndde_sigma;
    cp.tpdi.sigma = index.params().tpdi_sigma;
    cp.dpc.tau = index.params().tau;
    return cluster_graph(index.graph(), cp);
}

/// True when two labelings (same face order) describe the same partition.
inline bool same_partition(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
    if (a.size() != b.size()) return false;
    std::unordered_map<int64_t, int64_t> ab, ba;
    for (size_t i = 0; i < a.size(); ++i)
        if (ab.emplace(a[i], b[i]).first->second != b[i] || ba.emplace(b[i], a[i]).first->second != a[i])
            return false;
    return true;
}

inline std::vector<int64_t> cluster_ids(const FaceIndex& index) {
    std::vector<int64_t> out;
    for (const FaceLabel& l : index.labels()) out.push_back(l.cluster);
    return out;
}

}  // namespace fc::testing
