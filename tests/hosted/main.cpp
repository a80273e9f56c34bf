// SPDX-License-Identifier: MIT
// rawaio hosted unit tests: doctest's main.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
