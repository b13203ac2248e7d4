"""The official Node SDK (`@hubspot/api-client`) at the paths its generated ``LabelsApi`` and
``LimitsApi`` (``/crm/associations/v4/...``) and ``crm.schemas`` ``BatchApi``
(``/crm-object-schemas/v3/schemas/batch/read``) call, in a portal of its own on the shared test
server (``associations-schema.test.mjs``)."""

from __future__ import annotations

from pathlib import Path

from test_node_sdk import node_sdk, run_node

from conftest import Server

__all__ = ["node_sdk"]


def test_node_sdk_association_labels_limits_and_schemas_batch_read(
    node_sdk: Path, server: Server
) -> None:
    token = server.new_token("--portal", str(server.new_portal()))
    run_node(node_sdk, "associations-schema.test.mjs", server, LOCALSPOT_NODE_TOKEN=token)
