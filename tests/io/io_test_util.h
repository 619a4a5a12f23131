#pragma once
/// Helpers shared by the io module's tests: temp files, reference data paths and checks on
/// exception messages.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

#include "testing/golden.h"

namespace fc::testing {

/// Path of a file in tests/data/io (written by tests/data/io/make_io_test_data.py).
inline std::string io_data(const std::string& name) {
    return std::string(FC_TEST_DATA_DIR) + "/io/" + name;
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

inline std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Names of the entries of `dir`, sorted.
inline std::vector<std::string> list_dir(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

/// Runs `fn`, expects it to throw E, and returns the message ("" if it did not throw).
template <class E, class Fn>
std::string error_of(Fn&& fn) {
    try {
        fn();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "threw the wrong exception type: " << e.what();
        return "";
    }
    ADD_FAILURE() << "did not throw";
    return "";
}

/// Expects every one of `parts` to occur in `message`.
inline void expect_contains(const std::string& message, std::initializer_list<std::string> parts) {
    for (const std::string& part : parts)
        EXPECT_NE(message.find(part), std::string::npos)
            << "message lacks \"" << part << "\": " << message;
}

/// Fixture giving each test a fresh directory, removed afterwards.
class TempDirTest : public ::testing::Test {
protected:
    ~TempDirTest() override {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    std::string file(const std::string& name) const { return dir_ + "/" + name; }

    std::string dir_ = make_temp_dir("io");
};

}  // namespace fc::testing
