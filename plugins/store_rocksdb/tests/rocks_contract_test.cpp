// The SDK's stream store contract suite against the RocksDB store: in process behind the C
// table its plugin registers (with each sync mode), and from the plugin file on a
// FakeHost; and the ServiceContract every plugin passes.

#include <memory>

#include <rocksdb/db.h>

#include <nats_sdk/testing/service_contract.hpp>
#include <nats_sdk/testing/stream_store_contract.hpp>

#include "plugins/store_rocksdb/rocks_format.hpp"
#include "plugins/store_rocksdb/rocks_store.hpp"

namespace {

using nats_sdk::testing::ServiceContract;
using nats_sdk::testing::ServiceContractCase;
using nats_sdk::testing::StreamStoreContract;
using nats_sdk::testing::StreamStoreContractCase;
namespace rs = nats::store_rocksdb;

// Rewrites the record of `sequence` with one payload byte flipped and its old checksum,
// as a bad write or a decaying disk would leave it.
void flip_a_payload_byte(const std::filesystem::path& root, std::string_view account, std::string_view stream,
                         std::uint64_t sequence) {
    rocksdb::Options options;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {rocksdb::kDefaultColumnFamilyName.c_str(), "streams", "msgs", "subjects", "state"})
        families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, (root / "rocksdb").string(), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), handles[1], rs::stream_key(account, stream), &value).ok());
    const auto body = rs::unseal(value);
    ASSERT_TRUE(body);
    const std::uint64_t id = rs::read_u64_be(*body);
    const std::string key = rs::message_key(id, sequence);
    std::string record;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), handles[2], key, &record).ok());
    record[record.size() - 9] ^= 0x01;  // the payload's last byte, before the checksum
    rocksdb::WriteOptions sync;
    sync.sync = true;
    ASSERT_TRUE(db->Put(sync, handles[2], key, record).ok());
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
}

std::shared_ptr<nats_sdk::store::StoreBackend> in_process() {
    return nats_sdk::testing::through_table(std::make_shared<rs::RocksBackend>());
}

INSTANTIATE_TEST_SUITE_P(
    RocksDb, StreamStoreContract,
    ::testing::Values(StreamStoreContractCase{.name = "in_process_batch",
                                              .factory = in_process,
                                              .options_json = R"({"sync": "batch"})",
                                              .persistent = true,
                                              .message_bytes = nats_sdk::testing::file_store_bytes,
                                              .corrupt = flip_a_payload_byte},
                      StreamStoreContractCase{.name = "in_process_always",
                                              .factory = in_process,
                                              .options_json = R"({"sync": "always", "compression": "none"})",
                                              .persistent = true,
                                              .message_bytes = nats_sdk::testing::file_store_bytes,
                                              .corrupt = flip_a_payload_byte},
                      StreamStoreContractCase{.name = "in_process_lazy",
                                              .factory = in_process,
                                              .options_json = R"({"sync": "50ms", "block_cache": 1048576})",
                                              .persistent = true,
                                              .message_bytes = nats_sdk::testing::file_store_bytes,
                                              .corrupt = flip_a_payload_byte},
                      StreamStoreContractCase{.name = "plugin",
                                              .factory =
                                                  [] {
                                                      return nats_sdk::testing::load_stream_store_plugin(
                                                          STORE_ROCKSDB_PLUGIN, "{}", "rocksdb");
                                                  },
                                              .options_json = "{}",
                                              .persistent = true,
                                              .message_bytes = nats_sdk::testing::file_store_bytes,
                                              .corrupt = flip_a_payload_byte}),
    nats_sdk::testing::case_name);

INSTANTIATE_TEST_SUITE_P(RocksDb, ServiceContract,
                         ::testing::Values(ServiceContractCase{
                             .name = "store_rocksdb",
                             .library_path = STORE_ROCKSDB_PLUGIN,
                             .config_json = R"({"block_cache": 8388608, "compression": "zstd"})",
                             .invalid_configs = {R"({"max_bytes": 1})", R"({"compression": "gzip"})",
                                                 R"({"block_cache": -1})"},
                             .expected_subscriptions = {},
                             .declared_kinds = {{"jetstream.store", NMK_KIND_VERSION(1, 1)}}}),
                         nats_sdk::testing::case_name);

}  // namespace
