// A real OpenID provider for tests: oidc-provider (panva, the certified implementation) on a free loopback
// port, with one confidential test client (authorization code + PKCE, client_secret_basic), users with
// passwords, emails and groups, and a minimal sign-in form (the provider's own interaction API). Consent
// is granted automatically, as a company's provider does for its own apps.
//
// Two steps because the provider must know the client's redirect URI and the app must know the issuer:
// startOidcProvider() listens and gives the issuer; configure() registers the client once the app's
// address is known. Nothing answers but 503 in between.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

export interface TestUser {
  password: string;
  email: string;
  groups: string[];
  emailVerified?: boolean;
}

export interface RunningOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** register the test client with these redirect URIs (the app's /api/auth/callback) */
  configure(redirectUris: string[]): Promise<void>;
  /** sign-ins the provider completed, by account id (to check who went through the form) */
  logins: string[];
  stop(): Promise<void>;
}

export async function startOidcProvider(users: Record<string, TestUser>): Promise<RunningOidcProvider> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end("not configured yet");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "apiscope-e2e";
  const clientSecret = randomBytes(24).toString("base64url");
  const logins: string[] = [];

  async function configure(redirectUris: string[]): Promise<void> {
    const { default: Provider } = await import("oidc-provider");
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: redirectUris,
          response_types: ["code"],
          grant_types: ["authorization_code"],
          token_endpoint_auth_method: "client_secret_basic",
        },
      ],
      pkce: { required: () => true },
      // "groups" is its own scope, as at Okta; the claim comes from userinfo (the ID token keeps only
      // sub when an access token is issued, the spec's default), so apiscope's userinfo fallback is used.
      claims: { openid: ["sub"], email: ["email", "email_verified"], groups: ["groups"] },
      scopes: ["openid", "email", "groups"],
      cookies: { keys: [randomBytes(16).toString("hex")] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      async findAccount(_ctx, id) {
        const user = users[id];
        if (!user) return undefined;
        return {
          accountId: id,
          async claims() {
            return { sub: id, email: user.email, email_verified: user.emailVerified ?? true, groups: user.groups };
          },
        };
      },
      async loadExistingGrant(ctx) {
        const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
        if (grantId) return ctx.oidc.provider.Grant.find(grantId);
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
        grant.addOIDCScope("openid email groups");
        grant.addOIDCClaims(["email", "email_verified", "groups"]);
        await grant.save();
        return grant;
      },
    });
    const callback = provider.callback();
    // The sign-in page: a form that checks the password, then hands the account to the provider.
    handler = (req, res) => {
      const match = /^\/interaction\/([^/?]+)/.exec(req.url ?? "");
      if (!match) return callback(req, res);
      void (async () => {
        try {
          await provider.interactionDetails(req, res); // 4xx if the interaction is unknown or expired
          if (req.method === "GET") {
            res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(loginPage(""));
            return;
          }
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          const form = new URLSearchParams(Buffer.concat(chunks).toString());
          const login = form.get("login") ?? "";
          const user = users[login];
          if (!user || user.password !== form.get("password")) {
            res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(loginPage("Wrong login or password."));
            return;
          }
          logins.push(login);
          await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
        } catch (error) {
          if (!res.headersSent) res.writeHead(400, { "Content-Type": "text/plain" }).end(`sign-in failed: ${(error as Error).message}`);
        }
      })();
    };
  }

  function loginPage(error: string): string {
    return `<!doctype html><title>Test provider sign-in</title><h1>Sign in to the test provider</h1>${error ? `<p data-testid="idp-error">${error}</p>` : ""}
<form method="post" autocomplete="off"><label>Login <input name="login" required autofocus></label>
<label>Password <input name="password" type="password" required></label><button type="submit">Sign in</button></form>`;
  }

  return {
    issuer,
    clientId,
    clientSecret,
    configure,
    logins,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
