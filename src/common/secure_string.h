// SecureString: a byte string that holds plaintext secrets or key material and
// wipes its buffer (OPENSSL_cleanse) when destroyed or reassigned. Use it for
// every plaintext value, data key and root key; never log its contents.
//
// Thread-safety: a value type.
#pragma once

#include <openssl/crypto.h>

#include <string>
#include <string_view>
#include <utility>

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
  explicit SecureString(std::string s) : s_(std::move(s)) {}
  explicit SecureString(std::string_view s) : s_(s) {}
  SecureString(const SecureString& o) : s_(o.s_) {}
  SecureString(SecureString&& o) noexcept : s_(std::move(o.s_)) { o.Wipe(); }
  SecureString& operator=(const SecureString& o) {
    if (this != &o) { Wipe(); s_ = o.s_; }
    return *this;
  }
  SecureString& operator=(SecureString&& o) noexcept {
    if (this != &o) { Wipe(); s_ = std::move(o.s_); o.Wipe(); }
    return *this;
  }
  ~SecureString() { Wipe(); }

  std::string_view view() const { return s_; }
  const char* data() const { return s_.data(); }
  char* mutable_data() { return s_.data(); }
  size_t size() const { return s_.size(); }
  bool empty() const { return s_.empty(); }
  void resize(size_t n) { s_.resize(n); }
  void append(std::string_view more) { s_.append(more); }

 private:
  // Wipes the whole buffer, not just size(): a moved-from short string
  // (small-string optimisation) keeps a stale copy of its bytes past size().
  void Wipe() {
    OPENSSL_cleanse(s_.data(), s_.capacity());
    s_.clear();
  }
  std::string s_;
};

}  // namespace coffer
