"""Where import uploads and export files go when ``LOCALSPOT_DATA_DIR`` is not set
(``store/job_files.default_data_dir``)."""

from __future__ import annotations

import os

from localspot.store.job_files import default_data_dir


def test_a_sqlite_database_keeps_its_files_beside_it() -> None:
    assert default_data_dir("sqlite:////srv/crm/local.db") == "/srv/crm/local.db.files"
    assert default_data_dir("sqlite:///local.db?timeout=5") == "local.db.files"


def test_each_postgresql_database_has_a_directory_of_its_own() -> None:
    """Two databases number their portals and jobs alike: sharing one directory, the upload
    of one's job 1 replaced the other's (two CLI imports running at once)."""
    one = default_data_dir("postgresql://postgres@127.0.0.1:5432/crm_one")
    two = default_data_dir("postgresql://postgres@127.0.0.1:5432/crm_two")
    assert one == os.path.join("localspot-files", "crm_one")
    assert two == os.path.join("localspot-files", "crm_two")


def test_servers_of_one_database_share_its_directory_and_no_credentials_show_in_it() -> None:
    plain = default_data_dir("postgresql://postgres@127.0.0.1:5432/crm")
    other_server = default_data_dir("postgresql+psycopg://app:s3cret@db.internal:6432/crm?ssl=1")
    assert other_server == plain == os.path.join("localspot-files", "crm")
    assert default_data_dir("postgresql://127.0.0.1/../etc") == os.path.join(
        "localspot-files", ".._etc"
    )
