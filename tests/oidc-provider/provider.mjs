// A real OpenID provider on loopback for the portal's OpenID Connect tests (tests/api/oidc.rs):
// the certified `oidc-provider` package with its built-in login and consent pages, a fresh RSA
// signing key on every start (so that a restart is a key rotation), and three users whose
// `groups` differ. Started by the tests as
//   PORT=<port> CLIENTS='[{"client_id":…,"client_secret":…,"redirect_uris":[…]}]' \
//   [CLOCK_OFFSET_SECONDS=<seconds>] node provider.mjs
// and prints `ready <issuer>` once it listens.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

// CLOCK_OFFSET_SECONDS runs the provider's clock that far from the real one (negative: behind),
// so that every ID token it issues has already expired.
const offset = Number(process.env.CLOCK_OFFSET_SECONDS || 0) * 1000;
if (offset) {
  const realNow = Date.now;
  Date.now = () => realNow() + offset;
}

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.CLIENTS);

// Who can sign in (any password does, on the built-in login page) and their groups.
const users = {
  alice: ['portal-analysts', 'staff'],
  carol: ['portal-supervisors'],
  bob: ['marketing'],
};

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  jwks: { keys: [jwk] },
  async findAccount(ctx, id) {
    if (!users[id]) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: `sub-${id}`, email: `${id}@idp.example`, email_verified: true, name: id, groups: users[id] };
      },
    };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
  // The claims of the scopes granted go into the ID token too (the portal reads only it).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  ttl: { IdToken: 600 },
  cookies: { keys: ['report-portal-tests'] },
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));
provider.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
