// Durable, race-safe file creation for the files Coffer writes next to its
// database (root.key, credentials): a new, uniquely named temporary in the
// target's directory, created O_CREAT|O_EXCL|O_NOFOLLOW (nothing planted
// there is followed or reused), written, fsynced, then put in place and the
// directory fsynced, so a crash leaves the old file or the whole new one.
//
// Thread-safety: functions of the file system; safe to call concurrently.
#pragma once

#include <string>
#include <string_view>

#include "coffer/status.h"

namespace coffer {

// How WriteFileAtomic puts the temporary in place.
enum class Placement {
  kReplace,    // rename(): replaces `path`, and a symlink there rather than following it
  kNoReplace,  // link(): fails with kAlreadyExists when `path` exists (another creator won)
};

// Writes `contents` to `path` with `mode` (e.g. 0600) as above. Errors:
// kAlreadyExists (kNoReplace only), else kInternal naming the path and errno.
Status WriteFileAtomic(const std::string& path, std::string_view contents, int mode,
                       Placement placement = Placement::kReplace);

// fsync of a directory, so that a rename or link in it is durable.
Status FsyncDirectory(const std::string& dir);

}  // namespace coffer
