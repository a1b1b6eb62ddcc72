// AWS credentials for signing AMP queries, server-side only.
//
// The default chain (env → SSO → ini/profile → process → web identity → ECS/IMDS, which covers the
// Amplify SSR compute role) is created once per process: it memoizes, refreshes 5 min before expiry and
// coalesces concurrent refreshes, so callers ask it for credentials on every request and it stays cheap.
// A cluster with `roleArn` gets an STS AssumeRole provider on top of that chain, one per role.
import "server-only";
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { DataSourceError } from "./types";

export type CredentialProvider = ReturnType<typeof fromNodeProviderChain>;
export type AwsCredentials = Awaited<ReturnType<CredentialProvider>>;

/** Refresh this long before `expiration`, like the SDK's own chain (credentialsTreatedAsExpired). */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

let defaultChain: CredentialProvider | undefined;
const roleProviders = new Map<string, CredentialProvider>();

export function defaultCredentialProvider(): CredentialProvider {
  defaultChain ??= fromNodeProviderChain();
  return defaultChain;
}

/** The provider for a cluster: the default chain, or an assumed role on top of it. */
export function credentialProviderFor(cluster: { roleArn?: string; region: string }): CredentialProvider {
  if (!cluster.roleArn) return defaultCredentialProvider();
  const key = `${cluster.roleArn} ${cluster.region}`;
  let provider = roleProviders.get(key);
  if (!provider) {
    provider = memoizeCredentials(
      fromTemporaryCredentials({
        params: { RoleArn: cluster.roleArn, RoleSessionName: "apiscope" },
        masterCredentials: defaultCredentialProvider(),
        // STS in the workspace's region: regional endpoints work in every partition and opt-in region.
        clientConfig: { region: cluster.region },
      }),
    );
    roleProviders.set(key, provider);
  }
  return provider;
}

/**
 * fromTemporaryCredentials calls STS AssumeRole on every invocation (it does not cache), so wrap it:
 * reuse credentials until 5 min before they expire, share one refresh between concurrent callers, and
 * honour `forceRefresh` like the SDK's providers do.
 */
export function memoizeCredentials(source: CredentialProvider, now: () => number = Date.now): CredentialProvider {
  let current: AwsCredentials | undefined;
  let refreshing: Promise<AwsCredentials> | undefined;
  const refresh = (options?: Parameters<CredentialProvider>[0]) => {
    refreshing ??= source(options)
      .then((credentials) => (current = credentials))
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };
  return async (options) => {
    if (options?.forceRefresh) return refresh(options);
    const stale = !current || (current.expiration !== undefined && current.expiration.getTime() - now() < REFRESH_BEFORE_EXPIRY_MS);
    return stale ? refresh(options) : current!;
  };
}

/** Ask the provider, turning "no credentials anywhere" or an STS failure into an actionable error. */
export async function resolveCredentials(provider: CredentialProvider, context: { clusterName: string; roleArn?: string }, forceRefresh = false): Promise<AwsCredentials> {
  try {
    return await provider(forceRefresh ? { forceRefresh: true } : undefined);
  } catch (error) {
    const name = (error as { name?: string })?.name ?? "";
    const text = error instanceof Error ? error.message.split("\n", 1)[0] : String(error);
    if (context.roleArn && /AccessDenied|not authorized/i.test(`${name} ${text}`)) {
      return Promise.reject(
        new DataSourceError("access_denied", `Cannot assume role ${context.roleArn} for cluster "${context.clusterName}": ${text}`, {
          cause: error,
          hint: "The server's own identity needs sts:AssumeRole on this role, and the role's trust policy must allow that identity.",
        }),
      );
    }
    return Promise.reject(
      new DataSourceError("config", `No usable AWS credentials for cluster "${context.clusterName}": ${text}`, {
        cause: error,
        hint: "On Amplify attach an SSR compute role to the app; elsewhere set AWS_PROFILE (with a shared credentials/config file) or AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN).",
      }),
    );
  }
}

/** Tests only: forget the process-wide providers (e.g. after changing AWS_* variables). */
export function resetCredentialProviders(): void {
  defaultChain = undefined;
  roleProviders.clear();
}

/** The SDK's record of where credentials came from (`$source` feature ids), in words; most specific first. */
const CREDENTIAL_SOURCES: Array<[string, string]> = [
  ["CREDENTIALS_STS_ASSUME_ROLE_WEB_ID", "web identity token (IRSA)"],
  ["CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN", "web identity token (IRSA)"],
  ["CREDENTIALS_PROFILE_SSO", "SSO profile"],
  ["CREDENTIALS_SSO", "SSO"],
  ["CREDENTIALS_PROFILE_PROCESS", "credential_process profile"],
  ["CREDENTIALS_PROCESS", "credential_process"],
  ["CREDENTIALS_PROFILE", "shared config profile"],
  ["CREDENTIALS_ENV_VARS", "environment variables"],
  ["CREDENTIALS_HTTP", "container credentials endpoint (Amplify SSR compute role, ECS task role, EKS Pod Identity)"],
  ["CREDENTIALS_IMDS", "EC2 instance role"],
];

/**
 * Which credential source signs this cluster's queries, in words (never a key): e.g. "environment
 * variables", or "role arn:… assumed with …". Resolving them is the same call signing makes (memoized).
 */
export async function credentialSource(cluster: { name: string; region: string; roleArn?: string }): Promise<string> {
  const base = await resolveCredentials(defaultCredentialProvider(), { clusterName: cluster.name });
  const features = (base as { $source?: Record<string, string> }).$source ?? {};
  const source = CREDENTIAL_SOURCES.find(([feature]) => feature in features)?.[1] ?? "the AWS SDK's default provider chain";
  if (!cluster.roleArn) return source;
  // Assuming the role proves the trust policy too, as signing would.
  await resolveCredentials(credentialProviderFor(cluster), { clusterName: cluster.name, roleArn: cluster.roleArn });
  return `role ${cluster.roleArn} assumed with ${source}`;
}
