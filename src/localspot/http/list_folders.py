"""Lists API v3 handlers for folders: ``/crm/v3/lists/folders...``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import State
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from localspot.crm import list_folders
from localspot.http.list_shapes import READ, WRITE, lists_context, public_folder
from localspot.http.openapi_specs import error_responses
from localspot.wire import lists as w

FOLDER = "/{folder_id:str}"


class ListFoldersController(Controller):
    path = "/folders"
    tags = ["List folders"]

    @get("/", opt=READ, responses=error_responses(), summary="A folder and the folders in it")
    async def get_all(
        self,
        request: Request[Any, Any, State],
        folder_id: str | None = Parameter(query="folderId", default=None, required=False),
    ) -> w.ListFolderFetchResponse:
        node = await list_folders.get_folder(await lists_context(request), folder_id)
        return w.ListFolderFetchResponse(public_folder(node))

    @post("/", opt=WRITE, status_code=HTTP_200_OK, responses=error_responses(), summary="Create")
    async def create(
        self, request: Request[Any, Any, State], data: w.ListFolderCreateRequest
    ) -> w.ListFolderCreateResponse:
        ctx = await lists_context(request)
        parent = None if data.parent_folder_id is None else str(data.parent_folder_id)
        node = await list_folders.create_folder(ctx, data.name, parent)
        return w.ListFolderCreateResponse(public_folder(node))

    @put(
        "/move-list",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Move a list into a folder",
    )
    async def move_list(self, request: Request[Any, Any, State], data: w.ListMoveRequest) -> None:
        ctx = await lists_context(request)
        await list_folders.move_list(ctx, str(data.list_id), str(data.new_folder_id))

    @delete(FOLDER, opt=WRITE, status_code=HTTP_204_NO_CONTENT, responses=error_responses())
    async def remove(self, request: Request[Any, Any, State], folder_id: str) -> None:
        await list_folders.delete_folder(await lists_context(request), folder_id)

    @put(
        f"{FOLDER}/move/{{new_parent_folder_id:str}}",
        opt=WRITE,
        responses=error_responses(),
        summary="Move a folder",
    )
    async def move(
        self, request: Request[Any, Any, State], folder_id: str, new_parent_folder_id: str
    ) -> w.ListFolderFetchResponse:
        ctx = await lists_context(request)
        node = await list_folders.move_folder(ctx, folder_id, new_parent_folder_id)
        return w.ListFolderFetchResponse(public_folder(node))

    @put(f"{FOLDER}/rename", opt=WRITE, responses=error_responses(), summary="Rename a folder")
    async def rename(
        self,
        request: Request[Any, Any, State],
        folder_id: str,
        new_folder_name: str | None = Parameter(
            query="newFolderName", default=None, required=False
        ),
    ) -> w.ListFolderFetchResponse:
        ctx = await lists_context(request)
        node = await list_folders.rename_folder(ctx, folder_id, new_folder_name)
        return w.ListFolderFetchResponse(public_folder(node))
