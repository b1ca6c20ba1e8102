#include "protocol/pattern.h"

#include <algorithm>
#include <memory>

#include "common/encoding.h"
#include "protocol/unicode_categories.h"

namespace coffer::protocol {
namespace {

constexpr uint32_t kMaxCodePoint = 0x10FFFF;
constexpr size_t kMaxProgram = 20000;  // model patterns compile to < 100

using Ranges = std::vector<std::pair<uint32_t, uint32_t>>;

Ranges Normalize(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (const auto& [lo, hi] : r) {
    if (!out.empty() && lo <= out.back().second + 1) {
      out.back().second = std::max(out.back().second, hi);
    } else {
      out.emplace_back(lo, hi);
    }
  }
  return out;
}

Ranges Complement(const Ranges& normalized) {
  Ranges out;
  uint32_t next = 0;
  for (const auto& [lo, hi] : normalized) {
    if (lo > next) out.emplace_back(next, lo - 1);
    next = hi + 1;
  }
  if (next <= kMaxCodePoint) out.emplace_back(next, kMaxCodePoint);
  return out;
}

Ranges Digits() { return {{'0', '9'}}; }
Ranges Word() { return {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}; }
Ranges Space() { return {{'\t', '\r'}, {' ', ' '}}; }  // Java \s: [ \t\n\x0B\f\r]
Ranges Dot() {
  return Complement(Normalize({{'\n', '\n'}, {'\r', '\r'}, {0x85, 0x85}, {0x2028, 0x2029}}));
}

// Parse tree of an expression.
struct Node {
  enum Kind { kSet, kConcat, kAlternate, kRepeat, kBegin, kEnd } kind;
  Ranges set;                                // kSet
  std::vector<std::unique_ptr<Node>> items;  // kConcat, kAlternate; kRepeat: one
  int min = 0, max = -1;                     // kRepeat; max -1 = unbounded
};
using NodePtr = std::unique_ptr<Node>;

}  // namespace

// Recursive descent over the (trusted, short) model expression, then
// Thompson construction. Recursion here follows the expression, never input.
class PatternCompiler {
 public:
  explicit PatternCompiler(std::string_view e) : e_(e) {}

  Result<Pattern> Run() {
    NodePtr root = ParseAlternation();
    if (error_.empty() && pos_ < e_.size()) error_ = "unbalanced ')'";
    if (!error_.empty()) return Fail();
    Pattern p;
    pattern_ = &p;
    Emit(*root);
    if (!error_.empty()) return Fail();
    p.program_.push_back({Pattern::Op::kMatch});
    p.anchored_start_ = p.program_[0].op == Pattern::Op::kBegin;
    return p;
  }

 private:
  Status Fail() const {
    return Status::InvalidArgument("", "pattern '" + std::string(e_) + "': " + error_);
  }
  bool AtEnd() const { return pos_ >= e_.size(); }
  char Peek() const { return AtEnd() ? '\0' : e_[pos_]; }
  uint32_t Next() { return DecodeUtf8(e_, &pos_); }

  static NodePtr Leaf(Node::Kind kind, Ranges set = {}) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->set = std::move(set);
    return n;
  }

  NodePtr ParseAlternation() {
    auto alt = Leaf(Node::kAlternate);
    alt->items.push_back(ParseConcat());
    while (error_.empty() && Peek() == '|') {
      ++pos_;
      alt->items.push_back(ParseConcat());
    }
    return alt;
  }

  NodePtr ParseConcat() {
    auto cat = Leaf(Node::kConcat);
    while (error_.empty() && !AtEnd() && Peek() != '|' && Peek() != ')') {
      NodePtr atom = ParseAtom();
      if (!atom) return cat;
      cat->items.push_back(ParseQuantifiers(std::move(atom)));
    }
    return cat;
  }

  NodePtr ParseQuantifiers(NodePtr atom) {
    while (error_.empty() && !AtEnd()) {
      int min, max;
      char c = Peek();
      if (c == '*') {
        min = 0;
        max = -1;
        ++pos_;
      } else if (c == '+') {
        min = 1;
        max = -1;
        ++pos_;
      } else if (c == '?') {
        min = 0;
        max = 1;
        ++pos_;
      } else if (c == '{') {
        if (!ParseBraces(&min, &max)) return atom;
      } else
        break;
      if (Peek() == '?') ++pos_;  // lazy: same language
      if (Peek() == '+') {
        error_ = "possessive quantifier";
        return atom;
      }
      if (atom->kind == Node::kBegin || atom->kind == Node::kEnd) {
        error_ = "quantified anchor";
        return atom;
      }
      auto rep = Leaf(Node::kRepeat);
      rep->min = min;
      rep->max = max;
      rep->items.push_back(std::move(atom));
      atom = std::move(rep);
    }
    return atom;
  }

  bool ParseNumber(int* out) {
    size_t start = pos_;
    long v = 0;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9' && v < 100000)
      v = v * 10 + (e_[pos_++] - '0');
    *out = static_cast<int>(v);
    return pos_ > start && v <= 1000;
  }

  bool ParseBraces(int* min, int* max) {
    ++pos_;  // '{'
    if (!ParseNumber(min)) {
      error_ = "bad {m,n}";
      return false;
    }
    *max = *min;
    if (Peek() == ',') {
      ++pos_;
      *max = -1;
      if (Peek() != '}' && !ParseNumber(max)) {
        error_ = "bad {m,n}";
        return false;
      }
    }
    if (Peek() != '}' || (*max >= 0 && *max < *min)) {
      error_ = "bad {m,n}";
      return false;
    }
    ++pos_;
    return true;
  }

  NodePtr ParseAtom() {
    char c = Peek();
    switch (c) {
      case '(': {
        ++pos_;
        if (Peek() == '?') {
          if (e_.substr(pos_, 2) != "?:") {
            error_ = "lookaround or named group";
            return nullptr;
          }
          pos_ += 2;
        }
        NodePtr inner = ParseAlternation();
        if (Peek() != ')') {
          error_ = "missing ')'";
          return nullptr;
        }
        ++pos_;
        return inner;
      }
      case '[': return ParseClass();
      case '.': ++pos_; return Leaf(Node::kSet, Dot());
      case '^': ++pos_; return Leaf(Node::kBegin);
      case '$': ++pos_; return Leaf(Node::kEnd);
      case '*':
      case '+':
      case '?':
      case '{': error_ = "nothing to repeat"; return nullptr;
      case '\\': {
        Ranges set;
        if (!ParseEscape(&set, /*in_class=*/false)) return nullptr;
        return Leaf(Node::kSet, Normalize(std::move(set)));
      }
      default: {
        uint32_t cp = Next();
        return Leaf(Node::kSet, {{cp, cp}});
      }
    }
  }

  // After a backslash. Appends the escaped set to *set. Returns false on error.
  bool ParseEscape(Ranges* set, bool in_class) {
    ++pos_;  // '\'
    if (AtEnd()) {
      error_ = "trailing backslash";
      return false;
    }
    char c = e_[pos_];
    auto add = [&](Ranges r) {
      set->insert(set->end(), r.begin(), r.end());
      ++pos_;
      return true;
    };
    switch (c) {
      case 'd': return add(Digits());
      case 'D': return add(Complement(Normalize(Digits())));
      case 'w': return add(Word());
      case 'W': return add(Complement(Normalize(Word())));
      case 's': return add(Space());
      case 'S': return add(Complement(Normalize(Space())));
      case 't': return add({{'\t', '\t'}});
      case 'n': return add({{'\n', '\n'}});
      case 'r': return add({{'\r', '\r'}});
      case 'f': return add({{'\f', '\f'}});
      case 'v': return add({{'\v', '\v'}});
      case 'u':
      case 'x': {
        size_t digits = c == 'u' ? 4 : 2;
        uint32_t cp = 0;
        for (size_t k = 1; k <= digits; ++k) {
          char h = pos_ + k < e_.size() ? e_[pos_ + k] : '\0';
          int d = h >= '0' && h <= '9'   ? h - '0'
                  : h >= 'a' && h <= 'f' ? h - 'a' + 10
                  : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                         : -1;
          if (d < 0) {
            error_ = "bad hex escape";
            return false;
          }
          cp = cp * 16 + d;
        }
        pos_ += digits + 1;
        set->emplace_back(cp, cp);
        return true;
      }
      case 'p':
      case 'P': {
        // \p{L} or \pL (one-letter name): a Unicode general category.
        std::string_view name;
        if (pos_ + 1 < e_.size() && e_[pos_ + 1] == '{') {
          size_t close = e_.find('}', pos_ + 2);
          if (close == std::string_view::npos) {
            error_ = "bad \\p{...}";
            return false;
          }
          name = e_.substr(pos_ + 2, close - pos_ - 2);
          pos_ = close + 1;
        } else if (pos_ + 1 < e_.size()) {
          name = e_.substr(pos_ + 1, 1);
          pos_ += 2;
        }
        auto table = UnicodeCategory(name);
        if (table.empty()) {
          error_ = "unsupported category \\p{" + std::string(name) + "}";
          return false;
        }
        Ranges r;
        r.reserve(table.size());
        for (const UnicodeRange& u : table) r.emplace_back(u.lo, u.hi);
        if (c == 'P') r = Complement(Normalize(std::move(r)));
        set->insert(set->end(), r.begin(), r.end());
        return true;
      }
      case 'b':
        if (in_class) return add({{'\b', '\b'}});
        error_ = "\\b unsupported";
        return false;
      default:
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
          error_ = std::string("unsupported escape \\") + c;
          return false;
        }
        uint32_t cp = Next();  // escaped punctuation or non-ASCII: literal
        set->emplace_back(cp, cp);
        return true;
    }
  }

  NodePtr ParseClass() {
    ++pos_;  // '['
    bool negate = Peek() == '^';
    if (negate) ++pos_;
    Ranges set;
    while (true) {
      if (AtEnd()) {
        error_ = "missing ']'";
        return nullptr;
      }
      if (Peek() == ']') {
        ++pos_;
        break;
      }
      if (Peek() == '[' || e_.substr(pos_, 2) == "&&") {
        error_ = "nested class";
        return nullptr;
      }
      Ranges item;
      if (Peek() == '\\') {
        if (!ParseEscape(&item, /*in_class=*/true)) return nullptr;
      } else {
        uint32_t cp = Next();
        item.emplace_back(cp, cp);
      }
      bool single = item.size() == 1 && item[0].first == item[0].second;
      // A '-' between two single characters makes a range; elsewhere it is literal.
      if (single && Peek() == '-' && pos_ + 1 < e_.size() && e_[pos_ + 1] != ']') {
        ++pos_;
        Ranges hi;
        if (Peek() == '\\') {
          if (!ParseEscape(&hi, /*in_class=*/true)) return nullptr;
        } else {
          uint32_t cp = Next();
          hi.emplace_back(cp, cp);
        }
        if (hi.size() != 1 || hi[0].first != hi[0].second || hi[0].first < item[0].first) {
          error_ = "bad class range";
          return nullptr;
        }
        item[0].second = hi[0].first;
      }
      set.insert(set.end(), item.begin(), item.end());
    }
    set = Normalize(std::move(set));
    return Leaf(Node::kSet, negate ? Complement(set) : set);
  }

  // Thompson construction.
  uint32_t Pc() const { return static_cast<uint32_t>(pattern_->program_.size()); }
  uint32_t Add(Pattern::Op op, uint32_t x = 0, uint32_t y = 0) {
    if (pattern_->program_.size() >= kMaxProgram) error_ = "program too large";
    pattern_->program_.push_back({op, x, y});
    return Pc() - 1;
  }

  void Emit(const Node& n) {
    if (!error_.empty()) return;
    switch (n.kind) {
      case Node::kSet: {
        Pattern::CharSet cs;
        for (const auto& [lo, hi] : n.set) {
          for (uint32_t cp = lo; cp <= std::min<uint32_t>(hi, 0x7F); ++cp)
            cs.ascii[cp >> 6] |= uint64_t{1} << (cp & 63);
          if (hi >= 0x80) cs.high.emplace_back(std::max<uint32_t>(lo, 0x80), hi);
        }
        pattern_->sets_.push_back(std::move(cs));
        Add(Pattern::Op::kChar, static_cast<uint32_t>(pattern_->sets_.size() - 1));
        return;
      }
      case Node::kBegin: Add(Pattern::Op::kBegin); return;
      case Node::kEnd: Add(Pattern::Op::kEnd); return;
      case Node::kConcat:
        for (const auto& item : n.items) Emit(*item);
        return;
      case Node::kAlternate: {
        if (n.items.size() == 1) {
          Emit(*n.items[0]);
          return;
        }
        std::vector<uint32_t> jumps;
        for (size_t k = 0; k < n.items.size(); ++k) {
          bool last = k + 1 == n.items.size();
          uint32_t split = last ? 0 : Add(Pattern::Op::kSplit);
          if (!last) pattern_->program_[split].x = Pc();
          Emit(*n.items[k]);
          if (!last) {
            jumps.push_back(Add(Pattern::Op::kJump));
            pattern_->program_[split].y = Pc();
          }
        }
        for (uint32_t j : jumps) pattern_->program_[j].x = Pc();
        return;
      }
      case Node::kRepeat: {
        const Node& body = *n.items[0];
        for (int k = 0; k < n.min && error_.empty(); ++k) Emit(body);
        if (n.max < 0) {
          uint32_t split = Add(Pattern::Op::kSplit);
          pattern_->program_[split].x = Pc();
          Emit(body);
          Add(Pattern::Op::kJump, split);
          pattern_->program_[split].y = Pc();
        } else {
          std::vector<uint32_t> splits;
          for (int k = n.min; k < n.max && error_.empty(); ++k) {
            uint32_t split = Add(Pattern::Op::kSplit);
            pattern_->program_[split].x = Pc();
            splits.push_back(split);
            Emit(body);
          }
          for (uint32_t s : splits) pattern_->program_[s].y = Pc();
        }
        return;
      }
    }
  }

  std::string_view e_;
  size_t pos_ = 0;
  std::string error_;
  Pattern* pattern_ = nullptr;
};

Result<Pattern> Pattern::Compile(std::string_view expression) {
  return PatternCompiler(expression).Run();
}

}  // namespace coffer::protocol
