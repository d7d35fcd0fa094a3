// `npm run package`: builds everything, stages exactly what the extension needs in build/vsix/,
// and packs it with @vscode/vsce into tsflow-vscode-<version>-<target>.vsix at the repo root.
//
// The .vsix holds: the manifest, out/ (client, language server, runtime, webviews: everything
// pure-JS bundled and tree-shaken), syntaxes/, media/, and node_modules/ with only the packages the
// runtime loads natively (esbuild and snappy with this platform's binaries). A user with only the
// extension installed runs flows with it: no node_modules in their workspace.
// (The native packages sit in out/node_modules/.)

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LAZY_PACKAGES, NATIVE_PACKAGES } from './build-extension.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** The TypeScript server plugin's package name (contributes.typescriptServerPlugins). */
const TS_PLUGIN = 'tsflow-typescript-plugin';
const stage = path.join(root, 'build', 'vsix');
const require = createRequire(import.meta.url);

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${res.status ?? res.signal})`);
}

function copy(from, to, filter = () => true) {
  fs.cpSync(from, to, { recursive: true, dereference: true, filter: (src) => filter(src) });
}

/** A package directory and its installed optional (platform) dependencies, copied into the stage. */
function copyNativePackage(name, into) {
  const dir = path.dirname(require.resolve(`${name}/package.json`, { paths: [path.join(root, 'runtime')] }));
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  copy(dir, path.join(into, name), (src) => !src.includes(`${path.sep}node_modules${path.sep}.cache`));
  const copied = [name];
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
    let depDir;
    try {
      depDir = path.dirname(require.resolve(`${dep}/package.json`, { paths: [dir] }));
    } catch {
      continue; // another platform's binary: not installed here
    }
    copy(depDir, path.join(into, dep));
    copied.push(dep);
  }
  return copied;
}

export function targetName() {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform] ?? process.platform;
  return `${os}-${process.arch}`;
}

export async function packageExtension() {
  const started = performance.now();
  run(process.execPath, ['scripts/build.mjs']);
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });

  // The manifest without what only the repo needs.
  const { workspaces, scripts, devDependencies, dependencies, type, private: _p, ...extension } = manifest;
  // The one npm dependency of the .vsix: the TypeScript server plugin (tsserver loads it from the
  // extension's node_modules/), staged below.
  extension.dependencies = { [TS_PLUGIN]: manifest.version };
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(extension, null, 2)}\n`);
  fs.copyFileSync(path.join(root, 'client', 'README.md'), path.join(stage, 'README.md'));
  // Source maps of the client and webviews stay out (the runtime builds none).
  copy(path.join(root, 'out'), path.join(stage, 'out'), (src) => !src.endsWith('.map'));
  copy(path.join(root, 'syntaxes'), path.join(stage, 'syntaxes'));
  copy(path.join(root, 'media'), path.join(stage, 'media'));
  // Under out/: vsce leaves a top-level node_modules/ out with --no-dependencies, and Node finds
  // these from out/extension.js and out/runtime/dist/ alike.
  const nm = path.join(stage, 'out', 'node_modules');
  const natives = NATIVE_PACKAGES.flatMap((n) => copyNativePackage(n, nm));
  // The AWS SDK packages, one self-contained CommonJS bundle each, loaded only when S3 or Batch is used.
  await Promise.all(
    LAZY_PACKAGES.map(async (name) => {
      const dir = path.join(nm, name);
      fs.mkdirSync(dir, { recursive: true });
      await build({
        entryPoints: [require.resolve(name, { paths: [path.join(root, 'runtime')] })],
        outfile: path.join(dir, 'index.js'),
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        minify: true,
        legalComments: 'none',
        logLevel: 'warning',
      });
      fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name, main: 'index.js' })}\n`);
    }),
  );
  // The TypeScript plugin and the declarations of `tsflow` it falls back to.
  const plugin = path.join(stage, 'node_modules', TS_PLUGIN);
  await build({
    entryPoints: [path.join(root, 'client', 'src', 'ts-plugin.ts')],
    outfile: path.join(plugin, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['typescript'],
    footer: { js: 'module.exports = module.exports.default;' },
    logLevel: 'warning',
  });
  fs.writeFileSync(
    path.join(plugin, 'package.json'),
    `${JSON.stringify({ name: TS_PLUGIN, version: manifest.version, main: 'index.js', private: true })}\n`,
  );
  run(process.execPath, [
    require.resolve('typescript/bin/tsc'),
    '-p',
    'client/tsconfig.types.json',
    '--outDir',
    path.join(plugin, 'types'),
  ]);
  fs.writeFileSync(
    path.join(stage, '.vscodeignore'),
    [
      '**/*.map',
      '**/*.d.ts',
      `!node_modules/${TS_PLUGIN}/types/**`,
      '**/node_modules/**/README.md',
      '**/node_modules/**/CHANGELOG.md',
      '',
    ].join('\n'),
  );

  const target = targetName();
  const file = path.join(root, `${manifest.name}-${manifest.version}-${target}.vsix`);
  const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  run(
    process.execPath,
    [vsce, 'package', '--skip-license', '--allow-missing-repository', '--target', target, '--out', file],
    { cwd: stage },
  );
  const size = fs.statSync(file).size;
  console.log(
    `packed ${path.relative(root, file)} (${(size / 1024 / 1024).toFixed(1)} MiB; native packages: ${natives.join(', ')}; bundled on their own: ${LAZY_PACKAGES.join(', ')}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return file;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await packageExtension();
}
