# Writes OUT: a C++ file defining coffer::console::kAssets, a table of every
# file under DIR (sorted by path) as {path relative to DIR, bytes}. Run at
# build time by the coffer_console target; the files are the console's
# static assets (src/console/web), served under /console/.
file(GLOB_RECURSE files RELATIVE ${DIR} ${DIR}/*)
list(SORT files)
set(arrays "")
set(table "")
set(i 0)
foreach(f ${files})
  file(READ ${DIR}/${f} hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," body "${hex}")
  string(LENGTH "${hex}" n)
  math(EXPR n "${n} / 2")
  string(APPEND arrays "static const char a${i}[] = {${body} 0};\n")
  string(APPEND table "  {\"${f}\", std::string_view(a${i}, ${n})},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE ${OUT} "#include \"console/assets.h\"\nnamespace coffer::console {\nnamespace {\n${arrays}}  // namespace\nconst EmbeddedFile kFiles[] = {\n${table}};\nconst size_t kFileCount = ${i};\n}  // namespace coffer::console\n")
