/**
 * Per language, the names that matter in a payload: calls that run a shell
 * or a process, calls that evaluate code, open calls and their write modes,
 * and the raw-text tests for the capabilities (run commands, write or delete
 * files, delete trees or move folders, dynamic features that could reach
 * any of them).
 */
import type { Lang, Tok } from './payload-lexer.js';

export interface LangRules {
  /** Calls that run a shell or a process. */
  shellCalls: Set<string>;
  /** exec-family: the list after the program is argv, argv[0] first. */
  execFamily?: RegExp;
  /** Calls that evaluate code (bare names only for python). */
  evalCalls: Set<string>;
  shellCap: RegExp;
  fsCap: RegExp;
  /** In-place editing switched on from inside the code (python `fileinput` with `inplace=`, perl `$^I`, ruby `$-i`). */
  inPlace?: RegExp;
  treeCap: (code: string) => boolean;
  dynamic: RegExp;
  /** Calls whose mode argument says write (open, fopen, File.open...). */
  openCalls: Set<string>;
  writeMode: RegExp;
}

const set = (s: string) => new Set(s.split(' '));
export const PY_GENERIC = set('run call check_call check_output Popen getoutput getstatusoutput');

export const RULES: Record<Lang, LangRules> = {
  python: {
    shellCalls: set(
      'system popen run call check_call check_output Popen getoutput getstatusoutput spawn execl execle execlp execlpe execv execve execvp execvpe spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe posix_spawn posix_spawnp create_subprocess_shell create_subprocess_exec',
    ),
    execFamily: /^(exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)$/,
    evalCalls: set('exec eval compile'),
    shellCap: /\b(os|subprocess|pty|commands|posix|asyncio|multiprocessing|system|popen)\b/,
    fsCap:
      /\b(shutil|unlink|rmdir|removedirs|rmtree|rename|renames|truncate|ftruncate|chmod|lchmod|fchmod|chown|lchown|fchown|symlink|symlink_to|hardlink_to|link|mkfifo|mknod|utime|write_text|write_bytes|touch|makedirs|mkdir|O_WRONLY|O_RDWR|O_TRUNC|O_CREAT|O_APPEND)\b|\bos\s*\.\s*(remove|replace|write)\b|\bfrom\s+os\b/,
    treeCap: (c) =>
      /\b(rmtree|removedirs|rename|renames|move|copytree)\b|\bos\s*\.\s*replace\b/.test(c) || (/\b(walk|scandir|listdir|iterdir|glob|rglob)\b/.test(c) && /\b(remove|unlink|rmdir)\b/.test(c)),
    dynamic: /\b(__import__|importlib|getattr|globals|locals|vars|setattr|__builtins__|builtins|ctypes|marshal|pickle|codecs|cffi)\b|\bfrom\s+(os|subprocess|shutil|pty)\s+import\b/,
    inPlace: /\binplace\s*=/,
    openCalls: set('open fdopen'),
    writeMode: /[wax+]/,
  },
  perl: {
    shellCalls: set('system exec readpipe'),
    evalCalls: set('eval'),
    shellCap: /\b(system|exec|qx|readpipe|open|fork|pipe|syscall|IPC|Open2|Open3)\b|`/,
    fsCap: /\b(unlink|rmdir|rename|truncate|chmod|chown|utime|symlink|link|mkdir|rmtree|remove_tree|make_path|mkpath|copy|move|sysopen)\b|File::(Path|Copy|Temp)/,
    treeCap: (c) => /\b(rmtree|remove_tree|rename|move|finddepth)\b/.test(c) || (/\b(find|glob|readdir|opendir)\b/.test(c) && /\b(unlink|rmdir)\b/.test(c)),
    dynamic: /&\$|&\{|\*\{|\bAUTOLOAD\b|\bcan\s*\(|\bdo\s+["'$]|\brequire\s+\$/,
    inPlace: /\$\^I\b/,
    openCalls: set('open'),
    writeMode: /^\s*(\+?[>|]|\+<)|\|\s*$/,
  },
  ruby: {
    shellCalls: set('system exec spawn popen popen2 popen3 capture2 capture2e capture3 pipeline'),
    evalCalls: set('eval instance_eval class_eval module_eval instance_exec'),
    shellCap: /\b(system|exec|spawn|popen\w*|Open3|PTY|fork|Process|Kernel|syscall|open)\b|`|%x/,
    fsCap:
      /\b(FileUtils|delete|unlink|rename|truncate|chmod|chown|lchmod|lchown|symlink|link|write|binwrite|rm|rm_f|rm_r|rm_rf|mv|cp|cp_r|ln|ln_s|ln_sf|touch|mkdir|mkdir_p|rmdir|remove_dir|remove_entry|remove_entry_secure|remove_file|install|Pathname)\b/,
    treeCap: (c) =>
      /\b(rm_rf|rm_r|remove_dir|remove_entry|remove_entry_secure|rmtree|rename|mv|cp_r)\b/.test(c) || (/\b(glob|entries|children|each_child|find)\b/.test(c) && /\b(delete|unlink|rmdir)\b/.test(c)),
    dynamic: /\b(send|__send__|public_send|const_get|method|define_method|instance_variable_get|binding|Fiddle|DL)\b/,
    inPlace: /\$-i\b/,
    openCalls: set('open new'),
    writeMode: /[wa+]/,
  },
  node: {
    shellCalls: set('exec execSync spawn spawnSync execFile execFileSync fork'),
    evalCalls: set('eval Function runInThisContext runInNewContext runInContext compileFunction Script setTimeout setInterval'),
    shellCap: /child_process|process\s*\.\s*(binding|dlopen|_linkedBinding)|\b(execa|shelljs|zx)\b/,
    fsCap:
      /\b(rm|rmSync|rmdir|rmdirSync|unlink|unlinkSync|writeFile|writeFileSync|appendFile|appendFileSync|truncate|truncateSync|ftruncate|ftruncateSync|rename|renameSync|copyFile|copyFileSync|cp|cpSync|chmod|chmodSync|chown|chownSync|lchown|lchownSync|symlink|symlinkSync|link|linkSync|createWriteStream|writeSync|utimes|utimesSync|mkdir|mkdirSync|rimraf|outputFile|outputFileSync|remove|removeSync|emptyDir|emptyDirSync|move|moveSync)\b/,
    treeCap: (c) => /\b(rm|rmSync|rmdir|rmdirSync|rimraf|remove|removeSync|emptyDir|emptyDirSync|rename|renameSync|move|moveSync)\s*\(/.test(c),
    // require(...) and import(...) of anything but one string literal: see dynamicTokens.
    dynamic: /\bglobalThis\s*\[|\bprocess\s*\[|\bmodule\s*\.\s*constructor\b|\bvm\b/,
    openCalls: set('open openSync'),
    writeMode: /[wa+]/,
  },
  php: {
    shellCalls: set('system exec shell_exec passthru popen proc_open pcntl_exec'),
    evalCalls: set('eval assert create_function'),
    shellCap: /\b(system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|mail|putenv|dl|FFI)\b|`/,
    fsCap: /\b(unlink|rmdir|rename|copy|file_put_contents|fwrite|fputs|touch|chmod|chown|chgrp|lchown|lchgrp|symlink|link|ftruncate|mkdir|tempnam|move_uploaded_file)\b/,
    treeCap: (c) => /\brename\b/.test(c) || (/\b(scandir|glob|RecursiveDirectoryIterator|opendir|readdir)\b/.test(c) && /\b(unlink|rmdir)\b/.test(c)),
    dynamic: /\$\w+\s*\(|\b(call_user_func|call_user_func_array|array_map|array_walk|usort|preg_replace_callback|ReflectionFunction|include|require|include_once|require_once)\b/,
    openCalls: set('fopen'),
    writeMode: /[waxc+]/,
  },
  awk: {
    shellCalls: set('system'),
    evalCalls: new Set(),
    shellCap: /\bsystem\b|\|/,
    // Only `print > FILE` writes (see writesByTokens): `NR>1` and `$4 > 1000` compare.
    fsCap: /(?!)/,
    treeCap: () => false,
    dynamic: /(?!)/,
    openCalls: new Set(),
    writeMode: /(?!)/,
  },
};

/**
 * node: `require(...)` or `import(...)` of anything but exactly one string
 * literal (`require('child' + '_process')`, `require(m)`) may load any
 * module: every capability is on.
 */
export function dynamicTokens(lang: Lang, toks: readonly Tok[]): boolean {
  if (lang !== 'node') return false;
  for (let j = 0; j < toks.length; j++) {
    const t = toks[j]!;
    if (t.k !== 'id' || (t.s !== 'require' && t.s !== 'import') || toks[j + 1]?.s !== '(' || toks[j + 1]?.k !== 'p') continue;
    const arg = toks[j + 2];
    const close = toks[j + 3];
    if (!(arg?.k === 'str' && arg.lit && !arg.re && close?.k === 'p' && close.s === ')')) return true;
  }
  return false;
}

/**
 * awk: output redirection, `print ... > FILE` / `>> FILE` (also printf), at
 * the print statement's own level; a `>` inside parentheses or in a pattern
 * compares.
 */
export function writesByTokens(lang: Lang, toks: readonly Tok[]): boolean {
  if (lang !== 'awk') return false;
  let depth = 0;
  let printAt = -1;
  for (const t of toks) {
    if (t.k === 'id' && (t.s === 'print' || t.s === 'printf')) printAt = depth;
    if (t.k !== 'p') continue;
    if (t.s === '(' || t.s === '[') depth++;
    else if (t.s === ')' || t.s === ']') depth--;
    else if (t.s === ';' || t.s === '\n' || t.s === '{' || t.s === '}') printAt = -1;
    else if ((t.s === '>' || t.s === '>>') && printAt === depth) return true;
  }
  return false;
}
