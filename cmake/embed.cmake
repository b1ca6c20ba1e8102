# Writes OUT: a C++ file defining `extern const std::string_view SYMBOL` with the bytes of IN.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," body "${hex}")
file(WRITE ${OUT} "#include <string_view>\nnamespace coffer::embedded {\nstatic const char data[] = {${body} 0};\nextern const std::string_view ${SYMBOL}(data, sizeof(data) - 1);\n}\n")
