"""Pipelines API v3 use cases (hubspot-behaviour §10): pipelines and stages of deals and
tickets, per portal. Every write reads the type's pipelines, applies the rules of
``pipeline_rules`` and makes one ``save_pipeline`` call (one transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from localspot.crm import pipeline_rules as rules
from localspot.crm import search
from localspot.crm.context import CrmContext
from localspot.crm.errors import ValidationError
from localspot.crm.pipeline_defaults import PIPELINE_PROPERTIES
from localspot.crm.pipeline_rules import PipelineInput, StageInput
from localspot.crm.pipelines_storage import AuditEntry, Pipeline, PipelinesStorage, Stage
from localspot.crm.properties import load_definitions
from localspot.crm.search_storage import Condition, SearchQuery


class PipelineUseCaseStorage(PipelinesStorage, search.SearchStorage, Protocol):
    """Pipelines, and search (to count the records still in a pipeline or stage)."""


Ctx = CrmContext[PipelineUseCaseStorage]


def live_stages(pipeline: Pipeline) -> tuple[Stage, ...]:
    return tuple(
        sorted(
            (s for s in pipeline.stages if not s.archived),
            key=lambda s: (s.display_order, s.label),
        )
    )


async def _all(ctx: Ctx) -> Sequence[Pipeline]:
    rules.check_supported(ctx.object_type.type_id, ctx.object_type.name)
    return await ctx.store.pipelines_of(ctx.portal_id, ctx.object_type.type_id)


async def list_pipelines(ctx: Ctx) -> list[Pipeline]:
    """Live pipelines by display order, then label (sorted here: the databases collate
    labels differently)."""
    live = [p for p in await _all(ctx) if not p.archived]
    return sorted(live, key=lambda p: (p.display_order, p.label))


def _find(pipelines: Sequence[Pipeline], pipeline_id: str, *, archived: bool = False) -> Pipeline:
    for pipeline in pipelines:
        if pipeline.id == pipeline_id and (archived or not pipeline.archived):
            return pipeline
    raise rules.pipeline_not_found(pipeline_id)


async def get_pipeline(ctx: Ctx, pipeline_id: str) -> Pipeline:
    return _find(await _all(ctx), pipeline_id)


def _find_stage(pipeline: Pipeline, stage_id: str) -> Stage:
    for stage in pipeline.stages:
        if stage.id == stage_id and not stage.archived:
            return stage
    raise rules.stage_not_found(str(pipeline.id), stage_id)


async def get_stage(ctx: Ctx, pipeline_id: str, stage_id: str) -> Stage:
    return _find_stage(await get_pipeline(ctx, pipeline_id), stage_id)


def _new_stage(ctx: Ctx, item: StageInput, now: int) -> Stage:
    return Stage(
        id=None,
        label=rules.checked_label(item.label, "Stage"),
        display_order=rules.checked_order(item.display_order),
        metadata=rules.checked_metadata(ctx.object_type.type_id, item.metadata),
        created_at=now,
        updated_at=now,
        change="CREATE",
    )


def _check_labels(pipelines: Sequence[Pipeline], label: str, except_id: str | None) -> None:
    others = [p.label for p in pipelines if not p.archived and p.id != except_id]
    rules.check_unique_labels([*others, label], "Pipeline")


async def create_pipeline(ctx: Ctx, given: PipelineInput) -> Pipeline:
    now = ctx.clock.now_ms()
    label = rules.checked_label(given.label, "Pipeline")
    stages = tuple(_new_stage(ctx, s, now) for s in given.stages or ())
    rules.check_stage_count(len(stages))
    rules.check_unique_labels([s.label for s in stages], "Stage")
    pipelines = await _all(ctx)
    _check_labels(pipelines, label, None)
    order = rules.checked_order(given.display_order)
    draft = Pipeline(None, label, order, stages, now, now, change="CREATE")
    return await ctx.store.save_pipeline(ctx.portal_id, ctx.object_type.type_id, draft)


async def records_in(ctx: Ctx, stage_ids: Sequence[str]) -> int:
    """How many live records of the type sit in one of the stages (through search's index)."""
    if not stage_ids:
        return 0
    definitions = await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)
    await search.refresh_index(ctx, definitions)
    _, stage_property = PIPELINE_PROPERTIES[ctx.object_type.type_id]
    condition = Condition(stage_property, "IN", "string", tuple(stage_ids))
    query = SearchQuery(((condition,),), (), (), None, 1, 0)
    page = await ctx.store.search(ctx.portal_id, ctx.object_type.type_id, query)
    return page.total


async def _check_unused(ctx: Ctx, what: str, key: str, stages: Sequence[Stage]) -> None:
    count = await records_in(ctx, [str(s.id) for s in stages])
    if count:
        raise rules.in_use(what, key, count)


def _archived_stage(stage: Stage, now: int) -> Stage:
    return replace(stage, archived=True, archived_at=now, updated_at=now, change="DELETE")


def _replaced_stages(
    ctx: Ctx, current: Pipeline, inputs: Sequence[StageInput], now: int
) -> tuple[tuple[Stage, ...], list[Stage]]:
    """The replacement's stages (kept ids updated, others new) and the live ones it drops."""
    by_id = {s.id: s for s in current.stages if not s.archived}
    kept: list[Stage] = []
    for item in inputs:
        fresh = _new_stage(ctx, item, now)
        old = by_id.pop(item.stage_id, None) if item.stage_id else None
        if old is None:
            kept.append(fresh)
        else:
            kept.append(replace(fresh, id=old.id, created_at=old.created_at, change="UPDATE"))
    dropped = list(by_id.values())
    archived_before = [s for s in current.stages if s.archived]
    stages = (*kept, *(_archived_stage(s, now) for s in dropped), *archived_before)
    return stages, dropped


async def replace_pipeline(
    ctx: Ctx, pipeline_id: str, given: PipelineInput, *, validate: bool
) -> Pipeline:
    now = ctx.clock.now_ms()
    pipelines = await _all(ctx)
    current = _find(pipelines, pipeline_id)
    label = rules.checked_label(given.label, "Pipeline")
    _check_labels(pipelines, label, pipeline_id)
    inputs = given.stages or ()
    rules.check_stage_count(len(inputs))
    stages, dropped = _replaced_stages(ctx, current, inputs, now)
    rules.check_unique_labels([s.label for s in stages if not s.archived], "Stage")
    if validate:
        await _check_unused(ctx, "pipeline", pipeline_id, dropped)
    order = rules.checked_order(given.display_order)
    updated = replace(
        current, label=label, display_order=order, stages=stages, updated_at=now, change="UPDATE"
    )
    return await ctx.store.save_pipeline(ctx.portal_id, ctx.object_type.type_id, updated)


async def update_pipeline(ctx: Ctx, pipeline_id: str, given: PipelineInput) -> Pipeline:
    """PATCH: label and displayOrder; ``archived: false`` restores an archived pipeline
    (``archived: true`` is refused: DELETE archives)."""
    if given.archived:
        raise ValidationError(
            "archived can only be false, to restore an archived pipeline",
            context={"archived": ["true"]},
        )
    pipelines = await _all(ctx)
    current = _find(pipelines, pipeline_id, archived=given.archived is False)
    now = ctx.clock.now_ms()
    label = current.label
    if given.label is not None:
        label = rules.checked_label(given.label, "Pipeline")
    _check_labels(pipelines, label, pipeline_id)
    order = current.display_order
    if given.display_order is not None:
        order = rules.checked_order(given.display_order)
    updated = replace(
        current,
        label=label,
        display_order=order,
        updated_at=now,
        archived=False,
        archived_at=None,
        change="UPDATE",
    )
    return await ctx.store.save_pipeline(ctx.portal_id, ctx.object_type.type_id, updated)


async def archive_pipeline(ctx: Ctx, pipeline_id: str, *, validate: bool) -> None:
    pipelines = await _all(ctx)
    current = _find(pipelines, pipeline_id)
    if not [p for p in pipelines if not p.archived and p.id != pipeline_id]:
        raise ValidationError(
            f"Pipeline {pipeline_id} is the last pipeline of {ctx.object_type.name}; "
            "an object type always keeps one",
            context={"pipelineId": [pipeline_id]},
        )
    if validate:
        await _check_unused(ctx, "pipeline", pipeline_id, live_stages(current))
    now = ctx.clock.now_ms()
    archived = replace(current, archived=True, archived_at=now, updated_at=now, change="DELETE")
    await ctx.store.save_pipeline(ctx.portal_id, ctx.object_type.type_id, archived)


async def list_stages(ctx: Ctx, pipeline_id: str) -> tuple[Stage, ...]:
    return live_stages(await get_pipeline(ctx, pipeline_id))


async def _save_stages(ctx: Ctx, current: Pipeline, stages: tuple[Stage, ...], now: int) -> Stage:
    """Save the pipeline with ``stages``; returns the one stage that changed."""
    live = [s for s in stages if not s.archived]
    rules.check_stage_count(len(live))
    rules.check_unique_labels([s.label for s in live], "Stage")
    changed = next(i for i, s in enumerate(stages) if s.change is not None)
    updated = replace(current, stages=stages, updated_at=now)
    saved = await ctx.store.save_pipeline(ctx.portal_id, ctx.object_type.type_id, updated)
    return saved.stages[changed]


async def create_stage(ctx: Ctx, pipeline_id: str, given: StageInput) -> Stage:
    current = await get_pipeline(ctx, pipeline_id)
    now = ctx.clock.now_ms()
    return await _save_stages(ctx, current, (*current.stages, _new_stage(ctx, given, now)), now)


def _swap(current: Pipeline, stage: Stage) -> tuple[Stage, ...]:
    return tuple(stage if s.id == stage.id else s for s in current.stages)


async def replace_stage(ctx: Ctx, pipeline_id: str, stage_id: str, given: StageInput) -> Stage:
    current = await get_pipeline(ctx, pipeline_id)
    old = _find_stage(current, stage_id)
    now = ctx.clock.now_ms()
    fresh = _new_stage(ctx, given, now)
    stage = replace(fresh, id=old.id, created_at=old.created_at, change="UPDATE")
    return await _save_stages(ctx, current, _swap(current, stage), now)


async def update_stage(ctx: Ctx, pipeline_id: str, stage_id: str, given: StageInput) -> Stage:
    if given.archived:
        raise ValidationError(
            "archived can only be false, to restore an archived stage",
            context={"archived": ["true"]},
        )
    current = await get_pipeline(ctx, pipeline_id)
    old = next((s for s in current.stages if s.id == stage_id), None)
    if old is None or (old.archived and given.archived is not False):
        raise rules.stage_not_found(pipeline_id, stage_id)
    now = ctx.clock.now_ms()
    stage = replace(
        old,
        label=old.label if given.label is None else rules.checked_label(given.label, "Stage"),
        display_order=old.display_order
        if given.display_order is None
        else rules.checked_order(given.display_order),
        metadata=old.metadata
        if given.metadata is None
        else rules.checked_metadata(ctx.object_type.type_id, given.metadata),
        archived=False,
        archived_at=None,
        updated_at=now,
        change="UPDATE",
    )
    return await _save_stages(ctx, current, _swap(current, stage), now)


async def archive_stage(ctx: Ctx, pipeline_id: str, stage_id: str, *, validate: bool) -> None:
    current = await get_pipeline(ctx, pipeline_id)
    old = _find_stage(current, stage_id)
    if validate:
        await _check_unused(ctx, "stage", stage_id, [old])
    now = ctx.clock.now_ms()
    await _save_stages(ctx, current, _swap(current, _archived_stage(old, now)), now)


async def audit(ctx: Ctx, pipeline_id: str, stage_id: str | None = None) -> Sequence[AuditEntry]:
    """Newest first; an archived pipeline's audit stays readable."""
    current = _find(await _all(ctx), pipeline_id, archived=True)
    if stage_id is not None and not any(s.id == stage_id for s in current.stages):
        raise rules.stage_not_found(pipeline_id, stage_id)
    return await ctx.store.audits_of(ctx.portal_id, ctx.object_type.type_id, pipeline_id, stage_id)
