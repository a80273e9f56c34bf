# SPDX-License-Identifier: MIT
# rawaio toolchain for x86_64: the system GCC with -m64, NASM elf64 objects, and
# qemu-x86_64 as the emulator CTest uses for the QEMU user-mode runs.
# CMAKE_SYSTEM_NAME makes this a cross build, so that CMake honours
# CMAKE_CROSSCOMPILING_EMULATOR even where the host could run the programs.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(RAWAIO_ARCH x86_64 CACHE STRING "rawaio target architecture (arch/<name>)")

set(CMAKE_C_COMPILER gcc)
set(CMAKE_CXX_COMPILER g++)
set(CMAKE_C_FLAGS_INIT "-m64")
set(CMAKE_CXX_FLAGS_INIT "-m64")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-m64")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-m64")
set(CMAKE_ASM_NASM_OBJECT_FORMAT elf64)

find_program(RAWAIO_QEMU qemu-x86_64)
if(RAWAIO_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${RAWAIO_QEMU}")
endif()
