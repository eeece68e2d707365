#include "file_store.hpp"

#include <filesystem>
#include <system_error>

#include "file_stream.hpp"
#include "meta_file.hpp"
#include "store_options.hpp"

namespace store_file {

namespace fs = std::filesystem;
using nats_sdk::store::StoreError;

namespace {

constexpr std::string_view streams_dir_name = "streams";
// delete_stream renames a stream here first, so a crash mid-delete never leaves half a
// stream under its real name; leftovers are removed when the store opens.
constexpr std::string_view deleting_prefix = ".deleting-";

[[noreturn]] void throw_fs_error(const std::error_code& error, std::string_view what, const fs::path& path) {
    throw StoreError(status_for_errno(error.value()), describe_errno(what, path.string(), error.value()));
}

void check_name(std::string_view kind, std::string_view name) {
    if (!is_safe_name(name)) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT,
                         "file store: invalid " + std::string(kind) + " name \"" + std::string(name) + "\"");
    }
}

void remove_leftover_deletes(const fs::path& root) {
    std::error_code error;
    for (const auto& account : fs::directory_iterator(root, error)) {
        std::error_code inner;
        for (const auto& entry : fs::directory_iterator(account.path() / streams_dir_name, inner)) {
            if (entry.path().filename().string().starts_with(deleting_prefix)) fs::remove_all(entry.path(), inner);
        }
    }
}

}  // namespace

std::unique_ptr<nats_sdk::store::Store> FileStoreBackend::open_store(std::string_view root_dir,
                                                                     std::string_view options_json) {
    if (root_dir.empty()) throw StoreError(NMK_STORE_INVALID_ARGUMENT, "file store: the root directory is empty");
    StoreOptions options = parse_store_options(options_json);
    const fs::path root(root_dir);
    std::error_code error;
    fs::create_directories(root, error);
    if (error) throw_fs_error(error, "file store: cannot create", root);
    remove_leftover_deletes(root);
    return std::make_unique<FileStore>(std::make_shared<StoreContext>(root.string(), options, io_, log_));
}

std::string FileStore::stream_dir(std::string_view account, std::string_view stream) const {
    return context_->root() + "/" + std::string(account) + "/" + std::string(streams_dir_name) + "/" +
           std::string(stream);
}

void FileStore::list_streams(
    const std::function<void(std::string_view account, std::string_view stream, std::string_view meta)>& found) {
    std::error_code error;
    for (const auto& account : fs::directory_iterator(context_->root(), error)) {
        const std::string account_name = account.path().filename().string();
        if (!is_safe_name(account_name)) continue;
        std::error_code inner;
        for (const auto& entry : fs::directory_iterator(account.path() / streams_dir_name, inner)) {
            const std::string stream_name = entry.path().filename().string();
            if (!entry.is_directory() || !is_safe_name(stream_name)) continue;
            std::string meta;
            std::string problem;
            switch (read_meta_file(entry.path().string(), meta, problem)) {
                case MetaRead::ok:
                case MetaRead::missing:  // created, but write_meta never completed
                    found(account_name, stream_name, meta);
                    break;
                case MetaRead::corrupt:
                case MetaRead::io_error:
                    // Never dropped or deleted: reported, and left for an operator.
                    context_->log(NMK_LOG_ERROR, "file store: stream " + account_name + "/" + stream_name +
                                                     " is not listed: " + problem);
                    break;
            }
        }
    }
    if (error && error != std::errc::no_such_file_or_directory) {
        throw_fs_error(error, "file store: cannot list", context_->root());
    }
}

std::unique_ptr<nats_sdk::store::Stream> FileStore::open_stream(std::string_view account, std::string_view stream) {
    check_name("account", account);
    check_name("stream", stream);
    const std::string dir = stream_dir(account, stream);
    if (!context_->claim(dir)) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "file store: stream " + std::string(account) + "/" +
                                                         std::string(stream) + " is already open");
    }
    try {
        for (const fs::path& parent : {fs::path(context_->root()) / account,
                                       fs::path(context_->root()) / account / streams_dir_name}) {
            std::error_code error;
            if (fs::create_directory(parent, error)) {
                if (const int result = sync_directory(context_->io(), parent.parent_path().string()); result != 0) {
                    throw StoreError(NMK_STORE_IO_ERROR,
                                     describe_errno("cannot sync directory", parent.parent_path().string(), -result));
                }
            } else if (error) {
                throw_fs_error(error, "file store: cannot create", parent);
            }
        }
        return std::make_unique<FileStream>(context_, dir, dir);
    } catch (...) {
        context_->release(dir);
        throw;
    }
}

void FileStore::delete_stream(std::string_view account, std::string_view stream) {
    check_name("account", account);
    check_name("stream", stream);
    const std::string dir = stream_dir(account, stream);
    if (context_->is_open(dir)) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "file store: stream " + std::string(account) + "/" +
                                                         std::string(stream) + " is open; close it first");
    }
    const fs::path path(dir);
    std::error_code error;
    if (!fs::exists(path, error)) return;  // nothing to delete
    const fs::path doomed = path.parent_path() / (std::string(deleting_prefix) + std::string(stream));
    fs::remove_all(doomed, error);
    fs::rename(path, doomed, error);
    if (error) throw_fs_error(error, "file store: cannot delete", path);
    // The rename is what makes the delete stick; the files can go at leisure.
    if (const int result = sync_directory(context_->io(), path.parent_path().string()); result != 0) {
        throw StoreError(NMK_STORE_IO_ERROR, describe_errno("cannot sync directory", path.parent_path().string(),
                                                            -result));
    }
    fs::remove_all(doomed, error);
}

}  // namespace store_file
