# SPDX-License-Identifier: MIT
# docs/recipes.md's programs, built out of the page itself: each block
# after a line "<!-- recipe: NAME -->" is written to recipes/NAME.cpp and
# built as recipe_NAME; the global property RAWAIO_RECIPES lists the
# names (tests/recipes.sh runs them). The page is read
# with string(FIND) and string(SUBSTRING), not as a list: C++ is full of
# semicolons.
set(_page ${PROJECT_SOURCE_DIR}/docs/recipes.md)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_page})
file(READ ${_page} _rest)
while(TRUE)
  string(FIND "${_rest}" "<!-- recipe: " _at)
  if(_at EQUAL -1)
    break()
  endif()
  math(EXPR _at "${_at} + 13")
  string(SUBSTRING "${_rest}" ${_at} -1 _rest)
  string(FIND "${_rest}" " -->" _end)
  string(SUBSTRING "${_rest}" 0 ${_end} _name)
  string(FIND "${_rest}" "```cpp\n" _open)
  math(EXPR _open "${_open} + 7")
  string(SUBSTRING "${_rest}" ${_open} -1 _rest)
  string(FIND "${_rest}" "\n```" _close)
  math(EXPR _close "${_close} + 1")
  string(SUBSTRING "${_rest}" 0 ${_close} _code)
  set(_file ${CMAKE_CURRENT_BINARY_DIR}/recipes/${_name}.cpp)
  # Rewritten only when it changed, so that a configure rebuilds nothing.
  set(_old "")
  if(EXISTS ${_file})
    file(READ ${_file} _old)
  endif()
  if(NOT _old STREQUAL "// From docs/recipes.md (recipe ${_name}).\n${_code}")
    file(WRITE ${_file} "// From docs/recipes.md (recipe ${_name}).\n${_code}")
  endif()
  rawaio_add_program(recipe_${_name} ${_file})
  set_property(GLOBAL APPEND PROPERTY RAWAIO_RECIPES ${_name})
endwhile()
