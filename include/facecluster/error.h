#pragma once
/// Exception hierarchy of facecluster. pybind11 maps these to Python's RuntimeError,
/// ValueError and OSError without glue; the CLI maps them to exit codes.

#include <stdexcept>
#include <string>

namespace fc {

/// Any failure inside facecluster that is not a caller mistake.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A parameter or argument outside its allowed range (caller mistake).
class InvalidArgument : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Reading or writing a file failed, or a file's contents are malformed.
/// The message always names the path.
class IoError : public Error {
public:
    using Error::Error;
};

}  // namespace fc

/// Always-on internal invariant check; failure is a bug in facecluster, not bad input.
#define FC_CHECK(cond)                                                                     \
    do {                                                                                   \
        if (!(cond))                                                                       \
            throw ::fc::Error(std::string("internal check failed: ") + #cond + " at " +   \
                              __FILE__ + ":" + std::to_string(__LINE__));                  \
    } while (0)
