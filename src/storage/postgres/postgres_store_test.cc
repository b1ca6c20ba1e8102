// The conformance suite on PostgreSQL: every test on a fresh database of the
// test program's throwaway server (tests/lib/pg_server.py).
#include "storage/postgres/postgres_store.h"

#include <gtest/gtest.h>

#include "storage/postgres/postgres_test_util.h"
#include "storage/testing/store_conformance.h"

namespace coffer::storage::postgres {
namespace {

using storage::testing::StoreConformance;
using storage::testing::StoreEngine;

std::unique_ptr<Store> OpenFreshStore() {
  const std::string url = testing::FreshDatabaseUrl();
  if (url.empty()) {
    ADD_FAILURE() << "no PostgreSQL server (tests/lib/pg_server.py could not start one)";
    return nullptr;
  }
  return testing::OpenStore(url);
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreConformance,
                         ::testing::Values(StoreEngine{"postgres", &OpenFreshStore}),
                         storage::testing::StoreEngineName);

}  // namespace
}  // namespace coffer::storage::postgres
