#include "checkpoint/checkpoint.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>

#include "files/atomic_write.h"
#include "loop/activation_fake_quant.h"
#include "network/seed_network.h"

namespace dnz::train {
namespace {

constexpr char kMagic[8] = {'D', 'N', 'Z', 'C', 'K', 'P', 'T', '1'};
constexpr uint64_t kMaxJsonBytes = 1 << 20;

uint64_t Fnv1a64(const char* data, size_t size) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<uint8_t>(data[i]);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

void AppendU64(std::string* out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void AppendFloats(std::string* out, const std::vector<float>& values) {
  out->append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

uint64_t ReadU64(const char* p) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return value;
}

nlohmann::json ToJson(const Checkpoint& c) {
  const TrainOptions& o = c.options;
  nlohmann::json j = {{"format", "dnz-host_train-checkpoint"},
                      {"options",
                       {{"epochs", o.epochs},
                        {"batch", o.batch},
                        {"learning_rate", o.learning_rate},
                        {"noise", o.noise},
                        {"noise_mode", o.noise_mode},
                        {"train_limit", o.train_limit},
                        {"validation_limit", o.validation_limit},
                        {"seed", o.seed},
                        {"threads", o.threads},
                        {"device", o.device},
                        {"precision", o.precision},
                        {"qat", o.qat},
                        {"init_model", o.init_model},
                        {"data", o.data}}},
                      {"init_seed", c.init_seed},
                      {"shuffle_seed", c.shuffle_seed},
                      {"noise_seed", c.noise_seed},
                      {"reinits", c.reinits},
                      {"epoch", c.epoch},
                      {"step_in_epoch", c.step_in_epoch},
                      {"epoch_loss_sum", c.epoch_loss_sum},
                      {"epoch_images", c.epoch_images},
                      {"epoch_seconds", c.epoch_seconds},
                      {"adam_step", c.adam.step},
                      {"trained_backend", c.backend},
                      {"trained_device", c.device}};
  const dnz::build::ActivationRanges& r = c.activation_ranges;
  if (!r.output_max.empty()) {
    j["activation_ranges"] = {
        {"output_max", r.output_max}, {"logit_min", r.logit_min}, {"logit_max", r.logit_max}};
  }
  return j;
}

// nlohmann's get<int>() on 1e30 or get<float>() on 1e300 is a float-to-number cast out of
// range: undefined behaviour (found by the checkpoint fuzzer). Every field is read through
// these, which refuse a value of the wrong kind or outside the target type.
template <typename Int>
Int IntegerField(const nlohmann::json& parent, const char* key) {
  const nlohmann::json& value = parent.at(key);
  bool fits = false;
  if (value.is_number_unsigned()) {
    fits = value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<Int>::max());
  } else if (value.is_number_integer()) {
    const int64_t v = value.get<int64_t>();
    fits = std::is_signed<Int>::value &&
           v >= static_cast<int64_t>(std::numeric_limits<Int>::min()) &&
           v <= static_cast<int64_t>(std::numeric_limits<Int>::max());
  }
  if (!fits)
    throw std::runtime_error(std::string("\"") + key + "\" is not a whole number in range");
  return value.get<Int>();
}

template <typename Real>
Real RealValue(const nlohmann::json& value, const char* key) {
  if (!value.is_number() ||
      !(std::fabs(value.get<double>()) <= static_cast<double>(std::numeric_limits<Real>::max()))) {
    throw std::runtime_error(std::string("\"") + key + "\" is not a finite number in range");
  }
  return static_cast<Real>(value.get<double>());
}

template <typename Real>
Real RealField(const nlohmann::json& parent, const char* key) {
  return RealValue<Real>(parent.at(key), key);
}

void FromJson(const nlohmann::json& j, Checkpoint* c) {
  const nlohmann::json& o = j.at("options");
  TrainOptions& t = c->options;
  t.epochs = IntegerField<int>(o, "epochs");
  t.batch = IntegerField<int>(o, "batch");
  t.learning_rate = RealField<float>(o, "learning_rate");
  t.noise = RealField<float>(o, "noise");
  t.noise_mode = o.at("noise_mode").get<std::string>();
  t.train_limit = IntegerField<int>(o, "train_limit");
  t.validation_limit = IntegerField<int>(o, "validation_limit");
  t.seed = IntegerField<uint64_t>(o, "seed");
  t.threads = IntegerField<int>(o, "threads");
  t.device = o.at("device").get<std::string>();
  t.precision = o.value("precision", std::string("f32"));
  t.qat = o.value("qat", std::string());
  t.init_model = o.value("init_model", std::string());
  t.data = o.at("data").get<std::string>();
  c->init_seed = IntegerField<uint64_t>(j, "init_seed");
  c->shuffle_seed = IntegerField<uint64_t>(j, "shuffle_seed");
  c->noise_seed = IntegerField<uint64_t>(j, "noise_seed");
  c->reinits = IntegerField<int>(j, "reinits");
  c->epoch = IntegerField<int>(j, "epoch");
  c->step_in_epoch = IntegerField<int>(j, "step_in_epoch");
  c->epoch_loss_sum = RealField<double>(j, "epoch_loss_sum");
  c->epoch_images = IntegerField<int64_t>(j, "epoch_images");
  c->epoch_seconds = RealField<double>(j, "epoch_seconds");
  c->adam.step = IntegerField<int64_t>(j, "adam_step");
  // Absent in checkpoints written before the GPU backend.
  c->backend = j.value("trained_backend", std::string());
  c->device = j.value("trained_device", std::string());
  // Absent unless a --qat run fake-quantizes activations.
  c->activation_ranges = dnz::build::ActivationRanges();
  if (j.contains("activation_ranges")) {
    const nlohmann::json& r = j.at("activation_ranges");
    const nlohmann::json& maxima = r.at("output_max");
    if (!maxima.is_array() || maxima.size() > 64) {
      throw std::runtime_error("\"output_max\" is not a short array");
    }
    for (size_t i = 0; i < maxima.size(); ++i) {
      const std::string key = "output_max " + std::to_string(i);
      c->activation_ranges.output_max.push_back(RealValue<float>(maxima[i], key.c_str()));
    }
    c->activation_ranges.logit_min = RealField<float>(r, "logit_min");
    c->activation_ranges.logit_max = RealField<float>(r, "logit_max");
  }
}

// Where the run stands must be possible for its options.
bool ValidProgress(const Checkpoint& c, std::string* error) {
  const char* problem = nullptr;
  if (c.epoch < 0 || c.epoch > c.options.epochs)
    problem = "epoch outside 0..epochs";
  else if (c.step_in_epoch < 0 || c.epoch_images < 0 || c.reinits < 0 || c.adam.step < 0)
    problem = "a negative count";
  else if (!std::isfinite(c.epoch_loss_sum) || !std::isfinite(c.epoch_seconds))
    problem = "a non-finite sum";
  if (problem != nullptr) {
    *error = problem;
    return false;
  }
  return c.activation_ranges.output_max.empty() ||
         ValidActivationRanges(c.activation_ranges, error);
}

}  // namespace

bool SaveCheckpoint(const std::string& path, const Checkpoint& checkpoint, std::string* error) {
  const size_t count = SeedParamLayout().total;
  if (checkpoint.params.size() != count || checkpoint.adam.m.size() != count ||
      checkpoint.adam.v.size() != count) {
    *error = "internal: checkpoint tensors have the wrong size";
    return false;
  }
  const std::string json = ToJson(checkpoint).dump();
  std::string bytes(kMagic, sizeof kMagic);
  AppendU64(&bytes, json.size());
  bytes += json;
  AppendU64(&bytes, count);
  AppendFloats(&bytes, checkpoint.params);
  AppendFloats(&bytes, checkpoint.adam.m);
  AppendFloats(&bytes, checkpoint.adam.v);
  AppendU64(&bytes, Fnv1a64(bytes.data(), bytes.size()));
  return files::WriteFileAtomically(path, bytes, error);
}

bool LoadCheckpoint(const std::string& path, Checkpoint* checkpoint, std::string* error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    *error = path + ": no checkpoint there (cannot open)";
    return false;
  }
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return ParseCheckpoint(bytes, path, checkpoint, error);
}

bool ParseCheckpoint(const std::string& bytes, const std::string& path, Checkpoint* checkpoint,
                     std::string* error) {
  const std::string corrupt = path + ": corrupt or not a host_train checkpoint";
  if (bytes.size() < sizeof kMagic + 24 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    *error = corrupt + " (bad header)";
    return false;
  }
  const size_t body = bytes.size() - 8;
  if (ReadU64(bytes.data() + body) != Fnv1a64(bytes.data(), body)) {
    *error = corrupt + " (checksum mismatch: truncated or damaged)";
    return false;
  }
  const uint64_t json_bytes = ReadU64(bytes.data() + 8);
  if (json_bytes > kMaxJsonBytes || 16 + json_bytes + 8 > body) {
    *error = corrupt + " (bad metadata length)";
    return false;
  }
  const size_t count_at = 16 + static_cast<size_t>(json_bytes);
  const uint64_t count = ReadU64(bytes.data() + count_at);
  if (count != SeedParamLayout().total) {
    *error = path + ": checkpoint holds " + std::to_string(count) +
             " parameters, this network has " + std::to_string(SeedParamLayout().total);
    return false;
  }
  if (count_at + 8 + 3 * count * sizeof(float) != body) {
    *error = corrupt + " (size does not match the parameter count)";
    return false;
  }
  if (!ParseCheckpointMetadata(bytes.substr(16, static_cast<size_t>(json_bytes)), path, checkpoint,
                               error)) {
    return false;
  }
  const char* p = bytes.data() + count_at + 8;
  for (std::vector<float>* v : {&checkpoint->params, &checkpoint->adam.m, &checkpoint->adam.v}) {
    v->resize(count);
    std::memcpy(v->data(), p, count * sizeof(float));
    p += count * sizeof(float);
  }
  return true;
}

bool ParseCheckpointMetadata(const std::string& json, const std::string& path,
                             Checkpoint* checkpoint, std::string* error) {
  const std::string corrupt = path + ": corrupt or not a host_train checkpoint";
  try {
    FromJson(nlohmann::json::parse(json), checkpoint);
  } catch (const std::exception& e) {
    *error = corrupt + " (metadata: " + e.what() + ")";
    return false;
  }
  if (!ValidateOptions(checkpoint->options, error) || !ValidProgress(*checkpoint, error)) {
    *error = corrupt + " (" + *error + ")";
    return false;
  }
  return true;
}

}  // namespace dnz::train
