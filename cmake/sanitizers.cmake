# Sanitizer builds (scripts/sanitize.sh, scripts/fuzz_smoke.sh, the asan preset).
# FC_SANITIZE is a -fsanitize= list such as "address,undefined" or "thread". It is applied to
# fc_core as PUBLIC options, so every target that links it (fc_faiss, the CLI, the tests, the
# fuzzers) is instrumented and linked with the same runtime; nothing is set globally.
set(FC_SANITIZE "" CACHE STRING
    "Sanitizers for our own code, a -fsanitize= list (e.g. address,undefined or thread); empty: none")

function(fc_enable_sanitizers target)
    if(NOT FC_SANITIZE)
        return()
    endif()
    set(flags -fsanitize=${FC_SANITIZE} -fno-omit-frame-pointer)
    if(FC_SANITIZE MATCHES "undefined")
        # A UB report must fail the test (or stop the fuzzer), not just print a line.
        list(APPEND flags -fno-sanitize-recover=undefined)
    endif()
    target_compile_options(${target} PUBLIC ${flags})
    target_link_options(${target} PUBLIC -fsanitize=${FC_SANITIZE})
endfunction()
