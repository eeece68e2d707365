#pragma once
// The nk key tool: generate NKeys, print a seed's public key, sign a file and
// verify a signature, with the flags, output and exit codes of nats-io's nk.
#include <iosfwd>
#include <string>
#include <vector>

namespace nats::nk {

// Runs nk with `args` (without the program name). Results and fatal errors go
// to `out` (nk logs to stdout), flag syntax errors to `err`. Returns the exit
// code: 0 on success, 1 on any error or when only the usage was printed.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace nats::nk
