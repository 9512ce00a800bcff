"""Settings for the test suite: the real settings, with a throwaway secret key.

The environment still decides the database and the broker, so CI runs the
same suite against SQLite and against PostgreSQL with Redis.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-suite-only-secret-key")
# Tests run as production does, whatever a developer's .env says.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("EMAIL_URL", "consolemail://")
# The schema fuzzer sends thousands of requests as one user; the throttling
# tests set the rates they try.
os.environ.setdefault("API_THROTTLE_USER", "100000/min")
os.environ.setdefault("API_THROTTLE_ANON", "100000/min")

from wtsa_tracker.settings import *  # noqa: E402, F403

# SQLite tests use a file, not shared memory: the live server and the real
# Celery worker write from other threads, and a shared-memory database locks
# whole tables at once ("database table is locked") where a file in WAL mode
# waits its turn, as the deployed database does.
if DATABASES["default"]["ENGINE"] == "wtsa_tracker.sqlite":  # noqa: F405
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"wtsa-tests-{os.getpid()}.sqlite3")
    }

# Hashing passwords properly is slow and tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# The filesystem broker of a test run lives in a throwaway folder, never in var/.
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    import tempfile

    # Kept in the environment, so a worker the tests start as a subprocess
    # (to kill it) reads the same folders.
    if "TEST_CELERY_QUEUE_DIR" not in os.environ:
        os.environ["TEST_CELERY_QUEUE_DIR"] = tempfile.mkdtemp(prefix="wtsa-celery-")
        os.environ["TEST_CELERY_CONTROL_DIR"] = tempfile.mkdtemp(prefix="wtsa-celery-control-")
    _queue = os.environ["TEST_CELERY_QUEUE_DIR"]
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _queue,
        "data_folder_out": _queue,
        "control_folder": os.environ["TEST_CELERY_CONTROL_DIR"],
    }

# Generated Council reports, uploaded files waiting to be imported and CSV
# exports go to a throwaway folder, never to var/.
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="wtsa-media-")
