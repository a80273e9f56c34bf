# SPDX-License-Identifier: MIT
# Compile options shared by every rawaio target that runs without libc.
#
# -ffreestanding: no hosted library assumed. No exceptions, no RTTI, no
# unwind tables, no thread-safe statics (no __cxa_guard_* to provide), no
# stack protector (its canary lives in libc's TLS). Sections per function so that --gc-sections keeps
# only what a program uses. No CET landing pads: nothing here enables IBT.
set(RAWAIO_FREESTANDING_OPTIONS
  -ffreestanding
  -fno-exceptions
  -fno-rtti
  -fno-asynchronous-unwind-tables
  -fno-unwind-tables
  -fno-threadsafe-statics
  -fno-stack-protector
  -ffunction-sections
  -fdata-sections
  -fcf-protection=none)

# Warnings for all of rawaio's own code.
set(RAWAIO_WARNING_OPTIONS -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion -Werror)

# C and C++ only: NASM would read -f... as its output format.
add_library(rawaio_freestanding_flags INTERFACE)
target_compile_options(rawaio_freestanding_flags INTERFACE
  "$<$<COMPILE_LANGUAGE:C,CXX>:${RAWAIO_FREESTANDING_OPTIONS}>")
# The static no-libc programs are not position-independent (smaller code,
# no GOT); the libaio-compatible libraries are built -fPIC instead.
add_library(rawaio_nopie_flags INTERFACE)
target_compile_options(rawaio_nopie_flags INTERFACE "$<$<COMPILE_LANGUAGE:C,CXX>:-fno-pie>")

add_library(rawaio_warnings INTERFACE)
target_compile_options(rawaio_warnings INTERFACE "$<$<COMPILE_LANGUAGE:C,CXX>:${RAWAIO_WARNING_OPTIONS}>")

# The sanitizer test configuration (-DRAWAIO_UBSAN_TRAP=ON, build/<arch>-sanitize):
# every freestanding target with UBSan in trap mode (GCC 12 spells it
# -fsanitize-undefined-trap-on-error; no runtime library
# needed: a failed check is an illegal instruction), so that the
# freestanding tests run under it. The hosted unit tests always run under
# ASan and UBSan (tests/CMakeLists.txt, unit_san).
option(RAWAIO_UBSAN_TRAP "build freestanding code with -fsanitize=undefined in trap mode" OFF)
if(RAWAIO_UBSAN_TRAP)
  target_compile_options(rawaio_freestanding_flags INTERFACE
    "$<$<COMPILE_LANGUAGE:C,CXX>:-fsanitize=undefined;-fsanitize-undefined-trap-on-error;-fno-sanitize=vptr>")
endif()

# Link-time optimisation (docs/sizes.md). rawaio's static libraries carry
# GCC's intermediate code beside their machine code (fat objects). GCC's
# linker plugin optimises that code at every link: rawaio's own functions
# together, the program's with them only when it is compiled and linked
# with -flto too (rawaio_whole_program, rawaio::whole_program, rawaio-c++
# --whole-program: the whole program). The machine code serves links with
# -fno-lto and linkers without GCC's plugin. The archives are written with
# the compiler's own ar, whose index lists the intermediate code's symbols.
# Two files stay machine code only: the start-up, which calls main
# whatever its declaration, and the memory functions, which the code
# generator may call after the intermediate code has been optimised.
add_library(rawaio_lto_objects INTERFACE)
add_library(rawaio_whole_program INTERFACE)
# Not in the UBSan build, which builds the tests only (and whose code
# must be generated with the sanitizer's options, which a link would not
# repeat).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_AR AND CMAKE_CXX_COMPILER_RANLIB AND NOT RAWAIO_UBSAN_TRAP)
  set(CMAKE_AR ${CMAKE_CXX_COMPILER_AR})
  set(CMAKE_RANLIB ${CMAKE_CXX_COMPILER_RANLIB})
  set(RAWAIO_WHOLE_PROGRAM_OPTIONS -flto=auto)
  target_compile_options(rawaio_lto_objects INTERFACE "$<$<COMPILE_LANGUAGE:C,CXX>:-flto=auto;-ffat-lto-objects>")
  target_compile_options(rawaio_whole_program INTERFACE "$<$<COMPILE_LANGUAGE:C,CXX>:${RAWAIO_WHOLE_PROGRAM_OPTIONS}>")
  target_link_options(rawaio_whole_program INTERFACE ${RAWAIO_WHOLE_PROGRAM_OPTIONS})
endif()
