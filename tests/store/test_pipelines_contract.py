"""Store contract, pipelines role: ``pipelines_of``, ``save_pipeline``, ``audits_of``.

A new portal has the default pipelines; new pipelines and stages get numeric ids unique in
the portal; a save writes the pipeline, its stages and its audit entries together; every
method sees its own portal only; reset brings back the defaults.
"""

from __future__ import annotations

from dataclasses import replace

from localspot.crm.pipeline_defaults import DEALS, TICKETS, default_pipelines
from localspot.crm.pipelines_storage import Pipeline, Stage
from localspot.crm.storage import Store

from .conftest import AT, Run


def draft(label: str, *stages: str) -> Pipeline:
    made = tuple(
        Stage(None, s, i, {"probability": "0.5"}, AT, AT, change="CREATE")
        for i, s in enumerate(stages)
    )
    return Pipeline(None, label, 1, made, AT, AT, change="CREATE")


def test_a_new_portal_has_the_default_pipelines(store: Store, run: Run, portal: int) -> None:
    defaults = dict(default_pipelines())
    assert list(run(store.pipelines_of(portal, DEALS))) == [defaults[DEALS]]
    assert list(run(store.pipelines_of(portal, TICKETS))) == [defaults[TICKETS]]
    assert list(run(store.pipelines_of(portal, "0-48"))) == []


def test_new_pipelines_and_stages_get_fresh_numeric_ids(
    store: Store, run: Run, portal: int
) -> None:
    first = run(store.save_pipeline(portal, DEALS, draft("One", "a", "b")))
    second = run(store.save_pipeline(portal, DEALS, draft("Two", "c")))
    ids = [first.id, *(s.id for s in first.stages), second.id, *(s.id for s in second.stages)]
    assert all(i is not None and i.isdigit() for i in ids)
    assert len(set(ids)) == len(ids)
    assert first.change is None and all(s.change is None for s in first.stages)
    stored = {p.id: p for p in run(store.pipelines_of(portal, DEALS))}
    assert stored[first.id] == first


def test_a_save_writes_audit_entries_newest_first(store: Store, run: Run, portal: int) -> None:
    created = run(store.save_pipeline(portal, DEALS, draft("Audited", "a")))
    assert created.id is not None
    renamed = replace(created, label="Renamed", updated_at=AT + 5, change="UPDATE")
    run(store.save_pipeline(portal, DEALS, renamed))
    audits = run(store.audits_of(portal, DEALS, created.id, None))
    assert [(a.action, a.identifier, a.raw_object["label"]) for a in audits] == [
        ("UPDATE", created.id, "Renamed"),
        ("CREATE", created.id, "Audited"),
    ]
    stage_id = created.stages[0].id
    stage_audits = run(store.audits_of(portal, DEALS, created.id, stage_id))
    assert [(a.action, a.identifier) for a in stage_audits] == [("CREATE", stage_id)]


def test_pipelines_are_portal_isolated(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    created = run(store.save_pipeline(portal, DEALS, draft("Mine", "a")))
    assert created.id not in [p.id for p in run(store.pipelines_of(other_portal, DEALS))]
    assert list(run(store.audits_of(other_portal, DEALS, str(created.id), None))) == []


def test_reset_brings_back_the_defaults(store: Store, run: Run, portal: int) -> None:
    run(store.save_pipeline(portal, DEALS, draft("Gone after reset", "a")))
    assert run(store.reset_portal(portal, keep_custom_properties=False))
    assert list(run(store.pipelines_of(portal, DEALS))) == [dict(default_pipelines())[DEALS]]


def test_a_dump_and_restore_carry_pipelines(store: Store, run: Run, portal: int) -> None:
    created = run(store.save_pipeline(portal, DEALS, draft("Kept", "a")))
    dump = run(store.dump_portal(portal))
    assert dump is not None
    run(store.reset_portal(portal, keep_custom_properties=False))
    assert run(store.restore_portal(portal, dump)) is not None
    assert created in list(run(store.pipelines_of(portal, DEALS)))
