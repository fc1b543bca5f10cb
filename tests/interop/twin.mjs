// Starting the real `twinloop serve` for the interop tests (loopback, ephemeral ports, a
// temporary data directory) and talking to its REST API. Stopped by its PID.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export async function startTwinloop(binary) {
  const dataDir = await mkdtemp(path.join(tmpdir(), "twinloop-hil-"));
  const portFile = path.join(dataDir, "port");
  const child = spawn(
    binary,
    ["serve", "--host", "127.0.0.1", "--port", "0", "--opcua-port", "0", "--port-file", portFile,
     "--data-dir", dataDir, "--log-level", "warn"],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  let port = null;
  for (let attempt = 0; attempt < 200 && port === null; ++attempt) {
    if (child.exitCode !== null) throw new Error(`twinloop serve exited with ${child.exitCode}`);
    try {
      const text = (await readFile(portFile, "utf8")).trim();
      if (/^\d+$/.test(text)) port = Number(text);
    } catch {
      await sleep(50);
    }
  }
  if (port === null) {
    process.kill(child.pid, "SIGKILL");
    throw new Error("twinloop serve wrote no port file within 10 s");
  }
  const base = `http://127.0.0.1:${port}/api/v1`;
  async function call(method, route, body) {
    const response = await fetch(base + route, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return json;
  }
  return {
    pid: child.pid,
    call,
    // A project with the model document imported; returns the model.
    async importModel(document) {
      const project = await call("POST", "/projects", { name: `hil ${Date.now()}` });
      return call("POST", `/projects/${project.id}/models/import`, document);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
        process.kill(child.pid, "SIGTERM");
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}
