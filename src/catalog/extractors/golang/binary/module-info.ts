/**
 * The module information text of a Go binary, as `go version -m` prints it (runtime/debug.BuildInfo.String):
 *
 *     path  example.com/app/cmd/app
 *     mod   example.com/app  (devel)
 *     dep   golang.org/x/text  v0.14.0  h1:…
 *     =>    ../text  (devel)
 *     build -compiler=gc
 *
 * Fields are tab-separated; a `=>` line replaces the module on the line before it.
 */
export interface GoModule {
  path: string;
  version: string;
  /** The go.sum hash (`h1:…`) when the binary records it. */
  sum?: string;
  replace?: { path: string; version: string; sum?: string };
}

export interface ModuleInfo {
  /** The main package's import path (`path` line). */
  packagePath?: string;
  /** The main module (`mod` line); absent for binaries built outside a module. */
  main?: GoModule;
  deps: GoModule[];
  /** Lines that could not be understood, described for an issue. */
  problems: string[];
}

/** More lines than any real module text has (Kubernetes binaries have a few hundred). */
const MAX_LINES = 100_000;
const MAX_PROBLEMS = 20;

/** Parse the module information text. Never throws; odd lines become `problems`. */
export function parseModuleInfo(text: string): ModuleInfo {
  const info: ModuleInfo = { deps: [], problems: [] };
  const problem = (message: string): void => {
    if (info.problems.length < MAX_PROBLEMS) info.problems.push(message);
  };
  let last: GoModule | undefined;
  const lines = text.split('\n', MAX_LINES + 1);
  if (lines.length > MAX_LINES) problem(`module text has more than ${MAX_LINES} lines; the rest is ignored`);
  lines.slice(0, MAX_LINES).forEach((line, index) => {
    if (line.trim() === '') return;
    const [word, path = '', version = '', sum = ''] = line.split('\t', 4);
    const where = `module text line ${index + 1}`;
    switch (word) {
      case 'path':
        info.packagePath = path;
        last = undefined;
        return;
      case 'mod':
      case 'dep': {
        if (path === '') {
          problem(`${where}: ${word} line without a module path`);
          last = undefined;
          return;
        }
        const mod: GoModule = { path, version };
        if (sum !== '') mod.sum = sum;
        if (word === 'mod') info.main = mod;
        else info.deps.push(mod);
        last = mod;
        return;
      }
      case '=>': {
        if (!last || last.replace) {
          problem(`${where}: replacement without a module before it`);
          return;
        }
        if (path === '') {
          problem(`${where}: replacement without a path`);
          return;
        }
        last.replace = { path, version };
        if (sum !== '') last.replace.sum = sum;
        return;
      }
      case 'build':
        last = undefined;
        return;
      default:
        problem(`${where}: unknown line kind ${JSON.stringify((word ?? '').slice(0, 40))}`);
        last = undefined;
    }
  });
  return info;
}
