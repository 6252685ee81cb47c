"""Alembic environment: runs against the engine handed in by data_access.core.store.migrate."""

from alembic import context
from sqlmodel import SQLModel

import data_access.core.models  # noqa: F401 - registers the tables on SQLModel.metadata

config = context.config
engine = config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
