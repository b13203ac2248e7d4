"""Records against the portal's pipelines (hubspot-behaviour §10.4): the pipeline and stage
properties of deals (``pipeline``, ``dealstage``) and tickets (``hs_pipeline``,
``hs_pipeline_stage``) take the portal's live pipelines and stages as options, a stage must
belong to the record's pipeline, and a record created without a pipeline gets the default.

Types without pipelines, and updates that touch neither property, cost no query and no work
per input beyond the value checks every write makes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from localspot.crm.model import (
    ObjectType,
    PropertyDefinition,
    PropertyOption,
    PropertyProblem,
    UpdateInput,
)
from localspot.crm.pipeline_defaults import DEFAULT_PIPELINE_IDS, PIPELINE_PROPERTIES
from localspot.crm.pipelines_storage import Pipeline, PipelinesStorage
from localspot.crm.properties import Definitions, check_values, names_set
from localspot.crm.records_storage import RecordsStorage

Checked = tuple[dict[str, str], tuple[PropertyProblem, ...]]


@dataclass(frozen=True, slots=True)
class PipelineCheck:
    """The definitions to check a write against, with the portal's live options when the
    write touches a pipeline property; ``names`` is empty when no pipeline rule applies."""

    definitions: Definitions
    names: tuple[str, str] | None = None
    stages_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    default_id: str | None = None

    def needs_current(self, values: Mapping[str, str]) -> bool:
        """An update naming one of the two properties is judged with the record's other."""
        return self.names is not None and sum(n in values for n in self.names) == 1

    def check_create(self, values: Mapping[str, str]) -> Checked:
        if self.names is not None and not values.get(self.names[0]) and self.default_id:
            values = {**values, self.names[0]: self.default_id}
        return self.check_update(values, None)

    def check_update(self, values: Mapping[str, str], current: Mapping[str, str] | None) -> Checked:
        normalised, problems = check_values(self.definitions, values)
        if self.names is None:
            return normalised, problems
        return normalised, problems + self._mismatch(normalised, problems, current or {})

    def _mismatch(
        self,
        values: Mapping[str, str],
        problems: Sequence[PropertyProblem],
        current: Mapping[str, str],
    ) -> tuple[PropertyProblem, ...]:
        if self.names is None:
            return ()
        pipeline_name, stage_name = self.names
        if {p.name for p in problems} & {pipeline_name, stage_name}:
            return ()
        stage = values[stage_name] if stage_name in values else current.get(stage_name, "")
        given = values[pipeline_name] if pipeline_name in values else current.get(pipeline_name)
        pipeline = given or self.default_id or ""
        allowed = self.stages_of.get(pipeline, ())
        if not stage or stage in allowed:
            return ()
        message = f"{stage} was not one of the allowed options: [{', '.join(allowed)}]"
        return (PropertyProblem(stage_name, "INVALID_OPTION", message),)


def _live(pipelines: Iterable[Pipeline]) -> list[Pipeline]:
    return sorted(
        (p for p in pipelines if not p.archived), key=lambda p: (p.display_order, p.label)
    )


def _stage_ids(pipeline: Pipeline) -> tuple[str, ...]:
    live = sorted(
        (s for s in pipeline.stages if not s.archived), key=lambda s: (s.display_order, s.label)
    )
    return tuple(str(s.id) for s in live)


def _options(name: str, live: Sequence[Pipeline], stage_names: str) -> tuple[PropertyOption, ...]:
    if name != stage_names:
        return tuple(
            PropertyOption(p.label, str(p.id), display_order=p.display_order) for p in live
        )
    return tuple(
        PropertyOption(s.label, str(s.id), display_order=s.display_order)
        for p in live
        for s in sorted(
            (s for s in p.stages if not s.archived), key=lambda s: (s.display_order, s.label)
        )
    )


def with_options(
    definitions: Mapping[str, PropertyDefinition],
    object_type: ObjectType,
    found: Sequence[Pipeline],
) -> dict[str, PropertyDefinition]:
    """The definitions with the pipeline and stage properties' options made live."""
    names = PIPELINE_PROPERTIES[object_type.type_id]
    live = _live(found)
    updated = dict(definitions)
    for name in names:
        if name in updated:
            updated[name] = replace(updated[name], options=_options(name, live, names[1]))
    return updated


def _default(object_type: ObjectType, live: Sequence[Pipeline]) -> str | None:
    """HubSpot's default pipeline, or while it is archived the first live one."""
    wanted = DEFAULT_PIPELINE_IDS[object_type.type_id]
    ids = [str(p.id) for p in live]
    return wanted if wanted in ids else (ids[0] if ids else None)


async def prepare(
    store: PipelinesStorage,
    portal_id: int,
    definitions: Definitions,
    inputs: Iterable[Mapping[str, str]],
    *,
    creating: bool,
) -> PipelineCheck:
    object_type = definitions.object_type
    names = PIPELINE_PROPERTIES.get(object_type.type_id)
    if names is None or not (creating or not names_set(inputs).isdisjoint(names)):
        return PipelineCheck(definitions)
    live = _live(await store.pipelines_of(portal_id, object_type.type_id))
    by_name = with_options(definitions.by_name, object_type, live)
    return PipelineCheck(
        Definitions(object_type, by_name),
        names,
        {str(p.id): _stage_ids(p) for p in live},
        _default(object_type, live),
    )


async def current_values(
    store: RecordsStorage,
    portal_id: int,
    check: PipelineCheck,
    inputs: Sequence[UpdateInput],
    record_id: Callable[[UpdateInput], int | None],
) -> list[Mapping[str, str] | None]:
    """The stored properties of the records (``record_id`` of each input, None when it has
    none) whose update names one pipeline property; nothing to do, per input or in the
    store, when the write names no pipeline property."""
    if check.names is None:
        return [None] * len(inputs)
    pairs = [(item.properties, record_id(item)) for item in inputs]
    wanted = [rid for values, rid in pairs if rid is not None and check.needs_current(values)]
    if not wanted:
        return [None] * len(pairs)
    type_id = check.definitions.object_type.type_id
    found = await store.read_records(portal_id, type_id, wanted)
    return [found[rid].properties if rid in found else None for _, rid in pairs]


async def live_definitions(
    store: PipelinesStorage,
    portal_id: int,
    object_type: ObjectType,
    found: Sequence[PropertyDefinition],
) -> list[PropertyDefinition]:
    """The properties API's view: the pipeline and stage properties list the portal's live
    pipelines and stages as options."""
    names = PIPELINE_PROPERTIES.get(object_type.type_id)
    if names is None or not any(d.name in names and d.hubspot_defined for d in found):
        return list(found)
    pipelines = await store.pipelines_of(portal_id, object_type.type_id)
    by_name = with_options({d.name: d for d in found if d.hubspot_defined}, object_type, pipelines)
    return [by_name[d.name] if d.hubspot_defined else d for d in found]
