// The botocore service models (service-2.json) embedded into the binary by the
// build (CMakeLists.txt coffer_embed, cmake/embed.cmake). Each view holds the
// full JSON text of third_party/aws/models/<service>/<version>/service-2.json.
// ServiceModel (service_model.h) parses them once; nothing else should.
//
// Thread-safety: immutable static data.
#pragma once

#include <string_view>

namespace coffer::embedded {

// third_party/aws/models/secretsmanager/2017-10-17/service-2.json
extern const std::string_view kSecretsManagerModel;
// third_party/aws/models/kms/2014-11-01/service-2.json
extern const std::string_view kKmsModel;
// third_party/aws/models/iam/2010-05-08/service-2.json (awsQuery)
extern const std::string_view kIamModel;
// third_party/aws/models/sts/2011-06-15/service-2.json (awsQuery)
extern const std::string_view kStsModel;

}  // namespace coffer::embedded
