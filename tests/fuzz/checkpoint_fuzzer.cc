// libFuzzer target: the trainer's checkpoint reader. The first byte picks what the rest is:
//  even: the whole file, as is (header, lengths, checksum: most inputs stop at the checksum);
//  odd:  the JSON metadata that a well-formed frame carries (ParseCheckpointMetadata, what
//        ParseCheckpoint calls once the frame checks out), so that the parser and every
//        field check are reached without hashing 4 MB of parameters per input.
// Loaded or refused with one line, never a crash.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "checkpoint/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  dnz::train::Checkpoint checkpoint;
  std::string error;
  const bool parsed = (data[0] & 1)
                          ? dnz::train::ParseCheckpointMetadata(rest, "fuzz", &checkpoint, &error)
                          : dnz::train::ParseCheckpoint(rest, "fuzz", &checkpoint, &error);
  if (!parsed && (error.empty() || error.find('\n') != std::string::npos)) std::abort();
  return 0;
}
