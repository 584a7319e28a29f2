"""Ingestion endpoints: submit reports (`POST /api/reports/`) and follow their jobs, one at a time
(`GET /api/jobs/{id}/`) or a whole upload at once (`GET /api/batches/{uuid}/`). Receiving only
stores the bytes and queues jobs, so the answer is 202 Accepted with the URLs of the jobs and of
their batch; the workers do the parsing."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db.models import Count
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from cases.api.permissions import TokenWriteModelPermissions
from cases.api.serializers import ErrorSerializer
from cases.models import Case, IngestJob, Report
from ingest.formats import FORMATS
from ingest.services.receive import reports_receive
from registry.parsers import (
    PayloadTooLarge,
    RawJSON,
    SafeFormParser,
    SafeJSONParser,
    SafeMultiPartParser,
    loads,
)

# Room for the JSON around a report's text (`{"text": …, "citation": …}`) beyond INGEST_MAX_BYTES.
JSON_ENVELOPE_BYTES = 64 * 1024


class StringField(serializers.CharField):
    """A JSON string and nothing else: DRF's CharField would turn `0` or `1.5` into "0" or "1.5",
    which the schema (`type: string`) does not allow."""

    default_error_messages = {"invalid": "Not a string: expected a JSON string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CitationSerializer(serializers.Serializer):
    title = StringField(required=False, allow_blank=True)
    journal = StringField(required=False, allow_blank=True, max_length=500)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1800, max_value=2100)
    pmid = StringField(required=False, allow_blank=True, max_length=20)
    doi = StringField(required=False, allow_blank=True, max_length=200)
    authors = serializers.ListField(child=StringField(), required=False)


class TextSubmissionSerializer(serializers.Serializer):
    text = StringField(trim_whitespace=False, help_text="The report text (any language)")
    citation = CitationSerializer(required=False)
    filename = StringField(required=False, max_length=200, help_text="Name to record, e.g. report.txt")


class FileSubmissionSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=f"A report file: {FORMATS.describe()}")
    citation = serializers.CharField(
        required=False,
        help_text="Optional citation as a JSON object (title, journal, year, pmid, doi, authors)",
    )


class JobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What a completed job could not keep or check exactly (codes not in the loaded release…)",
    )
    report = serializers.IntegerField(source="report_id", allow_null=True, read_only=True)
    cases = serializers.SerializerMethodField()

    class Meta:
        model = IngestJob
        fields = [
            "id",
            "url",
            "status",
            "filename",
            "error",
            "warnings",
            "report",
            "cases",
            "batch",
            "attempts",
            "queued_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_url(self, job: IngestJob) -> str:
        return reverse("ingest_api:job-detail", args=[job.pk], request=self.context.get("request"))

    def get_cases(self, job: IngestJob) -> list[int]:
        if not job.report_id or job.status not in (IngestJob.Status.DONE, IngestJob.Status.DUPLICATE):
            return []
        return list(
            Case.objects.filter(report_id=job.report_id).order_by("ordinal").values_list("id", flat=True)
        )


ReceiptSerializer = inline_serializer(
    "IngestReceipt",
    fields={
        "batch": serializers.UUIDField(),
        "batch_url": serializers.URLField(help_text="URL of the batch's status: every job of this upload"),
        "job": serializers.URLField(help_text="URL of the first (usually only) job"),
        "jobs": JobSerializer(many=True),
    },
)


def _is_phenopacket(payload: object) -> bool:
    items = payload if isinstance(payload, list) else [payload]
    return bool(items) and all(isinstance(item, dict) and "metaData" in item for item in items)


class ReportReceiveView(APIView):
    # Writes come from programs: a token of a user holding `cases.add_report` (see
    # cases.api.permissions); a logged-in browser session alone is not enough.
    permission_classes = [TokenWriteModelPermissions]
    queryset = Report.objects.none()  # tells the model-permission check which model is written
    parser_classes = [SafeMultiPartParser, SafeFormParser, SafeJSONParser]
    # A JSON body is a report (a phenopacket, or text with its citation): it may be as large as a
    # report may be, with room for the JSON around a text; it is stored exactly as sent.
    keep_raw_json = True
    max_json_body_setting = "INGEST_MAX_BYTES; send larger reports as a multipart file"

    @property
    def max_json_body(self) -> int:
        return settings.INGEST_MAX_BYTES + JSON_ENVELOPE_BYTES

    @extend_schema(
        operation_id="reports_create",
        summary="Submit a case report for ingestion",
        description=(
            'Multipart upload of a file, or JSON `{"text": ..., "citation": {...}}`, or a GA4GH '
            "phenopacket v2 JSON object (or array) as the body. A .zip or multi-line .jsonl gives one "
            "job per document. Identical bytes submitted again give a job with status `duplicate`. "
            "A JSON body may be as large as a report (INGEST_MAX_BYTES, plus 64 KiB for the JSON "
            "around a text) and nest at most 100 levels; send larger reports as a multipart file. "
            "The receipt links the batch (`batch_url`): one URL for how all its jobs went."
        ),
        request={
            "multipart/form-data": FileSubmissionSerializer,
            "application/json": TextSubmissionSerializer,
        },
        responses={
            202: OpenApiResponse(ReceiptSerializer, description="Stored and queued"),
            400: OpenApiResponse(
                ErrorSerializer,
                description="Nothing usable in the request, malformed or too deeply nested JSON",
            ),
            401: OpenApiResponse(ErrorSerializer, description="Not authenticated: send a token"),
            403: OpenApiResponse(ErrorSerializer, description="The token's user may not add reports"),
            413: OpenApiResponse(
                ErrorSerializer,
                description="A file larger than INGEST_MAX_ZIP_TOTAL_BYTES (and INGEST_MAX_BYTES), or a "
                "JSON body larger than INGEST_MAX_BYTES plus 64 KiB; the message names the limit",
            ),
        },
        # Writes need a token (TokenWriteModelPermissions): a browser session is not enough.
        auth=[{"tokenAuth": []}],
        examples=[
            OpenApiExample(
                "Text with citation",
                value={"text": "A 40-year-old woman with calcinosis…", "citation": {"pmid": "12345678"}},
                request_only=True,
            )
        ],
        tags=["ingestion"],
    )
    def post(self, request: Request) -> Response:
        data, filename, citation = self._submission(request)
        jobs = reports_receive(
            data=data, filename=filename, citation=citation, user=request.user, batch=uuid.uuid4()
        )
        payload = JobSerializer(jobs, many=True, context={"request": request}).data
        batch_url = reverse("ingest_api:batch-detail", args=[jobs[0].batch], request=request)
        body = {"batch": jobs[0].batch, "batch_url": batch_url, "job": payload[0]["url"], "jobs": payload}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": payload[0]["url"]})

    def _submission(self, request: Request) -> tuple[bytes, str, dict | None]:
        if request.content_type.startswith("application/json"):
            return self._json_submission(request)
        upload = request.FILES.get("file")
        if upload is not None:
            # Over the largest size any reader accepts, the bytes are refused before being read
            # into memory; below it, a file too large for its kind becomes a failed job.
            ceiling = max(settings.INGEST_MAX_BYTES, settings.INGEST_MAX_ZIP_TOTAL_BYTES)
            if upload.size is not None and upload.size > ceiling:
                raise PayloadTooLarge(f"{upload.name} is {upload.size:,} bytes; the limit is {ceiling:,}")
            citation = None
            if request.data.get("citation"):
                try:
                    raw_citation = loads(request.data["citation"])
                except ParseError as error:
                    raise serializers.ValidationError({"citation": f"not a JSON object: {error}"}) from None
                serializer = CitationSerializer(data=raw_citation)
                serializer.is_valid(raise_exception=True)
                citation = dict(serializer.validated_data)
            return upload.read(), upload.name or "upload", citation
        raise serializers.ValidationError(
            {"file": "send a multipart `file`, or JSON with `text`, or a phenopacket JSON body"}
        )

    def _json_submission(self, request: Request) -> tuple[bytes, str, dict | None]:
        # The parser keeps the bytes (keep_raw_json): a phenopacket is stored exactly as sent,
        # not as a re-serialisation of the parsed JSON.
        sent = request.data
        if not isinstance(sent, RawJSON):  # an empty body
            raise serializers.ValidationError({"body": "the JSON body is empty"})
        body, payload = sent.raw, sent.value
        if _is_phenopacket(payload):
            return body, "phenopacket.json", None
        serializer = TextSubmissionSerializer(data=payload)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        # Text sent as JSON is plain text whatever name it is given.
        plain = FORMATS.default
        name = values.get("filename") or f"submitted{plain.suffixes[0]}"
        if not name.lower().endswith(plain.suffixes):
            name += plain.suffixes[0]
        return values["text"].encode("utf-8"), name, dict(values.get("citation") or {}) or None


BIGINT_MAX = 2**63 - 1  # job ids are PostgreSQL bigints: a larger bound would fail in the database


class JobDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="jobs_retrieve",
        summary="Status of an ingestion job",
        responses={
            200: JobSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such job (or not yours)"),
        },
        tags=["ingestion"],
    )
    def get(self, request: Request, pk: int) -> Response:
        if pk > BIGINT_MAX:  # no such id can exist, and PostgreSQL would refuse the comparison
            raise NotFound()
        job = get_object_or_404(_visible_jobs(request), pk=pk)
        return Response(JobSerializer(job, context={"request": request}).data)


def _visible_jobs(request: Request):
    """A client sees the jobs it submitted; staff see all of them."""
    jobs = IngestJob.objects.all()
    return jobs if request.user.is_staff else jobs.filter(created_by=request.user)


FAILURES_PAGE = 100
FAILURES_PAGE_MAX = 1000


class BatchFailureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    filename = serializers.CharField()
    error = serializers.CharField()


class BatchWarningSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    filename = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())


class BatchCountsSerializer(serializers.Serializer):
    queued = serializers.IntegerField()
    running = serializers.IntegerField()
    done = serializers.IntegerField()
    failed = serializers.IntegerField()
    duplicate = serializers.IntegerField()


class BatchSerializer(serializers.Serializer):
    batch = serializers.UUIDField()
    url = serializers.URLField()
    total = serializers.IntegerField(help_text="Jobs in the batch")
    counts = BatchCountsSerializer(help_text="Jobs by status")
    finished = serializers.BooleanField(help_text="No job is queued or running any more")
    failures = BatchFailureSerializer(
        many=True, help_text="Failed jobs in id order, a page at a time (`failures_limit`)"
    )
    failures_next = serializers.URLField(
        allow_null=True, help_text="The next page of failures, or null when this is the last"
    )
    with_warnings = serializers.IntegerField(help_text="Jobs that completed with warnings")
    warnings = BatchWarningSerializer(
        many=True, help_text="The first jobs with warnings, in id order (as many as `failures_limit`)"
    )


class BatchDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="batches_retrieve",
        summary="Status of an upload: its jobs counted by status, the failures listed",
        description=(
            "One URL per upload (the `batch_url` of the receipt): how many of its jobs are queued, "
            "running, done, failed or duplicate, and the failed jobs with their errors, "
            f"{FAILURES_PAGE} a page by default (`failures_limit` up to {FAILURES_PAGE_MAX}, then "
            "follow `failures_next`)."
        ),
        parameters=[
            OpenApiParameter(
                "failures_limit",
                {"type": "integer", "minimum": 1, "maximum": FAILURES_PAGE_MAX},
                description=f"Failures per page (1-{FAILURES_PAGE_MAX})",
            ),
            OpenApiParameter(
                "failures_after",
                {"type": "integer", "minimum": 0, "maximum": BIGINT_MAX},
                description="Failures with a job id above this (from failures_next)",
            ),
        ],
        responses={
            200: BatchSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="A paging parameter is not a whole number in range"
            ),
            401: OpenApiResponse(ErrorSerializer, description="Not authenticated"),
            404: OpenApiResponse(ErrorSerializer, description="No such batch (or none of its jobs is yours)"),
        },
        tags=["ingestion"],
    )
    def get(self, request: Request, batch: uuid.UUID) -> Response:
        jobs = _visible_jobs(request).filter(batch=batch)
        counts = dict(jobs.order_by().values_list("status").annotate(n=Count("id")))
        if not counts:
            raise NotFound("No such batch (or none of its jobs is yours).")
        limit = _whole_number(request, "failures_limit", FAILURES_PAGE, 1, FAILURES_PAGE_MAX)
        after = _whole_number(request, "failures_after", 0, 0, BIGINT_MAX)
        page = list(
            jobs.filter(status=IngestJob.Status.FAILED, pk__gt=after)
            .order_by("pk")
            .values("id", "filename", "error")[: limit + 1]
        )
        more, page = len(page) > limit, page[:limit]
        for failure in page:
            failure["url"] = reverse("ingest_api:job-detail", args=[failure["id"]], request=request)
        url = reverse("ingest_api:batch-detail", args=[batch], request=request)
        next_url = f"{url}?failures_limit={limit}&failures_after={page[-1]['id']}" if more else None
        warned = jobs.exclude(warnings=[]).order_by("pk")
        warning_page = list(warned.values("id", "filename", "warnings")[:limit])
        for job in warning_page:
            job["url"] = reverse("ingest_api:job-detail", args=[job["id"]], request=request)
        body = {
            "batch": batch,
            "url": url,
            "total": sum(counts.values()),
            "counts": {value: counts.get(value, 0) for value in IngestJob.Status.values},
            "finished": not (counts.get(IngestJob.Status.QUEUED) or counts.get(IngestJob.Status.RUNNING)),
            "failures": page,
            "failures_next": next_url,
            "with_warnings": warned.count(),
            "warnings": warning_page,
        }
        return Response(BatchSerializer(body).data)


def _whole_number(request: Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise serializers.ValidationError({name: "a whole number"}) from None
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise serializers.ValidationError({name: f"{bound}"})
    return value
