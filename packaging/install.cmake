# packaging/install.cmake: the part of `cmake --install` (and of CPack's staging) that
# depends on the install prefix. Run by install(SCRIPT) with COFFER_PACKAGING_DIR and
# COFFER_BUILD_DIR set. Writes, for PREFIX = CMAKE_INSTALL_PREFIX at install time:
#   PREFIX/lib/systemd/system/coffer.service  with ExecStart=PREFIX/bin/coffer and
#                                             --config SYSCONF/coffer/coffer.toml
#   SYSCONF/coffer/coffer.toml                (never over an existing one)
# where SYSCONF is /etc for the prefix /usr (the .deb) and PREFIX/etc otherwise, as
# GNUInstallDirs does. DESTDIR is honoured (file(INSTALL) prepends it).
set(prefix "${CMAKE_INSTALL_PREFIX}")
if(prefix STREQUAL "/usr")
  set(sysconf "/etc")
else()
  set(sysconf "${prefix}/etc")
endif()
string(MD5 stage_key "${prefix}")
set(stage "${COFFER_BUILD_DIR}/packaging-stage/${stage_key}")
file(MAKE_DIRECTORY "${stage}")

file(READ "${COFFER_PACKAGING_DIR}/coffer.service" unit)
string(REPLACE "/usr/bin/coffer serve --config /etc/coffer/coffer.toml"
       "${prefix}/bin/coffer serve --config ${sysconf}/coffer/coffer.toml" unit "${unit}")
file(WRITE "${stage}/coffer.service" "${unit}")
file(INSTALL DESTINATION "${prefix}/lib/systemd/system" TYPE FILE
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES "${stage}/coffer.service")

if(EXISTS "$ENV{DESTDIR}${sysconf}/coffer/coffer.toml")
  message(STATUS "Keeping: $ENV{DESTDIR}${sysconf}/coffer/coffer.toml (not overwritten)")
else()
  file(INSTALL DESTINATION "${sysconf}/coffer" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES "${COFFER_PACKAGING_DIR}/coffer.toml")
endif()
