# SPDX-License-Identifier: MIT
# How a rawaio program without libc is linked.
#
# -nostdlib: no crt files, no libc; _start comes from arch/<arch>/start.asm.
# -static -no-pie: one static executable, no loader, no relocation at run
# time. libgcc is linked for what the compiler calls on its own (64-bit
# division on i386: __udivdi3, __umoddi3).
# -z noexecstack: a non-executable stack even if an object forgot its
# .note.GNU-stack. -z noseparate-code: code and read-only data share one
# R-X segment and the file is not padded to page boundaries between
# segments; data stays in its own RW segment, so W^X holds.
# --gc-sections drops every function a program does not use; --build-id=none
# and -s (for the stripped copy) drop what a tiny binary does not need.
set(RAWAIO_PROGRAM_LINK_OPTIONS
  -nostdlib -static -no-pie
  -Wl,--gc-sections
  -Wl,-z,noexecstack
  -Wl,-z,noseparate-code
  -Wl,--build-id=none
  -Wl,-z,norelro
  -Wl,--hash-style=gnu)

# rawaio_add_program(<name> <source>...): a static no-libc program on the
# rawaio runtime, plus a stripped copy <name>.stripped next to it.
function(rawaio_add_program name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE rawaio_runtime rawaio rawaio_freestanding_flags rawaio_warnings gcc)
  target_link_options(${name} PRIVATE ${RAWAIO_PROGRAM_LINK_OPTIONS})
  set_target_properties(${name} PROPERTIES LINKER_LANGUAGE CXX)
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${CMAKE_STRIP} --strip-all -R .comment -o $<TARGET_FILE:${name}>.stripped $<TARGET_FILE:${name}>
    VERBATIM)
endfunction()
