// SPDX-License-Identifier: MIT
// A function marked __attribute__((destructor)): rawaio's exit would not
// run it, so linking this program must fail with the linker script's
// message (tests/CMakeLists.txt, link.refuses_destructor_attribute).
#include <rawaio/runtime.hpp>

volatile int ran = 0;
__attribute__((destructor)) void at_the_end() { ran = 1; }

int main() { return 0; }
