#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/cli.h"
#include "facecluster/error.h"
#include "facecluster/version.h"

namespace fc::cli {

int run(const std::vector<std::string>& args) {
    CLI::App app{"facecluster " FC_VERSION_STRING
                 ": face clustering with NDDe density, TPDi distance and density-peak linking\n"
                 "(Chen et al., On Mitigating Hard Clusters for Face Clustering, ECCV 2022)"};
    app.require_subcommand(1);
    app.set_version_flag("--version", FC_VERSION_STRING);
    add_cluster_command(app);
    add_knn_command(app);
    add_eval_command(app);
    add_synth_command(app);
    add_convert_command(app);
    add_compare_command(app);
    add_index_command(app);
#if FC_WITH_TORCH
    add_train_command(app);
#endif

    std::vector<std::string> reversed(args.rbegin(), args.rend() - (args.empty() ? 0 : 1));
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        if (code == 0) return kOk;
        std::cerr << "Run 'facecluster --help' for the verbs (cluster, knn, eval, synth, convert, compare, index, train) "
                     "and 'facecluster VERB --help' for their options.\n";
        return kUsage;
    } catch (const InvalidArgument& e) {
        std::cerr << "facecluster: error: " << e.what() << "\n";
        return kUsage;
    } catch (const IoError& e) {
        std::cerr << "facecluster: error: " << e.what() << "\n";
        return kIo;
    } catch (const std::exception& e) {
        std::cerr << "facecluster: error: " << e.what() << "\n";
        return kInternal;
    }
    return kOk;
}

}  // namespace fc::cli
