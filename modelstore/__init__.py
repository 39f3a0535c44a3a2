"""The model supply chain: the lock, where models live, and pull / verify / convert / export / import.

Every function here returns data and raises typed errors (`core.errors`); none prints. Progress is
reported through callbacks, which the CLI turns into bars.
"""

from modelstore.archive import export_models, import_archive
from modelstore.convert import convert_model
from modelstore.lock import Lock, LockedFile, ModelEntry, load_lock
from modelstore.pull import pull_models
from modelstore.sources import local_dir_fetch
from modelstore.store import converted_dir, model_dir, model_state, models_home, resolve_model
from modelstore.verify import verify_model

__all__ = [
    "Lock", "LockedFile", "ModelEntry", "convert_model", "converted_dir", "export_models", "import_archive",
    "load_lock", "local_dir_fetch", "model_dir", "model_state", "models_home", "pull_models", "resolve_model",
    "verify_model",
]
