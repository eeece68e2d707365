// The offline store check on both backends: a clean store passes; a flipped byte in a
// record is found (sequence named), and --repair removes it, after which the store is
// clean again and every other message is still there.
#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "plugins/store_file/file_store.hpp"
#include "plugins/store_file/record_format.hpp"
#include "plugins/store_rocksdb/rocks_store.hpp"
#include "tools/store_check/store_check.hpp"

namespace nats::store_check {
namespace {

namespace fs = std::filesystem;

struct TempRoot {
    TempRoot() {
        std::mt19937_64 rng{std::random_device{}()};
        path = fs::temp_directory_path() / ("store_check_" + std::to_string(rng()));
        fs::create_directories(path / "jetstream");
    }
    ~TempRoot() { fs::remove_all(path); }
    fs::path path;
};

void fill(nats_sdk::store::StoreBackend& backend, const fs::path& root) {
    auto store = backend.open_store(root.string(), R"({"sync": "always"})");
    auto stream = store->open_stream("ACC", "S");
    stream->write_meta("{}");
    for (std::uint64_t seq = 1; seq <= 20; ++seq)
        stream->append(seq, 1000 + seq, "s." + std::to_string(seq % 3), "", "payload number " + std::to_string(seq));
    stream->remove(7);
}

// A byte of message 5's payload flipped, in the file store's block file.
void damage_file_store(const fs::path& root) {
    for (const auto& entry : fs::directory_iterator(root / "ACC" / "streams" / "S" / "msgs")) {
        if (entry.path().extension() != ".blk") continue;
        std::string bytes;
        {
            std::ifstream in(entry.path(), std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        const auto at = bytes.find("payload number 5");
        ASSERT_NE(at, std::string::npos);
        bytes[at + 3] ^= 0x04;
        std::ofstream out(entry.path(), std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return;
    }
    FAIL() << "no block file";
}

void expect_found_and_repaired(const fs::path& root, const std::string& backend) {
    auto reports = check_store(root.parent_path(), CheckOptions{backend, false});
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].corrupt, std::vector<std::uint64_t>{5}) << describe(reports[0]);
    EXPECT_FALSE(reports[0].clean());
    EXPECT_EQ(reports[0].messages, 18u);  // 20, one removed, one corrupt
    EXPECT_NE(describe(reports[0]).find("1 corrupt (5)"), std::string::npos) << describe(reports[0]);

    reports = check_store(root, CheckOptions{backend, true});
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].repaired, 1u);
    EXPECT_TRUE(reports[0].clean()) << describe(reports[0]);

    reports = check_store(root, CheckOptions{backend, false});
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_TRUE(reports[0].corrupt.empty());
    EXPECT_TRUE(reports[0].clean()) << describe(reports[0]);
    EXPECT_EQ(reports[0].messages, 18u);
}

TEST(StoreCheck, FileStoreCleanThenDamagedThenRepaired) {
    TempRoot tmp;
    const fs::path root = tmp.path / "jetstream";
    {
        ::store_file::FileStoreBackend backend;
        fill(backend, root);
    }
    auto reports = check_store(tmp.path, CheckOptions{});
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_TRUE(reports[0].clean()) << describe(reports[0]);
    EXPECT_EQ(reports[0].messages, 19u);
    EXPECT_EQ(reports[0].backend, "file");
    damage_file_store(root);
    expect_found_and_repaired(root, "file");
}

TEST(StoreCheck, RocksDbStoreCleanThenDamagedThenRepaired) {
    TempRoot tmp;
    const fs::path root = tmp.path / "jetstream";
    {
        store_rocksdb::RocksBackend backend;
        fill(backend, root);
    }
    auto reports = check_store(tmp.path, CheckOptions{});
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_EQ(reports[0].backend, "rocksdb");
    EXPECT_TRUE(reports[0].clean()) << describe(reports[0]);
    // Damage message 5's record the way a bad write would: one payload byte, old checksum.
    {
        rocksdb::Options options;
        std::vector<rocksdb::ColumnFamilyDescriptor> families;
        for (const char* name : {rocksdb::kDefaultColumnFamilyName.c_str(), "streams", "msgs", "subjects", "state"})
            families.emplace_back(name, rocksdb::ColumnFamilyOptions());
        std::vector<rocksdb::ColumnFamilyHandle*> handles;
        rocksdb::DB* raw = nullptr;
        ASSERT_TRUE(rocksdb::DB::Open(options, (root / "rocksdb").string(), families, &handles, &raw).ok());
        std::unique_ptr<rocksdb::DB> db(raw);
        std::string value;
        ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), handles[1], store_rocksdb::stream_key("ACC", "S"), &value).ok());
        const std::string key = store_rocksdb::message_key(store_rocksdb::read_u64_be(*store_rocksdb::unseal(value)), 5);
        std::string record;
        ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), handles[2], key, &record).ok());
        record[record.size() - 12] ^= 0x04;
        ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[2], key, record).ok());
        for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    }
    expect_found_and_repaired(root, "rocksdb");
}

TEST(StoreCheck, NoStoreIsAnError) {
    TempRoot tmp;
    EXPECT_THROW(check_store(tmp.path, CheckOptions{}), std::runtime_error);
    EXPECT_THROW(check_store(tmp.path / "missing", CheckOptions{}), std::runtime_error);
}

}  // namespace
}  // namespace nats::store_check
