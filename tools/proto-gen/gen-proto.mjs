// Static protobuf code for a driver package: pbjs (static module, ES6), then pbts for the types.
// The output is deterministic: generating twice gives identical bytes, so `--check` can
// regenerate in memory and fail when the committed files differ. Each package's
// scripts/gen-proto.mjs says which .proto files, output names and registry root it uses.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

const LONG_IMPORT = 'import Long = require("long");\n';
// pbts imports `long` for 64-bit fields; it is protobufjs's dependency, not the package's (pnpm does
// not let it resolve), so the types get the few members a package reads instead.
const LONG_SHAPE =
  '/** A 64-bit integer as protobufjs decodes it when the `long` library is present. */\n' +
  'type Long = { low: number; high: number; unsigned: boolean; toString(radix?: number): string };\n';

const cliRoot = dirname(createRequire(import.meta.url).resolve('protobufjs-cli/package.json'));

/**
 * Generates `<out>.js` and `<out>.d.ts` (paths relative to `packageRoot`) from `protoFiles`, or with
 * `--check` in `argv` only compares them with what is committed (exit code 1 when they differ).
 * - `root`: the package's own root in protobufjs's registry (`-r`), so no other package's
 *   generated code (which uses the shared "default" root) can collide with it.
 * - `header`: the comment lines put above both files.
 * - `longTypes`: `'drop'` removes the unused `long` import; `'shape'` replaces it with a type.
 */
export function generateProto({
  packageRoot,
  protoFiles,
  out,
  root,
  header,
  longTypes,
  argv = process.argv,
}) {
  // Only encode and decode are used: no reflection helpers, verify, JSON conversion, delimited
  // forms or service stubs.
  const pbjsArgs = [
    ...['-t', 'static-module', '-w', 'es6', '--es6', '--dependency', 'protobufjs/minimal.js', '-r', root],
    ...['--no-create', '--no-verify', '--no-convert', '--no-delimited', '--no-typeurl', '--no-service'],
  ];
  const banner = [
    ...header,
    '// biome-ignore-all lint: generated code',
    '// biome-ignore-all format: generated code',
    '// biome-ignore-all assist: generated code',
    '',
  ].join('\n');
  const runCli = (name, args) =>
    execFileSync(process.execPath, [join(cliRoot, 'bin', name), ...args], {
      cwd: packageRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  const scratch = mkdtempSync(join(tmpdir(), 'conn-gen-proto-'));
  try {
    const rawJs = join(scratch, `${basename(out)}.js`);
    const rawDts = join(scratch, `${basename(out)}.d.ts`);
    runCli('pbjs', [...pbjsArgs, '-o', rawJs, ...protoFiles]);
    runCli('pbts', ['-o', rawDts, rawJs]);
    const dts = readFileSync(rawDts, 'utf8');
    if (!dts.includes(LONG_IMPORT))
      throw new Error('pbts output changed: the `long` import line was not found');
    const outputs = [
      [`${out}.js`, banner + readFileSync(rawJs, 'utf8')],
      [`${out}.d.ts`, banner + dts.replace(LONG_IMPORT, longTypes === 'shape' ? LONG_SHAPE : '')],
    ];
    if (argv.includes('--check')) {
      const stale = outputs.filter(([file, text]) => readFileOrEmpty(join(packageRoot, file)) !== text);
      if (stale.length > 0) {
        console.error(
          `out of date: ${stale.map(([file]) => file).join(', ')}; run node scripts/gen-proto.mjs`,
        );
        process.exitCode = 1;
      }
    } else {
      for (const [file, text] of outputs) writeFileSync(join(packageRoot, file), text);
      console.log(`wrote ${outputs.map(([file]) => file).join(', ')}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function readFileOrEmpty(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
