// The runtime variants the firmware tests run on the target: the portable reference, and
// the mcu backend's portable and Arm DSP kernels (the latter only where the core has it).
#ifndef DNZ_TESTS_FIRMWARE_BACKEND_VARIANTS_H_
#define DNZ_TESTS_FIRMWARE_BACKEND_VARIANTS_H_

#include "dnz/dnz.h"
#include "mcu/conv_s8_mcu.h"

struct Variant {
  const char* name;  // as Unity lines print it: no spaces
  dnz_backend backend;
  dnz::mcu::Isa isa;  // for mcu
};

inline constexpr Variant kVariants[] = {
    {"ref", DNZ_BACKEND_REF, dnz::mcu::Isa::kPortable},
    {"mcu_portable", DNZ_BACKEND_MCU, dnz::mcu::Isa::kPortable},
    {"mcu_arm_dsp", DNZ_BACKEND_MCU, dnz::mcu::Isa::kArmDsp},
};

#endif  // DNZ_TESTS_FIRMWARE_BACKEND_VARIANTS_H_
