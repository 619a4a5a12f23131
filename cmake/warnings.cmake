# Warnings for our own targets only (never global flags).
function(fc_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                             -Wno-unused-parameter)
endfunction()
