// AMP mode with credentials from a shared-credentials profile file (AWS_SHARED_CREDENTIALS_FILE +
// AWS_PROFILE), through the real SDK provider chain, the stand-in and a real Prometheus. Also: the forced
// refresh against the real chain (a credential_process profile that hands out a new generation each run),
// and roleArn against a local fake STS (AWS_ENDPOINT_URL_STS), so nothing ever reaches AWS.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAmpStandin, type AmpStandin } from "../../../test-support/amp-standin";
import { clientFor, resetDataSourceState } from "./index";
import { NO_AMBIENT_AWS, setEnv } from "./testing/env";
import { startFixturePrometheus, type FixturePrometheus } from "./testing/fixture";

const WORKSPACE = "ws-profile";
const REGION = "ap-southeast-2";
const ROLE_ARN = "arn:aws:iam::123456789012:role/apiscope-query";
const STATIC = { accessKeyId: "AKIAPROFILESTATIC", secretAccessKey: "profile-secret", sessionToken: "profile-token" };
const PROCESS = (n: number) => ({ accessKeyId: `ASIAPROCESS${n}`, secretAccessKey: `process-secret-${n}`, sessionToken: `process-token-${n}` });
const ROLE = { accessKeyId: "ASIAASSUMEDROLE", secretAccessKey: "role-secret", sessionToken: "role-token" };

let prometheus: FixturePrometheus;
let standin: AmpStandin;
let sts: { server: Server; url: string; calls: Array<{ params: URLSearchParams; authorization: string }> };
let work: string;
let restoreEnv: (() => void) | undefined;

beforeAll(async () => {
  prometheus = await startFixturePrometheus();
  standin = await startAmpStandin({ upstream: prometheus.url, workspaceId: WORKSPACE, region: REGION, credentials: [STATIC, PROCESS(1), PROCESS(2), PROCESS(3), ROLE] });
  sts = await startFakeSts();
  work = mkdtempSync(join(tmpdir(), "apiscope-profile-"));

  // credential_process: every run hands out the next generation of temporary credentials.
  const script = join(work, "credential-process.cjs");
  writeFileSync(
    script,
    `const fs = require("fs"); const file = ${JSON.stringify(join(work, "generation"))};
     const n = (fs.existsSync(file) ? Number(fs.readFileSync(file, "utf8")) : 0) + 1; fs.writeFileSync(file, String(n));
     console.log(JSON.stringify({ Version: 1, AccessKeyId: "ASIAPROCESS" + n, SecretAccessKey: "process-secret-" + n,
       SessionToken: "process-token-" + n, Expiration: new Date(Date.now() + 3600e3).toISOString() }));`,
  );
  writeFileSync(
    join(work, "credentials"),
    [
      "[apiscope-static]",
      `aws_access_key_id = ${STATIC.accessKeyId}`,
      `aws_secret_access_key = ${STATIC.secretAccessKey}`,
      `aws_session_token = ${STATIC.sessionToken}`,
      "",
      "[apiscope-process]",
      `credential_process = ${process.execPath} ${script}`,
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  restoreEnv?.();
  resetDataSourceState();
  await standin?.stop();
  await new Promise((r) => sts?.server.close(r));
  await prometheus?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

afterEach(() => {
  restoreEnv?.();
  restoreEnv = undefined;
  standin.requests.length = 0;
});

/** Configure one AMP cluster through APISCOPE_* variables and the AWS profile, from a clean process state. */
function configure(profile: string, extra: Record<string, string> = {}) {
  restoreEnv = setEnv({
    ...NO_AMBIENT_AWS,
    AWS_SHARED_CREDENTIALS_FILE: join(work, "credentials"),
    AWS_PROFILE: profile,
    AWS_ENDPOINT_URL_STS: sts.url,
    APISCOPE_CONFIG: undefined,
    APISCOPE_PROMETHEUS_URL: undefined,
    APISCOPE_AMP_WORKSPACE_ID: WORKSPACE,
    APISCOPE_AMP_REGION: REGION,
    APISCOPE_AMP_ENDPOINT: standin.endpoint,
    APISCOPE_AMP_ROLE_ARN: undefined,
    ...extra,
  });
  resetDataSourceState();
}

const instant = (n: number) => clientFor("default").query({ query: `count(apiscope_test_requests) + ${n}`, time: prometheus.end });

describe("AMP with credentials from a shared-credentials profile", () => {
  it("signs with the profile's keys and session token", async () => {
    configure("apiscope-static");
    const result = await instant(1);
    expect(result.samples[0]!.value).toBe(3);
    expect(standin.requests.map((r) => [r.accessKeyId, r.verdict])).toEqual([[STATIC.accessKeyId, "ok"]]);
    expect(standin.requests[0]!.headers["x-amz-security-token"]).toBe(STATIC.sessionToken);
  });

  it("an expired session token: forceRefresh re-runs the real chain (credential_process) and the retry succeeds", async () => {
    configure("apiscope-process");
    await instant(2);
    standin.expireSessionToken(PROCESS(1).sessionToken);
    const result = await instant(3);
    expect(result.samples[0]!.value).toBe(5);
    expect(standin.requests.map((r) => [r.accessKeyId, r.verdict])).toEqual([
      ["ASIAPROCESS1", "ok"],
      ["ASIAPROCESS1", "expired_session_token"],
      ["ASIAPROCESS2", "ok"],
    ]);
  });

  it("roleArn: assumes the role once (signed with the profile's keys) and signs queries with the role's credentials", async () => {
    configure("apiscope-static", { APISCOPE_AMP_ROLE_ARN: ROLE_ARN });
    for (const n of [10, 11, 12]) await instant(n);
    expect(standin.requests.map((r) => [r.accessKeyId, r.verdict])).toEqual([
      [ROLE.accessKeyId, "ok"],
      [ROLE.accessKeyId, "ok"],
      [ROLE.accessKeyId, "ok"],
    ]);
    expect(sts.calls).toHaveLength(1);
    expect(sts.calls[0]!.params.get("Action")).toBe("AssumeRole");
    expect(sts.calls[0]!.params.get("RoleArn")).toBe(ROLE_ARN);
    expect(sts.calls[0]!.authorization).toContain(`Credential=${STATIC.accessKeyId}/`);
    expect(sts.calls[0]!.authorization).toContain(`/${REGION}/sts/aws4_request`);
  });
});

/** Just enough of STS AssumeRole (awsQuery protocol, XML answer) for the SDK's STS client. */
async function startFakeSts() {
  const calls: Array<{ params: URLSearchParams; authorization: string }> = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    calls.push({ params: new URLSearchParams(Buffer.concat(chunks).toString("utf8")), authorization: String(req.headers.authorization ?? "") });
    res.writeHead(200, { "content-type": "text/xml" });
    res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${ROLE.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${ROLE.secretAccessKey}</SecretAccessKey>
      <SessionToken>${ROLE.sessionToken}</SessionToken>
      <Expiration>${new Date(Date.now() + 3600e3).toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser><AssumedRoleId>AROATEST:apiscope</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/apiscope-query/apiscope</Arn></AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleResponse>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}
