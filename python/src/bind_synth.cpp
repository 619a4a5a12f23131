// Bindings of facecluster/synth: deterministic face-like embeddings with hard clusters.
#include <functional>
#include <map>

#include "arrays.h"
#include "bindings.h"
#include "facecluster/synth/synth.h"

namespace fc::python {
namespace {

using Setter = std::function<void(SynthParams&, const py::handle&)>;

/// A setter converting a Python value to the type of SynthParams::*member.
template <class T>
Setter field(T SynthParams::*member) {
    return [member](SynthParams& p, const py::handle& v) { p.*member = v.cast<T>(); };
}

/// Keyword arguments named after SynthParams' fields; others raise TypeError.
SynthParams synth_params(const py::kwargs& kw) {
    static const std::map<std::string, Setter> setters = {
        {"n_faces", field(&SynthParams::n_faces)},
        {"dim", field(&SynthParams::dim)},
        {"seed", field(&SynthParams::seed)},
        {"size_exponent", field(&SynthParams::size_exponent)},
        {"min_identity_size", field(&SynthParams::min_identity_size)},
        {"max_identity_size", field(&SynthParams::max_identity_size)},
        {"min_cohesion", field(&SynthParams::min_cohesion)},
        {"max_cohesion", field(&SynthParams::max_cohesion)},
        {"cohesion_jitter", field(&SynthParams::cohesion_jitter)},
        {"family_fraction", field(&SynthParams::family_fraction)},
        {"family_size", field(&SynthParams::family_size)},
        {"family_similarity", field(&SynthParams::family_similarity)},
        {"shared_offset", field(&SynthParams::shared_offset)},
        {"nuisance_dims", field(&SynthParams::nuisance_dims)},
        {"nuisance_scale", field(&SynthParams::nuisance_scale)},
        {"centre_spectrum", field(&SynthParams::centre_spectrum)},
        {"shuffle", field(&SynthParams::shuffle)},
        {"num_threads", field(&SynthParams::num_threads)},
    };
    SynthParams p;
    for (const auto& [key, value] : kw) {
        const auto name = key.cast<std::string>();
        const auto it = setters.find(name);
        if (it == setters.end())
            throw py::type_error("make_synthetic: unknown parameter '" + name + "'");
        try {
            it->second(p, value);
        } catch (const py::cast_error&) {
            throw py::type_error("make_synthetic: " + name + "=" +
                                 py::repr(value).cast<std::string>() + " has the wrong type");
        }
    }
    return p;
}

}  // namespace

void init_synth(py::module_& m) {
    m.def(
        "make_synthetic",
        [](const py::kwargs& kw) {
            const SynthParams params = synth_params(kw);
            SynthData data;
            {
                py::gil_scoped_release nogil;
                data = make_synthetic(params);
            }
            const FeatureMatrix& x = data.features;
            const auto n = static_cast<py::ssize_t>(data.labels.size());
            const auto c = static_cast<py::ssize_t>(data.identity_cohesion.size());
            py::dict d;
            d["features"] = view_out<float>(x.data, {x.rows, x.cols}, x.owner, true);
            d["labels"] = vector_out(std::move(data.labels), {n});
            d["n_identities"] = data.n_identities;
            d["identity_cohesion"] = vector_out(std::move(data.identity_cohesion), {c});
            d["identity_family"] = vector_out(std::move(data.identity_family), {c});
            d["n_families"] = data.n_families;
            return d;
        },
        "Synthetic labelled embeddings; keyword arguments are SynthParams' fields (n_faces, "
        "dim, seed, size_exponent, ..., num_threads). Returns a dict of arrays.");
}

}  // namespace fc::python
