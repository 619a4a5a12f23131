#include "index/internal/index_state.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "facecluster/error.h"

namespace fc::internal {

bool IndexState::entry_less(float da, int32_t a, float db, int32_t b) const {
    if (da != db) return da < db;
    const int64_t fa = a < 0 ? std::numeric_limits<int64_t>::max() : fid[a];
    const int64_t fb = b < 0 ? std::numeric_limits<int64_t>::max() : fid[b];
    return fa < fb;
}

void append_faces(IndexState& s, const float* x, const std::vector<int64_t>& ids) {
    const int64_t k = s.k();
    for (size_t r = 0; r < ids.size(); ++r) {
        const auto slot = static_cast<int32_t>(s.n());
        s.fid.push_back(ids[r]);
        s.slot_of.emplace(ids[r], slot);
        s.x.insert(s.x.end(), x + r * s.d, x + (r + 1) * s.d);
        s.nbr.insert(s.nbr.end(), k, -1);
        s.nd.insert(s.nd.end(), k, kMissingDist);
        s.sq.insert(s.sq.end(), k, 0.0f);
        s.in.emplace_back();
        s.ndde_sum.push_back(0.0);
        s.rho.push_back(0.0);
        s.parent.push_back(-1);
        s.pdist.push_back(1.0f);
        s.cluster.push_back(-1);
        s.linked.push_back(0);
    }
}

namespace {

void erase_from(std::vector<int32_t>& v, int32_t value) {
    auto it = std::find(v.begin(), v.end(), value);
    FC_CHECK(it != v.end());
    *it = v.back();
    v.pop_back();
}

/// The engine's per-row transition terms: ndde_approx's weight sum over the first ndde_k
/// columns and tpdi's float sqrt(Q) over all k (missing neighbours weigh 0).
void refresh_row_terms(IndexState& s, int32_t i) {
    const int64_t k = s.k();
    const int32_t* ids = &s.nbr[i * k];
    const float* dists = &s.nd[i * k];
    double sum = 0;
    for (int64_t a = 0; a < std::min(s.params.ndde_k, k); ++a)
        sum += ids[a] < 0 ? 0.0 : std::exp(-double(dists[a]) / s.params.ndde_sigma);
    s.ndde_sum[i] = sum;
    double w[256];
    double total = 0;
    for (int64_t a = 0; a < k; ++a) {
        w[a] = ids[a] < 0 ? 0.0 : std::exp(-double(dists[a]) / s.params.tpdi_sigma);
        total += w[a];
    }
    for (int64_t a = 0; a < k; ++a)
        s.sq[i * k + a] = static_cast<float>(std::sqrt(w[a] / (total + 1e-5)));
}

}  // namespace

void set_row(IndexState& s, int32_t i, const int32_t* ids, const float* dists) {
    const int64_t k = s.k();
    for (int64_t a = 0; a < k; ++a)
        if (s.nbr[i * k + a] >= 0) erase_from(s.in[s.nbr[i * k + a]], i);
    std::copy(ids, ids + k, &s.nbr[i * k]);
    std::copy(dists, dists + k, &s.nd[i * k]);
    for (int64_t a = 0; a < k; ++a)
        if (ids[a] >= 0) s.in[ids[a]].push_back(i);
    refresh_row_terms(s, i);
}

namespace {

/// Keeps the IVF cell lists in step with erase_slot's move of `last` into `v`.
void erase_cell_entry(IndexState& s, int32_t v, int32_t last) {
    if (s.cell.empty()) return;
    erase_from(s.members[s.cell[v]], v);
    if (v != last) {
        std::replace(s.members[s.cell[last]].begin(), s.members[s.cell[last]].end(), last, v);
        s.cell[v] = s.cell[last];
    }
    s.cell.pop_back();
}

}  // namespace

void erase_slot(IndexState& s, int32_t v) {
    const int64_t k = s.k(), d = s.d;
    const auto last = static_cast<int32_t>(s.n() - 1);
    FC_CHECK(s.in[v].empty());
    erase_cell_entry(s, v, last);
    s.slot_of.erase(s.fid[v]);
    if (v != last) {
        for (int32_t i : s.in[last])
            for (int64_t a = 0; a < k; ++a)
                if (s.nbr[i * k + a] == last) s.nbr[i * k + a] = v;
        for (int32_t i : s.in[last])
            if (s.parent[i] == last) s.parent[i] = v;
        for (int64_t a = 0; a < k; ++a) {
            const int32_t j = s.nbr[last * k + a];
            if (j >= 0 && j != last) std::replace(s.in[j].begin(), s.in[j].end(), last, v);
        }
        std::replace(s.in[last].begin(), s.in[last].end(), last, v);  // its own self entry
        for (int64_t a = 0; a < k; ++a)
            if (s.nbr[last * k + a] == last) s.nbr[last * k + a] = v;
        if (s.parent[last] == last) s.parent[last] = v;
        s.fid[v] = s.fid[last];
        s.slot_of[s.fid[v]] = v;
        std::copy_n(&s.x[last * d], d, &s.x[v * d]);
        std::copy_n(&s.nbr[last * k], k, &s.nbr[v * k]);
        std::copy_n(&s.nd[last * k], k, &s.nd[v * k]);
        std::copy_n(&s.sq[last * k], k, &s.sq[v * k]);
        s.in[v] = std::move(s.in[last]);
        s.ndde_sum[v] = s.ndde_sum[last];
        s.rho[v] = s.rho[last];
        s.parent[v] = s.parent[last];
        s.pdist[v] = s.pdist[last];
        s.cluster[v] = s.cluster[last];
        s.linked[v] = s.linked[last];
    }
    s.fid.pop_back();
    s.x.resize(s.x.size() - d);
    s.nbr.resize(s.nbr.size() - k);
    s.nd.resize(s.nd.size() - k);
    s.sq.resize(s.sq.size() - k);
    s.in.pop_back();
    s.ndde_sum.pop_back();
    s.rho.pop_back();
    s.parent.pop_back();
    s.pdist.pop_back();
    s.cluster.pop_back();
    s.linked.pop_back();
}

double gather_rho(const IndexState& s, int32_t j) {
    const int64_t k = s.k(), kd = std::min(s.params.ndde_k, k);
    thread_local std::vector<std::pair<int64_t, double>> terms;
    terms.clear();
    for (int32_t i : s.in[j]) {
        for (int64_t a = 0; a < kd; ++a) {
            if (s.nbr[i * k + a] != j) continue;
            const double w = std::exp(-double(s.nd[i * k + a]) / s.params.ndde_sigma);
            terms.emplace_back(s.fid[i], w / (s.ndde_sum[i] + 1e-5));
            break;
        }
    }
    std::sort(terms.begin(), terms.end());
    double rho = 0;
    for (const auto& t : terms) rho += t.second;
    return rho;
}

void TpdiScratch::load_row(const IndexState& s, int32_t i) {
    const int64_t k = s.k();
    if (pos.size() < static_cast<size_t>(s.n())) pos.resize(static_cast<size_t>(s.n()), 0);
    sq_i[0] = 0;
    for (int64_t a = 0; a < k; ++a) {
        sq_i[a + 1] = s.sq[i * k + a];
        if (s.nbr[i * k + a] >= 0) pos[s.nbr[i * k + a]] = static_cast<uint8_t>(a + 1);
    }
}

void TpdiScratch::clear_row(const IndexState& s, int32_t i) {
    for (int64_t a = 0; a < s.k(); ++a)
        if (s.nbr[i * s.k() + a] >= 0) pos[s.nbr[i * s.k() + a]] = 0;
}

float tpdi_entry(const IndexState& s, const TpdiScratch& t, int32_t j) {
    const int64_t k = s.k();
    const int32_t* rj = &s.nbr[j * k];
    const float* qj = &s.sq[j * k];
    double bc = 0;
    for (int64_t b = 0; b < k; ++b) bc += t.sq_i[rj[b] < 0 ? 0 : t.pos[rj[b]]] * double(qj[b]);
    return static_cast<float>(1.0 - bc);
}

std::pair<int32_t, float> best_parent(const IndexState& s, int32_t i, TpdiScratch& t) {
    const int64_t k = s.k();
    t.load_row(s, i);
    int32_t best = -1;
    float best_d = 1.0f;
    for (int64_t a = 0; a < k; ++a) {
        const int32_t j = s.nbr[i * k + a];
        if (j < 0 || j == i || s.rho[j] < s.rho[i]) continue;
        const float dj = tpdi_entry(s, t, j);
        if (best < 0 || dj < best_d) {
            best = j;
            best_d = dj;
        }
    }
    t.clear_row(s, i);
    return {best, best_d};
}

std::pair<int32_t, float> refresh_parent(const IndexState& s, int32_t i,
                                         const std::vector<char>& changed, TpdiScratch& t) {
    const int64_t k = s.k();
    const int32_t p = s.parent[i];
    if (p >= 0 && (s.rho[p] < s.rho[i] || changed[p] == 2)) return best_parent(s, i, t);
    int64_t best_col = k;  // columns order ties, as the engine's scan
    for (int64_t a = 0; a < k && p >= 0; ++a)
        if (s.nbr[i * k + a] == p) best_col = a;
    int32_t best = p;
    float best_d = p >= 0 ? s.pdist[i] : 1.0f;
    bool loaded = false;
    for (int64_t a = 0; a < k; ++a) {
        const int32_t j = s.nbr[i * k + a];
        if (j < 0 || j == i || j == p || !changed[j] || s.rho[j] < s.rho[i]) continue;
        if (!loaded) t.load_row(s, i), loaded = true;
        const float dj = tpdi_entry(s, t, j);
        if (best < 0 || dj < best_d || (dj == best_d && a < best_col)) {
            best = j;
            best_d = dj;
            best_col = a;
        }
    }
    if (loaded) t.clear_row(s, i);
    return {best, best_d};
}

}  // namespace fc::internal
