// PURE. One pass over JavaScript module source that finds module expressions (`module { … }`) with their ordinal
// paths, and dynamic `import(…)` call sites with the range of their first argument. No Node or DOM APIs: the browser
// shim runs this same file.
//
// Grammar followed: proposal-module-expressions, spec text of 2022-12 (Stage 2):
//   ModuleExpression : `module` [no LineTerminator here] `{` ModuleBody? `}`
// in PrimaryExpression position, never at the start of an ExpressionStatement (the lookahead restriction), and
// `export default module { … }` as its own production. `class X extends module {` stays what it is today.
//
// The tokenizer is deliberately a scanner, not a parser: it knows strings, templates with nested `${}`, both comment
// forms, the hashbang, regular expressions versus division (decided from the previous significant token and a stack
// of bracket kinds, as es-module-lexer does), and enough statement/expression context to tell where `module` may
// begin an expression. Block bodies are validated separately by a real parser (see transform.ts).
//
// Speed: it reads char codes in one loop and never builds substrings on the hot path (measured in bench/scanner.mjs
// against es-module-lexer's parse on typescript@5's lib/typescript.js).

/** A `module { … }` expression. Offsets are UTF-16 indexes into the scanned source. */
export interface Block {
  /** Offset of the `m` of `module`. */
  readonly start: number;
  /** Offset of the opening `{`. */
  readonly open: number;
  /** Offset of the closing `}`; the expression ends at `close + 1`. */
  close: number;
  /** Ordinal path: `0` for the first block of the file, `1.0` for the first one nested in the second. */
  readonly path: string;
  readonly parent: Block | null;
  readonly children: Block[];
}

/** A dynamic `import(…)` call. */
export interface DynamicImport {
  /** Offset of the `i` of `import`. */
  readonly start: number;
  /** Offset just after the `(`. */
  readonly argStart: number;
  /** Offset of the `,` or `)` that ends the first argument (-1 if the call is never closed). */
  argEnd: number;
  /** True when the first argument is one string literal, which can never be a Module: no rewrite needed. */
  literal: boolean;
  /** The innermost module block that contains this call, or null at the top level of the file. */
  readonly owner: Block | null;
}

export interface ScanResult {
  /** Top-level blocks, in source order; nested ones hang off `children`. */
  readonly blocks: Block[];
  /** Every block, in order of their `module` keyword. */
  readonly allBlocks: Block[];
  readonly imports: DynamicImport[];
}

/** A syntax error found while scanning, at a UTF-16 offset. transform.ts turns it into ERR_MODMAP_SYNTAX. */
export class ScanError extends Error {
  constructor(message: string, readonly index: number) {
    super(message);
    this.name = 'ScanError';
  }
}

// ---- previous significant token kinds ----
const T_START = 0; //          start of the file or of a block body: a statement may start
const T_OP = 1; //             an operator or punctuator after which an expression starts: ( [ , = + ! ? ...
const T_DOT = 2; //            `.` or `?.`: the next identifier is a property name
const T_IDENT = 3; //          identifier or keyword (its text is checked lazily, see keywordKind)
const T_VALUE = 4; //          number, string, template, regex, `)` of a call, `]`: an expression just ended
const T_STMT = 5; //           `;`, `{` of a block, `}` of a block, `)` of if/for/while/with, a label's `:`
const T_CLOSE_EXPR = 6; //     `}` of an object literal, function body in an expression, or class body

// ---- bracket kinds on the stack ----
const B_PAREN = 0;
const B_PAREN_COND = 1; // `(` after if / for / while / with: its `)` is followed by a statement
const B_BRACKET = 2;
const B_BRACE_BLOCK = 3; // statement block, function or class body
const B_BRACE_EXPR = 4; // object literal (or destructuring pattern)
const B_TEMPLATE = 5; // `${` of a template literal
const B_MODULE = 6; // body of a module expression
const B_PAREN_IMPORT = 7; // `(` of a dynamic import()

// Identifier characters, ASCII part. Anything >= 128 that is not whitespace counts as an identifier char, and so
// does `\` (unicode escapes): the scanner only needs identifier extents, not validity.
const IDENT = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  IDENT[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 36 || c === 95 || c === 92 ? 1 : 0;
}

function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

function isWhitespaceNonAscii(c: number): boolean {
  return c === 0xa0 || c === 0xfeff || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 ||
    c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

function isIdentChar(c: number): boolean {
  return c < 128 ? IDENT[c] === 1 : !isWhitespaceNonAscii(c);
}

// Keyword classes for the identifier that precedes a token.
const K_NONE = 0; //     ordinary identifier, or a keyword that ends an expression (this, super, null, true …)
const K_EXPR = 1; //     an expression must follow: return typeof instanceof in of new delete void throw case yield await
const K_STMT = 2; //     a statement may follow: else do try finally
const K_EXTENDS = 3; //  `extends`: an expression follows, but `module {` there is a class body (SPEC §3)
const K_NOBIND = 4; //   the next identifier is a name being declared: class function let const var

function keywordKind(src: string, start: number, end: number): number {
  switch (end - start) {
    case 2:
      if (src.startsWith('in', start) || src.startsWith('of', start)) return K_EXPR;
      if (src.startsWith('do', start)) return K_STMT;
      return K_NONE;
    case 3:
      if (src.startsWith('new', start)) return K_EXPR;
      if (src.startsWith('try', start)) return K_STMT;
      if (src.startsWith('let', start) || src.startsWith('var', start)) return K_NOBIND;
      return K_NONE;
    case 4:
      if (src.startsWith('void', start) || src.startsWith('case', start)) return K_EXPR;
      if (src.startsWith('else', start)) return K_STMT;
      return K_NONE;
    case 5:
      if (src.startsWith('throw', start) || src.startsWith('yield', start) || src.startsWith('await', start)) return K_EXPR;
      if (src.startsWith('class', start) || src.startsWith('const', start)) return K_NOBIND;
      return K_NONE;
    case 6:
      if (src.startsWith('return', start) || src.startsWith('typeof', start) || src.startsWith('delete', start)) return K_EXPR;
      return K_NONE;
    case 7:
      if (src.startsWith('extends', start)) return K_EXTENDS;
      if (src.startsWith('default', start)) return K_EXPR; // `export default module {}`; `default:` has a colon next
      if (src.startsWith('finally', start)) return K_STMT;
      return K_NONE;
    case 8:
      if (src.startsWith('function', start)) return K_NOBIND;
      return K_NONE;
    case 10:
      if (src.startsWith('instanceof', start)) return K_EXPR;
      return K_NONE;
    default:
      return K_NONE;
  }
}

function isCondKeyword(src: string, start: number, end: number): boolean {
  const len = end - start;
  return (len === 2 && src.startsWith('if', start)) || (len === 3 && src.startsWith('for', start)) ||
    (len === 5 && src.startsWith('while', start)) || (len === 4 && src.startsWith('with', start));
}

/**
 * Scan module source. Throws ScanError for the module-expression errors it can see itself: `module {` at the start
 * of an expression statement, and a block that is never closed. Any other malformed input is left for the engine
 * to report, at the same line, since the transform moves no line.
 */
export function scan(src: string): ScanResult {
  const n = src.length;
  const blocks: Block[] = [];
  const allBlocks: Block[] = [];
  const imports: DynamicImport[] = [];

  // Bracket stack: kind, and for each level a count of pending `?` (to tell a ternary `:` from a label's).
  let kinds = new Uint8Array(64);
  let ternaries = new Uint32Array(64);
  let depth = 0;
  // Side tables for the levels that are module bodies and import parens (few).
  const levelBlock: (Block | null)[] = [];
  const levelImport: (DynamicImport | null)[] = [];
  const importTokens: number[] = [];
  let ternaryTop = 0; // pending `?` outside any bracket
  let currentBlock: Block | null = null;
  let topOrdinal = 0;
  const childOrdinals = new Map<Block, number>();

  let prev = T_START;
  let prevStart = 0; // start/end of the previous significant token
  let prevEnd = 0;
  let i = 0;

  // Hashbang: only at offset 0.
  if (n > 1 && src.charCodeAt(0) === 35 && src.charCodeAt(1) === 33) {
    i = 2;
    while (i < n && !isLineTerminator(src.charCodeAt(i))) i++;
  }

  const push = (kind: number): void => {
    if (depth === kinds.length) {
      const k = new Uint8Array(depth * 2); k.set(kinds); kinds = k;
      const t = new Uint32Array(depth * 2); t.set(ternaries); ternaries = t;
    }
    kinds[depth] = kind;
    ternaries[depth] = 0;
    depth++;
  };

  // Called for every significant token directly inside an import paren (rare): recognises `import('literal')`.
  const noteImportToken = (tokenIsString: boolean): void => {
    const rec = levelImport[depth - 1]!;
    if (rec.argEnd !== -1) return;
    rec.literal = tokenIsString && importTokens[depth - 1] === 0;
    importTokens[depth - 1]++;
  };

  const regexAllowed = (): boolean => {
    switch (prev) {
      case T_START: case T_OP: case T_STMT: return true;
      case T_IDENT: {
        const k = keywordKind(src, prevStart, prevEnd);
        return k === K_EXPR || k === K_STMT || k === K_EXTENDS;
      }
      default: return false;
    }
  };

  while (i < n) {
    const c = src.charCodeAt(i);

    // whitespace and line terminators
    if (c === 32 || c === 10 || c === 9 || c === 13 || c === 11 || c === 12) { i++; continue; }

    // identifiers and keywords
    if (c < 128 ? IDENT[c] === 1 && (c < 48 || c > 57) : !isWhitespaceNonAscii(c)) {
      const start = i;
      i++;
      while (i < n) {
        const d = src.charCodeAt(i);
        if (d < 128 ? IDENT[d] === 0 : isWhitespaceNonAscii(d)) break;
        i++;
      }
      const len = i - start;
      if (len === 6 && c === 109 && src.startsWith('module', start) && prev !== T_DOT) {
        const brace = moduleBrace(src, i);
        if (brace !== -1 && canStartModuleExpression(start)) {
          // a module expression
          if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
          let path: string;
          if (currentBlock === null) path = String(topOrdinal++);
          else {
            const k = childOrdinals.get(currentBlock) ?? 0;
            childOrdinals.set(currentBlock, k + 1);
            path = `${currentBlock.path}.${k}`;
          }
          const block: Block = { start, open: brace, close: -1, path, parent: currentBlock, children: [] };
          (currentBlock === null ? blocks : currentBlock.children).push(block);
          allBlocks.push(block);
          push(B_MODULE);
          levelBlock[depth - 1] = block;
          currentBlock = block;
          prev = T_START;
          prevStart = brace; prevEnd = brace + 1;
          i = brace + 1;
          continue;
        }
      } else if (len === 6 && c === 105 && src.startsWith('import', start) && prev !== T_DOT) {
        const paren = nextSignificant(src, i);
        if (paren < n && src.charCodeAt(paren) === 40) {
          if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
          const rec: DynamicImport = { start, argStart: paren + 1, argEnd: -1, literal: false, owner: currentBlock };
          imports.push(rec);
          push(B_PAREN_IMPORT);
          levelImport[depth - 1] = rec;
          importTokens[depth - 1] = 0;
          prev = T_OP;
          prevStart = paren; prevEnd = paren + 1;
          i = paren + 1;
          continue;
        }
      }
      if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
      prev = T_IDENT;
      prevStart = start; prevEnd = i;
      continue;
    }

    // numbers (a leading digit; `.5` is handled under `.`)
    if (c >= 48 && c <= 57) {
      const start = i;
      i = skipNumber(src, i);
      if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
      prev = T_VALUE; prevStart = start; prevEnd = i;
      continue;
    }

    switch (c) {
      case 39: // '
      case 34: { // "
        const start = i;
        i = skipString(src, i, c);
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(true); }
        prev = T_VALUE; prevStart = start; prevEnd = i;
        continue;
      }
      case 96: { // `
        const start = i;
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        const r = skipTemplate(src, i + 1);
        if (r < 0) { // `${`: continue in code, resume the template at the matching `}`
          push(B_TEMPLATE);
          prev = T_OP; prevStart = -r - 2; prevEnd = -r;
          i = -r;
        } else {
          prev = T_VALUE; prevStart = start; prevEnd = r;
          i = r;
        }
        continue;
      }
      case 47: { // /
        const d = i + 1 < n ? src.charCodeAt(i + 1) : 0;
        if (d === 47) { // line comment
          i += 2;
          while (i < n && !isLineTerminator(src.charCodeAt(i))) i++;
          continue;
        }
        if (d === 42) { // block comment
          const e = src.indexOf('*/', i + 2);
          i = e === -1 ? n : e + 2;
          continue;
        }
        const start = i;
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        if (regexAllowed()) {
          const e = skipRegex(src, i + 1);
          if (e !== -1) { prev = T_VALUE; prevStart = start; prevEnd = e; i = e; continue; }
          // no closing `/` on this line: it was a division after all (the heuristic guessed wrong)
        }
        i++;
        if (i < n && src.charCodeAt(i) === 61) i++; // /=
        prev = T_OP; prevStart = start; prevEnd = i;
        continue;
      }
      case 40: { // (
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        push(prev === T_IDENT && isCondKeyword(src, prevStart, prevEnd) ? B_PAREN_COND : B_PAREN);
        prev = T_OP; prevStart = i; prevEnd = ++i;
        continue;
      }
      case 41: { // )
        let kind = B_PAREN;
        if (depth > 0) {
          kind = kinds[depth - 1]!;
          if (kind === B_PAREN_IMPORT) {
            const rec = levelImport[depth - 1]!;
            if (rec.argEnd === -1) rec.argEnd = i;
            levelImport[depth - 1] = null;
          }
          depth--;
        }
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        prev = kind === B_PAREN_COND ? T_STMT : T_VALUE;
        prevStart = i; prevEnd = ++i;
        continue;
      }
      case 91: { // [
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        push(B_BRACKET);
        prev = T_OP; prevStart = i; prevEnd = ++i;
        continue;
      }
      case 93: { // ]
        if (depth > 0) depth--;
        prev = T_VALUE; prevStart = i; prevEnd = ++i;
        continue;
      }
      case 123: { // {
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        let kind: number;
        if (prev === T_OP) kind = src.charCodeAt(prevStart) === 61 && src.charCodeAt(prevStart + 1) === 62 ? B_BRACE_BLOCK : B_BRACE_EXPR; // `=> {` is a body
        else if (prev === T_IDENT) kind = keywordKind(src, prevStart, prevEnd) === K_EXPR ? B_BRACE_EXPR : B_BRACE_BLOCK;
        else kind = B_BRACE_BLOCK;
        push(kind);
        prev = kind === B_BRACE_EXPR ? T_OP : T_STMT;
        prevStart = i; prevEnd = ++i;
        continue;
      }
      case 125: { // }
        if (depth === 0) { prev = T_STMT; prevStart = i; prevEnd = ++i; continue; } // unbalanced: the engine will say
        const kind = kinds[--depth]!;
        if (kind === B_TEMPLATE) {
          const r = skipTemplate(src, i + 1);
          if (r < 0) { push(B_TEMPLATE); prev = T_OP; prevStart = -r - 2; prevEnd = -r; i = -r; }
          else { prev = T_VALUE; prevStart = i; prevEnd = r; i = r; }
          continue;
        }
        if (kind === B_MODULE) {
          const block = levelBlock[depth]!;
          levelBlock[depth] = null;
          block.close = i;
          currentBlock = block.parent;
          prev = T_VALUE; // a module expression is a complete PrimaryExpression
          prevStart = i; prevEnd = ++i;
          continue;
        }
        prev = kind === B_BRACE_EXPR ? T_CLOSE_EXPR : T_STMT;
        // `}` of a function or class body used as an expression (`x = function () {} / 2`) is rare; a block is the
        // common case and keeps `}\n/re/.test(s)` right.
        prevStart = i; prevEnd = ++i;
        continue;
      }
      case 59: // ;
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        prev = T_STMT; prevStart = i; prevEnd = ++i;
        continue;
      case 44: { // ,
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) {
          const rec = levelImport[depth - 1]!;
          if (rec.argEnd === -1) rec.argEnd = i;
        }
        prev = T_OP; prevStart = i; prevEnd = ++i;
        continue;
      }
      case 46: { // .
        const d = i + 1 < n ? src.charCodeAt(i + 1) : 0;
        if (d >= 48 && d <= 57) { // .5
          const start = i;
          i = skipNumber(src, i + 1);
          if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
          prev = T_VALUE; prevStart = start; prevEnd = i;
          continue;
        }
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        if (d === 46 && i + 2 < n && src.charCodeAt(i + 2) === 46) { prev = T_OP; prevStart = i; i += 3; prevEnd = i; continue; }
        prev = T_DOT; prevStart = i; prevEnd = ++i;
        continue;
      }
      case 63: { // ?
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        const d = i + 1 < n ? src.charCodeAt(i + 1) : 0;
        if (d === 46) {
          const e = i + 2 < n ? src.charCodeAt(i + 2) : 0;
          if (e < 48 || e > 57) { prev = T_DOT; prevStart = i; i += 2; prevEnd = i; continue; } // ?.
        }
        if (d === 63) { prev = T_OP; prevStart = i; i += src.charCodeAt(i + 2) === 61 ? 3 : 2; prevEnd = i; continue; } // ?? ??=
        if (depth > 0) ternaries[depth - 1]++;
        else ternaryTop++;
        prev = T_OP; prevStart = i; prevEnd = ++i;
        continue;
      }
      case 58: { // :
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        let pending: number;
        if (depth > 0) { pending = ternaries[depth - 1]!; if (pending > 0) ternaries[depth - 1]--; }
        else { pending = ternaryTop; if (pending > 0) ternaryTop--; }
        const inObject = depth > 0 && kinds[depth - 1] === B_BRACE_EXPR;
        // a label's or a case's colon puts us at the start of a statement; a ternary's or a property's does not
        prev = pending > 0 || inObject || (depth > 0 && kinds[depth - 1] !== B_BRACE_BLOCK && kinds[depth - 1] !== B_MODULE) ? T_OP : T_STMT;
        prevStart = i; prevEnd = ++i;
        continue;
      }
      case 35: { // # private name: `#module` is a name, never a module expression
        const start = i;
        i++;
        while (i < n && isIdentChar(src.charCodeAt(i))) i++;
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        prev = T_IDENT; prevStart = start; prevEnd = i; // never a keyword
        continue;
      }
      case 43: // +
      case 45: { // -
        const start = i;
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        if (i + 1 < n && src.charCodeAt(i + 1) === c) {
          // ++ / --: postfix after a value (then the expression goes on), prefix otherwise
          i += 2;
          prev = prev === T_VALUE || prev === T_IDENT || prev === T_CLOSE_EXPR ? T_VALUE : T_OP;
          prevStart = start; prevEnd = i;
          continue;
        }
        i++;
        prev = T_OP; prevStart = start; prevEnd = i;
        continue;
      }
      default: {
        if (c >= 128 && isWhitespaceNonAscii(c)) { i++; continue; }
        // any other punctuator: = ! ~ * % & | ^ < > @ and their compounds; an expression follows
        if (depth > 0 && kinds[depth - 1] === B_PAREN_IMPORT) { noteImportToken(false); }
        prev = T_OP; prevStart = i; prevEnd = ++i;
        // `=>`: keep both chars in the token so that `{` after it is known to be a body
        if (c === 61 && i < n && src.charCodeAt(i) === 62) prevEnd = ++i;
        continue;
      }
    }
  }

  if (currentBlock !== null) {
    throw new ScanError(`module block is never closed: missing \`}\` for the \`module {\` here`, currentBlock.open);
  }
  return { blocks, allBlocks, imports };

  // --- helpers that read the scanner's state ---

  /** `module` at `start` is followed by `{`; may an expression begin here? Throws for statement position. */
  function canStartModuleExpression(start: number): boolean {
    switch (prev) {
      case T_OP:
        return true;
      case T_IDENT: {
        const k = keywordKind(src, prevStart, prevEnd);
        if (k === K_EXPR) return true;
        if (k === K_EXTENDS || k === K_NOBIND) return false; // `extends module {`, `class module {`
        if (k === K_STMT) break; // `else module {}` starts a statement
        if (hasLineTerminator(src, prevEnd, start)) break; // ASI: a new statement begins
        return false; // `foo module {`: not JavaScript either way; the engine reports it
      }
      case T_VALUE:
      case T_CLOSE_EXPR:
        if (hasLineTerminator(src, prevEnd, start)) break;
        return false;
      case T_DOT:
        return false;
      default: // T_START, T_STMT
        break;
    }
    throw new ScanError(
      'a module expression cannot start an expression statement; wrap it in parentheses: `(module { … })`',
      start,
    );
  }
}

/** Offset of the next char that is not whitespace or a comment. */
function nextSignificant(src: string, i: number): number {
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || (c >= 128 && isWhitespaceNonAscii(c))) { i++; continue; }
    if (c === 47) {
      const d = src.charCodeAt(i + 1);
      if (d === 47) { while (i < n && !isLineTerminator(src.charCodeAt(i))) i++; continue; }
      if (d === 42) { const e = src.indexOf('*/', i + 2); i = e === -1 ? n : e + 2; continue; }
    }
    return i;
  }
  return n;
}

/** After `module` ending at `i`: the offset of a `{` reached with no line terminator in between, else -1. */
function moduleBrace(src: string, i: number): number {
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff) { i++; continue; }
    if (c === 47) {
      const d = src.charCodeAt(i + 1);
      if (d === 47) return -1; // a line comment always ends in a line terminator (or the end of the file)
      if (d === 42) {
        const e = src.indexOf('*/', i + 2);
        if (e === -1) return -1;
        if (hasLineTerminator(src, i + 2, e)) return -1; // SPEC §3: a comment with a line break counts as one
        i = e + 2;
        continue;
      }
      return -1;
    }
    if (c >= 128 && isWhitespaceNonAscii(c) && c !== 0x2028 && c !== 0x2029) { i++; continue; }
    return c === 123 ? i : -1;
  }
  return -1;
}

function hasLineTerminator(src: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isLineTerminator(src.charCodeAt(i))) return true;
  return false;
}

function skipString(src: string, i: number, quote: number): number {
  const n = src.length;
  i++;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === 92) { i += 2; continue; } // escape, including a line continuation
    if (c === 10 || c === 13) return i; // unterminated: stop at the line end; the engine reports it
    i++;
  }
  return n;
}

/**
 * Skip template characters starting just after a backtick or a template's `}`. Returns the offset after the closing
 * backtick, or `-(offset after "${")` when a substitution starts.
 */
function skipTemplate(src: string, i: number): number {
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 96) return i + 1;
    if (c === 92) { i += 2; continue; }
    if (c === 36 && src.charCodeAt(i + 1) === 123) return -(i + 2);
    i++;
  }
  return n;
}

/** Skip a regular expression body and flags from just after its `/`; -1 if no closing `/` on this line. */
function skipRegex(src: string, i: number): number {
  const n = src.length;
  let inClass = false;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 92) { i += 2; continue; }
    if (isLineTerminator(c)) return -1;
    if (inClass) { if (c === 93) inClass = false; }
    else if (c === 91) inClass = true;
    else if (c === 47) {
      i++;
      while (i < n && isIdentChar(src.charCodeAt(i))) i++; // flags
      return i;
    }
    i++;
  }
  return -1;
}

function skipNumber(src: string, i: number): number {
  const n = src.length;
  const hex = src.charCodeAt(i) === 48 && (src.charCodeAt(i + 1) | 32) === 120;
  while (i < n) {
    const c = src.charCodeAt(i);
    if ((c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95 || c === 46) {
      i++;
      if (!hex && (c | 32) === 101) { const d = src.charCodeAt(i); if (d === 43 || d === 45) i++; } // 1e-5
      continue;
    }
    break;
  }
  return i;
}
