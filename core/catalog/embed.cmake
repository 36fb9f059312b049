# cmake -DINPUT=<file> -DOUTPUT=<file.cc> -P embed.cmake
# Writes a C++ file that defines llmgw::k_default_catalog_json, the bytes of INPUT followed
# by a NUL, and llmgw::k_default_catalog_json_size, their count without the NUL.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
# 16 bytes a line (CMake regexes have no {n}, so cut the hex text in slices).
set(bytes "")
set(offset 0)
while(offset LESS hex_length)
  string(SUBSTRING "${hex}" ${offset} 32 slice)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," slice "${slice}")
  string(APPEND bytes "${slice}\n  ")
  math(EXPR offset "${offset} + 32")
endwhile()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by core/catalog/embed.cmake. Do not edit.\n"
  "#include <cstddef>\n\n"
  "namespace llmgw {\n\n"
  "extern const char k_default_catalog_json[];\n"
  "extern const std::size_t k_default_catalog_json_size;\n\n"
  "const char k_default_catalog_json[] = {\n  ${bytes}'\\0'};\n"
  "const std::size_t k_default_catalog_json_size = ${size};\n\n"
  "}  // namespace llmgw\n")
# Only touch OUTPUT when it changes, so an unchanged catalog rebuilds nothing.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
