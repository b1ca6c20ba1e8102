#include "migrate/command.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "client/credential_chain.h"
#include "migrate/endpoint.h"
#include "migrate/kms_map.h"
#include "migrate/migrator.h"

namespace coffer::migrate {

int MigrateMain(int argc, char** argv) {
  CLI::App app{
      "Copy every secret from one Secrets Manager endpoint to another (AWS, LocalStack, "
      "Coffer): versions and staging labels, description, tags, resource policy, rotation "
      "rules, KMS key by alias. Idempotent: run it again to resume or to check.",
      "coffer migrate"};
  SideOptions from, to;
  bool dry_run = false;
  std::string prefix;
  std::vector<std::string> key_map;
  app.add_option("--from-endpoint", from.endpoint,
                 "Source endpoint URL [default: the chain's: AWS_ENDPOINT_URL, the profile's "
                 "endpoint_url, else AWS]");
  app.add_option("--from-profile", from.profile,
                 "Source profile of the shared config/credentials files [default: the "
                 "environment's chain]");
  app.add_option("--from-region", from.region, "Source region [default: the chain's]");
  app.add_option("--to-endpoint", to.endpoint, "Target endpoint URL [default: the chain's]");
  app.add_option("--to-profile", to.profile, "Target profile [default: the environment's chain]");
  app.add_option("--to-region", to.region, "Target region [default: the chain's]");
  app.add_flag("--dry-run", dry_run, "Print the plan and write nothing");
  app.add_option("--name-prefix", prefix, "Only secrets whose names start with PFX");
  app.add_option("--kms-key-map", key_map,
                 "SOURCE=TARGET: the target key of a source alias the target lacks "
                 "(alias/src=alias/dst; repeatable)");
  CLI11_PARSE(app, argc, argv);

  Result<std::map<std::string, std::string>> map = ParseKeyMap(key_map);
  if (!map.ok()) {
    std::fprintf(stderr, "coffer migrate: %s\n", map.status().message().c_str());
    return 2;
  }
  const client::EnvLookup env = client::ProcessEnvironment();
  Result<std::unique_ptr<Side>> source = Side::Open(from, env, "source");
  Result<std::unique_ptr<Side>> target =
      source.ok() ? Side::Open(to, env, "target") : Result<std::unique_ptr<Side>>(nullptr);
  for (const auto* side : {&source, &target}) {
    if (!side->ok()) {
      std::fprintf(stderr, "coffer migrate: %s\n", side->status().message().c_str());
      return 1;
    }
  }
  if ((*source)->endpoint() == (*target)->endpoint() &&
      (*source)->region() == (*target)->region()) {
    std::fprintf(stderr,
                 "coffer migrate: the source and the target are the same endpoint and region "
                 "(%s, %s)\n",
                 (*source)->endpoint().c_str(), (*source)->region().c_str());
    return 2;
  }
  std::fprintf(stderr, "coffer migrate: from %s\n", (*source)->Describe().c_str());
  std::fprintf(stderr, "coffer migrate: to   %s%s\n", (*target)->Describe().c_str(),
               dry_run ? " (dry run: nothing is written)" : "");

  MigrateOptions options;
  options.dry_run = dry_run;
  options.name_prefix = prefix;
  options.key_map = std::move(map).value();
  Migrator migrator(**source, **target, std::move(options), stderr, stdout);
  Result<MigrateSummary> summary = migrator.Run();
  if (!summary.ok()) {
    std::fprintf(stderr, "coffer migrate: %s\n", summary.status().message().c_str());
    return 1;
  }
  std::fflush(stderr);
  std::printf("%s%d secrets: %d %s, %d already there, %zu failed\n", dry_run ? "dry run: " : "",
              summary->total, summary->copied, dry_run ? "to copy" : "copied",
              summary->already_there, summary->failed.size());
  for (const auto& [name, why] : summary->failed) {
    std::printf("failed: %s: %s\n", name.c_str(), why.c_str());
  }
  return summary->failed.empty() ? 0 : 1;
}

}  // namespace coffer::migrate
