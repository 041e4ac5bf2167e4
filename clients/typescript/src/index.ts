/**
 * The report portal's API client: openapi-fetch, typed by `schema.d.ts`, which openapi-typescript
 * generates from openapi/openapi.json (see .ci/sdk.sh). Every path, body and answer is typed.
 */
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, paths };
/** The document's schemas, e.g. `Schemas["NewReport"]`. */
export type Schemas = components["schemas"];
/** A client of every operation of the API. */
export type PortalClient = Client<paths>;

/** A client of the portal at `baseUrl` (e.g. `https://portal.example`), sending `accessToken` when given. */
export function portalClient(baseUrl: string, accessToken?: string): PortalClient {
  const headers: Record<string, string> = accessToken ? { authorization: `Bearer ${accessToken}` } : {};
  return createClient<paths>({ baseUrl, headers });
}

/** A client carrying an access token of the client credentials grant (RFC 6749 §4.4). */
export async function signIn(baseUrl: string, clientId: string, clientSecret: string): Promise<PortalClient> {
  const { data, error } = await portalClient(baseUrl).POST("/api/v1/auth/token", {
    body: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret },
    headers: { "content-type": "application/x-www-form-urlencoded" },
    bodySerializer: (form) => new URLSearchParams(form as Record<string, string>).toString(),
  });
  if (!data) throw new Error(`no token: ${JSON.stringify(error)}`);
  return portalClient(baseUrl, data.access_token);
}
