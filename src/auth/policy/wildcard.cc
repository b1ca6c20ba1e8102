// Compiled IAM patterns and the request context's key map (wildcard.h,
// context.h).

#include "auth/policy/wildcard.h"

namespace coffer::auth::policy {

namespace {

// ASCII case folding (IAM action names are ASCII); no locale lookup.
inline char Fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Fold(c);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Glob over a pattern given as (chars, kinds); see Pattern.
bool Glob(std::string_view chars, std::string_view kinds, std::string_view value,
          bool ignore_case) {
  auto eq = [&](char a, char b) { return ignore_case ? Fold(a) == Fold(b) : a == b; };
  const size_t n = chars.size();
  size_t p = 0, v = 0, star = std::string_view::npos, mark = 0;
  while (v < value.size()) {
    if (p < n && (kinds[p] == '?' || (kinds[p] == 'l' && eq(chars[p], value[v])))) {
      ++p;
      ++v;
    } else if (p < n && kinds[p] == '*') {
      star = p++;
      mark = v;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (p < n && kinds[p] == '*') ++p;
  return p == n;
}

}  // namespace

ContextKeys::Entry& ContextKeys::Slot(std::string_view key) {
  for (size_t i = 0; i < size_; ++i) {
    const std::string& k = entries_[i].key;
    if (k.size() != key.size()) continue;
    size_t j = 0;
    while (j < key.size() && k[j] == Fold(key[j])) ++j;
    if (j == key.size()) return entries_[i];
  }
  if (size_ == entries_.size()) entries_.emplace_back();
  Entry& e = entries_[size_++];
  e.key.assign(key);  // into the kept capacity
  for (char& c : e.key) c = Fold(c);
  return e;
}

void ContextKeys::Set(std::string_view key, std::vector<std::string> values) {
  Slot(key).values = std::move(values);
}

void ContextKeys::Set(std::string_view key, std::string_view value) {
  std::vector<std::string>& v = Slot(key).values;
  v.resize(1);
  v[0].assign(value);
}

void ContextKeys::Set(std::string_view key, std::span<const std::string_view> values) {
  std::vector<std::string>& v = Slot(key).values;
  v.resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) v[i].assign(values[i]);
}

const std::vector<std::string>* ContextKeys::Find(std::string_view lower_key) const {
  for (size_t i = 0; i < size_; ++i)
    if (entries_[i].key == lower_key) return &entries_[i].values;
  return parent_ ? parent_->Find(lower_key) : nullptr;
}

Pattern Pattern::Compile(std::string_view text, bool wildcards, bool variables) {
  Pattern p;
  auto literal = [&p](char c) {
    p.chars_.push_back(c);
    p.kinds_.push_back('l');
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (variables && c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos && p.vars_.size() < 255) {
        std::string_view body = text.substr(i + 2, close - i - 2);
        i = close;
        if (body == "*" || body == "?" || body == "$") {
          literal(body[0]);
          continue;
        }
        Variable var;
        size_t comma = body.find(',');
        if (comma != std::string_view::npos) {
          std::string_view def = Trim(body.substr(comma + 1));
          if (def.size() >= 2 && def.front() == '\'' && def.back() == '\'')
            var.fallback = std::string(def.substr(1, def.size() - 2));
          body = body.substr(0, comma);
        }
        var.key = Lower(Trim(body));
        p.chars_.push_back(static_cast<char>(p.vars_.size()));
        p.kinds_.push_back('v');
        p.vars_.push_back(std::move(var));
        p.has_variables_ = true;
        continue;
      }
    }
    if (wildcards && (c == '*' || c == '?')) {
      p.chars_.push_back(c);
      p.kinds_.push_back(c);
      p.has_wildcards_ = true;
    } else {
      literal(c);
    }
  }
  return p;
}

bool Pattern::Expand(const ContextKeys& keys, std::string& chars, std::string& kinds) const {
  for (size_t i = 0; i < kinds_.size(); ++i) {
    if (kinds_[i] != 'v') {
      chars.push_back(chars_[i]);
      kinds.push_back(kinds_[i]);
      continue;
    }
    const Variable& var = vars_[static_cast<unsigned char>(chars_[i])];
    const std::vector<std::string>* values = keys.Find(var.key);
    const std::string* value = nullptr;
    if (values && values->size() == 1)
      value = &values->front();
    else if (var.fallback)
      value = &*var.fallback;
    if (!value) return false;
    chars += *value;
    kinds.append(value->size(), 'l');
  }
  return true;
}

bool Pattern::Match(std::string_view value, const ContextKeys& keys, bool ignore_case) const {
  if (kinds_.size() == 1 && kinds_[0] == '*') return true;  // "*": everything
  if (!has_variables_ && !has_wildcards_) {                 // a literal: compare, no backtracking
    if (value.size() != chars_.size()) return false;
    for (size_t i = 0; i < value.size(); ++i)
      if (ignore_case ? Fold(value[i]) != Fold(chars_[i]) : value[i] != chars_[i]) return false;
    return true;
  }
  if (!has_variables_) return Glob(chars_, kinds_, value, ignore_case);
  std::string chars, kinds;
  if (!Expand(keys, chars, kinds)) return false;
  return Glob(chars, kinds, value, ignore_case);
}

std::optional<std::string> Pattern::Resolve(const ContextKeys& keys) const {
  if (!has_variables_) return chars_;
  std::string chars, kinds;
  if (!Expand(keys, chars, kinds)) return std::nullopt;
  return chars;
}

bool WildcardMatch(std::string_view pattern, std::string_view value, bool ignore_case) {
  std::string kinds(pattern.size(), 'l');
  for (size_t i = 0; i < pattern.size(); ++i)
    if (pattern[i] == '*' || pattern[i] == '?') kinds[i] = pattern[i];
  return Glob(pattern, kinds, value, ignore_case);
}

}  // namespace coffer::auth::policy
