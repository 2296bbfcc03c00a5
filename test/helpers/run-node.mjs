// Spawn the Node that runs the tests with modmap's register entry, as a user would, and collect the result.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a fixture file. */
export function fixture(path) {
  return fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url));
}

/**
 * Run `node --import modmap/register ...args` from the package root (so the self-reference `modmap/register`
 * resolves to the built output). Resolves with { code, signal, stdout, stderr, json }.
 */
export function runNode(args, { register = true, env = {}, timeout = 60_000, execArgv = [] } = {}) {
  const argv = [...(register ? ['--import', 'modmap/register'] : []), ...execArgv, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out: node ${argv.join(' ')}\n${stderr}`)); }, timeout);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let json;
      const last = stdout.trim().split('\n').pop();
      try { json = JSON.parse(last); } catch { json = undefined; }
      resolve({ code, signal, stdout, stderr, json });
    });
  });
}
