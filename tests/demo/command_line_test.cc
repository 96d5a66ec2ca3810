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

// --arena-budget: a streamed plan writes the bytes of the whole-tensor plan and says which plan
// it ran; a budget below the smallest plan is one error line naming it, and nothing written.
TEST(RuntimeDemoCommandLine, ArenaBudgetRunsAStreamedPlanWithTheSameBytes) {
  TempDir dir;
  const std::string input = CopyExample("digit_0_noisy.png", dir.path());
  for (const char* backend : {"ref", "mcu"}) {
    const DemoResult whole = RunDemo(dir.path(), {input, "-o", "whole.png", "--backend", backend});
    ASSERT_EQ(whole.exit_code, 0) << whole.err;
    const DemoResult streamed = RunDemo(
        dir.path(), {input, "-o", "streamed.png", "--backend", backend, "--arena-budget", "20000"});
    ASSERT_EQ(streamed.exit_code, 0) << streamed.err;
    EXPECT_NE(streamed.out.find("streamed"), std::string::npos) << streamed.out;
    EXPECT_EQ(ReadBytes(dir / "streamed.png"), ReadBytes(dir / "whole.png")) << backend;
  }
  const DemoResult refused =
      RunDemo(dir.path(), {input, "-o", "none.png", "--backend", "mcu", "--arena-budget", "100"});
  EXPECT_EQ(refused.exit_code, 1);
  ASSERT_EQ(refused.err_lines.size(), 1u) << refused.err;
  EXPECT_NE(refused.err.find("the smallest needs"), std::string::npos) << refused.err;
  EXPECT_EQ(ListDir(dir.path()).count("none.png"), 0u);
}

TEST(RuntimeDemoCommandLine, VersionListsEachBackendsSmallestAndFastestArena) {
  TempDir dir;
  const DemoResult run = RunDemo(dir.path(), {"--version"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("smallest plan / fastest plan"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  mcu: "), std::string::npos) << run.out;
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
      {"digit_0_noisy.png", "--framing", "square"},   // unknown framing
      {"digit_0_noisy.png", "--framing"},             // missing value
      {"digit_0_noisy.png", "--version"},             // --version takes no inputs
      {"digit_0_noisy.png", "--arena-budget", "-5"},  // not a size
      {"digit_0_noisy.png", "--arena-budget", "big"},
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
