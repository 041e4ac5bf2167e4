"""Submits a report with the generated client and prints its id and receipt.

    PORTAL_URL=http://127.0.0.1:8080 CLIENT_ID=rp_test_... CLIENT_SECRET=... \
        python example.py report.json
"""

import json
import os
import sys

from report_portal_client import AuthenticatedClient, Client
from report_portal_client.api.auth import token
from report_portal_client.api.submission import submit
from report_portal_client.models import AccessToken, NewReport, Receipt, TokenRequest
from report_portal_client.models.token_request_grant_type import TokenRequestGrantType


def sign_in(portal: str, client_id: str, client_secret: str) -> AuthenticatedClient:
    """A client carrying an access token of the client credentials grant."""
    request = TokenRequest(
        grant_type=TokenRequestGrantType.CLIENT_CREDENTIALS, client_id=client_id, client_secret=client_secret
    )
    answer = token.sync(client=Client(base_url=portal), body=request)
    if not isinstance(answer, AccessToken):
        raise RuntimeError(f"no token: {answer}")
    return AuthenticatedClient(base_url=portal, token=answer.access_token)


def submit_report(client: AuthenticatedClient, report: NewReport) -> Receipt:
    """Submits `report`: its receipt (201, or 200 when the same report was already sent)."""
    answer = submit.sync(client=client, body=report)
    if not isinstance(answer, Receipt):
        raise RuntimeError(f"not stored: {answer}")
    return answer


def main() -> None:
    client = sign_in(os.environ["PORTAL_URL"], os.environ["CLIENT_ID"], os.environ["CLIENT_SECRET"])
    with open(sys.argv[1], encoding="utf-8") as file:
        report = NewReport.from_dict(json.load(file))
    receipt = submit_report(client, report)
    print(json.dumps({"id": receipt.id, "status": receipt.status.value, "receipt": receipt.receipt}))


if __name__ == "__main__":
    main()
