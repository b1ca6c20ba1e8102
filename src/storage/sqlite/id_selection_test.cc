// IdSelection: which form of a child-table query a set of ids gets.
#include "storage/sqlite/id_selection.h"

#include <gtest/gtest.h>

namespace coffer::storage::sqlite {
namespace {

const IdSelection::Forms& Forms() {
  static const IdSelection::Forms kForms =
      IdSelection::Build("SELECT x FROM t WHERE {ids} ORDER BY x", "t.id");
  return kForms;
}

TEST(IdSelectionTest, BuildsARangeAndAListForm) {
  EXPECT_EQ(Forms().range, "SELECT x FROM t WHERE t.id BETWEEN ?1 AND ?2 ORDER BY x");
  EXPECT_EQ(Forms().list,
            "SELECT x FROM t WHERE t.id IN (SELECT value FROM json_each(?1)) ORDER BY x");
}

TEST(IdSelectionTest, CloseIdsTakeTheRangeAndScatteredOnesTheList) {
  // A span under twice the number of ids: at most as many ids again are read.
  EXPECT_EQ(IdSelection({7, 5, 8}).Sql(Forms()), Forms().range);  // span 3 < 6
  EXPECT_EQ(IdSelection({42}).Sql(Forms()), Forms().range);       // one id: BETWEEN 42 AND 42
  EXPECT_EQ(IdSelection({1, 2, 7}).Sql(Forms()), Forms().list);   // span 6, not < 6
  EXPECT_EQ(IdSelection({1, 1000}).Sql(Forms()), Forms().list);
  EXPECT_EQ(IdSelection({}).Sql(Forms()), Forms().list);  // matches nothing
}

}  // namespace
}  // namespace coffer::storage::sqlite
