# What both include checks end with: fail when too few files were read (a wrong ROOT) or any
# include broke the rule, else say what was checked.
#   dnz_report_includes(WHAT MIN_FILES FILE_COUNT CHECKED VIOLATIONS_VAR BROKEN_TEXT OK_TEXT)
function(dnz_report_includes what min_files file_count checked violations_var broken ok)
  if(file_count LESS min_files)
    message(FATAL_ERROR "only ${file_count} ${what} files under ${ROOT}: wrong ROOT?")
  endif()
  if(${violations_var})
    string(REPLACE ";" "\n  " text "${${violations_var}}")
    message(FATAL_ERROR "${broken}:\n  ${text}")
  endif()
  message(STATUS "${what} includes: ${checked} includes in ${file_count} files, ${ok}")
endfunction()
