// nk: NKey generation, signing and verification; see README.md.
#include <iostream>
#include <string>
#include <vector>

#include "nk.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    const int code = nats::nk::run(args, std::cout, std::cerr);
    std::cout.flush();
    return code;
}
