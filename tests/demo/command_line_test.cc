// runtime_demo's command line: --help, --version, and bad flags (exit 2, nothing written).
#include <gtest/gtest.h>

#include "demo_runner.h"
#include "dnz/dnz.h"

namespace dnz::demo_test {
namespace {

TEST(RuntimeDemoCommandLine, HelpDocumentsConversionAndExitCodes) {
  TempDir dir;
  const DemoResult run = RunDemo(dir.path(), {"--help"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  for (const char* text :
       {"--model", "--backend", "--compare", "--add-noise", "--seed", "-o", "--framing",
        "--full-size", "centre of mass", "area averaging", "inverted", "Exit codes", "luminance"}) {
    EXPECT_NE(run.out.find(text), std::string::npos) << "--help does not mention " << text;
  }
  EXPECT_TRUE(ListDir(dir.path()).empty());
}

TEST(RuntimeDemoCommandLine, VersionShowsBackendsAndProvenance) {
  TempDir dir;
  const DemoResult run = RunDemo(dir.path(), {"--version"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind(std::string("runtime_demo ") + DNZ_VERSION_STRING + " (", 0), 0u)
      << run.out;
  for (const char* text : {"runtime_demo ", "backends built in:", "ref", "model: built-in",
                           "provenance:", "trainer_backend: "}) {
    EXPECT_NE(run.out.find(text), std::string::npos) << "--version lacks " << text << run.out;
  }
  // A placeholder model must say so.
  const bool placeholder = run.out.find("trainer_backend: placeholder") != std::string::npos;
  EXPECT_EQ(placeholder, run.out.find("untrained placeholder") != std::string::npos) << run.out;
}

TEST(RuntimeDemoCommandLine, VersionReadsTheModelFileGiven) {
  TempDir dir;
  const DemoResult run = RunDemo(dir.path(), {"--version", "--model", DNZ_DEMO_MODEL_FILE});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find(std::string("model: ") + DNZ_DEMO_MODEL_FILE), std::string::npos)
      << run.out;
}

TEST(RuntimeDemoCommandLine, BadFlagsExitTwo) {
  const std::vector<std::vector<std::string>> bad_command_lines = {
      {},                                            // no input
      {"digit_0_noisy.png", "--no-such-flag"},       // unknown option
      {"digit_0_noisy.png", "--backend", "gpu"},     // unknown backend
      {"digit_0_noisy.png", "--backend"},            // missing value
      {"digit_0_noisy.png", "--seed", "3"},          // --seed needs --add-noise
      {"digit_0_noisy.png", "--add-noise", "-1"},    // factor out of range
      {"digit_0_noisy.png", "--add-noise", "lots"},  // not a number
      {"digit_0_noisy.png", "--add-noise", "0.7", "--seed", "x"},
      {"digit_0_noisy.png", "--framing", "square"},  // unknown framing
      {"digit_0_noisy.png", "--framing"},            // missing value
      {"digit_0_noisy.png", "--version"},            // --version takes no inputs
  };
  for (const std::vector<std::string>& args : bad_command_lines) {
    TempDir dir;
    CopyExample("digit_0_noisy.png", dir.path());
    const DemoResult run = RunDemo(dir.path(), args);
    std::string joined;
    for (const std::string& arg : args) joined += arg + " ";
    EXPECT_EQ(run.exit_code, 2) << joined << ": " << run.err;
    EXPECT_EQ(run.err_lines.size(), 1u) << joined << ": " << run.err;
    EXPECT_EQ(ListDir(dir.path()), (std::set<std::string>{"digit_0_noisy.png"})) << joined;
  }
}

}  // namespace
}  // namespace dnz::demo_test
