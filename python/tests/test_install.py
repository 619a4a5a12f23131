"""The install rules behind scripts/install_python.sh: `cmake --install --component python`
(staged with DESTDIR, so no root is needed) gives a package that Debian's python3 imports from
any directory, without the source tree or the build folder."""

import os
import pathlib
import subprocess

import pytest

from conftest import REPO

BUILD_DIR = os.environ.get("FC_BUILD_DIR")
CMAKE = os.environ.get("FC_CMAKE", "cmake")


@pytest.mark.skipif(not BUILD_DIR, reason="FC_BUILD_DIR not set (ctest sets it)")
def test_installed_package_imports_and_clusters_from_anywhere(tmp_path):
    stage = tmp_path / "stage"
    env = dict(os.environ, DESTDIR=str(stage))
    subprocess.run([CMAKE, "--install", BUILD_DIR, "--component", "python"], env=env,
                   check=True, capture_output=True)
    inits = list(stage.rglob("facecluster/__init__.py"))
    assert len(inits) == 1 and list(inits[0].parent.glob("_core*.so"))
    assert "dist-packages" in str(inits[0]) or "site-packages" in str(inits[0])
    site = inits[0].parent.parent
    code = ("import facecluster; X, y = facecluster.make_synthetic(n=300, dim=16); "
            "facecluster.FaceCluster(k=10).fit(X); print(facecluster.__file__)")
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DESTDIR")}
    out = subprocess.run(["/usr/bin/python3", "-c", code], cwd=tmp_path, check=True, text=True,
                         env=dict(clean, PYTHONPATH=str(site)), capture_output=True).stdout
    assert pathlib.Path(out.strip()).resolve() == inits[0].resolve()


def test_install_script_is_valid_bash():
    subprocess.run(["bash", "-n", str(REPO / "scripts" / "install_python.sh")], check=True)
