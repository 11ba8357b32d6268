# -*- Python -*-
# lit configuration for phaze's FileCheck tests.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "PHAZE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.phaze_obj_root, "test")
config.excludes = ["Unit", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py",
                   "Inputs", "cmake-consumer"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%hardware", config.phaze_hardware_dir))
config.substitutions.append(("%shared_data", config.phaze_shared_data_dir))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%phaze_plugin", config.phaze_plugin))
# ccache for the CMake package test's consumer build, when installed.
import shutil
config.substitutions.append(("%ccache", shutil.which("ccache") or ""))
# Upstream mlir-opt from the LLVM installation (for the plugin tests).
config.substitutions.append(("%mlir_opt",
                             os.path.join(config.llvm_tools_dir, "mlir-opt")))
config.substitutions.append(("%phaze_obj_root", config.phaze_obj_root))
config.substitutions.append(("%phaze_src_root", config.phaze_src_root))
config.substitutions.append(("%scripts", os.path.join(config.phaze_src_root,
                                                     "test", "Inputs")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# Tests that read the real inputs in ../shared/data declare
# `REQUIRES: shared-data` and are skipped where the folder is absent.
if os.path.isdir(os.path.join(config.phaze_shared_data_dir, "phaze")):
    config.available_features.add("shared-data")

# phaze-search built with MPI, and an mpirun to start its ranks.
if config.phaze_have_mpi in ("ON", "1", "TRUE") and shutil.which("mpirun"):
    config.available_features.add("mpi")
    config.substitutions.append(("%mpirun", shutil.which("mpirun")))

# A Python with matplotlib (Debian's python3-matplotlib) for the Python
# package's tests: the configured interpreter or /usr/bin/python3.
import subprocess
for py in (config.python_executable, "/usr/bin/python3"):
    if py and os.path.exists(py) and subprocess.run(
            [py, "-c", "import matplotlib"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL).returncode == 0:
        config.available_features.add("matplotlib")
        config.substitutions.append(("%mpl_python", py))
        break

# Headless Chromium for the report's rendering test.
for name in ("chromium", "chromium-browser"):
    if shutil.which(name):
        config.available_features.add("chromium")
        config.substitutions.append(("%chromium", shutil.which(name)))
        break

tool_dirs = [config.phaze_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    [ToolSubst("phaze-opt", unresolved="fatal"),
     ToolSubst("phaze-models", unresolved="fatal"),
     ToolSubst("phaze-embed", unresolved="fatal"),
     ToolSubst("phaze-partition", unresolved="fatal"),
     ToolSubst("phaze-search", unresolved="fatal")], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
