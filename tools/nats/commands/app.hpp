#pragma once
// The nats command: builds the command tree, parses the command line, runs the
// selected command and turns failures into natscli's messages and exit codes.
#include <string>
#include <vector>

namespace nats::cli {

// Runs `nats <args>` and returns the process exit code.
int run(const std::vector<std::string>& args);

} // namespace nats::cli
