# -*- Python -*-
# lit configuration that runs phaze's GoogleTest binaries (unittests/).

import os

import lit.formats

config.name = "PHAZE-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.phaze_obj_root, "unittests")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
config.environment["PHAZE_SHARED_DATA_DIR"] = config.phaze_shared_data_dir
