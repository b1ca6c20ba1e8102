#include "functions/bindings.h"

#include <gtest/gtest.h>

#include <string>

#include "functions/builtin.h"

namespace coffer::functions {
namespace {

Result<std::map<std::string, FunctionBinding>> Parse(std::string_view text) {
  toml::table root = toml::parse(text);
  const toml::table* functions = root["functions"].as_table();
  if (functions == nullptr) return Status::Internal("no [functions]");
  return ParseFunctionBindings(*functions);
}

// The error message of parsing `text`, or "" when it parsed.
std::string ErrorOf(std::string_view text) {
  auto r = Parse(text);
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  return r.status().message();
}

constexpr const char* kRole = "role_arn = \"arn:aws:iam::111111111111:role/rotator\"\n";

TEST(ParseFunctionBindingsTest, AllKinds) {
  auto r = Parse(R"(
[functions.pg-single-user]
python_handler = "/opt/rotators/postgres/lambda_function.py"
role_arn = "arn:aws:iam::111111111111:role/rotator"
timeout_seconds = 60
environment = { EXCLUDE_CHARACTERS = "/@\"'\\", PATH = "/opt/bin" }

[functions.cmd]
command = ["/usr/local/bin/my-rotator", "--flag"]
role_arn = "arn:aws:iam::111111111111:role/service-role/path/rotator"

[functions.remote_1]
url = "https://rotator.example.com/invoke"
role_arn = "arn:aws:iam::222222222222:role/r"

[functions.local]
url = "http://127.0.0.1:9000/invoke"
role_arn = "arn:aws:iam::222222222222:role/r"
)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  const FunctionBinding& pg = r->at("pg-single-user");
  EXPECT_EQ(pg.name, "pg-single-user");
  EXPECT_EQ(pg.kind, FunctionKind::kPythonHandler);
  EXPECT_EQ(pg.python_handler, "/opt/rotators/postgres/lambda_function.py");
  EXPECT_EQ(pg.role_arn, "arn:aws:iam::111111111111:role/rotator");
  EXPECT_EQ(pg.timeout, std::chrono::seconds(60));
  EXPECT_EQ(pg.environment.at("EXCLUDE_CHARACTERS"), "/@\"'\\");
  EXPECT_EQ(pg.environment.at("PATH"), "/opt/bin");

  const FunctionBinding& cmd = r->at("cmd");
  EXPECT_EQ(cmd.kind, FunctionKind::kCommand);
  EXPECT_EQ(cmd.command, (std::vector<std::string>{"/usr/local/bin/my-rotator", "--flag"}));
  EXPECT_EQ(cmd.timeout, std::chrono::seconds(30));
  EXPECT_TRUE(cmd.environment.empty());

  EXPECT_EQ(r->at("remote_1").kind, FunctionKind::kUrl);
  EXPECT_EQ(r->at("remote_1").url, "https://rotator.example.com/invoke");
  EXPECT_EQ(r->at("local").url, "http://127.0.0.1:9000/invoke");
}

TEST(ParseFunctionBindingsTest, EmptyTable) {
  auto r = Parse("[functions]\n");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(ParseFunctionBindingsTest, LoopbackHttpOnly) {
  for (const char* url : {"http://localhost:1/", "http://127.9.8.7/", "http://[::1]:80/x"}) {
    EXPECT_EQ(ErrorOf(std::string("[functions.f]\nurl = \"") + url + "\"\n" + kRole), "") << url;
  }
  EXPECT_NE(ErrorOf(std::string("[functions.f]\nurl = \"http://10.0.0.1/\"\n") + kRole)
                .find("functions.f: url must be https://"),
            std::string::npos);
  EXPECT_NE(ErrorOf(std::string("[functions.f]\nurl = \"http://localhost.evil.com/\"\n") + kRole),
            "");
  EXPECT_NE(ErrorOf(std::string("[functions.f]\nurl = \"ftp://x/\"\n") + kRole)
                .find("functions.f: url: invalid URL"),
            std::string::npos);
}

TEST(ParseFunctionBindingsTest, UnknownBuiltin) {
  if (IsKnownBuiltin("postgresql-single-user")) {
    EXPECT_EQ(ErrorOf(std::string("[functions.f]\nbuiltin = \"postgresql-single-user\"\n") + kRole),
              "");
  }
  EXPECT_EQ(ErrorOf(std::string("[functions.f]\nbuiltin = \"nope\"\n") + kRole),
            "functions.f: unknown builtin \"nope\"");
}

TEST(ParseFunctionBindingsTest, Errors) {
  const std::string cmd = "command = [\"/bin/true\"]\n";
  struct Case {
    std::string text, error;
  };
  const Case cases[] = {
      {"[functions.f]\n" + std::string(kRole), "functions.f: exactly one of"},
      {"[functions.f]\n" + cmd + "url = \"https://x/\"\n" + kRole, "functions.f: exactly one of"},
      {"[functions.f]\n" + cmd, "functions.f: role_arn is required"},
      {"[functions.f]\n" + cmd + "role_arn = \"arn:aws:iam::1111:role/r\"\n",
       "functions.f: role_arn must be"},
      {"[functions.f]\n" + cmd + "role_arn = \"arn:aws:iam::111111111111:user/r\"\n",
       "functions.f: role_arn must be"},
      {"[functions.f]\n" + cmd + "role_arn = \"arn:aws:iam::111111111111:role/\"\n",
       "functions.f: role_arn must be"},
      {"[functions.f]\n" + cmd + kRole + "colour = \"red\"\n",
       "functions.f: unknown key \"colour\""},
      {"[functions.f]\n" + cmd + kRole + "timeout_seconds = 0\n", "functions.f: timeout_seconds"},
      {"[functions.f]\n" + cmd + kRole + "timeout_seconds = 901\n", "functions.f: timeout_seconds"},
      {"[functions.f]\n" + cmd + kRole + "timeout_seconds = 1.5\n", "functions.f: timeout_seconds"},
      {"[functions.f]\n" + cmd + kRole + "timeout_seconds = \"30\"\n",
       "functions.f: timeout_seconds"},
      {"[functions.f]\ncommand = []\n" + std::string(kRole), "functions.f: command must be"},
      {"[functions.f]\ncommand = [\"/bin/x\", 1]\n" + std::string(kRole),
       "functions.f: command must be"},
      {"[functions.f]\ncommand = \"/bin/x\"\n" + std::string(kRole),
       "functions.f: command must be"},
      {"[functions.f]\npython_handler = \"rel/x.py\"\n" + std::string(kRole),
       "functions.f: python_handler must be an absolute path"},
      {"[functions.f]\npython_handler = \"/opt/x.sh\"\n" + std::string(kRole),
       "functions.f: python_handler must name a .py file"},
      {"[functions.f]\n" + cmd + kRole + "environment = \"A=1\"\n",
       "functions.f: environment must be a table"},
      {"[functions.f]\n" + cmd + kRole + "environment = { A = 1 }\n",
       "functions.f: environment: A must be a string"},
      {"[functions.f]\n" + cmd + kRole + "environment = { \"1A\" = \"x\" }\n",
       "functions.f: environment: invalid variable name \"1A\""},
      {"[functions.f]\n" + cmd + kRole + "environment = { \"A-B\" = \"x\" }\n",
       "functions.f: environment: invalid variable name"},
      {"[functions.bad.name]\n" + cmd + kRole, "functions.bad: unknown key \"name\""},
      {"[functions.\"a b\"]\n" + cmd + kRole, "functions.a b: the name must be"},
      {"[functions." + std::string(65, 'a') + "]\n" + cmd + kRole, "the name must be"},
      {"[functions]\nf = 1\n", "functions.f: must be a table"},
  };
  for (const Case& c : cases) {
    std::string error = ErrorOf(c.text);
    EXPECT_NE(error.find(c.error), std::string::npos) << c.text << "\n=> " << error;
  }
}

TEST(ParseFunctionBindingsTest, ReservedVariables) {
  for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                           "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
                           "SECRETS_MANAGER_ENDPOINT", "AWS_LAMBDA_FUNCTION_NAME"}) {
    std::string text = std::string("[functions.f]\ncommand = [\"/bin/true\"]\n") + kRole +
                       "environment = { " + name + " = \"x\" }\n";
    EXPECT_EQ(ErrorOf(text), std::string("functions.f: environment: ") + name + " is reserved");
  }
}

TEST(ParseLambdaArnTest, Accepts) {
  auto a = ParseLambdaArn("arn:aws:lambda:us-east-1:123456789012:function:pg-single-user");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->region, "us-east-1");
  EXPECT_EQ(a->account, "123456789012");
  EXPECT_EQ(a->name, "pg-single-user");
  for (const char* q : {"$LATEST", "prod", "7", "my_alias-2"}) {
    a = ParseLambdaArn(std::string("arn:aws:lambda:eu-west-2:123456789012:function:f:") + q);
    ASSERT_TRUE(a.ok()) << q;
    EXPECT_EQ(a->name, "f");
  }
}

TEST(ParseLambdaArnTest, Rejects) {
  for (const char* arn :
       {"", "pg-single-user", "arn:aws:lambda:us-east-1:123456789012:function:",
        "arn:aws:lambda:us-east-1:12345678901:function:f",
        "arn:aws:lambda::123456789012:function:f", "arn:aws:lambda:us-east-1:123456789012:layer:f",
        "arn:aws:iam:us-east-1:123456789012:function:f",
        "arn:aws-cn:lambda:us-east-1:123456789012:function:f",
        "arn:aws:lambda:us-east-1:123456789012:function:f:",
        "arn:aws:lambda:us-east-1:123456789012:function:f:$NOPE",
        "arn:aws:lambda:us-east-1:123456789012:function:f:1:2",
        "arn:aws:lambda:us-east-1:123456789012:function:a.b"}) {
    auto a = ParseLambdaArn(arn);
    EXPECT_FALSE(a.ok()) << arn;
    if (!a.ok()) {
      EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace coffer::functions
