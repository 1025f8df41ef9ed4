/**
 * The two things a sed script can do besides editing its stream: write a
 * file (`w FILE`, `W FILE`, the `s///w FILE` flag) and run a shell command
 * (`e CMD`, or `e` / the `s///e` flag, which run the pattern space). A small
 * scanner over sed's command syntax finds them; it reads addresses, regular
 * expressions and text arguments only far enough to skip them, in one pass.
 */
export interface SedScan {
  files: string[];
  commands: string[];
  /** `e` with no command or the `s///e` flag: runs text we cannot know. */
  execPatternSpace: boolean;
}

export function scanSed(s: string): SedScan {
  const out: SedScan = { files: [], commands: [], execPatternSpace: false };
  const n = s.length;
  let i = 0;
  const skipBlanks = () => {
    while (i < n && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const restOfLine = () => {
    const j = s.indexOf('\n', i);
    const line = s.slice(i, j === -1 ? n : j);
    i = j === -1 ? n : j;
    return line.trim();
  };
  // Past the next unescaped delimiter.
  const skipDelimited = (d: string) => {
    while (i < n && s[i] !== d) i += s[i] === '\\' ? 2 : 1;
    i++;
  };
  while (i < n) {
    skipBlanks();
    const ch = s[i];
    if (ch === undefined) break;
    i++;
    if (';\n{}!,~+$IM'.includes(ch) || (ch >= '0' && ch <= '9')) continue;
    switch (ch) {
      case '/':
        skipDelimited('/');
        break;
      case '\\': {
        const d = s[i++];
        if (d !== undefined) skipDelimited(d);
        break;
      }
      case '#':
        restOfLine();
        break;
      case 's': {
        const d = s[i++];
        if (d === undefined) break;
        skipDelimited(d);
        skipDelimited(d);
        let flags = '';
        while (i < n && /[0-9gpiImMe]/.test(s[i]!)) flags += s[i++];
        if (flags.includes('e')) out.execPatternSpace = true;
        if (s[i] === 'w') {
          i++;
          skipBlanks();
          out.files.push(restOfLine());
        }
        break;
      }
      case 'y': {
        const d = s[i++];
        if (d === undefined) break;
        skipDelimited(d);
        skipDelimited(d);
        break;
      }
      case 'w':
      case 'W':
        skipBlanks();
        out.files.push(restOfLine());
        break;
      case 'e': {
        skipBlanks();
        const cmd = restOfLine();
        if (cmd) out.commands.push(cmd);
        else out.execPatternSpace = true;
        break;
      }
      case 'a':
      case 'i':
      case 'c':
        // Text to the end of the line, continued by a trailing backslash.
        while (i < n) {
          const j = s.indexOf('\n', i);
          const end = j === -1 ? n : j;
          const continued = s[end - 1] === '\\';
          i = end + 1;
          if (!continued) break;
        }
        break;
      case 'r':
      case 'R':
      case ':':
        restOfLine();
        break;
      case 'b':
      case 't':
      case 'T':
        while (i < n && s[i] !== ';' && s[i] !== '\n') i++;
        break;
      default:
        break;
    }
  }
  return out;
}
