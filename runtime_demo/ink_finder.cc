#include "ink_finder.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace dnz::demo {
namespace {

constexpr int kBins = 256;
// Ink must stand this many noise widths above the paper. The photo test set's 1000 photos
// measure 26.6 and more; MNIST digits with noise 0.3 to 0.7, enlarged 3 to 10 times, 2.8 to 5.7.
constexpr double kMinSeparation = 8.0;
constexpr size_t kMaxMarks = 4096;       // more separate marks than this is noise, not a digit
constexpr double kEdgeSpan = 0.4;        // a border mark this long (of the side) is a page edge
constexpr double kMinShare = 0.02;       // marks lighter than this share of the largest: specks
constexpr double kSizeableShare = 0.25;  // marks at least this heavy are kept wherever they are
constexpr double kNearGap = 0.5;         // ... lighter ones within this share of the box's side
constexpr double kMaxInkCover = 0.5;     // ink over more than half the image is not a digit
constexpr double kInkPercentile = 0.75;  // of the kept strokes' levels: the level that becomes 1
constexpr int kInkMargin = 2;            // working pixels around kept ink that still count

struct Mark {
  int area = 0;
  double mass = 0, mass_x = 0, mass_y = 0;
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // inclusive, working pixels
  bool on_border = false;
  bool kept = false;
};

void SubtractBackground(const BackgroundSurface& surface, WorkingImage* working) {
  for (int y = 0; y < working->height; ++y) {
    const double v = working->InputY(y) / working->input_height;
    float* row = working->ink.data() + size_t(y) * size_t(working->width);
    for (int x = 0; x < working->width; ++x) {
      row[x] -= float(surface.At(working->InputX(x) / working->input_width, v));
    }
  }
}

// 3x3 mean with clamped edges, through `tmp`.
void BoxBlur3(float* data, float* tmp, int w, int h) {
  for (int y = 0; y < h; ++y) {
    const float* in = data + size_t(y) * size_t(w);
    float* out = tmp + size_t(y) * size_t(w);
    for (int x = 0; x < w; ++x) {
      out[x] = (in[std::max(x - 1, 0)] + in[x] + in[std::min(x + 1, w - 1)]) * (1.0f / 3.0f);
    }
  }
  for (int y = 0; y < h; ++y) {
    const float* up = tmp + size_t(std::max(y - 1, 0)) * size_t(w);
    const float* mid = tmp + size_t(y) * size_t(w);
    const float* down = tmp + size_t(std::min(y + 1, h - 1)) * size_t(w);
    float* out = data + size_t(y) * size_t(w);
    for (int x = 0; x < w; ++x) out[x] = (up[x] + mid[x] + down[x]) * (1.0f / 3.0f);
  }
}

struct Histogram {
  float low = 0.0f, step = 1.0f;
  std::array<double, kBins> count{};

  explicit Histogram(const std::vector<float>& values) {
    const auto [min, max] = std::minmax_element(values.begin(), values.end());
    low = *min;
    step = std::max((*max - *min) / float(kBins), 1e-6f);
    for (float v : values) count[size_t(Bin(v))] += 1.0;
  }
  int Bin(float v) const { return std::clamp(int((v - low) / step), 0, kBins - 1); }
  float Value(double bin) const { return low + float(bin) * step; }
  // The value below which `fraction` of the samples in bins [first, last] lie.
  float Percentile(int first, int last, double fraction) const {
    double total = 0;
    for (int b = first; b <= last; ++b) total += count[size_t(b)];
    double seen = 0;
    for (int b = first; b <= last; ++b) {
      const double c = count[size_t(b)];
      if (c > 0 && seen + c >= fraction * total) return Value(b + (fraction * total - seen) / c);
      seen += c;
    }
    return Value(last + 1);
  }
  // Otsu's split: the last bin of the lower class that maximises the between-class variance.
  int Otsu() const {
    double total = 0, total_sum = 0;
    for (int b = 0; b < kBins; ++b) total += count[size_t(b)], total_sum += b * count[size_t(b)];
    double below = 0, below_sum = 0, best = -1;
    int split = 0;
    for (int b = 0; b < kBins - 1; ++b) {
      below += count[size_t(b)];
      below_sum += b * count[size_t(b)];
      const double above = total - below;
      if (below == 0 || above == 0) continue;
      const double d = below_sum / below - (total_sum - below_sum) / above;
      const double between = below * above * d * d;
      if (between > best) best = between, split = b;
    }
    return split;
  }
};

// 8-connected marks of (ink > threshold); working.labels gets each pixel's mark + 1.
// False if there are more than kMaxMarks.
bool LabelMarks(float threshold, float paper, WorkingImage* working, std::vector<Mark>* marks) {
  const int w = working->width, h = working->height;
  int32_t* labels = working->labels.data();
  int32_t* queue = working->counts.data();
  for (size_t i = 0; i < working->pixels(); ++i) labels[i] = working->ink[i] > threshold ? -1 : 0;
  for (size_t seed = 0; seed < working->pixels(); ++seed) {
    if (labels[seed] != -1) continue;
    if (marks->size() == kMaxMarks) return false;
    marks->emplace_back();
    Mark& mark = marks->back();
    const int32_t label = int32_t(marks->size());
    mark.x0 = mark.x1 = int(seed % size_t(w));
    mark.y0 = mark.y1 = int(seed / size_t(w));
    size_t head = 0, tail = 0;
    queue[tail++] = int32_t(seed);
    labels[seed] = label;
    while (head < tail) {
      const int32_t p = queue[head++];
      const int x = p % w, y = p / w;
      const double m = double(working->ink[size_t(p)] - paper);
      ++mark.area;
      mark.mass += m, mark.mass_x += m * x, mark.mass_y += m * y;
      mark.x0 = std::min(mark.x0, x), mark.x1 = std::max(mark.x1, x);
      mark.y0 = std::min(mark.y0, y), mark.y1 = std::max(mark.y1, y);
      mark.on_border = mark.on_border || x == 0 || y == 0 || x == w - 1 || y == h - 1;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          const int32_t n = ny * w + nx;
          if (labels[n] == -1) {
            labels[n] = label;
            queue[tail++] = n;
          }
        }
      }
    }
  }
  return true;
}

int Gap(int a0, int a1, int b0, int b1) { return std::max({0, b0 - a1, a0 - b1}); }

// Marks the digit's marks as kept and returns how many pixels they cover; 0 if none.
int KeepDigitMarks(const WorkingImage& working, std::vector<Mark>* marks) {
  Mark* largest = nullptr;
  for (Mark& mark : *marks) {
    const bool page_edge = mark.on_border && (mark.x1 - mark.x0 + 1 >= kEdgeSpan * working.width ||
                                              mark.y1 - mark.y0 + 1 >= kEdgeSpan * working.height);
    if (page_edge) mark.area = 0;  // never kept
    if (mark.area > 0 && (largest == nullptr || mark.mass > largest->mass)) largest = &mark;
  }
  if (largest == nullptr) return 0;
  largest->kept = true;
  int x0 = largest->x0, y0 = largest->y0, x1 = largest->x1, y1 = largest->y1;
  int covered = largest->area;
  for (int pass = 0; pass < 2; ++pass) {  // a second pass for marks near ones added late
    for (Mark& mark : *marks) {
      if (mark.kept || mark.area == 0 || mark.mass < kMinShare * largest->mass) continue;
      const int gap = std::max(Gap(x0, x1, mark.x0, mark.x1), Gap(y0, y1, mark.y0, mark.y1));
      const bool near = gap <= kNearGap * std::max(x1 - x0 + 1, y1 - y0 + 1);
      if (!near && mark.mass < kSizeableShare * largest->mass) continue;
      mark.kept = true;
      covered += mark.area;
      x0 = std::min(x0, mark.x0), y0 = std::min(y0, mark.y0);
      x1 = std::max(x1, mark.x1), y1 = std::max(y1, mark.y1);
    }
  }
  return covered;
}

// labels -> 1 for kept ink, 0 elsewhere; counts -> its integral image.
void MakeKeptIntegral(const std::vector<Mark>& marks, WorkingImage* working) {
  const int w = working->width, h = working->height;
  int32_t* integral = working->counts.data();
  std::fill(integral, integral + (w + 1), 0);
  for (int y = 0; y < h; ++y) {
    int32_t row = 0;
    integral[size_t(y + 1) * size_t(w + 1)] = 0;
    for (int x = 0; x < w; ++x) {
      int32_t& label = working->labels[size_t(y) * size_t(w) + size_t(x)];
      label = label > 0 && marks[size_t(label - 1)].kept ? 1 : 0;
      row += label;
      integral[size_t(y + 1) * size_t(w + 1) + size_t(x + 1)] =
          integral[size_t(y) * size_t(w + 1) + size_t(x + 1)] + row;
    }
  }
}

}  // namespace

InkRegion FindInk(WorkingImage* working) {
  InkRegion region;
  region.background = FitBackground(working);
  SubtractBackground(region.background, working);
  for (int i = 0; i < 2; ++i) {
    BoxBlur3(working->ink.data(), working->scratch.data(), working->width, working->height);
  }

  // Paper and ink levels from the histogram, the threshold halfway between them.
  const Histogram histogram(working->ink);
  int split = histogram.Otsu();
  float paper = 0, ink = 0;
  for (int round = 0; round < 4; ++round) {
    paper = histogram.Percentile(0, split, 0.5);
    ink = histogram.Percentile(split + 1, kBins - 1, 0.5);
    split = std::min(histogram.Bin(0.5f * (paper + ink)), kBins - 2);
  }
  const float threshold = histogram.Value(split + 1);
  // The paper's noise: one standard deviation below and above its median, the wider. (MNIST
  // with noise 0.7 is clipped at 0 below, so only the upper side shows its noise.)
  const double noise = std::max({double(paper - histogram.Percentile(0, split, 0.1587)),
                                 double(histogram.Percentile(0, split, 0.8413) - paper),
                                 double(histogram.step), 1e-3});
  region.paper_level = paper;
  region.separation = double(ink - paper) / noise;
  if (region.separation < kMinSeparation) {
    region.why_not = "no clear ink region";
    return region;
  }

  std::vector<Mark> marks;
  marks.reserve(kMaxMarks);
  if (!LabelMarks(threshold, paper, working, &marks)) {
    region.why_not = "no clear ink region (scattered marks)";
    return region;
  }
  const int covered = KeepDigitMarks(*working, &marks);
  if (covered == 0) {
    region.why_not = "no clear ink region";
    return region;
  }
  if (double(covered) > kMaxInkCover * double(working->pixels())) {
    region.why_not = "no clear ink region (ink covers most of the image)";
    return region;
  }

  // The box, the centre of mass, and the strokes' level, over the kept marks.
  int x0 = working->width, y0 = working->height, x1 = -1, y1 = -1;
  double mass = 0, mass_x = 0, mass_y = 0;
  for (const Mark& mark : marks) {
    if (!mark.kept) continue;
    x0 = std::min(x0, mark.x0), y0 = std::min(y0, mark.y0);
    x1 = std::max(x1, mark.x1), y1 = std::max(y1, mark.y1);
    mass += mark.mass, mass_x += mark.mass_x, mass_y += mark.mass_y;
  }
  MakeKeptIntegral(marks, working);
  float* levels = working->scratch.data();
  size_t n = 0;
  for (size_t i = 0; i < working->pixels(); ++i) {
    if (working->labels[i] == 1) levels[n++] = working->ink[i];
  }
  const size_t k = size_t(double(n - 1) * kInkPercentile);
  std::nth_element(levels, levels + k, levels + n);
  region.ink_level = std::max(levels[k], paper + 1e-3f);

  const int f = working->factor;
  region.x0 = x0 * f;
  region.y0 = y0 * f;
  region.x1 = std::min((x1 + 1) * f, working->input_width);
  region.y1 = std::min((y1 + 1) * f, working->input_height);
  region.center_x = working->InputX(mass_x / mass);
  region.center_y = working->InputY(mass_y / mass);
  region.found = true;
  return region;
}

bool KeptInkIn(const WorkingImage& working, double x0, double y0, double x1, double y1) {
  const double f = working.factor;
  const int left = std::clamp(int(std::floor(x0 / f)) - kInkMargin, 0, working.width);
  const int top = std::clamp(int(std::floor(y0 / f)) - kInkMargin, 0, working.height);
  const int right = std::clamp(int(std::ceil(x1 / f)) + kInkMargin, 0, working.width);
  const int bottom = std::clamp(int(std::ceil(y1 / f)) + kInkMargin, 0, working.height);
  const size_t stride = size_t(working.width + 1);
  const auto at = [&](int x, int y) { return working.counts[size_t(y) * stride + size_t(x)]; };
  return at(right, bottom) - at(left, bottom) - at(right, top) + at(left, top) > 0;
}

}  // namespace dnz::demo
