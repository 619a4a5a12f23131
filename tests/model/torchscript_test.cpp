// The TorchScript export: the same network, loadable by torch.jit.load in C++ and Python.
#include <gtest/gtest.h>
#include <torch/script.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "facecluster/model/similarity_model.h"
#include "model/internal/network.h"
#include "model/model_fixtures.h"
#include "testing/expect.h"

namespace fc {
namespace {

using testing::temp_path;

TEST(TorchScriptExport, LoadsInLibtorchWithTheSameOutputs) {
    ModelConfig c = testing::tiny_config();
    c.d_model = 4;
    SimilarityModel m = SimilarityModel::create(c, 3);
    const std::string path = temp_path("model.pt");
    m.export_torchscript(path);
    torch::jit::Module loaded = torch::jit::load(path);
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::randn({4, c.k, c.dim});
    m.impl().module.eval();
    EXPECT_TRUE(torch::equal(loaded.forward({x}).toTensor(), internal::forward(m.impl().module, x)));
    EXPECT_EQ(loaded.attr("k").toInt(), c.k);
    EXPECT_EQ(loaded.attr("dim").toInt(), c.dim);
    std::filesystem::remove(path);
}

// Python's torch.jit.load gives the same logits (skipped where Debian's python3-torch is absent).
TEST(TorchScriptExport, LoadsInPython) {
    if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "python3-torch not installed";
    const auto set = testing::make_tiny_set(3, 4, 8, 6, 0.3);
    SimilarityModel m = SimilarityModel::create(testing::tiny_config(), 11);
    const std::string model = temp_path("py.pt"), feats = temp_path("x.f32"), ids = temp_path("ids.i32"),
                      expected = temp_path("z.f32");
    m.export_torchscript(model);
    const auto z = m.pair_logits(set.x, set.graph);
    testing::write_bytes(feats, std::string(reinterpret_cast<const char*>(set.x.data), size_t(set.x.rows * 8 * 4)));
    testing::write_bytes(ids, std::string(reinterpret_cast<const char*>(set.graph.ids), size_t(set.graph.n * 6 * 4)));
    testing::write_bytes(expected, std::string(reinterpret_cast<const char*>(z.data()), z.size() * 4));
    const std::string script =
        "import sys, numpy as np, torch\n"
        "m = torch.jit.load(sys.argv[1])\n"
        "x = torch.from_numpy(np.fromfile(sys.argv[2], np.float32).reshape(-1, m.dim))\n"
        "ids = torch.from_numpy(np.fromfile(sys.argv[3], np.int32).astype(np.int64).reshape(-1, m.k))\n"
        "z = m(x[ids]).detach().numpy().ravel()\n"
        "ref = np.fromfile(sys.argv[4], np.float32)\n"
        "sys.exit(0 if np.abs(z - ref).max() < 1e-5 else 1)\n";
    const std::string script_path = temp_path("check.py");
    testing::write_bytes(script_path, script);
    const std::string cmd = "/usr/bin/python3 " + script_path + " " + model + " " + feats + " " + ids + " " + expected;
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    for (const auto& p : {model, feats, ids, expected, script_path}) std::filesystem::remove(p);
}

}  // namespace
}  // namespace fc
