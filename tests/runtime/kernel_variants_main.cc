// kernel_variants: one line saying which kernel variants the tests run on this machine, for
// scripts/run_tests.sh to print (a suite that passes says nothing of the CPU paths it took):
// onednn's own x86 kernels and mcu's instruction sets, as ForEachKernelVariant iterates them,
// and the int8 path oneDNN takes (VNNI, or inputs split into 7-bit halves, split_int8.h).
//   kernel_variants [--expect-split]
// --expect-split: print oneDNN's path only, and exit 1 unless onednn splits (run_tests.sh's
// CPU-without-VNNI stage, so that a ONEDNN_MAX_CPU_ISA that oneDNN stopped honouring cannot
// leave that stage testing the VNNI path again).
#include <cstdio>
#include <cstring>
#include <string>

#include "test_models.h"
#if DNZ_HAVE_ONEDNN
#include "onednn/split_int8.h"
#include "onednn_isa.h"
#endif

namespace {

std::string VariantsOf(dnz_backend backend) {
  std::string names;
  dnz::test::ForEachKernelVariant(backend, [&](const char* name) {
    names += names.empty() ? "" : " ";
    names += name;
  });
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  const bool expect_split = argc == 2 && std::strcmp(argv[1], "--expect-split") == 0;
  if (argc > 2 || (argc == 2 && !expect_split)) {
    std::fprintf(stderr, "usage: kernel_variants [--expect-split]\n");
    return 2;
  }
  bool split = false;
  std::string onednn = "no oneDNN";
  std::string x86_kernels = "none";  // onednn's own kernels exist only with oneDNN
#if DNZ_HAVE_ONEDNN
  x86_kernels = VariantsOf(DNZ_BACKEND_ONEDNN);
  split = !dnz::OnednnInt8IsExact();
  onednn = std::string("oneDNN ISA ") + dnz::test::OnednnEffectiveIsaName() + ", int8 convs " +
           (split ? "split into 7-bit halves (no VNNI)" : "exact (VNNI)");
#endif
  if (expect_split) {
    std::printf("%s\n", onednn.c_str());
  } else {
    std::printf("kernel variants: onednn x86 kernels %s; %s; mcu %s\n", x86_kernels.c_str(),
                onednn.c_str(), VariantsOf(DNZ_BACKEND_MCU).c_str());
  }
  if (expect_split && !split) {
    std::fprintf(stderr, "kernel_variants: onednn does not split here (VNNI, or no oneDNN)\n");
    return 1;
  }
  return 0;
}
