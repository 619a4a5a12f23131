#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "facecluster/error.h"
#include "facecluster/synth/synth.h"

namespace fc {
namespace {

// Expects validate() and make_synthetic() to reject the params with a message that names
// the field and its value.
void expect_invalid(const std::function<void(SynthParams&)>& edit, const std::string& field,
                    const std::string& value) {
    SynthParams p;
    edit(p);
    try {
        p.validate();
        ADD_FAILURE() << "no error for " << field;
    } catch (const InvalidArgument& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("SynthParams." + field + "=" + value), std::string::npos) << msg;
        EXPECT_NE(msg.find("must be"), std::string::npos) << msg;
    }
    EXPECT_THROW(make_synthetic(p), InvalidArgument) << field;
}

TEST(SynthParams, DefaultsAreValid) { EXPECT_NO_THROW(SynthParams{}.validate()); }

TEST(SynthParams, RejectsBadSizes) {
    expect_invalid([](SynthParams& p) { p.n_faces = 0; }, "n_faces", "0");
    expect_invalid([](SynthParams& p) { p.n_faces = -5; }, "n_faces", "-5");
    expect_invalid([](SynthParams& p) { p.dim = 1; }, "dim", "1");
    expect_invalid([](SynthParams& p) { p.min_identity_size = 0; }, "min_identity_size", "0");
    expect_invalid([](SynthParams& p) { p.max_identity_size = 0; }, "max_identity_size", "0");
    expect_invalid([](SynthParams& p) { p.family_size = 1; }, "family_size", "1");
    expect_invalid([](SynthParams& p) { p.num_threads = -1; }, "num_threads", "-1");
}

TEST(SynthParams, RejectsBadCohesion) {
    expect_invalid([](SynthParams& p) { p.min_cohesion = 0.0; }, "min_cohesion", "0");
    expect_invalid([](SynthParams& p) { p.max_cohesion = 1.0; }, "max_cohesion", "1");
    expect_invalid([](SynthParams& p) { p.max_cohesion = 1.5; }, "max_cohesion", "1.5");
    expect_invalid(
        [](SynthParams& p) {
            p.min_cohesion = 0.8;
            p.max_cohesion = 0.6;
        },
        "min_cohesion", "0.8");
    expect_invalid([](SynthParams& p) { p.min_cohesion = NAN; }, "min_cohesion", "nan");
    expect_invalid([](SynthParams& p) { p.cohesion_jitter = -0.1; }, "cohesion_jitter",
                   "-0.1");
}

TEST(SynthParams, RejectsBadShapeParameters) {
    expect_invalid([](SynthParams& p) { p.size_exponent = -1.0; }, "size_exponent", "-1");
    expect_invalid([](SynthParams& p) { p.family_fraction = 1.5; }, "family_fraction", "1.5");
    expect_invalid([](SynthParams& p) { p.family_similarity = 1.0; }, "family_similarity",
                   "1");
}

TEST(SynthParams, RejectsBadGeometryKnobs) {
    expect_invalid([](SynthParams& p) { p.shared_offset = -1.0; }, "shared_offset", "-1");
    expect_invalid([](SynthParams& p) { p.nuisance_dims = 200; }, "nuisance_dims", "200");
    expect_invalid([](SynthParams& p) { p.nuisance_scale = NAN; }, "nuisance_scale", "nan");
    expect_invalid([](SynthParams& p) { p.centre_spectrum = -0.5; }, "centre_spectrum", "-0.5");
    expect_invalid([](SynthParams& p) { p.centre_spectrum = NAN; }, "centre_spectrum", "nan");
}

TEST(SynthParams, GeometryPresetsSetTheirKnobsOnly) {
    SynthParams p;
    apply_synth_geometry("arcface", p);
    EXPECT_EQ(p.shared_offset, 0.0);
    EXPECT_EQ(p.nuisance_dims, 0);
    apply_synth_geometry("compressed", p);
    EXPECT_EQ(p.shared_offset, 2.5);
    apply_synth_geometry("longtail", p);
    EXPECT_EQ(p.size_exponent, 2.5);
    EXPECT_EQ(p.shared_offset, 2.5);  // presets only add their own fields
    apply_synth_geometry("facenet", p);
    EXPECT_EQ(p.centre_spectrum, 1.1);
    EXPECT_EQ(p.max_identity_size, 40);
    try {
        apply_synth_geometry("dlib", p);
        ADD_FAILURE() << "no error";
    } catch (const InvalidArgument& e) {
        EXPECT_NE(std::string(e.what()).find("'dlib'"), std::string::npos);
    }
}

}  // namespace
}  // namespace fc
