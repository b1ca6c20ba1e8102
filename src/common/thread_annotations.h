// Clang thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html),
// in the style of abseil's and LLVM's thread_annotations.h, plus the annotated
// mutex types that make them checkable.
//
// The macros expand to the attributes under clang and to nothing elsewhere
// (gcc, which builds Release). The clang build (`make fuzz-build`, COFFER_FUZZ)
// compiles with -Wthread-safety, so a GUARDED_BY member read without its lock
// is a warning there.
//
// The analysis checks only annotated capabilities. libstdc++'s std::mutex and
// std::shared_mutex carry no annotations, so GUARDED_BY(mu_) on a std::mutex
// member documents the rule but is not checked. Use coffer::Mutex /
// coffer::SharedMutex below (thin wrappers, same cost) with MutexLock,
// WriterMutexLock and ReaderMutexLock to have it checked.
//
// Thread-safety: the macros are declarations only. Mutex and SharedMutex are
// thread-safe, as their std:: counterparts; the lock guards are used by one
// thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <utility>

#if defined(__clang__)
#define COFFER_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define COFFER_THREAD_ANNOTATION_(x)
#endif

// A type that is a lock (a "capability"), e.g. CAPABILITY("mutex").
#define CAPABILITY(x) COFFER_THREAD_ANNOTATION_(capability(x))
// An RAII type that holds a capability for its lifetime.
#define SCOPED_CAPABILITY COFFER_THREAD_ANNOTATION_(scoped_lockable)

// A member (or global) read and written only with the capability held.
#define GUARDED_BY(x) COFFER_THREAD_ANNOTATION_(guarded_by(x))
// A pointer member whose pointee is reached only with the capability held.
#define PT_GUARDED_BY(x) COFFER_THREAD_ANNOTATION_(pt_guarded_by(x))

// Lock ordering between capabilities.
#define ACQUIRED_BEFORE(...) COFFER_THREAD_ANNOTATION_(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) COFFER_THREAD_ANNOTATION_(acquired_after(__VA_ARGS__))

// The caller must hold the capability (exclusively / at least shared).
#define REQUIRES(...) COFFER_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) COFFER_THREAD_ANNOTATION_(requires_shared_capability(__VA_ARGS__))
// The function acquires / releases the capability (none named: `this`).
#define ACQUIRE(...) COFFER_THREAD_ANNOTATION_(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) COFFER_THREAD_ANNOTATION_(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) COFFER_THREAD_ANNOTATION_(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) COFFER_THREAD_ANNOTATION_(release_shared_capability(__VA_ARGS__))
#define RELEASE_GENERIC(...) COFFER_THREAD_ANNOTATION_(release_generic_capability(__VA_ARGS__))
// The function acquires the capability when it returns the given value.
#define TRY_ACQUIRE(...) COFFER_THREAD_ANNOTATION_(try_acquire_capability(__VA_ARGS__))
#define TRY_ACQUIRE_SHARED(...) \
  COFFER_THREAD_ANNOTATION_(try_acquire_shared_capability(__VA_ARGS__))
// The caller must NOT hold the capability (the function takes it).
#define EXCLUDES(...) COFFER_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))
// A run-time check that the capability is held.
#define ASSERT_CAPABILITY(x) COFFER_THREAD_ANNOTATION_(assert_capability(x))
#define ASSERT_SHARED_CAPABILITY(x) COFFER_THREAD_ANNOTATION_(assert_shared_capability(x))
// The function returns a reference to the capability.
#define RETURN_CAPABILITY(x) COFFER_THREAD_ANNOTATION_(lock_returned(x))
// Turns the analysis off for one function; say why beside it.
#define NO_THREAD_SAFETY_ANALYSIS COFFER_THREAD_ANNOTATION_(no_thread_safety_analysis)

// Older spellings (leveldb, early abseil).
#define EXCLUSIVE_LOCKS_REQUIRED(...) REQUIRES(__VA_ARGS__)
#define SHARED_LOCKS_REQUIRED(...) REQUIRES_SHARED(__VA_ARGS__)
#define LOCKS_EXCLUDED(...) EXCLUDES(__VA_ARGS__)

namespace coffer {

// Mutex: std::mutex as an annotated capability. native() gives the
// std::mutex for std::condition_variable (through MutexLock::Wait).
// Thread-safety: thread-safe.
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  bool TryLock() TRY_ACQUIRE(true) { return mu_.try_lock(); }
  // Tells the analysis the caller holds it (no run-time check).
  void AssertHeld() const ASSERT_CAPABILITY(this) {}

  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

// SharedMutex: std::shared_mutex as an annotated capability (one writer or
// many readers). Thread-safety: thread-safe.
class CAPABILITY("mutex") SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  void ReaderLock() ACQUIRE_SHARED() { mu_.lock_shared(); }
  void ReaderUnlock() RELEASE_SHARED() { mu_.unlock_shared(); }
  void AssertHeld() const ASSERT_CAPABILITY(this) {}
  void AssertReaderHeld() const ASSERT_SHARED_CAPABILITY(this) {}

 private:
  std::shared_mutex mu_;
};

// MutexLock: holds a Mutex for its scope (std::unique_lock underneath, so it
// can wait on a std::condition_variable). Unlock()/Lock() drop and retake it
// inside the scope. Thread-safety: one thread.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : lock_(mu.native()) {}
  ~MutexLock() RELEASE() {}
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void Unlock() RELEASE() { lock_.unlock(); }
  void Lock() ACQUIRE() { lock_.lock(); }

  // cv.wait / wait_for / wait_until with this lock. The mutex is released
  // while blocked and held again on return, which is what the analysis
  // assumes of a call that neither acquires nor releases. A predicate that
  // reads guarded members says so, or the analysis rejects its reads:
  //   lock.Wait(cv_, [this]() REQUIRES(mu_) { return stop_; });
  void Wait(std::condition_variable& cv) { cv.wait(lock_); }
  template <typename Predicate>
  void Wait(std::condition_variable& cv, Predicate ready) {
    cv.wait(lock_, std::move(ready));
  }
  template <typename Rep, typename Period>
  std::cv_status WaitFor(std::condition_variable& cv,
                         const std::chrono::duration<Rep, Period>& timeout) {
    return cv.wait_for(lock_, timeout);
  }
  template <typename Rep, typename Period, typename Predicate>
  bool WaitFor(std::condition_variable& cv, const std::chrono::duration<Rep, Period>& timeout,
               Predicate ready) {
    return cv.wait_for(lock_, timeout, std::move(ready));
  }
  template <typename Clock, typename Duration>
  std::cv_status WaitUntil(std::condition_variable& cv,
                           const std::chrono::time_point<Clock, Duration>& deadline) {
    return cv.wait_until(lock_, deadline);
  }
  template <typename Clock, typename Duration, typename Predicate>
  bool WaitUntil(std::condition_variable& cv,
                 const std::chrono::time_point<Clock, Duration>& deadline, Predicate ready) {
    return cv.wait_until(lock_, deadline, std::move(ready));
  }

 private:
  std::unique_lock<std::mutex> lock_;
};

// WriterMutexLock / ReaderMutexLock: hold a SharedMutex exclusively / shared
// for their scope. Thread-safety: one thread.
class SCOPED_CAPABILITY WriterMutexLock {
 public:
  explicit WriterMutexLock(SharedMutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~WriterMutexLock() RELEASE() { mu_.Unlock(); }
  WriterMutexLock(const WriterMutexLock&) = delete;
  WriterMutexLock& operator=(const WriterMutexLock&) = delete;

 private:
  SharedMutex& mu_;
};

class SCOPED_CAPABILITY ReaderMutexLock {
 public:
  explicit ReaderMutexLock(SharedMutex& mu) ACQUIRE_SHARED(mu) : mu_(mu) { mu_.ReaderLock(); }
  ~ReaderMutexLock() RELEASE() { mu_.ReaderUnlock(); }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;

 private:
  SharedMutex& mu_;
};

}  // namespace coffer
