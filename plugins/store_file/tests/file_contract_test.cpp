// The SDK's stream store contract suite against the file store: in process behind the C
// table its plugin registers (batch and always sync, and with one full block's cache at a
// time), and from the plugin file on a FakeHost. Corruption is a flipped payload byte in the record's block file.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include <nats_sdk/testing/stream_store_contract.hpp>

#include "file_store.hpp"
#include "record_format.hpp"

namespace {

using nats_sdk::testing::StreamStoreContract;
using nats_sdk::testing::StreamStoreContractCase;

// Finds the message record of `sequence` in the stream's blocks and flips a payload byte.
void flip_a_payload_byte(const std::filesystem::path& root, std::string_view account, std::string_view stream,
                         std::uint64_t sequence) {
    const auto msgs = root / std::string(account) / "streams" / std::string(stream) / "msgs";
    for (const auto& entry : std::filesystem::directory_iterator(msgs)) {
        if (entry.path().extension() != ".blk") continue;
        std::string bytes;
        {
            std::ifstream in(entry.path(), std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        for (std::size_t at = 0; at + store_file::record_overhead <= bytes.size();) {
            store_file::RecordView record;
            if (store_file::decode_record(std::string_view(bytes).substr(at), record) != store_file::DecodeResult::ok) {
                break;
            }
            if (record.kind == store_file::RecordKind::message && record.sequence == sequence) {
                bytes[static_cast<std::size_t>(record.payload.data() - bytes.data())] ^= 0x01;
                std::ofstream out(entry.path(), std::ios::binary | std::ios::trunc);
                out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
                return;
            }
            at += record.length;
        }
    }
    FAIL() << "no record of sequence " << sequence;
}

std::shared_ptr<nats_sdk::store::StoreBackend> in_process() {
    return nats_sdk::testing::through_table(std::make_shared<store_file::FileStoreBackend>());
}

INSTANTIATE_TEST_SUITE_P(
    File, StreamStoreContract,
    ::testing::Values(
        StreamStoreContractCase{.name = "in_process_batch",
                                .factory = in_process,
                                .options_json = R"({"sync": "batch", "ignored": true})",
                                .persistent = true,
                                .message_bytes = nats_sdk::testing::file_store_bytes,
                                .corrupt = flip_a_payload_byte},
        StreamStoreContractCase{.name = "in_process_always",
                                .factory = in_process,
                                .options_json = R"({"sync": "always", "block_size": 4096})",
                                .persistent = true,
                                .message_bytes = nats_sdk::testing::file_store_bytes,
                                .corrupt = flip_a_payload_byte},
        // Every move to another block drops the last one's cache: each read, removal and
        // scan there loads a block again (the lazy index's reload paths).
        StreamStoreContractCase{.name = "in_process_one_cached_block",
                                .factory = in_process,
                                .options_json = R"({"block_size": 4096, "cache_bytes": 0})",
                                .persistent = true,
                                .message_bytes = nats_sdk::testing::file_store_bytes,
                                .corrupt = flip_a_payload_byte},
        StreamStoreContractCase{
            .name = "plugin",
            .factory = [] { return nats_sdk::testing::load_stream_store_plugin(STORE_FILE_PLUGIN, "{}", "file"); },
            .options_json = R"({"sync": "2m"})",
            .persistent = true,
            .message_bytes = nats_sdk::testing::file_store_bytes,
            .corrupt = flip_a_payload_byte}),
    nats_sdk::testing::case_name);

}  // namespace
