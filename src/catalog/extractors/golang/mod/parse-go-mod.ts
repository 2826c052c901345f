/**
 * A go.mod file (https://go.dev/ref/mod#go-mod-file): the `module`, `go` and `toolchain` directives, `require`
 * and `replace` (single lines or parenthesised blocks). Other directives (exclude, retract, godebug, tool) are
 * read past. Comments start with `//`; a requirement's `// indirect` comment marks an indirect dependency.
 */
export interface GoModRequire {
  path: string;
  version: string;
  indirect: boolean;
}

export interface GoModReplace {
  oldPath: string;
  /** Only this version is replaced; absent: every version. */
  oldVersion?: string;
  newPath: string;
  /** Absent for a local directory. */
  newVersion?: string;
}

export interface GoMod {
  module?: string;
  go?: string;
  toolchain?: string;
  requires: GoModRequire[];
  replaces: GoModReplace[];
  problems: string[];
}

const MAX_LINES = 200_000;
const MAX_PROBLEMS = 20;

/** Parse go.mod text. Never throws; lines it cannot read become `problems`. */
export function parseGoMod(text: string): GoMod {
  const mod: GoMod = { requires: [], replaces: [], problems: [] };
  const problem = (message: string): void => {
    if (mod.problems.length < MAX_PROBLEMS) mod.problems.push(message);
  };
  let block: string | undefined;
  const lines = text.split('\n', MAX_LINES + 1);
  if (lines.length > MAX_LINES) problem(`more than ${MAX_LINES} lines; the rest is ignored`);
  lines.slice(0, MAX_LINES).forEach((raw, index) => {
    const where = `line ${index + 1}`;
    const { tokens, comment } = tokenize(raw);
    if (typeof tokens === 'string') return problem(`${where}: ${tokens}`);
    if (tokens.length === 0) return;
    let verb: string;
    let args: string[];
    if (block !== undefined) {
      if (tokens.length === 1 && tokens[0] === ')') {
        block = undefined;
        return;
      }
      verb = block;
      args = tokens;
    } else {
      verb = tokens[0]!;
      args = tokens.slice(1);
      if (args.length === 1 && args[0] === '(') {
        block = verb;
        return;
      }
    }
    switch (verb) {
      case 'module':
        if (args.length !== 1) return problem(`${where}: module directive needs one path`);
        mod.module = args[0]!;
        return;
      case 'go':
        if (args.length === 1) mod.go = args[0]!;
        return;
      case 'toolchain':
        if (args.length === 1) mod.toolchain = args[0]!;
        return;
      case 'require': {
        if (args.length !== 2) return problem(`${where}: require needs a module path and a version`);
        // `// indirect` may be followed by more comment text after a semicolon.
        const indirect = /^indirect(\s*;|$)/.test(comment.trim());
        mod.requires.push({ path: args[0]!, version: args[1]!, indirect });
        return;
      }
      case 'replace': {
        const arrow = args.indexOf('=>');
        const left = args.slice(0, Math.max(arrow, 0));
        const right = args.slice(arrow + 1);
        if (arrow < 1 || left.length > 2 || right.length < 1 || right.length > 2) return problem(`${where}: replace needs "old [version] => new [version]"`);
        const replace: GoModReplace = { oldPath: left[0]!, newPath: right[0]! };
        if (left[1] !== undefined) replace.oldVersion = left[1];
        if (right[1] !== undefined) replace.newVersion = right[1];
        mod.replaces.push(replace);
        return;
      }
      default:
        return; // exclude, retract, godebug, tool, ignore: nothing we report
    }
  });
  if (block !== undefined) problem(`"${block} (" block is not closed`);
  return mod;
}

/** Split a line into tokens (quoted strings unquoted) and its `//` comment. */
function tokenize(line: string): { tokens: string[] | string; comment: string } {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (line.startsWith('//', i)) {
      return { tokens, comment: line.slice(i + 2) };
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      let value = '';
      while (j < line.length && line[j] !== c) {
        if (c === '"' && line[j] === '\\' && j + 1 < line.length) j++;
        value += line[j];
        j++;
      }
      if (j >= line.length) return { tokens: 'unterminated string', comment: '' };
      tokens.push(value);
      i = j + 1;
    } else if (c === '(' || c === ')') {
      tokens.push(c);
      i++;
    } else {
      let j = i;
      while (j < line.length && !' \t\r"`()'.includes(line[j]!) && !line.startsWith('//', j)) j++;
      tokens.push(line.slice(i, j));
      i = j;
    }
  }
  return { tokens, comment: '' };
}
