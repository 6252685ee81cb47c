"""Alembic environment: runs against the engine handed in by data_access.core.store.migrate.

SQLite changes a column by rebuilding its table (Alembic's batch mode). Rebuilding a table that
others point at (indicators, say) fails with foreign keys on, so they are turned off around the
migration, outside any transaction as SQLite requires, and every reference is checked before
the migration commits: a broken one refuses the upgrade instead of being kept.
"""

from alembic import context
from sqlmodel import SQLModel

import data_access.core.models  # noqa: F401 - registers the tables on SQLModel.metadata

config = context.config
engine = config.attributes["engine"]
with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    driver = connection.connection.driver_connection if sqlite else None
    if driver is not None:
        driver.execute("PRAGMA foreign_keys=OFF")  # no transaction is open yet (autocommit driver)
    try:
        context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=sqlite)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise RuntimeError("a migration left a reference to a missing row; nothing was changed")
        connection.commit()
    finally:
        if driver is not None:
            driver.execute("PRAGMA foreign_keys=ON")
