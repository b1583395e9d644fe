// The control-plane artefact a control-plane host runs (`npm run build:control-plane`): built from the
// sources, the built web portal and the `node` devDependency's runtime, unpacked away from the
// repository and started as a host starts it (its own bin/node, cwd /tmp, an environment holding only
// its configuration, no node_modules in reach) against a real PostgreSQL, over HTTPS with a test CA.
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { arch, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import { CONTROL_PLANE_ARTEFACT_MAIN, controlPlaneArtefactArgv } from "@pgaas/common/wire";
import { ensureControlPlaneTls } from "@pgaas/engine";
import { freePort, startThrowawayPostgres, type ThrowawayPostgres } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildControlPlaneArtefact,
  CONTROL_PLANE_ARTEFACT_NAME,
  type ControlPlaneArtefactResult,
} from "../../build-artefact.js";

const ADMIN = { email: "admin@example.com", password: "artefact-admin-pw-1" };
const run = promisify(execFile);
let dir: string;
let built: ControlPlaneArtefactResult;
/** Where the artefact was unpacked, as the engine installs it (top directory stripped). */
let installed: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-cp-artefact-"));
  built = await buildControlPlaneArtefact({
    outfile: join(dir, "build", `${CONTROL_PLANE_ARTEFACT_NAME}.tar.gz`),
  });
  installed = join(dir, "installed");
  await mkdir(installed);
  await run("tar", ["-xzf", built.outfile, "-C", installed, "--strip-components=1"]);
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("control-plane artefact", () => {
  it("holds the runtime, the bundle, argon2's addon, the Swagger UI files and the web portal", async () => {
    const { stdout } = await run("tar", ["-tzvf", built.outfile], { maxBuffer: 16 * 1024 * 1024 });
    const entries = stdout
      .trim()
      .split("\n")
      .map((line) => {
        const fields = line.split(/\s+/);
        return `${fields[0]} ${fields[1]} ${(fields.at(-1) ?? "").slice(CONTROL_PLANE_ARTEFACT_NAME.length)}`;
      });
    const outsideWeb = entries.filter((entry) => !entry.includes(" /web/"));
    expect(outsideWeb).toEqual([
      "drwxr-xr-x 0/0 /",
      "drwxr-xr-x 0/0 /bin/",
      "-rwxr-xr-x 0/0 /bin/node",
      "drwxr-xr-x 0/0 /licenses/",
      "-rw-r--r-- 0/0 /licenses/argon2",
      "drwxr-xr-x 0/0 /node_modules/",
      "drwxr-xr-x 0/0 /node_modules/swagger-ui-dist/",
      "-rw-r--r-- 0/0 /node_modules/swagger-ui-dist/LICENSE",
      "-rw-r--r-- 0/0 /node_modules/swagger-ui-dist/NOTICE",
      "-rw-r--r-- 0/0 /node_modules/swagger-ui-dist/package.json",
      "-rw-r--r-- 0/0 /node_modules/swagger-ui-dist/swagger-ui-bundle.js",
      "-rw-r--r-- 0/0 /node_modules/swagger-ui-dist/swagger-ui.css",
      `-rw-r--r-- 0/0 /${CONTROL_PLANE_ARTEFACT_MAIN}`,
      "drwxr-xr-x 0/0 /prebuilds/",
      `drwxr-xr-x 0/0 /prebuilds/linux-${arch()}/`,
      `-rw-r--r-- 0/0 /prebuilds/linux-${arch()}/argon2.glibc.node`,
    ]);
    expect(entries).toContain("-rw-r--r-- 0/0 /web/index.html");
    const text = await readFile(join(installed, CONTROL_PLANE_ARTEFACT_MAIN), "utf8");
    const specifiers = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]);
    expect(specifiers.filter((specifier) => !specifier?.startsWith("node:"))).toEqual([]);
  });

  it("is byte for byte the same when built again, so a host receives nothing new", async () => {
    const again = await buildControlPlaneArtefact({
      outfile: join(dir, "again", `${CONTROL_PLANE_ARTEFACT_NAME}.tar.gz`),
    });
    expect(again.sha256).toBe(built.sha256);
  }, 180_000);

  describe("started against a real PostgreSQL over HTTPS", () => {
    let pg: ThrowawayPostgres;
    let url: string;
    let fetchPinned: typeof fetch;
    let stop: () => Promise<number | null>;

    beforeAll(async () => {
      pg = await startThrowawayPostgres("pgaas-cp-artefact");
      const tls = ensureControlPlaneTls(join(dir, "tls"), ["127.0.0.1"]);
      const keyFile = join(dir, "secret.key");
      await writeFile(keyFile, `${Buffer.alloc(32, 7).toString("base64")}\n`, { mode: 0o600 });
      const port = await freePort();
      url = `https://127.0.0.1:${port}`;
      fetchPinned = pinnedFetch(tls.caCertificate);
      const [node = "", ...argv] = controlPlaneArtefactArgv(installed);
      const child = spawn(node, argv, {
        cwd: "/tmp",
        stdio: ["ignore", "ignore", "pipe"],
        env: {
          DATABASE_URL: pg.url,
          PGAAS_LISTEN_HOST: "127.0.0.1",
          PGAAS_PORT: String(port),
          PGAAS_SECRET_KEY_FILE: keyFile,
          PGAAS_TLS_CERT_FILE: tls.certFile,
          PGAAS_TLS_KEY_FILE: tls.keyFile,
          PGAAS_WEB_DIR: join(installed, "web"),
          PGAAS_ALERT_POLL_MS: "0",
          PGAAS_ADMIN_EMAIL: ADMIN.email,
          PGAAS_ADMIN_PASSWORD: ADMIN.password,
        },
      });
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      stop = async () => {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      };
      // Bounded: 60 tries, 500 ms apart (the first start applies every store migration).
      for (let attempt = 0; ; attempt++) {
        const answered = await fetchPinned(`${url}/healthz`).catch(() => undefined);
        if (answered?.status === 200) break;
        if (attempt >= 60 || child.exitCode !== null) {
          await stop();
          throw new Error(`the control plane did not answer: ${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }, 60_000);

    afterAll(async () => {
      await stop?.();
      await pg?.stop();
    });

    it("answers its health endpoint over HTTPS, trusting only the test CA", async () => {
      const response = await fetchPinned(`${url}/healthz`);
      expect([response.status, await response.json()]).toEqual([200, { status: "ok" }]);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow("fetch failed");
    });

    it("signs the admin in (argon2's addon loads) and serves the portal and the API docs", async () => {
      const login = await fetchPinned(`${url}/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: url },
        body: JSON.stringify(ADMIN),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { user: { email: string; role: string } }).user).toMatchObject({
        email: ADMIN.email,
        role: "admin",
      });
      const index = await fetchPinned(`${url}/`);
      expect([index.status, await readFile(join(installed, "web", "index.html"), "utf8")]).toEqual([
        200,
        await index.text(),
      ]);
      const css = await fetchPinned(`${url}/docs/assets/swagger-ui.css`);
      expect(css.status).toBe(200);
    });

    it("exits 0 on SIGTERM", async () => {
      expect(await stop()).toBe(0);
    });
  });
});
