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

#include "testing/expect.h"
#include "testing/golden.h"

namespace fc::testing {

/// Path of a file in tests/data/io (written by tests/data/io/make_io_test_data.py).
inline std::string io_data(const std::string& name) {
    return std::string(FC_TEST_DATA_DIR) + "/io/" + name;
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
