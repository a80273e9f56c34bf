# SPDX-License-Identifier: MIT
# rawaio's one toolchain file. The architecture RAWAIO_ARCH is a folder
# under arch/; its arch.env describes the compilers, the target flags, the
# assembler of its stubs and its QEMU user-mode binary (docs/porting.md).
#   cmake -S . -B build/<arch> -DRAWAIO_ARCH=<arch>
# (CMakeLists.txt picks this file when no other is given.)
# CMAKE_SYSTEM_NAME makes every build a cross build, so that CTest honours
# CMAKE_CROSSCOMPILING_EMULATOR even where the host could run the programs.
set(CMAKE_SYSTEM_NAME Linux)
get_filename_component(_rawaio_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
if(NOT RAWAIO_ARCH OR NOT EXISTS "${_rawaio_root}/arch/${RAWAIO_ARCH}/arch.env")
  file(GLOB _known RELATIVE "${_rawaio_root}/arch" "${_rawaio_root}/arch/*/arch.env")
  string(REPLACE "/arch.env" "" _known "${_known}")
  message(FATAL_ERROR "rawaio: choose an architecture with -DRAWAIO_ARCH=<name>, one of: ${_known} "
                      "(RAWAIO_ARCH='${RAWAIO_ARCH}')")
endif()
set(RAWAIO_ARCH "${RAWAIO_ARCH}" CACHE STRING "rawaio target architecture (a folder under arch/)")
# try_compile projects load this file again: they need the architecture too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES RAWAIO_ARCH)

# arch.env -> RAWAIO_ARCH_<KEY>
file(STRINGS "${_rawaio_root}/arch/${RAWAIO_ARCH}/arch.env" _lines REGEX "^[A-Z_]+=")
foreach(_line IN LISTS _lines)
  string(REGEX MATCH "^([A-Z_]+)=(.*)$" _m "${_line}")
  set(_key ${CMAKE_MATCH_1})
  string(REGEX REPLACE "^\"(.*)\"$" "\\1" _value "${CMAKE_MATCH_2}")
  set(RAWAIO_ARCH_${_key} "${_value}")
endforeach()

set(CMAKE_SYSTEM_PROCESSOR ${RAWAIO_ARCH})
set(CMAKE_C_COMPILER ${RAWAIO_ARCH_CC})
set(CMAKE_CXX_COMPILER ${RAWAIO_ARCH_CXX})
foreach(_v C_FLAGS CXX_FLAGS EXE_LINKER_FLAGS SHARED_LINKER_FLAGS ASM_FLAGS)
  set(CMAKE_${_v}_INIT "${RAWAIO_ARCH_TARGET_FLAGS}")
endforeach()
# GCC notes where an ABI changed in an old GCC release (arm: "parameter
# passing ... changed in GCC 7.1"); they concern only code that old
# release built, and would bury the build's real messages.
string(APPEND CMAKE_CXX_FLAGS_INIT " -Wno-psabi")
if(RAWAIO_ARCH_ASSEMBLER STREQUAL nasm)
  set(CMAKE_ASM_NASM_OBJECT_FORMAT ${RAWAIO_ARCH_NASM_FORMAT})
endif()

find_program(RAWAIO_QEMU ${RAWAIO_ARCH_QEMU_USER})
if(RAWAIO_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${RAWAIO_QEMU}")
endif()
