// Page tokens: the opaque NextToken of ListSecrets and BatchGetSecretValue.
//
// A token carries a keyset position (the sort key and secret id of the last
// secret examined, see storage::SecretScan) and is authenticated with
// HMAC-SHA256 under the service's token key. The MAC also covers a `scope`
// string naming the operation, account, region and every query parameter
// that shapes the result (filters, sort, IncludePlannedDeletion), so a token
// is only accepted by the same query of the same caller: a forged, altered or
// truncated token, or one minted for another account, region or query, fails
// with InvalidNextTokenException. MaxResults is deliberately not part of the
// scope (clients may change the page size between pages).
//
// Wire form: base64url (no padding) of 1 byte version (1) || 8 byte big-endian
// id || sort key bytes || the first 16 bytes of the HMAC.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "coffer/result.h"

namespace coffer::secrets {

struct PagePosition {
  std::string key;  // sort key of the last secret examined (storage::SecretScan::after_key)
  int64_t id = 0;   // its id (storage::SecretScan::after_id)
  bool operator==(const PagePosition&) const = default;
};

// HMAC-SHA256 (32 bytes) of `body` under `key`, bound to a `domain` (what
// the token is: "coffer/page-token/v1", "coffer/rotation-token/v1") and a
// `scope`, each length-prefixed so no two inputs collide. Also used by
// rotation tokens (rotation.h).
std::string KeyedMac(std::string_view key, std::string_view domain, std::string_view scope,
                     std::string_view body);

// Builds a scope string from its parts, length-prefixed so that different part
// lists never produce the same scope.
std::string PageTokenScope(std::initializer_list<std::string_view> parts);

// REQUIRES: nothing. Fails with kInternal when `mac_key` is empty (a token
// that anybody could forge is never issued).
Result<std::string> EncodePageToken(std::string_view mac_key, std::string_view scope,
                                    const PagePosition& position);

// InvalidNextTokenException ("The NextToken value is invalid.") when the token
// is malformed, forged or bound to a different scope; kInternal when
// `mac_key` is empty.
Result<PagePosition> DecodePageToken(std::string_view mac_key, std::string_view scope,
                                     std::string_view token);

}  // namespace coffer::secrets
