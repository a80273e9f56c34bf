# SPDX-License-Identifier: MIT
# rawaio toolchain for i386: the system GCC with -m32, NASM elf32 objects, and
# qemu-i386 as the emulator CTest uses for the QEMU user-mode runs.
# CMAKE_SYSTEM_NAME makes this a cross build, so that CMake honours
# CMAKE_CROSSCOMPILING_EMULATOR even where the host could run the programs.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR i686)
set(RAWAIO_ARCH i386 CACHE STRING "rawaio target architecture (arch/<name>)")

set(CMAKE_C_COMPILER gcc)
set(CMAKE_CXX_COMPILER g++)
set(CMAKE_C_FLAGS_INIT "-m32")
set(CMAKE_CXX_FLAGS_INIT "-m32")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-m32")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-m32")
set(CMAKE_ASM_NASM_OBJECT_FORMAT elf32)

find_program(RAWAIO_QEMU qemu-i386)
if(RAWAIO_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${RAWAIO_QEMU}")
endif()
