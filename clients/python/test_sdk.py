"""The Python client against the real server (run by .ci/sdk.sh): a token by client credentials,
the valid report submitted, its receipt verified as docs/platforms.md tells a platform to (with
jwcrypto, not the portal's code), and its `report.received` webhook received by a receiver this
test runs and verified with the official Standard Webhooks library.

PORTAL_URL, CLIENT_ID and CLIENT_SECRET (a test-mode credential, whose endpoints may be loopback)
and REPORT_FILE (tests/fixtures/valid_report.json) come from the environment.
"""

import hashlib
import json
import os
import queue
import threading
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from jwcrypto import jwk, jws
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from example import sign_in, submit_report
from report_portal_client.api.auth import jwks
from report_portal_client.api.webhooks import create_webhook, delete_webhook
from report_portal_client.models import EventType, Jwks, NewEndpoint, NewReport, RegisteredEndpoint

PORTAL = os.environ["PORTAL_URL"]


class Receiver:
    """An HTTP server on loopback that keeps every request's headers and raw body, answering 204."""

    def __init__(self) -> None:
        self.requests: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        received = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                received.put((dict(self.headers.items()), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/portal-events"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def canonical_sha256(body: dict) -> str:
    """SHA-256 of a body in canonical JSON: keys sorted, no whitespace, UTF-8."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def verify_receipt(receipt: str, keys: Jwks) -> dict:
    """The receipt's claims once its EdDSA signature is verified with the key its `kid` names."""
    signed = jws.JWS()
    signed.deserialize(receipt)
    header = signed.jose_header
    assert header["alg"] == "EdDSA" and header["typ"] == "report-receipt+jwt", header
    key = next(k for k in keys.keys if k.kid == header["kid"])
    signed.verify(jwk.JWK(**key.to_dict()), alg="EdDSA")  # raises InvalidJWSSignature
    return json.loads(signed.payload)


class SdkTest(unittest.TestCase):
    def test_submit_verify_the_receipt_and_receive_the_webhook(self) -> None:
        client = sign_in(PORTAL, os.environ["CLIENT_ID"], os.environ["CLIENT_SECRET"])
        receiver = Receiver()
        self.addCleanup(receiver.close)
        endpoint = create_webhook.sync(
            client=client, body=NewEndpoint(url=receiver.url, event_types=[EventType.REPORT_RECEIVED])
        )
        self.assertIsInstance(endpoint, RegisteredEndpoint, endpoint)
        self.addCleanup(delete_webhook.sync_detailed, endpoint.id, client=client)

        with open(os.environ["REPORT_FILE"], encoding="utf-8") as file:
            fixture = json.load(file)
        fixture["external_id"] = f"sdk-python-{uuid.uuid4()}"
        report = NewReport.from_dict(fixture)
        receipt = submit_report(client, report)

        keys = jwks.sync(client=client)
        self.assertIsInstance(keys, Jwks)
        claims = verify_receipt(receipt.receipt, keys)
        self.assertEqual(claims["report_id"], receipt.id)
        self.assertEqual(claims["external_id"], fixture["external_id"])
        self.assertEqual(claims["body_sha256"], canonical_sha256(report.to_dict()))
        forged = receipt.receipt[:-4] + ("AAAA" if not receipt.receipt.endswith("AAAA") else "BBBB")
        with self.assertRaises(jws.InvalidJWSSignature):
            verify_receipt(forged, keys)

        headers, body = receiver.requests.get(timeout=30)
        event = Webhook(endpoint.secret).verify(body, headers)
        self.assertEqual(event["type"], "report.received")
        self.assertEqual(headers["webhook-id"], event["id"])
        self.assertEqual(
            event["data"], {"report_id": receipt.id, "external_id": fixture["external_id"], "status": "received"}
        )
        with self.assertRaises(WebhookVerificationError):
            Webhook(endpoint.secret).verify(body.replace(b"received", b"purged"), headers)


if __name__ == "__main__":
    unittest.main()
