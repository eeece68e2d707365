// nats: the command-line tool; everything but the entry point is in nmk_nats_cli.
#include <nats/nats.h>

#include <string>
#include <vector>

#include "app.hpp"

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const int code = nats::cli::run(args);
    // Lets libnats' threads finish before static objects go away.
    nats_CloseAndWait(2000);
    return code;
}
