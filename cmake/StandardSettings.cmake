# Compiler settings for kbench's own code. Linked PRIVATEly, never applied to
# third-party code, and never to the static guest binaries (guest/ has its own).
add_library(kbench_settings INTERFACE)
target_compile_options(kbench_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wconversion -Wno-sign-conversion
  -Wformat=2 -Wimplicit-fallthrough)
if(KBENCH_WERROR)
  target_compile_options(kbench_settings INTERFACE -Werror)
endif()
target_compile_definitions(kbench_settings INTERFACE
  $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)

if(KBENCH_SANITIZE)
  target_compile_options(kbench_settings INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
  target_link_options(kbench_settings INTERFACE -fsanitize=address,undefined)
endif()
