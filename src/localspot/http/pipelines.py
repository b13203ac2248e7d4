"""Pipelines API v3 handlers: ``/crm/v3/pipelines/{objectType}`` (pipelines, their stages
and the audit of both)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.params import Parameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.crm import pipelines
from localspot.crm.pipeline_rules import PipelineInput, StageInput
from localspot.crm.pipelines_storage import AuditEntry, Pipeline, Stage
from localspot.crm.property_types import format_datetime
from localspot.http.objects import crm_context
from localspot.http.openapi_specs import error_responses
from localspot.wire import pipelines as w

READ = {"access": "read"}
WRITE = {"access": "write", "schema_scopes": {"0-3": "crm.schemas.deals.write"}}
"""Writes need the type's schema scope (tickets: ``tickets``, see ``http/auth.py``)."""
STAGE = "/{pipeline_id:str}/stages/{stage_id:str}"


def _text(value: str | int | float | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _metadata(raw: Mapping[str, w.MetadataValue] | None) -> dict[str, str] | None:
    return None if raw is None else {k: _text(v) for k, v in raw.items()}


def stage_input(data: w.PipelineStageInput | w.PipelineStagePatchInput) -> StageInput:
    if isinstance(data, w.PipelineStagePatchInput):
        return StageInput(
            data.label, data.display_order, _metadata(data.metadata), None, data.archived
        )
    return StageInput(data.label, data.display_order, _metadata(data.metadata), data.stage_id)


def pipeline_input(data: w.PipelineInput) -> PipelineInput:
    return PipelineInput(data.label, data.display_order, tuple(map(stage_input, data.stages)))


def _when(at: int | None) -> str | None:
    return None if at is None else format_datetime(at)


def stage_body(stage: Stage) -> w.PipelineStage:
    return w.PipelineStage(
        id=str(stage.id),
        label=stage.label,
        display_order=stage.display_order,
        metadata=dict(stage.metadata),
        created_at=format_datetime(stage.created_at),
        updated_at=format_datetime(stage.updated_at),
        archived=stage.archived,
        write_permissions=stage.write_permissions,
        archived_at=_when(stage.archived_at),
    )


def pipeline_body(pipeline: Pipeline) -> w.Pipeline:
    return w.Pipeline(
        id=str(pipeline.id),
        label=pipeline.label,
        display_order=pipeline.display_order,
        stages=[stage_body(s) for s in pipelines.live_stages(pipeline)],
        created_at=format_datetime(pipeline.created_at),
        updated_at=format_datetime(pipeline.updated_at),
        archived=pipeline.archived,
        archived_at=_when(pipeline.archived_at),
    )


def audit_body(entry: AuditEntry, portal_id: int) -> w.PublicAuditInfo:
    return w.PublicAuditInfo(
        identifier=entry.identifier,
        action=entry.action,
        portal_id=portal_id,
        timestamp=format_datetime(entry.timestamp),
        raw_object=dict(entry.raw_object),
    )


def _validate(deal_flag: bool, references_flag: bool) -> bool:
    """Deals use ``validateDealStageUsagesBeforeDelete``, other types
    ``validateReferencesBeforeDelete``; either one turns the check on."""
    return deal_flag or references_flag


DEAL_FLAG = Parameter(query="validateDealStageUsagesBeforeDelete", default=False, required=False)
REFERENCES_FLAG = Parameter(query="validateReferencesBeforeDelete", default=False, required=False)


class PipelinesController(Controller):
    path = "/{object_type:str}"
    tags = ["Pipelines"]

    @get("/", opt=READ, responses=error_responses(), summary="List a type's pipelines")
    async def get_all(
        self, request: Request[Any, Any, State], object_type: str
    ) -> w.CollectionResponsePipelineNoPaging:
        found = await pipelines.list_pipelines(await crm_context(request, object_type))
        return w.CollectionResponsePipelineNoPaging([pipeline_body(p) for p in found])

    @post("/", opt=WRITE, status_code=HTTP_201_CREATED, responses=error_responses())
    async def create(
        self, request: Request[Any, Any, State], object_type: str, data: w.PipelineInput
    ) -> w.Pipeline:
        ctx = await crm_context(request, object_type)
        return pipeline_body(await pipelines.create_pipeline(ctx, pipeline_input(data)))

    @get("/{pipeline_id:str}", opt=READ, responses=error_responses(), summary="Read a pipeline")
    async def get_by_id(
        self, request: Request[Any, Any, State], object_type: str, pipeline_id: str
    ) -> w.Pipeline:
        ctx = await crm_context(request, object_type)
        return pipeline_body(await pipelines.get_pipeline(ctx, pipeline_id))

    @put("/{pipeline_id:str}", opt=WRITE, responses=error_responses(), summary="Replace a pipeline")
    async def replace(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        pipeline_id: str,
        data: w.PipelineInput,
        deal_flag: bool = DEAL_FLAG,
        references_flag: bool = REFERENCES_FLAG,
    ) -> w.Pipeline:
        ctx = await crm_context(request, object_type)
        validate = _validate(deal_flag, references_flag)
        replaced = await pipelines.replace_pipeline(
            ctx, pipeline_id, pipeline_input(data), validate=validate
        )
        return pipeline_body(replaced)

    @patch(
        "/{pipeline_id:str}", opt=WRITE, responses=error_responses(), summary="Update a pipeline"
    )
    async def update(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        pipeline_id: str,
        data: w.PipelinePatchInput,
        deal_flag: bool = DEAL_FLAG,
        references_flag: bool = REFERENCES_FLAG,
    ) -> w.Pipeline:
        ctx = await crm_context(request, object_type)
        given = PipelineInput(data.label, data.display_order, None, data.archived)
        return pipeline_body(await pipelines.update_pipeline(ctx, pipeline_id, given))

    @delete(
        "/{pipeline_id:str}",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Archive a pipeline",
    )
    async def archive(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        pipeline_id: str,
        deal_flag: bool = DEAL_FLAG,
        references_flag: bool = REFERENCES_FLAG,
    ) -> None:
        ctx = await crm_context(request, object_type)
        validate = _validate(deal_flag, references_flag)
        await pipelines.archive_pipeline(ctx, pipeline_id, validate=validate)

    @get("/{pipeline_id:str}/audit", opt=READ, responses=error_responses())
    async def get_audit(
        self, request: Request[Any, Any, State], object_type: str, pipeline_id: str
    ) -> w.CollectionResponsePublicAuditInfoNoPaging:
        ctx = await crm_context(request, object_type)
        found = await pipelines.audit(ctx, pipeline_id)
        return w.CollectionResponsePublicAuditInfoNoPaging(
            [audit_body(e, ctx.portal_id) for e in found]
        )

    @get("/{pipeline_id:str}/stages", opt=READ, responses=error_responses())
    async def get_stages(
        self, request: Request[Any, Any, State], object_type: str, pipeline_id: str
    ) -> w.CollectionResponsePipelineStageNoPaging:
        found = await pipelines.list_stages(await crm_context(request, object_type), pipeline_id)
        return w.CollectionResponsePipelineStageNoPaging([stage_body(s) for s in found])

    @post(
        "/{pipeline_id:str}/stages",
        opt=WRITE,
        status_code=HTTP_201_CREATED,
        responses=error_responses(),
    )
    async def create_stage(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        pipeline_id: str,
        data: w.PipelineStageInput,
    ) -> w.PipelineStage:
        ctx = await crm_context(request, object_type)
        return stage_body(await pipelines.create_stage(ctx, pipeline_id, stage_input(data)))

    @get(STAGE, opt=READ, responses=error_responses(), summary="Read a stage")
    async def get_stage(
        self, request: Request[Any, Any, State], object_type: str, pipeline_id: str, stage_id: str
    ) -> w.PipelineStage:
        ctx = await crm_context(request, object_type)
        return stage_body(await pipelines.get_stage(ctx, pipeline_id, stage_id))

    @put(STAGE, opt=WRITE, responses=error_responses(), summary="Replace a stage")
    async def replace_stage(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        pipeline_id: str,
        stage_id: str,
        data: w.PipelineStageInput,
    ) -> w.PipelineStage:
        ctx = await crm_context(request, object_type)
        given = stage_input(data)
        return stage_body(await pipelines.replace_stage(ctx, pipeline_id, stage_id, given))

    @patch(STAGE, opt=WRITE, responses=error_responses(), summary="Update a stage")
    async def update_stage(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        pipeline_id: str,
        stage_id: str,
        data: w.PipelineStagePatchInput,
    ) -> w.PipelineStage:
        ctx = await crm_context(request, object_type)
        given = stage_input(data)
        return stage_body(await pipelines.update_stage(ctx, pipeline_id, stage_id, given))

    @delete(
        STAGE,
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Archive a stage",
    )
    async def archive_stage(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        pipeline_id: str,
        stage_id: str,
        references_flag: bool = REFERENCES_FLAG,
    ) -> None:
        ctx = await crm_context(request, object_type)
        await pipelines.archive_stage(ctx, pipeline_id, stage_id, validate=references_flag)

    @get(STAGE + "/audit", opt=READ, responses=error_responses(), summary="A stage's audit")
    async def get_stage_audit(
        self, request: Request[Any, Any, State], object_type: str, pipeline_id: str, stage_id: str
    ) -> w.CollectionResponsePublicAuditInfoNoPaging:
        ctx = await crm_context(request, object_type)
        found = await pipelines.audit(ctx, pipeline_id, stage_id)
        return w.CollectionResponsePublicAuditInfoNoPaging(
            [audit_body(e, ctx.portal_id) for e in found]
        )
