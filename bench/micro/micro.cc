// Micro-benchmarks of the GetSecretValue hot path (issue #5), one piece at a
// time: SigV4 verification with a warm signing-key cache, JSON decode +
// validation of the request and encode of the response, data-key unwrap +
// AES-GCM open, the SQLite storage read, the keyring open with its key
// lookup, and the whole secrets::Service handler; and, for the identity
// issue (#20), the handler as a role session with a resource policy, one
// policy decision alone (here), and the audit record and its durable append
// (audit.cc).
//
// Built only with -DCOFFER_BENCH=ON (make bench / make bench-micro); never
// part of make test. Run: build-bench/coffer_micro [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <rapidjson/stringbuffer.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "auth/policy/access.h"
#include "auth/sigv4/signer.h"
#include "auth/sigv4/verifier.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/random.h"
#include "common/request_context.h"
#include "crypto/aes_gcm.h"
#include "crypto/barrier.h"
#include "crypto/keyring.h"
#include "protocol/json_body.h"
#include "protocol/service_model.h"
#include "secrets/internal.h"
#include "secrets/service.h"
#include "storage/sqlite/sqlite_store.h"
#include "testing/service_parts.h"

namespace coffer {
namespace {

constexpr char kAkid[] = "AKIAEXAMPLE0000000001";
constexpr char kSecretKey[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kRequestBody[] = R"({"SecretId":"bench/app-0000042/db"})";

std::string SecretValue(int i) {
  char buf[400];
  std::snprintf(
      buf, sizeof buf,
      R"({"engine":"postgres","host":"db-%07d.internal.example.com","port":5432,)"
      R"("username":"svc_%07d","password":"Zq3v9XkP0aLm4Rt7Yb2Nc8Wd1Hs6Jf5Ge0Ui3Ko9","dbname":"app_%07d",)"
      R"("dbInstanceIdentifier":"app-db-%07d","options":"sslmode=verify-full connect_timeout=5 application_name=bench-runner"})",
      i, i, i, i);
  return buf;
}

// ------------------------------------------------------------------ SigV4 --

void BM_SigV4Verify(benchmark::State& state) {
  using namespace auth::sigv4;
  const int64_t now = 1764374400000;  // 2025-11-29T00:00:00Z
  FakeClock clock(now);
  // As the server's CredentialCache: one shared credential, named by a serial.
  auto credential = std::make_shared<const Credential>(
      Credential{SecureString(std::string(kSecretKey)), "123456789012",
                 "arn:aws:iam::123456789012:root", /*serial=*/1});
  Verifier verifier(
      [credential](std::string_view) -> Result<std::shared_ptr<const Credential>> {
        return credential;
      },
      clock, VerifierOptions{});
  HeaderList headers = {{"Host", "127.0.0.1:7878"},
                        {"Content-Type", "application/x-amz-json-1.1"},
                        {"X-Amz-Target", "secretsmanager.GetSecretValue"},
                        {"User-Agent", "coffer-bench/1.0"}};
  std::string body = kRequestBody;
  SigningCredentials creds{kAkid, SecureString(std::string(kSecretKey)), ""};
  auto signed_req =
      SignRequest({"POST", "/", &headers, body}, creds, "us-east-1", "secretsmanager", now);
  if (!signed_req.ok()) return state.SkipWithError("sign failed");
  HeaderList sent = signed_req->signed_headers;
  sent.emplace_back("Content-Length", std::to_string(body.size()));
  HttpRequestView view{"POST", "/", &sent, body};
  // As the pipeline verifies a JSON 1.1 request (pipeline.cc's kJsonMustSign).
  constexpr std::string_view kMustSign[] = {"Content-Type", "X-Amz-Target"};
  if (!verifier.Verify(view, "secretsmanager", kMustSign).ok()) {
    return state.SkipWithError("verify failed");
  }
  for (auto _ : state) {
    auto r = verifier.Verify(view, "secretsmanager", kMustSign);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_SigV4Verify);

// ------------------------------------------------------------------- JSON --

void BM_JsonDecodeValidate(benchmark::State& state) {
  const protocol::ServiceModel& model =
      protocol::ServiceModel::Get(protocol::Service::kSecretsManager);
  for (auto _ : state) {
    auto doc = protocol::ParseRequestBody(kRequestBody);
    Status s = model.ValidateInput("GetSecretValue", *doc);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_JsonDecodeValidate);

void BM_JsonEncodeResponse(benchmark::State& state) {
  const std::string value = SecretValue(42);
  const std::vector<std::string> stages = {"AWSCURRENT"};
  size_t bytes = 0;
  JsonBuffer buf;  // reused, as the pipeline's per-thread buffer is
  for (auto _ : state) {
    buf.Clear();
    JsonWriter w(buf);
    w.StartObject();
    WriteString(w, "ARN",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench/app-0000042/db-AbCdEf");
    WriteString(w, "Name", "bench/app-0000042/db");
    WriteString(w, "VersionId", "b3a1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
    WriteString(w, "SecretString", value);
    WriteStringArray(w, "VersionStages", stages);
    WriteTimestamp(w, "CreatedDate", 1764374400123);
    w.EndObject();
    std::string out(buf.GetString(), buf.GetSize());
    bytes = out.size();
    benchmark::DoNotOptimize(out);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_JsonEncodeResponse);

// ----------------------------------------------------------------- crypto --

// What Keyring::OpenValue does after finding the key: unwrap the 32-byte data
// key under the key material, then open the value under the data key (two
// AES-256-GCM opens with the envelope header as AAD).
void BM_DataKeyUnwrapAndOpen(benchmark::State& state) {
  using namespace crypto::internal;
  const std::string material = RandomBytes(32), data_key = RandomBytes(32);
  const std::string n1 = RandomBytes(12), n2 = RandomBytes(12);
  const std::string header(64, 'h'),
      context = "{\"SecretARN\":\"arn:...\",\"SecretVersionId\":\"v\"}";
  const std::string value = SecretValue(42);
  std::string wrapped(32, '\0'), tag1(16, '\0'), sealed(value.size(), '\0'), tag2(16, '\0');
  if (!AesGcmSeal(material, n1, {header, context}, data_key, wrapped.data(), tag1.data()).ok() ||
      !AesGcmSeal(data_key, n2, {header, context}, value, sealed.data(), tag2.data()).ok())
    return state.SkipWithError("seal failed");
  std::string key(32, '\0'), plain(value.size(), '\0');
  for (auto _ : state) {
    Status a = AesGcmOpen(material, n1, {header, context}, wrapped, tag1, key.data());
    Status b = AesGcmOpen(key, n2, {header, context}, sealed, tag2, plain.data());
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
  }
  if (plain != value) state.SkipWithError("round trip failed");
}
BENCHMARK(BM_DataKeyUnwrapAndOpen);

// --------------------------------------------- store, keyring and service --

// A SQLite data directory with N secrets created through secrets::Service,
// exactly as the API would write them.
class Fixture {
 public:
  explicit Fixture(int secrets) {
    if (!parts_.Open("/tmp", clock_, SecureString(RandomBytes(32))).ok()) std::abort();
    service_ = std::make_unique<secrets::Service>(*parts_.store, *parts_.keyring, clock_,
                                                  secrets::ServiceOptions{RandomBytes(32)});
    for (int i = 0; i < secrets; ++i) {
      std::string req = R"({"Name":")" + Name(i) + R"(","Description":"bench secret )" +
                        std::to_string(i) + R"(","SecretString":)";
      JsonBuffer vb;
      JsonWriter vw(vb);
      std::string v = SecretValue(i);
      vw.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
      req += vb.GetString();
      req += R"(,"ClientRequestToken":")" + RandomUuid() + R"("})";
      std::string out;
      if (!Call("CreateSecret", req, &out).ok()) std::abort();
    }
  }

  static std::string Name(int i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "bench/app-%07d/db", i);
    return buf;
  }

  Status Call(std::string_view op, const std::string& request, std::string* out,
              const RequestContext* ctx = nullptr) {
    auto in = protocol::ParseRequestBody(request);
    if (!in.ok()) return in.status();
    RequestContext c = ctx ? *ctx : ctx_;
    c.now_ms = clock_.NowMillis();
    // Reused, as the pipeline's per-thread buffer is: a fresh one would time
    // its growth (each step copies and wipes the block it leaves).
    buf_.Clear();
    JsonWriter w(buf_);
    Status s = service_->Handle(op, c, *in, w);
    out->assign(buf_.GetString(), buf_.GetSize());
    return s;
  }

  storage::Store& store() { return *parts_.store; }
  crypto::Keyring& keyring() { return *parts_.keyring; }
  const RequestContext& ctx() const { return ctx_; }

 private:
  SystemClock clock_;
  crypto::testing::ServiceParts parts_;  // before service_, which is destroyed first
  std::unique_ptr<secrets::Service> service_;
  RequestContext ctx_ = crypto::testing::TestContext();
  JsonBuffer buf_;  // what Call() writes into
};

Fixture& Shared() {
  static Fixture* f = new Fixture(1000);
  return *f;
}

// The storage part of GetSecretValue: a read transaction, the secret by
// name, its AWSCURRENT version (the sealed value), end of transaction.
void BM_StorageRead(benchmark::State& state) {
  Fixture& f = Shared();
  int i = 0;
  for (auto _ : state) {
    std::string name = Fixture::Name(i++ % 1000);
    auto txn = f.store().Begin(storage::TxnMode::kRead);
    auto s = (*txn)->GetSecretByName(f.ctx().account_id, f.ctx().region, name);
    auto v = (*txn)->GetVersionByStage((*s)->id, "AWSCURRENT");
    benchmark::DoNotOptimize(v);
    (void)(*txn)->Commit();
  }
}
BENCHMARK(BM_StorageRead);

// Keyring::OpenValue as GetSecretValue calls it: the KMS key record and key
// material lookups in the store, then unwrap + open.
void BM_KeyringOpenValue(benchmark::State& state) {
  Fixture& f = Shared();
  auto txn = f.store().Begin(storage::TxnMode::kRead);
  auto s = (*txn)->GetSecretByName(f.ctx().account_id, f.ctx().region, Fixture::Name(42));
  auto v = (*txn)->GetVersionByStage((*s)->id, "AWSCURRENT");
  const storage::SecretRecord secret = **s;
  const storage::VersionRecord version = **v;
  (void)(*txn)->Commit();
  txn->reset();
  auto context = secrets::internal::VersionContext(secret, version.version_id);
  for (auto _ : state) {
    auto t = f.store().Begin(storage::TxnMode::kRead);
    auto plain = f.keyring().OpenValue(**t, version.sealed_value, context);
    if (!plain.ok()) return state.SkipWithError(plain.status().ToString().c_str());
    benchmark::DoNotOptimize(plain);
    (void)(*t)->Commit();
  }
}
BENCHMARK(BM_KeyringOpenValue);

// The whole handler below the pipeline: secrets::Service::Handle for
// GetSecretValue (resolve, version, key, unwrap, open, encode), with JSON
// decode of the request.
void BM_ServiceGetSecretValue(benchmark::State& state) {
  Fixture& f = Shared();
  int i = 0;
  std::string out;
  for (auto _ : state) {
    std::string req = R"({"SecretId":")" + Fixture::Name(i++ % 1000) + R"("})";
    Status s = f.Call("GetSecretValue", req, &out);
    if (!s.ok()) return state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_ServiceGetSecretValue);

// ListSecrets, first page of 100 (the bench's ListSecrets-100): the scan,
// the labels of the page, the JSON of 100 entries.
void BM_ServiceListSecrets(benchmark::State& state) {
  Fixture& f = Shared();
  std::string out;
  const std::string req = R"({"MaxResults":100})";
  for (auto _ : state) {
    Status s = f.Call("ListSecrets", req, &out);
    if (!s.ok()) return state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_ServiceListSecrets);

// ------------------------------------------------------ identity (issue 20) --

constexpr char kRoleArn[] = "arn:aws:iam::123456789012:role/bench-runner";

// The role session the bench's GetSecretValue-role row reads as: its
// identity policy allows GetSecretValue on bench/*.
RequestContext RoleContext(const RequestContext& base) {
  auto caller = std::make_shared<auth::policy::Caller>();
  caller->principal.type = auth::policy::PrincipalType::kAssumedRole;
  caller->principal.arn = "arn:aws:sts::123456789012:assumed-role/bench-runner/bench";
  caller->principal.role_arn = kRoleArn;
  caller->principal.account = "123456789012";
  auto policies = std::make_shared<auth::policy::PrincipalPolicies>();
  auto doc = auth::policy::ParsePolicyDocument(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
          "Action":"secretsmanager:GetSecretValue",
          "Resource":"arn:aws:secretsmanager:us-east-1:123456789012:secret:bench/*"}]})",
      auth::policy::PolicyGrammar::kIdentity);
  policies->identity.push_back(std::make_shared<const auth::policy::CompiledPolicy>(
      std::move(auth::policy::CompiledPolicy::Compile(*doc)).value()));
  policies->Seal();
  caller->policies = std::move(policies);
  caller->keys.Set("aws:PrincipalArn", kRoleArn);
  caller->keys.Set("aws:PrincipalAccount", "123456789012");
  caller->keys.Set("aws:userid", "AROAEXAMPLEEXAMPLE01:bench");
  caller->keys.Set("aws:SourceIp", "127.0.0.1");
  caller->keys.Set("aws:SecureTransport", "false");
  caller->keys.Set("aws:CurrentTime", "2026-12-07T20:00:00Z");
  RequestContext ctx = base;
  ctx.principal_arn = caller->principal.arn;
  ctx.caller = std::move(caller);
  return ctx;
}

// The resource policy of every bench secret in the role rows: it names the
// role.
constexpr char kResourcePolicy[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
    R"("Principal":{"AWS":"arn:aws:iam::123456789012:role/bench-runner"},)"
    R"("Action":"secretsmanager:GetSecretValue","Resource":"*"}]})";

// BM_ServiceGetSecretValue as that role session, each secret with its
// resource policy: the authorization of the secret (identity and resource
// policy, the action's condition keys) and of kms:Decrypt on the default key
// (its fixed policy, through Secrets Manager) on top of the handler.
void BM_ServiceGetSecretValueAsRole(benchmark::State& state) {
  Fixture& f = Shared();
  static const bool policies_set = [&f] {
    std::string out;
    for (int i = 0; i < 1000; ++i) {
      JsonBuffer b;
      JsonWriter w(b);
      w.String(kResourcePolicy, sizeof kResourcePolicy - 1);
      const std::string req =
          R"({"SecretId":")" + Fixture::Name(i) + R"(","ResourcePolicy":)" + b.GetString() + "}";
      if (!f.Call("PutResourcePolicy", req, &out).ok()) std::abort();
    }
    return true;
  }();
  benchmark::DoNotOptimize(policies_set);
  const RequestContext ctx = RoleContext(f.ctx());
  int i = 0;
  std::string out;
  for (auto _ : state) {
    std::string req = R"({"SecretId":")" + Fixture::Name(i++ % 1000) + R"("})";
    Status s = f.Call("GetSecretValue", req, &out, &ctx);
    if (!s.ok()) return state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_ServiceGetSecretValueAsRole);

// One decision alone: the role session, its identity policy, the secret's
// resource policy (compiled once, as the services' cache holds it) and the
// action's condition keys (SecretId, a resource tag).
void BM_PolicyAuthorize(benchmark::State& state) {
  const RequestContext ctx = RoleContext(RequestContext{});
  auth::policy::CompiledPolicyCache cache;
  auto resource = cache.Get(kResourcePolicy, auth::policy::PolicyGrammar::kResource);
  if (!resource.ok()) return state.SkipWithError(resource.status().ToString().c_str());
  const std::string arn =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench/app-0000042/db-AbCdEf";
  for (auto _ : state) {
    auth::policy::ContextKeys keys;
    keys.Set("secretsmanager:SecretId", arn);
    keys.Set("secretsmanager:ResourceTag/team", "data");
    auth::policy::AccessRequest request;
    request.action = "secretsmanager:GetSecretValue";
    request.resource = arn;
    request.resource_policy = resource->get();
    request.keys = &keys;
    Status s = auth::policy::Authorize(*ctx.caller, request);
    if (!s.ok()) return state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_PolicyAuthorize);

void BM_RandomUuid(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(RandomUuid());
}
BENCHMARK(BM_RandomUuid);

}  // namespace
}  // namespace coffer

BENCHMARK_MAIN();
