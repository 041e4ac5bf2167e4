"""Partner sharing checked with the OASIS tools, against the running server binary.

Run by .ci/stix.sh (which installs the pinned tools into .ci/.venv and starts the server):
    python tests/stix_tools.py BIN URL

- every bundle the portal produces (one share per indicator kind, one of everything under each
  TLP 2.0 marking, a withdrawn one) validates with 0 errors and 0 warnings in the OASIS
  stix2-validator and parses with the OASIS stix2 library;
- taxii2-client, as a partner's platform: discovery, the API root, collections, paging through
  more than 1 000 objects added after a given time, the manifest, one object's versions after a
  withdrawal; a partner without the grant sees neither the collection nor its objects (404); a
  platform's token and an analyst's token are refused (401);
- privacy: no bundle holds the submitter's contact, summary or excerpts; a retracted report
  cannot be shared.
"""

import json
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone

import requests
import stix2
from requests.auth import AuthBase
from stix2validator import ValidationOptions, validate_string
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

BIN, URL = sys.argv[1], sys.argv[2].rstrip("/")
API = URL + "/api/v1"
PASSWORD = "correct horse battery staple stix 7f3a"
CONTACT = {"name": "Trust Desk Zulu", "email": "desk-zulu@example.com", "phone": "+1 415 555 0199"}
SUMMARY = "Account posted job offers promising high pay for guard work with travel north."
EXCERPT = "Se buscan jovenes para trabajo de vigilancia, excelente paga"
checked = []


def cli(*args, stdin=None):
    out = subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


class Bearer(AuthBase):
    def __init__(self, token):
        self.token = token

    def __call__(self, request):
        request.headers["Authorization"] = "Bearer " + self.token
        return request


def client_token(client_id, secret):
    answer = requests.post(API + "/auth/token", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
    answer.raise_for_status()
    return answer.json()["access_token"]


def staff_token(role):
    email = f"{role}-{uuid.uuid4().hex[:8]}@dhs.example"
    cli("user", "create", "--email", email, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
    answer = requests.post(API + "/auth/login", json={"email": email, "password": PASSWORD})
    answer.raise_for_status()
    return answer.json()["access_token"]


def call(method, path, token, body=None, expect=200):
    answer = requests.request(method, API + path, json=body,
                              headers={"Authorization": "Bearer " + token})
    assert answer.status_code == expect, f"{method} {path}: {answer.status_code} {answer.text}"
    return answer.json() if answer.content else None


def report(accounts, content=()):
    return {
        "external_id": "stix-" + uuid.uuid4().hex,
        "service": "Example Chat",
        "category": "recruitment",
        "severity": "high",
        "suspected_groups": ["sinaloa", "ms13", "unknown"],
        "summary": SUMMARY,
        "detection_method": "user_report",
        "detected_at": "2026-11-20T14:30:00Z",
        "accounts": list(accounts),
        "content": list(content),
        "contact": CONTACT,
    }


def account(**fields):
    return {"platform_account_id": "acct-" + uuid.uuid4().hex[:12], "role": "recruiter",
            "action_taken": "banned", **fields}


def media(**fields):
    return {"content_type": "image", "preserved": True, "removed": False,
            "text_excerpt": EXCERPT, **fields}


def validate(bundle, label):
    """0 errors and 0 warnings in stix2-validator; parsed by stix2 (the portal's extension
    defines phone-number and the x_PDQ hash, so custom content is allowed)."""
    text = json.dumps(bundle)
    for private in (CONTACT["email"], CONTACT["name"], "4155550199", "415 555", SUMMARY, EXCERPT):
        assert private not in text, f"{label}: {private!r} leaked"
    results = validate_string(text, ValidationOptions(version="2.1"))
    results = results if isinstance(results, list) else [results]
    problems = [(r.object_id, [str(e) for e in r.errors or []], [str(w) for w in r.warnings or []])
                for r in results if not r.is_valid or r.errors or r.warnings]
    assert results and not problems, f"{label}: {problems}"
    parsed = stix2.parse(text, allow_custom=True)
    assert len(parsed.objects) == len(bundle["objects"])
    checked.append((label, len(bundle["objects"]), sorted({o["type"] for o in bundle["objects"]})))


def main():
    org = cli("org", "create", "--name", "STIX Co " + uuid.uuid4().hex[:6], "--vetted")
    credential = cli("credential", "create", "--org", org["id"])
    reporter = client_token(credential["client_id"], credential["client_secret"])
    analyst = staff_token("analyst")
    partner = cli("partner", "create", "--name", "HSI C3 " + uuid.uuid4().hex[:6])
    outsider = cli("partner", "create", "--name", "Unrelated " + uuid.uuid4().hex[:6])
    collection = cli("partner", "collection", "--title", "Border " + uuid.uuid4().hex[:6])
    cli("partner", "grant", "--partner", partner["id"], "--collection", collection["id"])
    col_id = collection["id"]

    def submit(body):
        return call("POST", "/reports", reporter, body, 201)["id"]

    def share(report_id, **fields):
        return call("POST", f"/review/reports/{report_id}/shares", analyst,
                    {"collection_id": col_id, **fields}, 201)

    def bundle(report_id):
        return call("GET", f"/review/reports/{report_id}/stix", analyst)

    # One share per indicator kind, each alone.
    kinds = {
        "account": ([account()], [], "/accounts/0/platform_account_id"),
        "handle": ([account(handle="@jefe.reclutador")], [], "/accounts/0/handle"),
        "messaging handle": ([account(contact_handles=[{"type": "telegram", "value": "@tg_jefe"}])],
                             [], "/accounts/0/contact_handles/0/value"),
        "phone": ([account(contact_handles=[{"type": "whatsapp", "value": "+52 33 5555 0177"}])],
                  [], "/accounts/0/contact_handles/0/value"),
        "email": ([account(contact_handles=[{"type": "email", "value": "Jefe@Example.com"}])],
                  [], "/accounts/0/contact_handles/0/value"),
        "url": ([account(profile_url="https://chat.example.com/u/jefe?utm_source=x")], [],
                "/accounts/0/profile_url"),
        "sha256": ([account()], [media(sha256="a" * 64)], "/content/0/sha256"),
        "md5": ([account()], [media(md5="b" * 32)], "/content/0/md5"),
        "pdq": ([account()], [media(pdq="f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")],
                "/content/0/pdq"),
    }
    for kind, (accounts, content, pointer) in kinds.items():
        rid = submit(report(accounts, content))
        share(rid, tlp="green", indicators=[pointer])
        validate(bundle(rid), kind)

    # Everything at once, under each TLP 2.0 marking, one with a note.
    everything = report(
        [account(handle="@all.kinds", profile_url="https://chat.example.com/u/all",
                 contact_handles=[{"type": "phone", "value": "+52 55 5555 0123"},
                                  {"type": "email", "value": "all@example.com"},
                                  {"type": "signal", "value": "allkinds.01"}])],
        [media(url="https://chat.example.com/p/1", sha256="c" * 64, md5="d" * 32,
               pdq="f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")])
    for tlp in ("clear", "green", "amber", "amber+strict", "red"):
        rid = submit(dict(everything, external_id="stix-" + uuid.uuid4().hex))
        share(rid, tlp=tlp, note="Contact HSI desk 4 before acting.")
        validate(bundle(rid), "all kinds, TLP " + tlp)

    # A retracted report cannot be shared.
    retracted = submit(report([account()]))
    call("POST", f"/reports/{retracted}/retraction", reporter, {"reason": "filed in error"})
    call("POST", f"/review/reports/{retracted}/shares", analyst,
         {"collection_id": col_id, "tlp": "green"}, 409)

    # A partner's platform, through taxii2-client.
    token = client_token(partner["client_id"], partner["client_secret"])
    server = Server(URL + "/taxii2/", auth=Bearer(token))
    assert server.title and len(server.api_roots) == 1
    root = server.default
    assert root.versions == ["application/taxii+json;version=2.1"]
    [granted] = root.collections
    assert granted.id == col_id and granted.can_read and not granted.can_write

    # Paging through more than 1 000 objects added after a given time.
    time.sleep(0.01)
    since = datetime.now(timezone.utc)
    time.sleep(0.01)
    bulk_ids = set()
    for _ in range(4):
        rid = submit(report([account() for _ in range(100)]))
        bulk_ids.update(share(rid, tlp="amber")["object_ids"])
    pages = list(as_pages(granted.get_objects, per_request=100, added_after=since))
    seen = [o["id"] for page in pages for o in page.get("objects", [])]
    assert len(pages) > 10 and all(len(p.get("objects", [])) <= 100 for p in pages)
    assert len(seen) == len(set(seen)), "an object twice across pages"
    # The portal's shared objects (identity, extension, marking, groups) were added before.
    new_ids = {i for i in bulk_ids if not i.startswith(("identity--", "extension-definition--",
                                                          "marking-definition--", "intrusion-set--"))}
    assert new_ids <= set(seen) and len(seen) >= 1000, (len(seen), len(new_ids))
    manifest = [m for page in as_pages(granted.get_manifest, per_request=250, added_after=since)
                for m in page.get("objects", [])]
    assert sorted(m["id"] for m in manifest) == sorted(seen)
    assert all(m["media_type"] == "application/stix+json;version=2.1" for m in manifest)

    # Withdrawal: a revoked version of the report object, and two versions.
    shares = call("GET", f"/review/reports/{rid}/shares", analyst)
    call("POST", f"/review/reports/{rid}/shares/{shares[0]['id']}/withdrawal", analyst, {})
    report_id = next(i for i in shares[0]["object_ids"] if i.startswith("report--"))
    versions = granted.object_versions(report_id)["versions"]
    assert len(versions) == 2, versions
    latest = granted.get_object(report_id)["objects"][0]
    assert latest["revoked"] is True
    first = granted.get_object(report_id, version="first")["objects"][0]
    assert "revoked" not in first
    validate(bundle(rid), "withdrawn share")

    # A partner without the grant sees neither the collection nor its objects.
    other = client_token(outsider["client_id"], outsider["client_secret"])
    other_root = ApiRoot(root.url, auth=Bearer(other))
    assert other_root.collections == []
    for fetch in (lambda c: c.refresh(), lambda c: c.get_objects(), lambda c: c.get_manifest()):
        try:
            fetch(Collection(granted.url, auth=Bearer(other)))
            raise AssertionError("an ungranted collection was served")
        except requests.HTTPError as refused:
            assert refused.response.status_code == 404

    # A platform's token and an analyst's token are refused.
    for refused_token in (reporter, analyst):
        try:
            Server(URL + "/taxii2/", auth=Bearer(refused_token)).refresh()
            raise AssertionError("TAXII opened to a non-partner token")
        except requests.HTTPError as refused:
            assert refused.response.status_code == 401

    for label, count, types in checked:
        print(f"valid, 0 errors, 0 warnings: {label} ({count} objects: {', '.join(types)})")
    print(f"taxii2-client: {len(seen)} objects in {len(pages)} pages after {since.isoformat()}; "
          f"manifest {len(manifest)}; versions after withdrawal {len(versions)}; refusals 404/401")


if __name__ == "__main__":
    main()
