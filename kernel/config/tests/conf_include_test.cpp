// include: relative to the including file, merged into the current map.
#include <gtest/gtest.h>

#include "kernel/config/conf_value.hpp"
#include "temp_dir.hpp"

namespace nats::config {
namespace {

using test::TempDir;

std::string error_of_file(const std::string& path) {
    try {
        parse_config_file(path);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(ConfInclude, MergesTopLevelKeysAndLaterKeysOverride) {
    TempDir dir;
    dir.write("inc.conf", "port: 4333\nxx = 5\n");
    const auto main = dir.write("main.conf", "port: 1\ninclude \"inc.conf\"\nmax_conn: $xx\ndebug: true\n");
    const Value v = parse_config_file(main);
    EXPECT_EQ(v.find("port")->as_int(), 4333);
    EXPECT_EQ(v.find("max_conn")->as_int(), 5);  // a variable defined by the included file
    EXPECT_TRUE(v.find("debug")->as_bool());
    EXPECT_EQ(v.find("port")->location().file, dir.path() + "/inc.conf");
    EXPECT_EQ(v.find("port")->location().line, 1);
}

TEST(ConfInclude, QuotingFormsAndSubdirectories) {
    TempDir dir;
    dir.write("sub/a.conf", "a: 1\n");
    dir.write("sub/b.conf", "b: 2\n");
    dir.write("sub/c.conf", "c: 3\n");
    const auto main = dir.write("main.conf", "include sub/a.conf\ninclude 'sub/b.conf'\ninclude \"sub/c.conf\"; d: 4\n");
    const Value v = parse_config_file(main);
    EXPECT_EQ(v.find("a")->as_int(), 1);
    EXPECT_EQ(v.find("b")->as_int(), 2);
    EXPECT_EQ(v.find("c")->as_int(), 3);
    EXPECT_EQ(v.find("d")->as_int(), 4);
}

TEST(ConfInclude, InsideAMapMergesIntoThatMap) {
    TempDir dir;
    dir.write("users.conf", "user: alice\npassword: secret\n");
    const auto main = dir.write("main.conf", "authorization {\n  include users.conf\n  timeout: 3\n}\n");
    const Value v = parse_config_file(main);
    const Value* auth = v.find("authorization");
    EXPECT_EQ(auth->find("user")->as_string(), "alice");
    EXPECT_EQ(auth->find("password")->as_string(), "secret");
    EXPECT_EQ(auth->find("timeout")->as_int(), 3);
    EXPECT_EQ(v.find("user"), nullptr);
}

TEST(ConfInclude, NestedIncludesAreRelativeToTheirOwnFile) {
    TempDir dir;
    dir.write("a/b/leaf.conf", "leaf: true\n");
    dir.write("a/middle.conf", "include b/leaf.conf\n");
    const auto main = dir.write("main.conf", "include a/middle.conf\n");
    EXPECT_TRUE(parse_config_file(main).find("leaf")->as_bool());
}

TEST(ConfInclude, IncludedFileDoesNotSeeTheIncludersVariables) {
    TempDir dir;
    dir.write("inc.conf", "y: $outer_only\n");
    const auto main = dir.write("main.conf", "outer_only = 1\ninclude inc.conf\n");
    EXPECT_EQ(error_of_file(main),
              dir.path() + "/inc.conf:1:4: variable reference for 'outer_only' on line 1 can not be found");
}

// Like nats-server (Go filepath.Join), a leading '/' is still relative to the includer.
TEST(ConfInclude, AbsoluteLookingPathIsJoinedToTheIncludersDirectory) {
    TempDir dir;
    dir.write("etc/x.conf", "x: 1\n");
    const auto main = dir.write("main.conf", "include \"/etc/x.conf\"\n");
    EXPECT_EQ(parse_config_file(main).find("x")->as_int(), 1);
}

TEST(ConfInclude, MissingFileNamesTheIncludeLine) {
    TempDir dir;
    const auto main = dir.write("main.conf", "port: 1\n  include \"nope.conf\"\n");
    EXPECT_EQ(error_of_file(main), main + ":2:3: error parsing include file 'nope.conf', open " + dir.path() +
                                       "/nope.conf: No such file or directory");
}

TEST(ConfInclude, SyntaxErrorInIncludedFileNamesThatFile) {
    TempDir dir;
    dir.write("bad.conf", "ok: 1\nport: [\n");
    const auto main = dir.write("main.conf", "include bad.conf\n");
    EXPECT_EQ(error_of_file(main), dir.path() + "/bad.conf:3:1: Unexpected EOF processing array.");
}

TEST(ConfInclude, CycleStopsWithAnError) {
    TempDir dir;
    dir.write("a.conf", "include b.conf\n");
    dir.write("b.conf", "include a.conf\n");
    const auto main = dir.write("main.conf", "include a.conf\n");
    EXPECT_NE(error_of_file(main).find("includes nested too deeply"), std::string::npos);
}

TEST(ConfInclude, MissingMainFile) {
    TempDir dir;
    EXPECT_EQ(error_of_file(dir.path() + "/absent.conf"),
              "error opening config file: open " + dir.path() + "/absent.conf: No such file or directory");
    EXPECT_EQ(error_of_file(dir.path()), "error opening config file: read " + dir.path() + ": is a directory");
}

TEST(ConfInclude, KeyNamedIncludeNeedsASeparator) {
    const Value v = parse_config_string("include: yes\n", "t.conf");
    EXPECT_TRUE(v.find("include")->as_bool());
}

}  // namespace
}  // namespace nats::config
