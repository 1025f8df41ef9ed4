/**
 * What curl and wget write: `-o FILE` (each of them: one per URL), `-O` (the
 * URL's last name, in the current folder or `--output-dir`), wget's default
 * (the same), and the side files (cookie jars, dumped headers, traces, logs).
 * curl's argv is read here once for docker-rules.ts too (a request to the
 * Docker socket is the Docker API).
 */
import { type Effects, effectOf } from './effects.js';
import { type Parsed, hasAny, optArg, optArgs, parseOptions } from './options.js';
import { ANY, type Word, hasMarker, makeWord } from './words.js';

const CURL_LONG = [
  'output',
  'output-dir',
  'cookie-jar',
  'dump-header',
  'stderr',
  'trace',
  'trace-ascii',
  'libcurl',
  'etag-save',
  'etag-compare',
  'hsts',
  'alt-svc',
  'request',
  'unix-socket',
  'abstract-unix-socket',
  'url',
  'data',
  'data-raw',
  'data-binary',
  'data-urlencode',
  'data-ascii',
  'json',
  'form',
  'form-string',
  'header',
  'proxy-header',
  'user',
  'user-agent',
  'referer',
  'cookie',
  'continue-at',
  'cert',
  'key',
  'cacert',
  'capath',
  'config',
  'max-time',
  'connect-timeout',
  'proxy',
  'proxy-user',
  'range',
  'upload-file',
  'telnet-option',
  'write-out',
  'speed-limit',
  'speed-time',
  'time-cond',
  'quote',
  'ftp-port',
  'resolve',
  'connect-to',
  'interface',
  'retry',
  'retry-delay',
  'retry-max-time',
  'max-filesize',
  'limit-rate',
  'oauth2-bearer',
  'aws-sigv4',
  'variable',
  'expand-url',
  'max-redirs',
  'dns-servers',
  'parallel-max',
  'rate',
];
const CURL_FLAGS = [
  'remote-name',
  'remote-name-all',
  'remote-header-name',
  'silent',
  'show-error',
  'location',
  'fail',
  'insecure',
  'verbose',
  'include',
  'head',
  'get',
  'compressed',
  'create-dirs',
  'globoff',
  'no-buffer',
  'progress-bar',
  'http1.1',
  'http2',
  'ipv4',
  'ipv6',
  'next',
  'parallel',
];
const CURL_SIDE_FILES = ['c', 'D', 'cookie-jar', 'dump-header', 'stderr', 'trace', 'trace-ascii', 'libcurl', 'etag-save', 'hsts', 'alt-svc'];

export interface CurlArgs {
  p: Parsed;
  urls: Word[];
}

export function curlArgs(args: readonly Word[]): CurlArgs {
  const p = parseOptions(args, { short: 'AbcCdDeEFHKmoPQrTtuUwxXYyz', long: CURL_LONG, flags: CURL_FLAGS });
  return { p, urls: [...p.operands, ...optArgs(p, 'url')] };
}

/** The name a download takes from its URL (`https://x/a/.env?x=1` is `.env`): unknown parts are any name. */
function remoteNames(url: Word, fallback: string | null): string[] {
  const out = new Set<string>();
  for (const v of url.values) {
    const path = v.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/s, '');
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (hasMarker(base) || hasMarker(v.slice(0, v.indexOf('//') + 2))) out.add(ANY);
    else if (base !== '') out.add(base);
    else if (fallback) out.add(fallback);
  }
  return [...out];
}

/** Where downloads named after their URL land: `DIR/<name>` (or `./<name>`). */
function landsIn(dir: Word | null, url: Word, fallback: string | null, out: Effects, verb: string): void {
  const names = remoteNames(url, fallback);
  if (names.length === 0) return;
  const dirs = dir ? dir.values : ['.'];
  const values = dirs.flatMap((d) => names.map((n) => `${d.replace(/\/+$/, '')}/${n}`));
  out.writes.push({ values, reach: 'path', verb, word: makeWord(url.text, values) });
}

const notStdout = (w: Word) => w.literal !== '-';

export function curl(args: Word[], out: Effects): void {
  const { p, urls } = curlArgs(args);
  for (const o of optArgs(p, 'o', 'output').filter(notStdout)) out.writes.push(effectOf(o, 'path', 'downloads to'));
  for (const f of optArgs(p, ...CURL_SIDE_FILES).filter(notStdout)) out.writes.push(effectOf(f, 'path', 'writes'));
  const dir = optArg(p, 'output-dir');
  if (hasAny(p, 'O', 'remote-name', 'remote-name-all')) {
    // -J takes the name from the server: any name.
    const named = hasAny(p, 'J', 'remote-header-name') ? urls.map((u) => makeWord(u.text, ANY)) : urls;
    for (const u of named) landsIn(dir, u, null, out, 'downloads to');
  }
  // An option we cannot read may be `-o` (any operand may be the output).
  if (p.maybeOptions) for (const w of p.operands) out.writes.push(effectOf(w, 'path', 'may download to'));
}

const WGET_LONG = [
  'output-document',
  'output-file',
  'append-output',
  'directory-prefix',
  'input-file',
  'base',
  'config',
  'execute',
  'user-agent',
  'header',
  'post-data',
  'post-file',
  'body-data',
  'body-file',
  'method',
  'save-cookies',
  'load-cookies',
  'user',
  'password',
  'tries',
  'timeout',
  'wait',
  'level',
  'accept',
  'reject',
  'domains',
  'quota',
  'cut-dirs',
  'restrict-file-names',
  'warc-file',
  'rejected-log',
  'default-page',
  'referer',
  'limit-rate',
];
const WGET_FLAGS = ['quiet', 'verbose', 'no-verbose', 'continue', 'recursive', 'mirror', 'page-requisites', 'no-directories', 'content-disposition', 'no-clobber'];

export function wget(args: Word[], out: Effects): void {
  const p = parseOptions(args, { short: 'aABDeIilOoPQRTtUwXn', long: WGET_LONG, flags: WGET_FLAGS });
  const docs = optArgs(p, 'O', 'output-document').filter(notStdout);
  for (const o of docs) out.writes.push(effectOf(o, 'path', 'downloads to'));
  for (const f of optArgs(p, 'o', 'a', 'output-file', 'append-output', 'save-cookies', 'rejected-log')) out.writes.push(effectOf(f, 'path', 'writes'));
  if (hasAny(p, 'O', 'output-document')) return;
  // Without -O each URL is saved under its own name (recursively: any names) in the prefix folder.
  const dir = optArg(p, 'P', 'directory-prefix');
  const anyName = hasAny(p, 'r', 'm', 'p', 'recursive', 'mirror', 'page-requisites', 'content-disposition');
  for (const u of p.operands) landsIn(dir, anyName ? makeWord(u.text, ANY) : u, 'index.html', out, 'downloads to');
  if (p.maybeOptions) for (const w of p.operands) out.writes.push(effectOf(w, 'path', 'may download to'));
}
