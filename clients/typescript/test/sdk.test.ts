/**
 * The TypeScript client against the real server (run by .ci/sdk.sh): a token by client
 * credentials, the valid report submitted, its receipt verified as docs/platforms.md tells a
 * platform to (with jose, not the portal's code), and its `report.received` webhook received by a
 * receiver this test runs and verified with the official Standard Webhooks library.
 *
 * PORTAL_URL, CLIENT_ID and CLIENT_SECRET (a test-mode credential, whose endpoints may be
 * loopback) and REPORT_FILE (tests/fixtures/valid_report.json) come from the environment.
 */
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from "jose";
import { Webhook } from "standardwebhooks";
import { submitReport } from "../example.js";
import { type Schemas, signIn } from "../src/index.js";

const PORTAL = process.env.PORTAL_URL!;

/** One request as the receiver got it. */
interface Delivery {
  headers: Record<string, string>;
  body: string;
}

/** An HTTP server on loopback answering 204; `next` resolves with the first request it gets. */
async function receiver(): Promise<{ url: string; next: Promise<Delivery>; close: () => void }> {
  let deliver: (delivery: Delivery) => void = () => {};
  const next = new Promise<Delivery>((resolve) => (deliver = resolve));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      deliver({ headers: request.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/portal-events`, next, close: () => server.close() };
}

/** JSON with object keys sorted and no whitespace, as the receipt's `body_sha256` is taken over. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The receipt's claims once its EdDSA signature is verified with the key its `kid` names. */
async function verifyReceipt(receipt: string, jwks: JSONWebKeySet): Promise<Record<string, unknown>> {
  const { payload, protectedHeader } = await compactVerify(receipt, createLocalJWKSet(jwks), {
    algorithms: ["EdDSA"],
  });
  assert.equal(protectedHeader.typ, "report-receipt+jwt");
  return JSON.parse(new TextDecoder().decode(payload));
}

test("submit, verify the receipt and receive the webhook", async () => {
  const client = await signIn(PORTAL, process.env.CLIENT_ID!, process.env.CLIENT_SECRET!);
  const hook = await receiver();
  try {
    const registered = await client.POST("/api/v1/webhooks", {
      body: { url: hook.url, event_types: ["report.received"] },
    });
    assert.ok(registered.data, JSON.stringify(registered.error));
    const endpoint = registered.data;
    try {
      const report = JSON.parse(readFileSync(process.env.REPORT_FILE!, "utf8")) as Schemas["NewReport"];
      report.external_id = `sdk-typescript-${randomUUID()}`;
      const receipt = await submitReport(client, report);

      const keys = await client.GET("/.well-known/jwks.json");
      assert.ok(keys.data);
      const jwks = keys.data as unknown as JSONWebKeySet;
      const claims = await verifyReceipt(receipt.receipt, jwks);
      assert.equal(claims.report_id, receipt.id);
      assert.equal(claims.external_id, report.external_id);
      assert.equal(claims.body_sha256, createHash("sha256").update(canonical(report), "utf8").digest("hex"));
      const forged = receipt.receipt.slice(0, -4) + (receipt.receipt.endsWith("AAAA") ? "BBBB" : "AAAA");
      await assert.rejects(verifyReceipt(forged, jwks));

      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("no webhook within 30 s")), 30_000).unref(),
      );
      const delivery = await Promise.race([hook.next, timeout]);
      const event = new Webhook(endpoint.secret).verify(delivery.body, delivery.headers) as {
        id: string;
        type: string;
        data: unknown;
      };
      assert.equal(event.type, "report.received");
      assert.equal(delivery.headers["webhook-id"], event.id);
      assert.deepEqual(event.data, { report_id: receipt.id, external_id: report.external_id, status: "received" });
      assert.throws(() => new Webhook(endpoint.secret).verify(delivery.body.replace("received", "purged"), delivery.headers));
    } finally {
      await client.DELETE("/api/v1/webhooks/{id}", { params: { path: { id: endpoint.id } } });
    }
  } finally {
    hook.close();
  }
});
