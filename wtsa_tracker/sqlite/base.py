"""Django's SQLite backend, told how many parameters a statement may really take.

Django 5.2 assumes SQLite's old limit of 999 parameters, so a bulk insert of
reminder rows (a dozen columns each) is cut into batches of 83: 46 statements
for one sweep at scale L (issue 13). The real limit is the connection's
(``getlimit``, as Django 6.0 reads it): 32,766 by default since SQLite 3.32,
250,000 in Debian's build. ``bulk_update`` builds a CASE with one branch per
row, which grows worse than linearly: its callers here pass a ``batch_size``.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int:
        self.connection.ensure_connection()
        return self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
