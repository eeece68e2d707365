// nmk-store-check: verifies a JetStream store offline (tools/store_check/README.md).
//   nmk-store-check [--backend auto|file|rocksdb] [--repair] <store_dir>
// Exit 0: every stream clean (or repaired); 1: problems found; 2: bad usage or no store.
#include <iostream>
#include <string>

#include "tools/store_check/store_check.hpp"

int main(int argc, char** argv) {
    nats::store_check::CheckOptions options;
    std::string dir;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--repair") {
            options.repair = true;
        } else if (arg == "--backend" && i + 1 < argc) {
            options.backend = argv[++i];
        } else if (arg == "-h" || arg == "--help") {
            std::cout << "usage: nmk-store-check [--backend auto|file|rocksdb] [--repair] <store_dir>\n";
            return 0;
        } else if (!arg.empty() && arg[0] != '-' && dir.empty()) {
            dir = arg;
        } else {
            std::cerr << "nmk-store-check: unknown argument '" << arg << "'\n";
            return 2;
        }
    }
    if (dir.empty() || (options.backend != "auto" && options.backend != "file" && options.backend != "rocksdb")) {
        std::cerr << "usage: nmk-store-check [--backend auto|file|rocksdb] [--repair] <store_dir>\n";
        return 2;
    }
    try {
        const auto reports = nats::store_check::check_store(dir, options);
        bool clean = true;
        for (const auto& r : reports) {
            std::cout << nats::store_check::describe(r) << "\n";
            clean = clean && r.clean();
        }
        std::cout << reports.size() << " stream(s) checked: " << (clean ? "OK" : "PROBLEMS") << "\n";
        return clean ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "nmk-store-check: " << e.what() << "\n";
        return 2;
    }
}
