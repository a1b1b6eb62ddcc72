// The OpenID Connect client (openid-client v6): discovery once per process, the authorization request
// with PKCE (S256), state and nonce, and the code exchange in the callback route. Node route handlers
// only; the middleware never talks to the provider.
import "server-only";
import * as client from "openid-client";
import { claimValue, principalFromClaims, type Principal } from "../../auth/rules";
import type { OidcSettings } from "../../auth/settings";
import { CALLBACK_PATH } from "../../auth/settings";

let configuration: Promise<client.Configuration> | undefined;

/** The provider's metadata, discovered once; a failed discovery is retried on the next sign-in. */
export function oidcConfiguration(settings: OidcSettings): Promise<client.Configuration> {
  configuration ??= client
    .discovery(
      settings.issuer,
      settings.clientId,
      settings.clientSecret ? { client_secret: settings.clientSecret } : undefined,
      settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
      { execute: settings.insecureIssuer ? [client.allowInsecureRequests] : [], timeout: 10 },
    )
    .catch((error: unknown) => {
      configuration = undefined;
      throw error;
    });
  return configuration;
}

export function redirectUri(settings: OidcSettings): string {
  return new URL(CALLBACK_PATH, settings.publicUrl).href;
}

export interface AuthorizationStart {
  url: URL;
  state: string;
  nonce: string;
  verifier: string;
}

export async function startAuthorization(settings: OidcSettings): Promise<AuthorizationStart> {
  const config = await oidcConfiguration(settings);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(settings),
    scope: settings.scopes,
    response_type: "code",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url, state, nonce, verifier };
}

/**
 * Exchange the code (checking state, nonce, PKCE, the ID token's signature, issuer and audience), then read
 * who signed in from the ID token; the userinfo endpoint fills in email or groups the ID token lacks
 * (providers differ on which claims go where; Cognito puts cognito:groups in the ID token only).
 */
export async function finishAuthorization(settings: OidcSettings, callbackUrl: URL, expected: { state: string; nonce: string; verifier: string }): Promise<Principal> {
  const config = await oidcConfiguration(settings);
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: expected.verifier,
    expectedState: expected.state,
    expectedNonce: expected.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims() as Record<string, unknown> | undefined;
  if (!idClaims) throw new Error("the provider returned no ID token");
  let claims: Record<string, unknown> = idClaims;
  const missing = claimValue(idClaims, settings.groupsClaim) === undefined || idClaims.email === undefined;
  if (missing && tokens.access_token && config.serverMetadata().userinfo_endpoint) {
    try {
      const userinfo = (await client.fetchUserInfo(config, tokens.access_token, String(idClaims.sub))) as Record<string, unknown>;
      // The ID token wins where both have a claim; userinfo fills in what it lacks (fetchUserInfo checked the sub).
      claims = { ...userinfo, ...idClaims };
    } catch (error) {
      console.warn(`[apiscope] auth: userinfo failed, using the ID token's claims only: ${(error as Error).message}`);
    }
  }
  const principal = principalFromClaims(claims, settings.groupsClaim);
  if (!principal) throw new Error("the ID token has no sub");
  return principal;
}

/** For tests. */
export function resetOidcConfiguration(): void {
  configuration = undefined;
}
