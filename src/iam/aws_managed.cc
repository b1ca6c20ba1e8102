#include "iam/aws_managed.h"

#include <array>

namespace coffer::iam {
namespace {

// 2015-02-06T18:39:46Z, when AWS published its first managed policies;
// every built-in policy carries it (Coffer's versions do not change).
constexpr int64_t kPublished = 1423247986000;

// AdministratorAccess: AWS's document, exactly. The others: reduced to the
// services Coffer serves (see aws_managed.h); ids are Coffer's, stable.
constexpr std::array<AwsManagedPolicy, 6> kPolicies = {{
    {"AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess", "ANPAIWMBCKSKIEE64ZLYK",
     "/", "Provides full access to AWS services and resources.", "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*",)"
     R"("Resource":"*"}]})",
     kPublished, kPublished},
    {"IAMFullAccess", "arn:aws:iam::aws:policy/IAMFullAccess", "ANPAI7XKCFMBPM3QQRRVQ", "/",
     "Provides full access to IAM via the AWS Management Console.", "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*",)"
     R"("Resource":"*"}]})",
     kPublished, kPublished},
    {"IAMReadOnlyAccess", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", "ANPAJKSO7NDY4T57MWDSQ", "/",
     "Provides read only access to IAM via the AWS Management Console.", "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
     R"("Action":["iam:GenerateCredentialReport",)"
     R"("iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*",)"
     R"("iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]})",
     kPublished, kPublished},
    {"PowerUserAccess", "arn:aws:iam::aws:policy/PowerUserAccess", "ANPAJYRXTHIB4FOVS3ZXS", "/",
     "Provides full access to AWS services and resources, but does not allow management of "
     "Users and groups.",
     "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*",)"
     R"("organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow",)"
     R"("Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole",)"
     R"("iam:ListRoles","organizations:DescribeOrganization","account:ListRegions",)"
     R"("account:GetAccountInformation"],"Resource":"*"}]})",
     kPublished, kPublished},
    {"ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess", "ANPAILL3HVNFSB6DCOWYQ", "/",
     "Provides read-only access to AWS services and resources.", "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
     R"("Action":["secretsmanager:Describe*","secretsmanager:GetResourcePolicy",)"
     R"("secretsmanager:List*","kms:Describe*","kms:Get*","kms:List*","iam:Generate*",)"
     R"("iam:Get*","iam:List*","iam:Simulate*","sts:GetCallerIdentity"],)"
     R"("Resource":"*"}]})",
     kPublished, kPublished},
    {"SecretsManagerReadWrite", "arn:aws:iam::aws:policy/SecretsManagerReadWrite",
     "ANPAJTOLXU6SPJ5ANXRGE", "/",
     "Provides read/write access to AWS Secrets Manager via the AWS Management Console.", "v1",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
     R"("Action":["secretsmanager:*","kms:DescribeKey","kms:ListAliases","kms:ListKeys",)"
     R"("tag:GetResources"],"Resource":"*"}]})",
     kPublished, kPublished},
}};

}  // namespace

std::span<const AwsManagedPolicy> AwsManagedPolicies() { return kPolicies; }

const AwsManagedPolicy* FindAwsManagedPolicy(std::string_view arn) {
  for (const auto& p : kPolicies)
    if (p.arn == arn) return &p;
  return nullptr;
}

}  // namespace coffer::iam
