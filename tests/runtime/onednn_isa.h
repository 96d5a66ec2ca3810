// oneDNN's name for the instruction set it dispatches on (ONEDNN_MAX_CPU_ISA applied), for
// tests and tools that say or key figures by it. oneDNN 2.x's values (dnnl_types.h).
#ifndef DNZ_TESTS_RUNTIME_ONEDNN_ISA_H_
#define DNZ_TESTS_RUNTIME_ONEDNN_ISA_H_

#include <oneapi/dnnl/dnnl.h>

namespace dnz::test {

inline const char* OnednnIsaName(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_sse41:
      return "sse41";
    case dnnl_cpu_isa_avx:
      return "avx";
    case dnnl_cpu_isa_avx2:
      return "avx2";
    case dnnl_cpu_isa_avx2_vnni:
      return "avx2_vnni";
    case dnnl_cpu_isa_avx512_core:
      return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx:
      return "avx512_core_amx";
    default:
      return "other";
  }
}

inline const char* OnednnEffectiveIsaName() { return OnednnIsaName(dnnl_get_effective_cpu_isa()); }

}  // namespace dnz::test

#endif  // DNZ_TESTS_RUNTIME_ONEDNN_ISA_H_
