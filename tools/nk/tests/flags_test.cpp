// nk's flags follow Go's flag package: these are the forms scripts use.
#include <gtest/gtest.h>

#include "flags.hpp"

namespace nats::nk {
namespace {

TEST(NkFlags, SeparateAndEqualsValues) {
    const auto p = parse_flags({"-gen", "user", "--inkey=k.seed", "-sign", "f.txt", "-sigfile=s"});
    ASSERT_FALSE(p.error);
    EXPECT_EQ(p.options.gen, "user");
    EXPECT_EQ(p.options.inkey, "k.seed");
    EXPECT_EQ(p.options.sign, "f.txt");
    EXPECT_EQ(p.options.sigfile, "s");
    EXPECT_FALSE(p.options.pubout);
}

TEST(NkFlags, Booleans) {
    EXPECT_TRUE(parse_flags({"-pubout"}).options.pubout);
    EXPECT_TRUE(parse_flags({"--pubout=true"}).options.pubout);
    EXPECT_FALSE(parse_flags({"-pubout", "-pubout=F"}).options.pubout);
    EXPECT_TRUE(parse_flags({"-v"}).options.version);
    // A bool never takes the next argument as its value.
    const auto p = parse_flags({"-pubout", "true", "-gen", "user"});
    EXPECT_TRUE(p.options.pubout);
    EXPECT_EQ(p.options.gen, "");
}

TEST(NkFlags, StopsAtNonFlagOrDoubleDash) {
    EXPECT_EQ(parse_flags({"x", "-gen", "user"}).options.gen, "");
    EXPECT_EQ(parse_flags({"--", "-gen", "user"}).options.gen, "");
    EXPECT_EQ(parse_flags({"-", "-gen", "user"}).options.gen, "");
}

TEST(NkFlags, MaxPre) {
    EXPECT_EQ(parse_flags({}).options.maxpre, 10'000'000);
    EXPECT_EQ(parse_flags({"-maxpre", "25"}).options.maxpre, 25);
    EXPECT_EQ(parse_flags({"-maxpre=0x10"}).options.maxpre, 16);
    EXPECT_EQ(*parse_flags({"-maxpre", "ten"}).error, "invalid value \"ten\" for flag -maxpre: parse error");
}

TEST(NkFlags, ErrorsInGoWording) {
    EXPECT_EQ(*parse_flags({"-nope"}).error, "flag provided but not defined: -nope");
    EXPECT_EQ(*parse_flags({"-gen"}).error, "flag needs an argument: -gen");
    EXPECT_EQ(*parse_flags({"---gen"}).error, "bad flag syntax: ---gen");
    EXPECT_EQ(*parse_flags({"-=x"}).error, "bad flag syntax: -=x");
    EXPECT_EQ(*parse_flags({"-pubout=maybe"}).error, "invalid boolean value \"maybe\" for -pubout: parse error");
}

TEST(NkFlags, Help) {
    EXPECT_TRUE(parse_flags({"-h"}).help);
    EXPECT_TRUE(parse_flags({"--help"}).help);
    EXPECT_FALSE(parse_flags({"-h"}).error);
}

} // namespace
} // namespace nats::nk
