#pragma once
/// FaceIndex's private state: the open store and the in-memory copy it mirrors.

#include <functional>

#include "facecluster/index/face_index.h"
#include "index/internal/store.h"
#include "index/internal/update.h"

namespace fc {

struct FaceIndex::Impl {
    internal::Store store;
    internal::IndexState state;

    Impl(internal::Store st, internal::IndexState s) : store(std::move(st)), state(std::move(s)) {}

    /// Runs `change` on the state and commits what it reports as one transaction; on any
    /// failure reloads the state from the file (which still holds the previous update).
    UpdateReport update(const std::function<UpdateReport(internal::IndexState&, internal::Delta&)>& change);
};

}  // namespace fc
