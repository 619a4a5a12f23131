// facecluster index ...: the verbs end to end, and their error exits.
#include <gtest/gtest.h>

#include "cli/cli_test_util.h"
#include "facecluster/io/features.h"
#include "facecluster/synth/synth.h"

namespace fc::testing {
namespace {

class IndexCli : public CliTest {
protected:
    void SetUp() override {
        SynthParams p;
        p.n_faces = 700;
        p.dim = 32;
        const FeatureMatrix x = make_synthetic(p).features;
        auto part = [&](int64_t b, int64_t e) {
            return FeatureMatrix::from_vector(e - b, x.cols,
                                              std::vector<float>(x.row(b), x.row(e)));
        };
        save_features(in("base.npy"), part(0, 600));
        save_features(in("more.npy"), part(600, 700));
        std::string ids;
        for (int i = 0; i < 100; ++i) ids += std::to_string(5000 + i) + "\n";
        write_bytes(in("more_ids.txt"), ids);
    }
    std::string index() const { return out("photos.fcx"); }
};

TEST_F(IndexCli, EveryVerbEndToEnd) {
    CliRun r = run_cli({"index", "create", index(), "--features", in("base.npy"), "--k", "30", "-q"});
    ASSERT_EQ(r.code, 0) << r;
    r = run_cli({"index", "add", index(), "--features", in("more.npy"), "--ids", in("more_ids.txt"),
                 "--summary", out("add.json")});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"700 faces", "added 100"});
    const auto summary = nlohmann::json::parse(read_bytes(out("add.json")));
    EXPECT_EQ(summary["update"]["faces_added"], 100);
    write_bytes(in("gone.txt"), "5000\n5001\n3\n");
    r = run_cli({"index", "remove", index(), "--ids", in("gone.txt")});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"697 faces", "removed 3"});
    write_bytes(in("cannot.txt"), "# same photo\n10 11\n12,13\n");
    write_bytes(in("must.txt"), "20 21 22\n");
    r = run_cli({"index", "constrain", index(), "--cannot-link", in("cannot.txt"), "--must-link", in("must.txt"), "-q"});
    ASSERT_EQ(r.code, 0) << r;
    r = run_cli({"index", "cluster", index(), "--tau", "0.8", "--out", out("labels.csv")});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"tau 0.8", "clusters", "unknown faces"});
    EXPECT_EQ(count_lines(out("labels.csv")), 698);
    expect_contains(read_bytes(out("labels.csv")), {"face_id,cluster,label,confidence,density\n"});
    r = run_cli({"index", "suggest", index(), "--top", "2", "--out", out("suggest.csv")});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(read_bytes(out("suggest.csv")), {"cluster,other,score,links,min_distance\n"});
    r = run_cli({"index", "export", index(), "--what", "tree", "--out", out("tree.csv"), "-q"});
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(count_lines(out("tree.csv")), 698);
    r = run_cli({"index", "verify", index()});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"identical to a full run"});
}

TEST_F(IndexCli, IvfIndexAndItsCellFile) {
    CliRun r = run_cli({"index", "create", index(), "--features", in("base.npy"), "--k", "30", "--knn-method",
                        "ivf", "--nlist", "20", "--nprobe", "4", "-q"});
    ASSERT_EQ(r.code, 0) << r;
    r = run_cli({"index", "add", index(), "--features", in("more.npy"), "-q"});
    ASSERT_EQ(r.code, 0) << r;
    r = run_cli({"index", "verify", index()});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"700 faces", "stored (IVF) kNN rows"});
    std::string cells = read_bytes(index() + ".ivf");
    cells[cells.size() - 3] = static_cast<char>(cells[cells.size() - 3] ^ 0x21);
    write_bytes(index() + ".ivf", cells);
    r = run_cli({"index", "cluster", index()});
    EXPECT_EQ(r.code, 3) << r;
    expect_contains(r.err, {index() + ".ivf", "damaged", "facecluster index rebuild-ivf " + index()});
    r = run_cli({"index", "rebuild-ivf", index(), "--nprobe", "6"});
    ASSERT_EQ(r.code, 0) << r;
    expect_contains(r.out, {"700 faces filed in 43 IVF cells (nprobe 6)"});  // default nlist: 700 / 16
    EXPECT_EQ(run_cli({"index", "verify", index(), "-q"}).code, 0);
    r = run_cli({"index", "create", out("x.fcx"), "--features", in("base.npy"), "--knn-method", "hnsw"});
    EXPECT_EQ(r.code, 2) << r;
    expect_contains(r.err, {"--knn-method 'hnsw'", "exact, ivf, auto"});
}

TEST_F(IndexCli, ErrorsExitWithTheirCodes) {
    ASSERT_EQ(run_cli({"index", "create", index(), "--features", in("base.npy"), "--k", "30", "-q"}).code, 0);
    CliRun r = run_cli({"index", "create", index(), "--features", in("base.npy"), "-q"});
    EXPECT_EQ(r.code, 3) << r;
    expect_contains(r.err, {"already exists"});
    r = run_cli({"index", "add", out("none.fcx"), "--features", in("more.npy")});
    EXPECT_EQ(r.code, 3) << r;
    write_bytes(in("dup.txt"), "5\n");
    r = run_cli({"index", "remove", index(), "--ids", in("dup.txt"), "-q"});
    EXPECT_EQ(r.code, 0) << r;
    r = run_cli({"index", "remove", index(), "--ids", in("dup.txt")});
    EXPECT_EQ(r.code, 2) << r;
    expect_contains(r.err, {"face id 5", "not in the index"});
    write_bytes(in("bad_pairs.txt"), "1 2 3\n");
    r = run_cli({"index", "constrain", index(), "--cannot-link", in("bad_pairs.txt")});
    EXPECT_EQ(r.code, 3) << r;
    expect_contains(r.err, {"bad_pairs.txt", "one pair"});
    write_bytes(in("words.txt"), "1 two\n");
    r = run_cli({"index", "constrain", index(), "--must-link", in("words.txt")});
    EXPECT_EQ(r.code, 3) << r;
    expect_contains(r.err, {"words.txt:1", "'two'"});
    write_bytes(in("m.txt"), "1 2\n");
    write_bytes(in("c.txt"), "1 2\n");
    r = run_cli({"index", "constrain", index(), "--must-link", in("m.txt"), "--cannot-link", in("c.txt")});
    EXPECT_EQ(r.code, 2) << r;
    expect_contains(r.err, {"conflict"});
    r = run_cli({"index", "export", index(), "--what", "graph", "--out", out("x.csv")});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_FALSE(std::filesystem::exists(out("x.csv")));
}

}  // namespace
}  // namespace fc::testing
