// denoise_one.c through the C++ wrapper (dnz/dnz.hpp): the same output line for the same
// model, pattern and backend.
#include <cstdint>
#include <cstdio>
#include <dnz/dnz.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s MODEL [BACKEND]\n", argv[0]);
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                std::istreambuf_iterator<char>());
  dnz::Model model;
  if (model.Load(bytes.data(), bytes.size()) != DNZ_OK) {
    std::fprintf(stderr, "denoise_one: %s\n", model.error());
    return 1;
  }
  dnz_backend backend = DNZ_BACKEND_AUTO;
  if (dnz_backend_from_name(argc == 3 ? argv[2] : "auto", &backend) != DNZ_OK) {
    std::fprintf(stderr, "denoise_one: no backend %s\n", argv[2]);
    return 1;
  }
  dnz::Session session;
  if (session.Init(model, backend) != DNZ_OK) {
    std::fprintf(stderr, "denoise_one: %s\n", session.error());
    return 1;
  }
  const dnz_tensor_info& in = model.input();
  std::vector<uint8_t> input(size_t(in.height) * in.width * in.channels), output(input.size());
  for (size_t i = 0; i < input.size(); ++i) input[i] = uint8_t(i * 37u + (i / 28u) * 11u);
  if (session.Run(input.data(), output.data(), 1) != DNZ_OK) {
    std::fprintf(stderr, "denoise_one: %s\n", session.error());
    return 1;
  }
  uint32_t hash = 2166136261u;
  for (uint8_t value : output) hash = (hash ^ value) * 16777619u;
  std::printf("denoise_one: output fnv1a %08x, dnz %s, backend %s\n", unsigned(hash), dnz_version(),
              dnz_backend_name(session.backend()));
  return 0;
}
