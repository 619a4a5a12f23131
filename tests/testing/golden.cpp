#include "testing/golden.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <unistd.h>

namespace fc::testing {

namespace fs = std::filesystem;

std::vector<std::string> golden_cases() { return {"tiny17", "synth3k_d64", "lfw_subset_k80"}; }

std::string golden_path(const std::string& name, const std::string& file) {
    return std::string(FC_SHARED_DIR) + "/golden/" + name + "/" + file;
}

Labels read_int_lines(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    Labels out;
    long long v;
    while (in >> v) out.push_back(v);
    return out;
}

bool same_partition(const Labels& a, const Labels& b) {
    if (a.size() != b.size()) return false;
    // A bijection between label values must exist.
    std::map<int64_t, int64_t> ab, ba;
    for (size_t i = 0; i < a.size(); ++i) {
        auto [it1, new1] = ab.emplace(a[i], b[i]);
        auto [it2, new2] = ba.emplace(b[i], a[i]);
        if (it1->second != b[i] || it2->second != a[i]) return false;
    }
    return true;
}

std::string make_temp_dir(const std::string& tag) {
    static std::atomic<int> counter{0};
    fs::path dir = fs::temp_directory_path() /
                   ("fc_test_" + tag + "_" + std::to_string(getpid()) + "_" +
                    std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

}  // namespace fc::testing
