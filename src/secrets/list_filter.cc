// Filter matching for ListSecrets and BatchGetSecretValue (list_filter.h).

#include "secrets/list_filter.h"

#include <cctype>

#include "secrets/messages.h"

namespace coffer::secrets {

namespace {

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Every word of `pattern` is the prefix of at least one of `words`.
bool WordPrefixMatch(std::string_view pattern, const std::vector<std::string>& words) {
  std::vector<std::string> wanted = FilterWords(pattern);
  if (wanted.empty()) return false;
  for (const std::string& w : wanted) {
    bool found = false;
    for (const std::string& have : words) {
      if (have.starts_with(w)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

void AppendWords(std::vector<std::string>& words, std::string_view text) {
  std::vector<std::string> more = FilterWords(text);
  words.insert(words.end(), more.begin(), more.end());
}

// Whether the un-negated `value` matches `s` under `key`.
bool PositiveMatch(FilterKey key, std::string_view value, const storage::SecretRecord& s) {
  switch (key) {
    case FilterKey::kName: return std::string_view(s.name).starts_with(value);
    case FilterKey::kPrimaryRegion:
      return std::string_view(s.primary_region.empty() ? s.region : s.primary_region)
          .starts_with(value);
    case FilterKey::kOwningService:
      return s.owning_service && std::string_view(*s.owning_service).starts_with(value);
    case FilterKey::kTagKey:
      for (const auto& t : s.tags)
        if (std::string_view(t.key).starts_with(value)) return true;
      return false;
    case FilterKey::kTagValue:
      for (const auto& t : s.tags)
        if (std::string_view(t.value).starts_with(value)) return true;
      return false;
    case FilterKey::kDescription:
      return s.description && WordPrefixMatch(value, FilterWords(*s.description));
    case FilterKey::kAll: {
      std::vector<std::string> words;
      AppendWords(words, s.name);
      if (s.description) AppendWords(words, *s.description);
      for (const auto& t : s.tags) {
        AppendWords(words, t.key);
        AppendWords(words, t.value);
      }
      AppendWords(words, s.primary_region.empty() ? s.region : s.primary_region);
      if (s.owning_service) AppendWords(words, *s.owning_service);
      return WordPrefixMatch(value, words);
    }
  }
  return false;
}

std::string_view KeyName(FilterKey key) {
  switch (key) {
    case FilterKey::kDescription: return "description";
    case FilterKey::kName: return "name";
    case FilterKey::kTagKey: return "tag-key";
    case FilterKey::kTagValue: return "tag-value";
    case FilterKey::kPrimaryRegion: return "primary-region";
    case FilterKey::kOwningService: return "owning-service";
    case FilterKey::kAll: return "all";
  }
  return "";
}

}  // namespace

std::vector<std::string> FilterWords(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : text) {
    if (IsWordChar(c)) {
      cur.push_back(Lower(c));
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));
  return words;
}

Result<std::vector<ListFilter>> ParseFilters(const JsonValue& in) {
  std::vector<ListFilter> filters;
  const JsonValue* arr = JsonMember(in, "Filters");
  if (arr == nullptr || !arr->IsArray()) return filters;
  for (const JsonValue& f : arr->GetArray()) {
    if (!f.IsObject()) continue;
    std::optional<std::string_view> key = JsonString(f, "Key");
    ListFilter filter;
    std::string_view k = key.value_or("");
    if (k == "description")
      filter.key = FilterKey::kDescription;
    else if (k == "name")
      filter.key = FilterKey::kName;
    else if (k == "tag-key")
      filter.key = FilterKey::kTagKey;
    else if (k == "tag-value")
      filter.key = FilterKey::kTagValue;
    else if (k == "primary-region")
      filter.key = FilterKey::kPrimaryRegion;
    else if (k == "owning-service")
      filter.key = FilterKey::kOwningService;
    else if (k == "all")
      filter.key = FilterKey::kAll;
    else
      return Status::InvalidArgument(std::string(messages::kInvalidParameter),
                                     std::string(messages::kInvalidFilterKey));
    filter.values = JsonStringArray(f, "Values");
    filters.push_back(std::move(filter));
  }
  return filters;
}

bool MatchesFilter(const ListFilter& filter, const storage::SecretRecord& s) {
  for (const std::string& v : filter.values) {
    std::string_view value = v;
    bool negated = value.starts_with('!');
    if (negated) value.remove_prefix(1);
    if (PositiveMatch(filter.key, value, s) != negated) return true;
  }
  return false;
}

bool MatchesFilters(const std::vector<ListFilter>& filters, const storage::SecretRecord& s) {
  for (const ListFilter& f : filters)
    if (!MatchesFilter(f, s)) return false;
  return true;
}

std::string CanonicalFilters(const std::vector<ListFilter>& filters) {
  // Length-prefixed so that no two different filter lists share a form.
  std::string out;
  for (const ListFilter& f : filters) {
    std::string_view k = KeyName(f.key);
    out += std::to_string(k.size()) + ":" + std::string(k) + "[";
    for (const std::string& v : f.values) out += std::to_string(v.size()) + ":" + v;
    out += "]";
  }
  return out;
}

}  // namespace coffer::secrets
