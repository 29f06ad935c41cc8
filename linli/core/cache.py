"""Django's database cache, with an ``incr`` fit for counting (rate limits).

The stock ``incr`` reads the value, adds and ``set``s it again: two processes counting at once
lose one of their increments, and the ``set`` gives the entry the default timeout anew, so a
counter meant to last an hour could vanish five minutes after its last hit. Here ``incr`` locks
the row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises writers),
adds in place and leaves the expiry alone.
"""

from __future__ import annotations

import base64
import pickle

from django.core.cache.backends import db as django_db_cache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(django_db_cache.DatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        quote = connection.ops.quote_name
        table = quote(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # The table name comes from settings and is quoted; values are bound. The pickles are the
        # cache's own, as in Django's backend.
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')}, {quote('expires')} FROM {table} WHERE {quote('cache_key')} = %s{lock}",  # noqa: S608
                [key],
            )
            row = cursor.fetchone()
            if row is not None:
                expires = row[1]
                expression = models.Expression(output_field=models.DateTimeField())
                for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
                    expires = converter(expires, expression, connection)
            if row is None or expires < tz_now():
                raise ValueError(f"Key {key!r} not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta  # noqa: S301
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",  # noqa: S608
                [encoded, key],
            )
        return value
