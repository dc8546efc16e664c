from __future__ import absolute_import

import os
import sys

# Tests import the helper module "support" from this folder.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
