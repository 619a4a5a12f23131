#pragma once
/// The facecluster command: a thin adapter that parses, validates, calls the library, writes
/// outputs and reports timings. Each verb lives in its own cmd_<verb>.cpp.

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace fc::cli {

/// Exit codes: 0 success, 1 internal error, 2 bad usage or argument, 3 file error.
enum ExitCode : int { kOk = 0, kInternal = 1, kUsage = 2, kIo = 3 };

/// Runs the command line (argv[0] is ignored) and returns the process exit code. Errors are
/// printed to stderr; nothing is written to an output path unless the verb succeeded.
int run(const std::vector<std::string>& args);

// Each verb registers its subcommand and a callback that does the work.
void add_cluster_command(CLI::App& app);
void add_knn_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_synth_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_compare_command(CLI::App& app);
void add_index_command(CLI::App& app);
void add_train_command(CLI::App& app);  // only when built with FC_WITH_TORCH

}  // namespace fc::cli
