#pragma once
// The verbs under 'facecluster index', registered by add_index_command (cli.h).

#include <ostream>
#include <vector>

#include "facecluster/index/face_index.h"

namespace CLI {
class App;
}

namespace fc::cli {

void add_index_update_commands(CLI::App* index_cmd);  // create, add, remove, constrain, rebuild-ivf
void add_index_query_commands(CLI::App* index_cmd);   // cluster, suggest, export, verify

/// Prints identity events, one per line, the first 20 only.
void print_events(std::ostream& out, const std::vector<ClusterEvent>& events);

}  // namespace fc::cli
