#pragma once
/// Helpers shared by the CLI tests: running `fc::cli::run` in-process with captured output,
/// a fixture with fresh input and output directories, and readers for golden metadata.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "testing/expect.h"
#include "testing/golden.h"

namespace fc::testing {

/// Exit code and everything the command printed.
struct CliRun {
    int code = -1;
    std::string out;
    std::string err;
};

/// Runs `facecluster <args...>` in-process, capturing stdout and stderr.
inline CliRun run_cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"facecluster"};
    argv.insert(argv.end(), args.begin(), args.end());
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    CliRun r;
    r.code = cli::run(argv);
    std::cout.flush();
    std::cerr.flush();
    r.err = ::testing::internal::GetCapturedStderr();
    r.out = ::testing::internal::GetCapturedStdout();
    return r;
}

/// Streams a run for failure messages.
inline std::ostream& operator<<(std::ostream& os, const CliRun& r) {
    return os << "exit " << r.code << "\n--- stdout ---\n" << r.out << "--- stderr ---\n" << r.err;
}

/// Number of '\n'-terminated lines in a text file.
inline int64_t count_lines(const std::string& path) {
    const std::string text = read_bytes(path);
    return std::count(text.begin(), text.end(), '\n');
}

/// The golden case's metrics.json (parameters and the reference's scores per pred file).
inline nlohmann::json golden_metrics(const std::string& name) {
    std::ifstream in(golden_path(name, "metrics.json"));
    return nlohmann::json::parse(in);
}

/// k of the golden case's kNN graph, as a CLI argument.
inline std::string golden_k(const std::string& name) {
    return std::to_string(golden_metrics(name)["k"].get<int64_t>());
}

/// "0.7" for 0.7: the spelling of tau in golden file names.
inline std::string tau_text(double tau) {
    std::ostringstream s;
    s << tau;
    return s.str();
}

/// Fixture with fresh directories: `in_` for inputs a test writes, `out_` for the command's
/// outputs, so a failing command can be checked to have left `out_` empty.
class CliTest : public ::testing::Test {
protected:
    ~CliTest() override {
        std::error_code ignored;
        std::filesystem::remove_all(in_, ignored);
        std::filesystem::remove_all(out_, ignored);
    }
    std::string in(const std::string& name) const { return in_ + "/" + name; }
    std::string out(const std::string& name) const { return out_ + "/" + name; }

    std::string in_ = make_temp_dir("cli_in");
    std::string out_ = make_temp_dir("cli_out");
};

}  // namespace fc::testing
