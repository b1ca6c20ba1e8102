#include "client/aws_profiles.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace coffer::client {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The profile a section header names, or nullopt for a section to skip.
std::optional<std::string> ProfileOfSection(std::string_view header, bool config_file) {
  header = Trim(header);
  if (!config_file) return std::string(header);
  if (header == "default") return std::string("default");
  if (header.substr(0, 8) == "profile " || header.substr(0, 8) == "profile\t") {
    return std::string(Trim(header.substr(8)));
  }
  return std::nullopt;
}

Result<std::string> ReadFile(const std::string& path, bool* missing) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) {
    *missing = true;
    return std::string();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument("", "cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<ProfileMap> ParseAwsIni(std::string_view text, bool config_file, std::string_view source) {
  ProfileMap out;
  ProfileSettings* current = nullptr;  // nullptr: before any section, or a skipped one
  bool in_skipped_section = false;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_no;
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    auto error = [&](const std::string& why) {
      return Status::InvalidArgument(
          "", "line " + std::to_string(line_no) + " of " + std::string(source) + ": " + why);
    };
    if (raw.front() == ' ' || raw.front() == '\t') continue;  // a nested setting
    if (line.front() == '[') {
      if (line.back() != ']') return error("a section header must end with ]");
      std::optional<std::string> profile =
          ProfileOfSection(line.substr(1, line.size() - 2), config_file);
      in_skipped_section = !profile.has_value();
      current = profile ? &out[*profile] : nullptr;
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return error("expected key = value");
    if (current == nullptr) {
      if (in_skipped_section) continue;
      return error("a setting before any [section]");
    }
    std::string key = Lower(Trim(line.substr(0, eq)));
    if (key.empty()) return error("empty key");
    (*current)[key] = std::string(Trim(line.substr(eq + 1)));
  }
  return out;
}

Result<SharedFiles> LoadSharedFiles(const std::string& config_path,
                                    const std::string& credentials_path) {
  SharedFiles files;
  bool missing = false;
  if (!config_path.empty()) {
    COFFER_ASSIGN_OR_RETURN(std::string text, ReadFile(config_path, &missing));
    COFFER_ASSIGN_OR_RETURN(files.config, ParseAwsIni(text, true, config_path));
  }
  if (!credentials_path.empty()) {
    COFFER_ASSIGN_OR_RETURN(std::string text, ReadFile(credentials_path, &missing));
    Result<ProfileMap> parsed = ParseAwsIni(text, false, credentials_path);
    std::fill(text.begin(), text.end(), '\0');  // it holds secret keys
    COFFER_RETURN_IF_ERROR(parsed.status());
    files.credentials = std::move(parsed).value();
  }
  return files;
}

std::optional<ProfileSettings> FindProfile(const SharedFiles& files, const std::string& name) {
  auto c = files.config.find(name);
  auto k = files.credentials.find(name);
  if (c == files.config.end() && k == files.credentials.end()) return std::nullopt;
  ProfileSettings merged;
  if (c != files.config.end()) merged = c->second;
  if (k != files.credentials.end()) {
    for (const auto& entry : k->second) merged[entry.first] = entry.second;
  }
  return merged;
}

}  // namespace coffer::client
