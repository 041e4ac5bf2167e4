/**
 * Submits a report with the client and prints its id and receipt:
 *
 *     PORTAL_URL=http://127.0.0.1:8080 CLIENT_ID=rp_test_... CLIENT_SECRET=... \
 *         node dist/example.js report.json
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type PortalClient, type Schemas, signIn } from "./src/index.js";

/** Submits `report`: its receipt (201, or 200 when the same report was already sent). */
export async function submitReport(client: PortalClient, report: Schemas["NewReport"]): Promise<Schemas["Receipt"]> {
  const { data, error } = await client.POST("/api/v1/reports", { body: report });
  if (!data) throw new Error(`not stored: ${JSON.stringify(error)}`);
  return data;
}

async function main(): Promise<void> {
  const client = await signIn(process.env.PORTAL_URL!, process.env.CLIENT_ID!, process.env.CLIENT_SECRET!);
  const report = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Schemas["NewReport"];
  const receipt = await submitReport(client, report);
  console.log(JSON.stringify({ id: receipt.id, status: receipt.status, receipt: receipt.receipt }));
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  await main();
}
