// Starting and stopping the peer processes of the interop tests: a child process that prints
// "PORT <n>" once it listens on 127.0.0.1, stopped by its PID.
import { spawn } from "node:child_process";
import net from "node:net";

// A port on 127.0.0.1 that is free now: node-opcua servers need a concrete port to listen on.
export async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export async function startPeer(command, args = [], { timeoutMs = 20000 } = {}) {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`${command} printed no port in time`)), timeoutMs);
    child.stdout.on("data", (data) => {
      output += data.toString();
      const match = /PORT (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before listening`));
    });
  });
  return {
    pid: child.pid,
    port,
    url: `opc.tcp://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
      process.kill(child.pid, "SIGTERM");
      return exited;
    },
  };
}
