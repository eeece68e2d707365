# cmake -DREADME=<sdk/README.md> -DSOURCE=<consumer test source> -P readme_snippet_test.cmake
# The README's contract-test snippet must be, line for line, the marked part of the
# consumer's test source, which sdk_out_of_tree compiles and runs against the installed SDK.
file(READ "${SOURCE}" source)
string(REGEX MATCH "// sdk/README.md snippet begins\n(.*)// sdk/README.md snippet ends" _ "${source}")
set(snippet "${CMAKE_MATCH_1}")
if(snippet STREQUAL "")
  message(FATAL_ERROR "${SOURCE} has no marked README snippet")
endif()
file(READ "${README}" readme)
string(FIND "${readme}" "```cpp\n${snippet}```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${README} has no ```cpp block equal to the snippet marked in ${SOURCE}:\n${snippet}")
endif()
message(STATUS "the README's contract-test snippet is the consumer's test source")
