#pragma once
/// Thread-count handling shared by every parallel kernel.

namespace fc {

/// Number of threads a kernel should use for `requested` (0 = all available cores).
int resolve_threads(int requested);

}  // namespace fc
