# SPDX-License-Identifier: MIT
# How a rawaio program without libc is linked.
#
# -nostdlib: no crt files, no libc; _start comes from arch/<arch>/start.asm.
# -static -no-pie: one static executable, no loader, no relocation at run
# time. libgcc is linked for what the compiler calls on its own (64-bit
# division on i386: __udivdi3, __umoddi3).
# linker/rawaio.ld lays out two segments, R-X and RW-, with no padding in
# the file, and a non-executable stack (see the script). --gc-sections
# drops every function a program does not use; --build-id=none drops the
# note a tiny binary does not need. -z noexecstack keeps the stack
# non-executable even if an object forgot its .note.GNU-stack.
set(RAWAIO_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/rawaio.ld)
# The libraries, in link order: the runtime (with _start and the memory
# functions memcpy, memset, memmove, memcmp), the AIO library, and the
# runtime again, because the library calls those functions too (the
# compiler emits such calls for copies and zeroing wherever it likes: on
# arm64 for more than on x86) and the linker searches an archive only where
# it stands. Then libgcc.
set(RAWAIO_PROGRAM_LIBRARIES rawaio_runtime rawaio $<TARGET_FILE:rawaio_runtime> gcc)
set(RAWAIO_PROGRAM_LINK_OPTIONS
  -nostdlib -static -no-pie
  -Wl,-T,${RAWAIO_LINKER_SCRIPT}
  -Wl,--orphan-handling=error
  -Wl,--gc-sections
  -Wl,-z,noexecstack
  -Wl,-z,norelro
  -Wl,--build-id=none)

# rawaio_add_program(<name> <source>...): a static no-libc program on the
# rawaio runtime, plus a stripped copy <name>.stripped next to it.
function(rawaio_add_program name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE ${RAWAIO_PROGRAM_LIBRARIES} rawaio_freestanding_flags rawaio_nopie_flags rawaio_warnings)
  target_link_options(${name} PRIVATE ${RAWAIO_PROGRAM_LINK_OPTIONS})
  set_target_properties(${name} PROPERTIES LINKER_LANGUAGE CXX LINK_DEPENDS ${RAWAIO_LINKER_SCRIPT})
  set_property(GLOBAL APPEND PROPERTY RAWAIO_PROGRAMS ${name})
  add_custom_command(TARGET ${name} POST_BUILD
    COMMAND ${CMAKE_STRIP} --strip-all -R .comment -o $<TARGET_FILE:${name}>.stripped $<TARGET_FILE:${name}>
    VERBATIM)
endfunction()
