"""Bedrock Data Automation projects and blueprints (moto has no such service).

The service (botocore ``bedrock-data-automation`` model 2023-07-26, endpoint prefix
``bedrock-data-automation``) signs as ``bedrock``, so moto's server would route it to its
Bedrock backend; :func:`patch_data_automation` adds a small backend of its own, reachable
both in-process (moto's URL index) and through moto's HTTP server (the signing-name routing).
"""

from __future__ import annotations

import json
import re
import sys
import types
from typing import Any

from aiposture.demo.moto_ext.bedrock_inventory import resource_id
from aiposture.demo.moto_ext.common import iso, patch, utcnow

__all__ = ["patch_data_automation"]

_MODULE = "moto.bedrockdataautomation"
_URL_BASE = r"https?://bedrock-data-automation\.(.+)\.amazonaws\.com"
_MAX_RESULTS = 1000


def patch_data_automation() -> None:
    """Emulate the Data Automation writes the demo uses and the two listings aiposture sends.

    As the botocore model and the API Reference
    (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_Operations_Data_Automation_for_Amazon_Bedrock.html)
    say:

    - ``CreateDataAutomationProject`` (PUT /data-automation-projects/; response projectArn,
      projectStage, status) creates a ``DEVELOPMENT`` project (``projectStage`` default).
    - ``CreateBlueprint`` (PUT /blueprints/; response ``blueprint``) creates a ``DEVELOPMENT``
      blueprint.
    - ``ListDataAutomationProjects`` (POST /data-automation-projects/) and ``ListBlueprints``
      (POST /blueprints/): body members ``maxResults`` (1-1000), ``nextToken``,
      ``projectStageFilter``/``blueprintStageFilter`` (DEVELOPMENT, LIVE, ALL) and
      ``resourceOwner`` (SERVICE, ACCOUNT: ``SERVICE`` adds the AWS-managed blueprints,
      here one, ``ACCOUNT`` only the account's own). Summaries (DataAutomationProjectSummary,
      BlueprintSummary) carry the required ``projectArn``/``blueprintArn`` and
      ``creationTime``.
    """
    if _MODULE in sys.modules:
        return
    import moto.backend_index as backend_index
    from moto.core.base_backend import BackendDict, BaseBackend
    from moto.core.exceptions import JsonRESTError
    from moto.core.responses import BaseResponse
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.utilities.utils import get_partition

    from aiposture.collect.botocore_data import data_session

    class DataAutomationBackend(BaseBackend):
        """Projects and blueprints of one account in one region."""

        def __init__(self, region_name: str, account_id: str) -> None:
            super().__init__(region_name, account_id)
            self.projects: list[dict[str, Any]] = []
            self.blueprints: list[dict[str, Any]] = []

        @property
        def _url_module(self) -> Any:
            return urls

        def arn(self, resource: str) -> str:
            partition = get_partition(self.region_name)
            return f"arn:{partition}:bedrock:{self.region_name}:{self.account_id}:{resource}"

    # botocore's endpoint data does not describe the service (its endpoints come from rules
    # only), so moto would know no region for it: take every region of moto's Bedrock.
    # Every partition's, as moto does for its own services (a GovCloud or China scan reads
    # Data Automation wherever Bedrock is offered).
    session = data_session()
    regions = sorted(
        {
            region
            for partition in session.get_available_partitions()
            for service in ("bedrock", "ec2")
            for region in session.get_available_regions(service, partition_name=partition)
        }
    )
    backends = BackendDict(
        DataAutomationBackend,
        "bedrock-data-automation",
        use_boto3_regions=False,
        additional_regions=regions,
    )

    def validation(message: str) -> JsonRESTError:
        error = JsonRESTError("ValidationException", message)
        error.code = 400
        return error

    class DataAutomationResponse(BaseResponse):
        """Handler for Bedrock Data Automation requests."""

        def __init__(self) -> None:
            super().__init__(service_name="bedrock-data-automation")

        @property
        def backend(self) -> DataAutomationBackend:
            return backends[self.current_account][self.region]

        def params(self) -> dict[str, Any]:
            return dict(json.loads(self.body or "{}"))

        def page(self, items: list[dict[str, Any]], key: str, stage_key: str) -> str:
            params = self.params()
            limit = int(params.get("maxResults") or _MAX_RESULTS)
            if not 1 <= limit <= _MAX_RESULTS:
                raise validation(f"maxResults must be between 1 and {_MAX_RESULTS}.")
            stage = params.get(stage_key) or "ALL"
            owner = params.get("resourceOwner")
            found = [
                i
                for i in items
                if (stage == "ALL" or i["stage"] == stage) and (not owner or i["owner"] == owner)
            ]
            start = int(params.get("nextToken") or 0)
            out: dict[str, Any] = {key: [i["summary"] for i in found[start : start + limit]]}
            if start + limit < len(found):
                out["nextToken"] = str(start + limit)
            return json.dumps(out)

        def create_data_automation_project(self) -> Any:
            params = self.params()
            stage = params.get("projectStage") or "DEVELOPMENT"
            backend = self.backend
            project_id = resource_id(
                backend.account_id, backend.region_name, "project", params["projectName"]
            )
            project_arn = backend.arn(f"data-automation-project/{project_id}")
            summary = {
                "projectArn": project_arn,
                "projectStage": stage,
                "projectName": params["projectName"],
                "creationTime": iso(utcnow()),
            }
            self.backend.projects.append({"summary": summary, "stage": stage, "owner": "ACCOUNT"})
            body = {"projectArn": project_arn, "projectStage": stage, "status": "COMPLETED"}
            return 201, {}, json.dumps(body)

        def create_blueprint(self) -> Any:
            params = self.params()
            stage = params.get("blueprintStage") or "DEVELOPMENT"
            now = iso(utcnow())
            blueprint = {
                "blueprintArn": self.backend.arn(
                    "blueprint/"
                    + resource_id(
                        self.backend.account_id,
                        self.backend.region_name,
                        "blueprint",
                        params["blueprintName"],
                    )
                ),
                "blueprintName": params["blueprintName"],
                "blueprintStage": stage,
                "type": params["type"],
                "schema": params["schema"],
                "creationTime": now,
                "lastModifiedTime": now,
            }
            summary = {
                k: blueprint[k]
                for k in (
                    "blueprintArn",
                    "blueprintStage",
                    "blueprintName",
                    "creationTime",
                    "lastModifiedTime",
                )
            }
            self.backend.blueprints.append({"summary": summary, "stage": stage, "owner": "ACCOUNT"})
            return 201, {}, json.dumps({"blueprint": blueprint})

        def list_data_automation_projects(self) -> str:
            return self.page(self.backend.projects, "projects", "projectStageFilter")

        def list_blueprints(self) -> str:
            partition = get_partition(self.region)
            service_blueprint = {
                "summary": {
                    "blueprintArn": f"arn:{partition}:bedrock:{self.region}:aws:blueprint/"
                    "bedrock-data-automation-public-invoice",
                    "blueprintStage": "LIVE",
                    "blueprintName": "Invoice",
                    "creationTime": "2024-11-01T00:00:00Z",
                },
                "stage": "LIVE",
                "owner": "SERVICE",
            }
            return self.page(
                [service_blueprint, *self.backend.blueprints], "blueprints", "blueprintStageFilter"
            )

    urls = types.SimpleNamespace(
        url_bases=[_URL_BASE], url_paths={"{0}/.*$": DataAutomationResponse.dispatch}
    )
    module = types.ModuleType(_MODULE)
    module.bedrockdataautomation_backends = backends  # type: ignore[attr-defined]
    sys.modules[_MODULE] = module
    backend_index.backend_url_patterns.append(("bedrockdataautomation", re.compile(_URL_BASE)))

    original_infer = DomainDispatcherApplication.infer_service_region_host

    def infer_service_region_host(self: Any, environ: dict[str, Any], path: str) -> str | None:
        """Requests signed ``bedrock`` whose route is a Data Automation operation go there."""
        host = original_infer(self, environ, path)
        if host is None or not host.startswith("bedrock."):
            return host
        from moto.core.request import Request
        from moto.core.routing import get_service_router
        from werkzeug.exceptions import NotFound

        # moto's own routing of restJson requests (moto.core.routing, the same router its
        # responses use: 5.2.5 named the method that calls it _get_action_from_method_and_
        # request_uri, 5.2.6 _get_action_from_request), called directly so that the probe
        # does not depend on that private method's name
        try:
            get_service_router("bedrock-data-automation").match(Request(environ.copy()))
        except (NotFound, NotImplementedError):
            return host
        return "bedrock-data-automation" + host[len("bedrock") :]

    patch(DomainDispatcherApplication, "infer_service_region_host", infer_service_region_host)
