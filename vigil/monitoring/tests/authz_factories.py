"""Drafts for the generated authorisation matrix (tests/test_authz_matrix.py)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from vigil.accounts.models import Team, User
from vigil.testing.authz import NOT_OBJECT_ENDPOINTS, object_endpoint

POST_ONLY = "POST-only; an outsider's POST is answered 404 in vigil/monitoring/tests/test_views.py"
for name in ("monitoring:decide_field", "monitoring:accept", "monitoring:reject", "monitoring:merge"):
    NOT_OBJECT_ENDPOINTS[name] = POST_ONLY


@object_endpoint("monitoring:draft", "api:get_draft", "GET /api/monitoring/drafts/{draft_id}")
def draft_of_the_team(team: Team, member: User) -> dict[str, Any]:
    from vigil.monitoring.ingest import ingest_files
    from vigil.monitoring.models import Draft
    from vigil.monitoring.tests.reports import EN_REPORT

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "report.txt"
        path.write_text(EN_REPORT, encoding="utf-8")
        ingest_files([path], team=team, reference_date=date(2025, 3, 4), progress=False)
    return {"draft_id": Draft.objects.filter(team=team).latest("created_at").pk}
