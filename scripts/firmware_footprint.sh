#!/usr/bin/env bash
# Flash and RAM of a firmware image, split by what the bytes are: the runtime's code, the model,
# other data, the arena, the stack, the rest. Reads the link map the image's build writes beside
# it (IMAGE.map, firmware_demo/CMakeLists.txt) and the symbol table (arm-none-eabi-nm).
#   scripts/firmware_footprint.sh build-m4/firmware_demo/firmware_demo.elf
set -euo pipefail
elf="$1"
map="${elf%.elf}.map"
[ -f "$map" ] || { echo "firmware_footprint: no link map $map" >&2; exit 1; }
arena_hex=$(arm-none-eabi-nm -S "$elf" | awk '$4 == "arena" { print $2 }')
arena=$((16#${arena_hex:-0}))

# Sums input sections per (flash or RAM, category): each map line naming an object file
# after an address and a size is one input section of the current output section.
awk -v arena="$arena" '
  function hex(text,  i, value) {  # mawk has no strtonum
    text = tolower(text)
    sub(/^0x/, "", text)
    value = 0
    for (i = 1; i <= length(text); i++) value = value * 16 + index("0123456789abcdef", substr(text, i, 1)) - 1
    return value
  }
  function category(file) {
    if (file ~ /dnz_model_data/) return "model (the file without its float weights)"
    if (file ~ /demo_digits|kernel_cases/) return "test data (digits, expected outputs, broken models)"
    if (file ~ /libdnz_runtime|dnz_runtime_mcu_native_only/) return "dnz runtime code and constants"
    if (file ~ /dnz_board/) return "board support (start-up, semihosting, traps)"
    if (file ~ /lib(c_nano|c|m|gcc|stdc\+\+_nano|stdc\+\+|supc\+\+_nano|nosys)\.a/)
      return "C/C++ libraries (newlib-nano, libm, libgcc)"
    return "the application (firmware_demo/*.c)"
  }
  function add(size, file) {
    if (section ~ /^\.(vectors|text|ARM\.exidx|ARM\.extab|init_array)$/) flash[category(file)] += size
    else if (section == ".data") { flash[category(file)] += size; ram[category(file)] += size }
    else if (section == ".bss") ram[category(file)] += size
  }
  /^Linker script and memory map/ { in_map = 1; next }
  !in_map { next }
  /^\.[A-Za-z_.]+/ {
    section = $1
    if (NF >= 3 && $3 ~ /^0x/) {
      if (section == ".stack") stack = hex($3)
      else if (section ~ /^\.(vectors|text|ARM\.exidx|ARM\.extab|init_array|data)$/) flash_sections += hex($3)
      if (section == ".data" || section == ".bss") ram_sections += hex($3)
    }
    next
  }
  /^ \*fill\*/ { next }
  /^ [.A-Za-z_*]/ && NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/ { add(hex($3), $4); next }
  /^ +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]+$/ { add(hex($2), $3); next }
  END {
    app = "the application (firmware_demo/*.c)"
    ram[app] -= arena; ram["arena (static, DNZ_MODEL_ARENA_BYTES)"] = arena
    ram["stack (reserved: DNZ_STACK_BYTES)"] = stack
    printf "| flash | bytes | KiB |\n| --- | ---: | ---: |\n"
    for (c in flash) if (flash[c] > 0) { printf "| %s | %d | %.1f |\n", c, flash[c], flash[c] / 1024; total_flash += flash[c] }
    if (flash_sections > total_flash) printf "| alignment padding | %d | %.1f |\n", flash_sections - total_flash, (flash_sections - total_flash) / 1024
    total_flash = flash_sections
    printf "| **total** | %d | %.1f |\n\n", total_flash, total_flash / 1024
    printf "| RAM | bytes | KiB |\n| --- | ---: | ---: |\n"
    for (c in ram) if (ram[c] > 0) { printf "| %s | %d | %.1f |\n", c, ram[c], ram[c] / 1024; total_ram += ram[c] }
    if (ram_sections + stack > total_ram) printf "| alignment padding | %d | %.1f |\n", ram_sections + stack - total_ram, (ram_sections + stack - total_ram) / 1024
    total_ram = ram_sections + stack
    printf "| **total** | %d | %.1f |\n", total_ram, total_ram / 1024
  }' "$map"
