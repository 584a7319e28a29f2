"""Ingestion endpoints: submit reports (`POST /api/reports/`) and follow their jobs
(`GET /api/jobs/{id}/`). Receiving only stores the bytes and queues a job, so the answer is
202 Accepted with the job's URL; the workers do the parsing."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from cases.api.permissions import TokenWriteModelPermissions
from cases.models import Case, IngestJob, Report
from ingest.formats import FORMATS
from ingest.services.receive import reports_receive


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = "The upload is larger than the registry accepts."


class CitationSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True)
    journal = serializers.CharField(required=False, allow_blank=True, max_length=500)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1800, max_value=2100)
    pmid = serializers.CharField(required=False, allow_blank=True, max_length=20)
    doi = serializers.CharField(required=False, allow_blank=True, max_length=200)
    authors = serializers.ListField(child=serializers.CharField(), required=False)


class TextSubmissionSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, help_text="The report text (any language)")
    citation = CitationSerializer(required=False)
    filename = serializers.CharField(
        required=False, max_length=200, help_text="Name to record, e.g. report.txt"
    )


class FileSubmissionSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=f"A report file: {FORMATS.describe()}")
    citation = serializers.CharField(
        required=False,
        help_text="Optional citation as a JSON object (title, journal, year, pmid, doi, authors)",
    )


class JobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
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
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="reports_create",
        summary="Submit a case report for ingestion",
        description=(
            'Multipart upload of a file, or JSON `{"text": ..., "citation": {...}}`, or a GA4GH '
            "phenopacket v2 JSON object (or array) as the body. A .zip or multi-line .jsonl gives one "
            "job per document. Identical bytes submitted again give a job with status `duplicate`."
        ),
        request={
            "multipart/form-data": FileSubmissionSerializer,
            "application/json": TextSubmissionSerializer,
        },
        responses={
            202: OpenApiResponse(ReceiptSerializer, description="Stored and queued"),
            400: OpenApiResponse(description="Nothing usable in the request"),
            401: OpenApiResponse(description="Not authenticated"),
            413: OpenApiResponse(description="Upload larger than INGEST_MAX_ZIP_TOTAL_BYTES"),
        },
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
        body = {"batch": jobs[0].batch, "job": payload[0]["url"], "jobs": payload}
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
                    raw_citation = json.loads(request.data["citation"])
                except (TypeError, ValueError) as error:
                    raise serializers.ValidationError({"citation": f"not a JSON object: {error}"}) from None
                serializer = CitationSerializer(data=raw_citation)
                serializer.is_valid(raise_exception=True)
                citation = dict(serializer.validated_data)
            return upload.read(), upload.name or "upload", citation
        raise serializers.ValidationError(
            {"file": "send a multipart `file`, or JSON with `text`, or a phenopacket JSON body"}
        )

    def _json_submission(self, request: Request) -> tuple[bytes, str, dict | None]:
        # Read the body before DRF parses it: a phenopacket is stored exactly as sent, not as a
        # re-serialisation of the parsed JSON.
        body = request.body
        try:
            payload = json.loads(body)
        except ValueError as error:
            raise serializers.ValidationError({"body": f"malformed JSON: {error}"}) from None
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


class JobDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="jobs_retrieve",
        summary="Status of an ingestion job",
        responses={200: JobSerializer, 404: OpenApiResponse(description="No such job (or not yours)")},
        tags=["ingestion"],
    )
    def get(self, request: Request, pk: int) -> Response:
        jobs = IngestJob.objects.all()
        if not request.user.is_staff:
            # A client sees the jobs it submitted; staff see all of them.
            jobs = jobs.filter(created_by=request.user)
        job = get_object_or_404(jobs, pk=pk)
        return Response(JobSerializer(job, context={"request": request}).data)
