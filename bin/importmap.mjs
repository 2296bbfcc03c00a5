// The import map generator behind `npx modmap importmap`: an import map of an app's dependencies, read from
// node_modules with import-meta-resolve under the browser's conditions (browser, import, module, default), so the
// map points at the same files a browser-targeting bundler would pick.
//
// - Every dependency of the app's package.json (and the app's own package, through its `exports`) gets one entry per
//   exported subpath (wildcards become a trailing-slash prefix); a package without `exports` gets `name` and `name/`.
// - Dependencies of dependencies are walked too. When one resolves to the same file as the top-level entry of that
//   name it adds nothing; otherwise it goes under a scope for the depending package's folder, so that e.g. modmap's
//   shim finds es-module-shims and acorn even when the app does not depend on them.
// - Addresses are URL paths: `base` (default `/`) plus the file's path relative to the app's root.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleResolve } from 'import-meta-resolve';

export const BROWSER_CONDITIONS = Object.freeze(['browser', 'import', 'module', 'default']);

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The folder of package `name` as Node would find it from `fromDir` (walking up node_modules folders). */
function packageDir(name, fromDir) {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The target an exports entry selects under `conditions` (first matching key, in the entry's order), or null. */
function selectTarget(entry, conditions) {
  if (typeof entry === 'string') return entry;
  if (Array.isArray(entry)) {
    for (const e of entry) {
      const t = selectTarget(e, conditions);
      if (t !== null) return t;
    }
    return null;
  }
  if (entry !== null && typeof entry === 'object') {
    for (const [key, value] of Object.entries(entry)) {
      if (conditions.has(key)) {
        const t = selectTarget(value, conditions);
        if (t !== null) return t;
      }
    }
  }
  return null;
}

/** Files under `dir` (relative, '/'-separated), recursively, skipping node_modules. */
function filesUnder(dir, base = '') {
  const out = [];
  let entries;
  try {
    entries = readdirSync(join(dir, base), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) { if (e.name !== 'node_modules') out.push(...filesUnder(dir, rel)); }
    else out.push(rel);
  }
  return out;
}

/** Subpaths a package exports, as specifier suffixes ('' for the main entry, '/x' for './x', '/x/' for './x/*'). */
function exportedSubpaths(pkg) {
  const { exports } = pkg;
  if (exports === undefined) return null;
  if (typeof exports === 'string' || Array.isArray(exports)) return [''];
  const keys = Object.keys(exports);
  if (keys.length === 0 || !keys[0].startsWith('.')) return ['']; // conditions only: the main entry
  const out = [];
  for (const key of keys) {
    if (key === '.') out.push('');
    else if (key.endsWith('/*')) out.push(key.slice(1, -1));
    else if (!key.includes('*')) out.push(key.slice(1));
  }
  return out;
}

/**
 * @param {object} options
 * @param {string} [options.root] the app's folder (holding package.json), default: the current directory
 * @param {string} [options.base] the URL path at which `root` is served, default '/'
 * @param {readonly string[]} [options.conditions] resolution conditions, default BROWSER_CONDITIONS
 * @param {boolean} [options.dev] include devDependencies
 * @returns {{ imports: Record<string, string>, scopes: Record<string, Record<string, string>>, warnings: string[] }}
 */
export function generateImportMap({ root = process.cwd(), base = '/', conditions = BROWSER_CONDITIONS, dev = false } = {}) {
  const conds = new Set(conditions);
  const prefix = base.endsWith('/') ? base : `${base}/`;
  const address = (url) => {
    const path = fileURLToPath(url);
    const rel = relative(root, path).split(sep).join('/');
    if (rel.startsWith('..')) throw new Error(`${path} is outside ${root}; serve it under the app's root`);
    return prefix + rel + (url.endsWith('/') && !rel.endsWith('/') ? '/' : '');
  };
  const imports = {};
  const scopes = {};
  const warnings = [];
  const visited = new Set();

  const entriesOf = (name, dir, parentUrl) => {
    const pkg = readJson(join(dir, 'package.json'));
    const subpaths = exportedSubpaths(pkg);
    const out = {};
    if (subpaths === null) {
      try {
        out[name] = address(moduleResolve(name, parentUrl, conds).href);
      } catch (error) {
        warnings.push(`${name}: ${error.message.split('\n')[0]}`);
      }
      out[`${name}/`] = address(pathToFileURL(dir + sep).href);
      return out;
    }
    for (const sub of subpaths) {
      if (sub.endsWith('/')) {
        // './x/*' -> './dir/*<suffix>': a trailing-slash prefix when there is no suffix; otherwise one entry per
        // file that the pattern matches (an import map cannot append a suffix).
        const target = selectTarget(pkg.exports[`.${sub}*`], conds);
        if (typeof target !== 'string' || !target.startsWith('./') || target.split('*').length !== 2) continue;
        const [head, tail] = target.slice(2).split('*');
        if (tail === '' && head.endsWith('/')) {
          out[name + sub] = address(pathToFileURL(join(dir, head)).href + (head.endsWith('/') ? '' : '/'));
          continue;
        }
        for (const file of filesUnder(dir)) {
          if (!file.startsWith(head) || !file.endsWith(tail) || file.length < head.length + tail.length) continue;
          const star = file.slice(head.length, file.length - tail.length);
          try {
            out[name + sub + star] = address(moduleResolve(name + sub + star, parentUrl, conds).href);
          } catch { /* excluded by a null target, or not resolvable under these conditions */ }
        }
        continue;
      }
      try {
        out[name + sub] = address(moduleResolve(name + sub, parentUrl, conds).href);
      } catch (error) {
        if (sub === '') warnings.push(`${name}: ${error.message.split('\n')[0]}`);
      }
    }
    return out;
  };

  const walk = (pkgDir, isRoot) => {
    const pkg = readJson(join(pkgDir, 'package.json'));
    const parentUrl = pathToFileURL(join(pkgDir, 'package.json')).href;
    const deps = { ...pkg.dependencies, ...(isRoot && dev ? pkg.devDependencies : {}), ...pkg.peerDependencies };
    const own = isRoot && pkg.name && pkg.exports !== undefined ? [[pkg.name, pkgDir]] : [];
    const found = [...own];
    for (const name of Object.keys(deps)) {
      const dir = packageDir(name, pkgDir);
      if (dir === undefined) {
        if (!(pkg.peerDependencies && name in pkg.peerDependencies)) warnings.push(`${name}: not installed (from ${pkgDir})`);
        continue;
      }
      found.push([name, dir]);
    }
    for (const [name, dir] of found) {
      const entries = entriesOf(name, dir, parentUrl);
      for (const [spec, target] of Object.entries(entries)) {
        if (isRoot) imports[spec] ??= target;
        else if (imports[spec] !== target) (scopes[address(pathToFileURL(pkgDir + sep).href)] ??= {})[spec] = target;
      }
    }
    for (const [name, dir] of found) {
      if (name === pkg.name && isRoot) continue;
      if (visited.has(dir)) continue;
      visited.add(dir);
      walk(dir, false);
    }
  };
  walk(root, true);
  return { imports, scopes, warnings };
}
