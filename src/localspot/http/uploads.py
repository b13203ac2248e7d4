"""The import request's multipart form, read as it streams in (``multipart``'s push
parser): the ``importRequest`` field's text, and each file part written straight to the
files store as its chunks arrive. No part is held in memory whole, and a file over the
import limit is refused (429) while it streams, without reading it all.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from multipart import MultipartSegment, ParserError, PushMultipartParser, parse_options_header

from localspot.crm.errors import HubSpotError, ValidationError
from localspot.crm.import_jobs import LimitExceeded, Upload
from localspot.crm.job_files_storage import JobFilesStorage, UploadWriter

REQUEST_FIELD = "importRequest"
MAX_REQUEST_BYTES = 1_000_000
MAX_PARTS = 64


class NotAForm(HubSpotError):
    status = 415
    category = "VALIDATION_ERROR"

    def __init__(self, media_type: str) -> None:
        super().__init__(
            f"Content type '{media_type}' not supported: send multipart/form-data",
            context={"Content-Type": [media_type]},
        )


class _Form:
    def __init__(self, files: JobFilesStorage, max_file_bytes: int) -> None:
        self.files, self.max_file_bytes = files, max_file_bytes
        self.text: bytearray | None = None
        self.uploads: list[tuple[str, UploadWriter]] = []
        self._part: MultipartSegment | None = None
        self._writer: UploadWriter | None = None

    def event(self, event: Any) -> None:
        if isinstance(event, MultipartSegment):
            self._start(event)
        elif event is None:
            self._part, self._writer = None, None
        elif self._writer is not None:
            self._writer.write(bytes(event))
            if self._writer.size > self.max_file_bytes:
                raise LimitExceeded(
                    f"A file of an import may have at most {self.max_file_bytes} bytes"
                )
        elif self._part is not None and self._part.name == REQUEST_FIELD and self.text is not None:
            self.text += event
            if len(self.text) > MAX_REQUEST_BYTES:
                raise ValidationError(f"importRequest is longer than {MAX_REQUEST_BYTES} bytes")

    def _start(self, part: MultipartSegment) -> None:
        self._part = part
        if part.filename is not None and part.name != REQUEST_FIELD:
            self._writer = self.files.new_upload()
            self.uploads.append((part.filename, self._writer))
        elif part.name == REQUEST_FIELD:
            self.text = bytearray()

    def discard(self) -> None:
        for _, writer in self.uploads:
            writer.discard()


def _boundary(request: Request[Any, Any, Any]) -> str:
    media_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get("boundary")
    if media_type != "multipart/form-data" or not boundary:
        raise NotAForm(media_type or "none")
    return str(boundary)


async def read_import_form(
    request: Request[Any, Any, Any], files: JobFilesStorage, max_file_bytes: int
) -> tuple[str | None, list[Upload]]:
    """The ``importRequest`` text (None when absent) and the uploaded files, kept by the
    files store; on any failure the uploads are discarded."""
    form = _Form(files, max_file_bytes)
    try:
        parser = PushMultipartParser(_boundary(request), max_segment_count=MAX_PARTS)
        async for chunk in request.stream():
            if chunk:
                for event in parser.parse(chunk):
                    form.event(event)
        for event in parser.parse(b""):
            form.event(event)
    except ParserError as error:
        form.discard()
        raise ValidationError(f"The body is not valid multipart/form-data: {error}") from None
    except BaseException:
        form.discard()
        raise
    text = None
    if form.text is not None:
        try:
            text = form.text.decode("utf-8")
        except UnicodeDecodeError:
            form.discard()
            raise ValidationError("importRequest is not UTF-8 text") from None
    return text, [Upload(name, writer.finish()) for name, writer in form.uploads]
