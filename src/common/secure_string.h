// SecureString: a byte string that holds plaintext secrets or key material and
// wipes its buffer (OPENSSL_cleanse) when destroyed, reassigned or grown. Use
// it for every plaintext value, data key and root key; never log its contents.
//
// No copy is left behind in freed memory: the buffer comes from
// WipingAllocator (every block is wiped as it is freed, whatever frees it),
// and growth (append, resize) moves the bytes to a larger block itself and
// wipes the old one, including the in-object small-string buffer, which the
// allocator never sees. A std::string handed to the constructor is copied and
// then wiped.
//
// Thread-safety: a value type.
#pragma once

#include <openssl/crypto.h>

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "common/wiping_allocator.h"

namespace coffer {

// Overwrites a plain string's bytes with zeros and empties it (the capacity
// stays): for buffers that carry a value on its way through, such as an HTTP
// body, and are reused rather than held as SecureString.
inline void WipeString(std::string& s) {
  OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

class SecureString {
 public:
  SecureString() = default;
  // Copies `s` and wipes it (its whole capacity): the caller's buffer is
  // not the one kept, since it would be freed without wiping.
  explicit SecureString(std::string s) : s_(s.data(), s.size()) {
    OPENSSL_cleanse(s.data(), s.capacity());
  }
  explicit SecureString(std::string_view s) : s_(s.data(), s.size()) {}
  SecureString(const SecureString& o) : s_(o.s_) {}
  SecureString(SecureString&& o) noexcept : s_(std::move(o.s_)) { o.Wipe(); }
  SecureString& operator=(const SecureString& o) {
    if (this != &o) {
      Wipe();
      s_ = o.s_;
    }
    return *this;
  }
  SecureString& operator=(SecureString&& o) noexcept {
    if (this != &o) {
      Wipe();
      s_ = std::move(o.s_);
      o.Wipe();
    }
    return *this;
  }
  // A heap block is wiped by WipingAllocator as it is freed; only an inline
  // (small-string) buffer, which lives in this object, is wiped here.
  ~SecureString() {
    if (Inline()) OPENSSL_cleanse(s_.data(), s_.capacity());
  }

  std::string_view view() const { return s_; }
  const char* data() const { return s_.data(); }
  char* mutable_data() { return s_.data(); }
  size_t size() const { return s_.size(); }
  size_t capacity() const { return s_.capacity(); }
  bool empty() const { return s_.empty(); }
  void resize(size_t n) {
    Reserve(n);
    s_.resize(n);
  }
  void append(std::string_view more) {
    Reserve(s_.size() + more.size());
    s_.append(more);
  }

 private:
  using String = std::basic_string<char, std::char_traits<char>, WipingAllocator<char>>;

  // Makes room for `n` bytes without leaving a copy behind: the bytes move to
  // a new block and the old buffer (heap block or in-object small-string
  // buffer) is wiped before it is given up.
  void Reserve(size_t n) {
    if (n <= s_.capacity()) return;
    String bigger;
    bigger.reserve(std::max(n, 2 * s_.capacity()));
    bigger.append(s_);
    Wipe();
    s_ = std::move(bigger);
  }
  bool Inline() const {
    const char* p = s_.data();
    const char* self = reinterpret_cast<const char*>(this);
    return !std::less<const char*>()(p, self) && std::less<const char*>()(p, self + sizeof *this);
  }
  // Wipes the whole buffer, not just size(): a moved-from short string
  // (small-string optimisation) keeps a stale copy of its bytes past size().
  void Wipe() {
    OPENSSL_cleanse(s_.data(), s_.capacity());
    s_.clear();
  }
  String s_;
};

}  // namespace coffer
