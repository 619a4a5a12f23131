#include "io/internal/temp_files.h"

#include <atomic>
#include <climits>
#include <cstring>
#include <filesystem>

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace fc::internal {

namespace {

/// Registered temporaries live in fixed slots so that a signal handler can read them without
/// locks or allocation. A process writes its outputs one or two at a time; a name that finds
/// no free slot is still used, only not removed on interrupt.
constexpr int kSlots = 64;
enum SlotState : int { kFree = 0, kFilling = 1, kReady = 2 };

struct Slot {
    std::atomic<int> state{kFree};
    char dir[PATH_MAX];
    char prefix[NAME_MAX + 1];
};

Slot g_slots[kSlots];

bool copy_text(char* dst, size_t capacity, const std::string& src) {
    if (src.size() + 1 > capacity) return false;
    std::memcpy(dst, src.c_str(), src.size() + 1);
    return true;
}

int register_name(const std::string& path) {
    const std::filesystem::path p(path);
    const std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
    const std::string name = p.filename().string();
    for (int i = 0; i < kSlots; ++i) {
        int expected = kFree;
        if (!g_slots[i].state.compare_exchange_strong(expected, kFilling)) continue;
        if (copy_text(g_slots[i].dir, sizeof(g_slots[i].dir), dir) &&
            copy_text(g_slots[i].prefix, sizeof(g_slots[i].prefix), name)) {
            g_slots[i].state.store(kReady, std::memory_order_release);
            return i;
        }
        g_slots[i].state.store(kFree);
        return -1;
    }
    return -1;
}

bool starts_with(const char* name, const char* prefix) {
    return std::strncmp(name, prefix, std::strlen(prefix)) == 0;
}

/// Removes every entry of `slot.dir` whose name starts with `slot.prefix`, with raw system
/// calls (readdir may allocate, which a signal handler must not).
void remove_matching(const Slot& slot) {
    const int dir = ::open(slot.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return;
    alignas(8) char buf[4096];
    for (;;) {
        const long got = ::syscall(SYS_getdents64, dir, buf, sizeof(buf));
        if (got <= 0) break;
        for (long off = 0; off < got;) {
            const auto* entry = reinterpret_cast<const struct dirent64*>(buf + off);
            if (starts_with(entry->d_name, slot.prefix)) ::unlinkat(dir, entry->d_name, 0);
            off += entry->d_reclen;
        }
    }
    ::close(dir);
}

}  // namespace

TempPath::TempPath(const std::string& final_path) {
    static std::atomic<unsigned> counter{0};
    path_ = final_path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
    slot_ = register_name(path_);  // before the file exists, so no window leaves it unlisted
}

TempPath::~TempPath() {
    if (!released_) ::unlink(path_.c_str());
    if (slot_ >= 0) g_slots[slot_].state.store(kFree, std::memory_order_release);
}

void remove_registered_temp_files() noexcept {
    for (const Slot& slot : g_slots)
        if (slot.state.load(std::memory_order_acquire) == kReady) remove_matching(slot);
}

}  // namespace fc::internal
