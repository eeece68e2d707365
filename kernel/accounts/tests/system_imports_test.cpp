// The system account's automatic service imports (nats-server 2.9.10's registerSystemImports).
#include <gtest/gtest.h>

#include <algorithm>

#include "kernel/accounts/system_imports.hpp"

namespace nats::accounts {
namespace {

AccountsConfig parse(const std::string& text) {
    return parse_accounts(config::parse_config_string(text, "test.conf"), "test.conf");
}

std::vector<const ServiceLink*> of(const AccountsConfig& c, std::string_view importer) {
    std::vector<const ServiceLink*> out;
    for (const auto& l : c.service_links)
        if (l.importer == importer) out.push_back(&l);
    return out;
}

TEST(SystemImports, EveryAccountButTheSystemOneReachesItsOwnConnzAndStatz) {
    auto c = parse("accounts { SYS {}, A {} }\nsystem_account: SYS\n");
    add_system_imports(c);
    EXPECT_TRUE(of(c, "SYS").empty());
    for (const std::string account : {"A", "$G"}) {
        const auto links = of(c, account);
        ASSERT_EQ(links.size(), 3u) << account;
        EXPECT_EQ(links[0]->from, "$SYS.REQ.ACCOUNT.PING.CONNZ");
        EXPECT_EQ(links[0]->to, "$SYS.REQ.ACCOUNT." + account + ".CONNZ");
        EXPECT_EQ(links[1]->from, "$SYS.REQ.SERVER.PING.CONNZ");
        EXPECT_EQ(links[1]->to, "$SYS.REQ.ACCOUNT." + account + ".CONNZ");
        EXPECT_EQ(links[2]->from, "$SYS.REQ.ACCOUNT.PING.STATZ");
        EXPECT_EQ(links[2]->to, "$SYS.REQ.ACCOUNT." + account + ".STATZ");
        for (const auto* l : links) {
            EXPECT_EQ(l->exporter, "SYS");
            EXPECT_EQ(l->response_type, ResponseType::stream);
            EXPECT_EQ(service_subject(*l, l->from), l->to);
        }
    }
}

TEST(SystemImports, DefaultSystemAccountAndNone) {
    auto c = parse("accounts { A {} }\n");
    add_system_imports(c);
    ASSERT_EQ(of(c, "A").size(), 3u);
    EXPECT_EQ(of(c, "A")[0]->exporter, "$SYS");
    EXPECT_TRUE(of(c, "$SYS").empty());

    auto off = parse("accounts { A {} }\nno_system_account: true\n");
    add_system_imports(off);
    EXPECT_TRUE(off.service_links.empty());
}

TEST(SystemImports, AnImportTheAccountMadeItselfWins) {
    auto c = parse(R"(
accounts {
  SYS { exports [{service: "$SYS.REQ.ACCOUNT.PING.CONNZ"}] }
  A { imports [{service: {account: SYS, subject: "$SYS.REQ.ACCOUNT.PING.CONNZ"}}] }
}
system_account: SYS
)");
    add_system_imports(c);
    const auto links = of(c, "A");
    ASSERT_EQ(links.size(), 3u);
    EXPECT_EQ(links[0]->to, "$SYS.REQ.ACCOUNT.PING.CONNZ");  // the configured one, unchanged
    EXPECT_EQ(std::count_if(links.begin(), links.end(),
                            [](const ServiceLink* l) { return l->from == "$SYS.REQ.ACCOUNT.PING.CONNZ"; }),
              1);
}

}  // namespace
}  // namespace nats::accounts
