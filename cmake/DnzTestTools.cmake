# Tools that tests need (Python, shellcheck, ...). Without DNZ_REQUIRE_TEST_TOOLS a missing
# tool leaves its tests out with a message; with it (scripts/build.sh sets it when CI=true)
# configuring fails naming the tool, so that a test cannot vanish from CI unnoticed.
#   dnz_test_tool_found(FOUND "what was not found" "the tests that need it")
function(dnz_test_tool_found found tool tests)
  if(${found})
    return()
  endif()
  if(DNZ_REQUIRE_TEST_TOOLS)
    message(FATAL_ERROR "dnz: ${tool} not found, needed by ${tests} "
                        "(DNZ_REQUIRE_TEST_TOOLS=ON, which scripts/build.sh sets when CI=true)")
  endif()
  message(STATUS "dnz: ${tool} not found; leaving out ${tests}")
endfunction()
