#pragma once
// A reader/writer lock that lets a waiting writer in ahead of new readers.
// std::shared_mutex on glibc prefers readers: under a steady stream of
// match() calls a SUB or UNSUB could wait for seconds (seen in
// tests/unit/routing/sublist_concurrency_test.cpp). Meets the SharedMutex
// requirements, so std::unique_lock / std::shared_lock work with it.
// Not recursive: a thread must not take the shared side twice.
#include <pthread.h>

namespace nats::routing::detail {

class RwLock {
public:
    RwLock() {
        pthread_rwlockattr_t attr;
        pthread_rwlockattr_init(&attr);
        pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
        pthread_rwlock_init(&lock_, &attr);
        pthread_rwlockattr_destroy(&attr);
    }
    ~RwLock() { pthread_rwlock_destroy(&lock_); }
    RwLock(const RwLock&) = delete;
    RwLock& operator=(const RwLock&) = delete;

    void lock() { pthread_rwlock_wrlock(&lock_); }
    bool try_lock() { return pthread_rwlock_trywrlock(&lock_) == 0; }
    void unlock() { pthread_rwlock_unlock(&lock_); }
    void lock_shared() { pthread_rwlock_rdlock(&lock_); }
    bool try_lock_shared() { return pthread_rwlock_tryrdlock(&lock_) == 0; }
    void unlock_shared() { pthread_rwlock_unlock(&lock_); }

private:
    pthread_rwlock_t lock_;
};

}  // namespace nats::routing::detail
