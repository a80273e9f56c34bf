# SPDX-License-Identifier: MIT
# cmake --install: headers, this architecture's libraries, the linker
# script, the CMake package, pkg-config files and the compiler wrappers.
# Every architecture installs side by side into one prefix:
#   include/rawaio/                 the library's and runtime's headers
#   include/rawaio-libaio/libaio.h  the libaio-compatible header
#   lib/rawaio/<arch>/              librawaio.a, librawaio_runtime.a,
#                                   libaio.a, libaio.so.1, include/rawaio/arch.hpp (and
#                                   the shared asm_generic.hpp, lp64.hpp, ilp32.hpp),
#                                   kernel-only.o, terse-errors.o, arch.env, rawaio-init,
#                                   rawaio-run-demux
#   lib/rawaio/rawaio.ld            the linker script of no-libc programs
#   lib/cmake/rawaio/               find_package(rawaio CONFIG)
#   lib/pkgconfig/                  rawaio-<arch>, rawaio-runtime-<arch>, rawaio-libaio-<arch>
#   bin/rawaio-cc, bin/rawaio-c++   compiler wrappers (the architecture by the target or --arch)
#   bin/rawaio-run                  run a static program in a real kernel (docs/run.md), with
#                                   lib/rawaio/run/kernel.sh and lib/rawaio/<arch>/rawaio-init,
#                                   rawaio-run-demux
include(CMakePackageConfigHelpers)

set(_libdir lib/rawaio/${RAWAIO_ARCH})
install(DIRECTORY include/rawaio DESTINATION include)
install(FILES runtime/include/rawaio/runtime.hpp DESTINATION include/rawaio)
install(FILES libaio/include/libaio.h DESTINATION include/rawaio-libaio)
install(DIRECTORY ${RAWAIO_ARCH_INCLUDE} DESTINATION ${_libdir})
# The architecture's description: the package and the wrappers find the
# installed architectures, and recognise a consumer's target, by it.
install(FILES ${RAWAIO_ARCH_DIR}/arch.env DESTINATION ${_libdir})
install(TARGETS rawaio rawaio_runtime rawaio_libaio_static ARCHIVE DESTINATION ${_libdir})
# With its link libaio.so, so that -laio from this folder links it.
install(TARGETS rawaio_libaio_shared LIBRARY DESTINATION ${_libdir})
install(FILES ${RAWAIO_LINKER_SCRIPT} DESTINATION lib/rawaio)
# The examples' sources (docs/examples.md), to build against the prefix.
install(FILES examples/hello_aio.cpp examples/cksum_aio.cpp examples/copy_aio.cpp examples/epoll_copy.c
        DESTINATION share/rawaio/examples)
# The optional pieces left out at link time (docs/sizes.md): objects, to be
# linked before librawaio.a.
install(FILES $<TARGET_OBJECTS:rawaio_kernel_only> DESTINATION ${_libdir} RENAME kernel-only.o)
install(FILES $<TARGET_OBJECTS:rawaio_terse_errors> DESTINATION ${_libdir} RENAME terse-errors.o)
# rawaio-run (docs/run.md): the command, its kernel fetching, and per
# architecture the guest's /init and the console reader.
install(PROGRAMS programs/run/rawaio-run DESTINATION bin)
install(FILES programs/run/kernel.sh DESTINATION lib/rawaio/run)
install(PROGRAMS $<TARGET_FILE:rawaio-init>.stripped DESTINATION ${_libdir} RENAME rawaio-init)
install(PROGRAMS $<TARGET_FILE:rawaio-run-demux>.stripped DESTINATION ${_libdir} RENAME rawaio-run-demux)

# What a consumer's no-libc program needs: the options rawaio's own
# programs are built with (toolchain/flags.cmake, linker/program.cmake).
set(_common -ffreestanding -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-stack-protector
            -ffunction-sections -fdata-sections -fcf-protection=none -fno-pie)
set(_cxx -fno-exceptions -fno-rtti -fno-threadsafe-statics)
set(_link -nostdlib -static -no-pie -Wl,--gc-sections -Wl,-z,noexecstack -Wl,-z,norelro -Wl,--build-id=none)
list(JOIN _common ";" _common_list)
list(JOIN _cxx ";" _cxx_list)
set(RAWAIO_CONSUMER_COMPILE_OPTIONS "${_common_list}>;$<$<COMPILE_LANGUAGE:CXX>:${_cxx_list}")
list(JOIN _link ";" RAWAIO_CONSUMER_LINK_OPTIONS)
list(JOIN _common " " RAWAIO_CONSUMER_COMPILE_FLAGS)
list(JOIN _cxx " " RAWAIO_CONSUMER_CXX_FLAGS)
list(JOIN _link " " RAWAIO_CONSUMER_LINK_FLAGS)
# The architecture's target flags (arch.env's TARGET_FLAGS), which a
# consumer's compiler needs to build for it.
set(RAWAIO_M "${RAWAIO_ARCH_TARGET_FLAGS}")

# Whole-program optimisation (toolchain/flags.cmake), for consumers.
list(JOIN RAWAIO_WHOLE_PROGRAM_OPTIONS " " RAWAIO_WHOLE_PROGRAM_FLAGS)

set(_pkg ${PROJECT_SOURCE_DIR}/toolchain/package)
set(_out ${PROJECT_BINARY_DIR}/package)
configure_file(${_pkg}/rawaioConfig.cmake.in ${_out}/rawaioConfig.cmake @ONLY)
write_basic_package_version_file(${_out}/rawaioConfigVersion.cmake COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${_out}/rawaioConfig.cmake ${_out}/rawaioConfigVersion.cmake DESTINATION lib/cmake/rawaio)

foreach(pc rawaio rawaio-runtime rawaio-libaio)
  configure_file(${_pkg}/${pc}.pc.in ${_out}/${pc}-${RAWAIO_ARCH}.pc @ONLY)
  install(FILES ${_out}/${pc}-${RAWAIO_ARCH}.pc DESTINATION lib/pkgconfig)
endforeach()

foreach(w cc c++)
  set(RAWAIO_WRAPPER rawaio-${w})
  if(w STREQUAL cc)
    set(RAWAIO_DRIVER CC)
    set(RAWAIO_STD -std=c11)
    set(_flags "${RAWAIO_CONSUMER_COMPILE_FLAGS}")
  else()
    set(RAWAIO_DRIVER CXX)
    set(RAWAIO_STD -std=c++20)
    set(_flags "${RAWAIO_CONSUMER_COMPILE_FLAGS} ${RAWAIO_CONSUMER_CXX_FLAGS}")
  endif()
  set(_saved "${RAWAIO_CONSUMER_COMPILE_FLAGS}")
  set(RAWAIO_CONSUMER_COMPILE_FLAGS "${_flags}")
  configure_file(${_pkg}/rawaio-cc.in ${_out}/rawaio-${w} @ONLY)
  set(RAWAIO_CONSUMER_COMPILE_FLAGS "${_saved}")
  install(PROGRAMS ${_out}/rawaio-${w} DESTINATION bin)
endforeach()
