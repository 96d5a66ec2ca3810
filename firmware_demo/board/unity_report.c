#include "unity_report.h"

#include "print.h"

static unsigned tests, failures, ignored;

static void location(const char* file, int line, const char* name) {
  print_text(file);
  print_text(":");
  print_uint((uint64_t)line);
  print_text(":");
  print_text(name);
}

int unity_check(const char* file, int line, const char* name, int passed, const char* why) {
  ++tests;
  location(file, line, name);
  if (passed) {
    print_text(":PASS\n");
    return 1;
  }
  ++failures;
  print_text(":FAIL");
  if (why != 0 && why[0] != '\0') {
    print_text(": ");
    print_text(why);
  }
  print_text("\n");
  return 0;
}

void unity_ignore(const char* file, int line, const char* name, const char* why) {
  ++tests;
  ++ignored;
  location(file, line, name);
  print_text(":IGNORE: ");
  print_text(why);
  print_text("\n");
}

unsigned unity_summary(void) {
  print_text("\n-----------------------\n");
  print_uint(tests);
  print_text(" Tests ");
  print_uint(failures);
  print_text(" Failures ");
  print_uint(ignored);
  print_text(" Ignored\n");
  print_text(failures == 0 ? "OK\n" : "FAIL\n");
  return failures;
}
