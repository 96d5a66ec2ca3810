/* A user's C program against an installed dnz (tests/install): loads a model file, denoises
 * one fixed 28x28 pattern with the backend named by argv[2] ("auto" by default) and prints
 * the output's FNV-1a hash and the backend that ran. Every backend gives the same bytes, so
 * every build of this program prints the same hash. */
#include <dnz/dnz.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void* AlignedCopyOfFile(const char* path, size_t* size) {
  FILE* file = fopen(path, "rb");
  if (file == NULL) return NULL;
  void* bytes = NULL;
  long length = -1;
  if (fseek(file, 0, SEEK_END) == 0 && (length = ftell(file)) > 0 &&
      fseek(file, 0, SEEK_SET) == 0) {
    bytes = aligned_alloc(DNZ_ARENA_ALIGNMENT, ((size_t)length + 63) / 64 * 64);
    if (bytes != NULL && fread(bytes, 1, (size_t)length, file) != (size_t)length) {
      free(bytes);
      bytes = NULL;
    }
  }
  fclose(file);
  *size = (size_t)length;
  return bytes;
}

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s MODEL [BACKEND]\n", argv[0]);
    return 2;
  }
  if (strcmp(dnz_version(), DNZ_VERSION_STRING) != 0) {
    fprintf(stderr, "denoise_one: compiled against dnz %s, linked with %s\n", DNZ_VERSION_STRING,
            dnz_version());
    return 1;
  }
  size_t size = 0;
  void* bytes = AlignedCopyOfFile(argv[1], &size);
  if (bytes == NULL) {
    fprintf(stderr, "denoise_one: cannot read %s\n", argv[1]);
    return 1;
  }
  dnz_model model;
  if (dnz_model_load(&model, bytes, size) != DNZ_OK) {
    fprintf(stderr, "denoise_one: %s\n", dnz_model_error(&model));
    return 1;
  }
  dnz_session_options options = dnz_session_default_options();
  if (dnz_backend_from_name(argc == 3 ? argv[2] : "auto", &options.backend) != DNZ_OK) {
    fprintf(stderr, "denoise_one: no backend %s\n", argv[2]);
    return 1;
  }
  dnz_session session;
  if (dnz_session_init(&session, &model, &options) != DNZ_OK) {
    fprintf(stderr, "denoise_one: %s\n", dnz_session_error(&session));
    return 1;
  }
  const size_t arena_bytes = (dnz_session_arena_bytes(&session) + 63) / 64 * 64;
  void* arena = aligned_alloc(DNZ_ARENA_ALIGNMENT, arena_bytes);
  const dnz_tensor_info* in = dnz_model_input(&model);
  const size_t pixels = (size_t)in->height * (size_t)in->width * (size_t)in->channels;
  uint8_t* input = malloc(pixels);
  uint8_t* output = malloc(pixels);
  if (arena == NULL || input == NULL || output == NULL) return 1;
  for (size_t i = 0; i < pixels; ++i) input[i] = (uint8_t)(i * 37u + (i / 28u) * 11u);
  if (dnz_session_set_arena(&session, arena, arena_bytes) != DNZ_OK ||
      dnz_run_u8(&session, input, output, 1) != DNZ_OK) {
    fprintf(stderr, "denoise_one: %s\n", dnz_session_error(&session));
    return 1;
  }
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < pixels; ++i) hash = (hash ^ output[i]) * 16777619u;
  printf("denoise_one: output fnv1a %08x, dnz %s, backend %s\n", (unsigned)hash, dnz_version(),
         dnz_backend_name(session.backend));
  dnz_session_destroy(&session);
  free(output);
  free(input);
  free(arena);
  free(bytes);
  return 0;
}
