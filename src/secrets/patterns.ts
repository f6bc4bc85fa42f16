/**
 * The secret detectors. Each pattern captures the secret itself in group 1 (or the whole match when it
 * has no group), so redaction keeps the surrounding context readable (`postgres://app:[REDACTED]@db`).
 *
 * Token patterns are fenced by TOKEN_EDGE look-arounds instead of \b: a key embedded inside a longer run
 * of base64/base64url characters (an inline image, a hash, a minified bundle) is not a key.
 */
import { entropy } from './entropy.js';

export { entropy };

export type SecretKind =
  | 'private-key'
  | 'anthropic-api-key'
  | 'openai-api-key'
  | 'github-token'
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'slack-token'
  | 'slack-webhook'
  | 'google-api-key'
  | 'google-oauth-token'
  | 'stripe-key'
  | 'jwt'
  | 'bearer-token'
  | 'basic-auth'
  | 'connection-string'
  | 'password'
  | 'secret-assignment'
  /** A gitleaks rule id (gitlab-pat, huggingface-access-token, ...). */
  | (string & {});

export interface SecretPattern {
  kind: SecretKind;
  regex: RegExp;
  /** A cheap test that every match passes (a literal it must contain): most text fails it, skipping the regex. */
  hint: string | RegExp;
  /** Extra check on the captured value (placeholders, entropy); false = not a secret. */
  accept?: (value: string, quoted: boolean, match: string) => boolean;
}

// Before a token `=`, `/` and `+` are ordinary delimiters (KEY=..., https://token@...); after it they are
// not, so a run inside base64 still needs a non-base64 character on its right, which only its end has.
// The same two classes fence gitleaks' token rules (gitleaks.ts).
export const TOKEN_CHAR_BEFORE = /[A-Za-z0-9_-]/;
export const TOKEN_CHAR_AFTER = /[A-Za-z0-9+/=_-]/;
const B = `(?<!${TOKEN_CHAR_BEFORE.source})`;
const E = `(?!${TOKEN_CHAR_AFTER.source})`;

const token = (body: string, flags = 'g'): RegExp => new RegExp(`${B}(${body})${E}`, flags);

/** Characters of a PEM body: base64, headers, real or escaped line breaks. */
export const PEM_BODY = '[A-Za-z0-9+/=\\s\\\\:,.-]';
/** One line of a PEM body: base64, or a header such as `Proc-Type: 4,ENCRYPTED`. */
export const PEM_LINE = '(?:[A-Za-z0-9+/=]+|[A-Za-z-]+: [^\\n\\\\]*)';
/** A real or an escaped (JSON) line break. */
const PEM_BREAK = '(?:\\r?\\n|\\\\n)';

/** Values that point at a secret instead of being one: $VAR, ${{ secrets.X }}, <your-key>, {{ x }}, os.environ[...] */
export function isReference(value: string): boolean {
  return /^(?:\$|<|\{|`|%\(|%[A-Z_]+%|\*+$|x{3,}$|\.{3}|process\.env|os\.environ|env\(|getenv|secrets\.|vault:|None$|null$|nil$|undefined$|true$|false$|REDACTED|\[REDACTED|(?:password|passwd|pass|pwd|secret|changeme|todo|fixme|tbd)$)/i.test(
    value,
  );
}

const TYPE_NAMES = /^(?:string|str|number|int|integer|boolean|bool|any|bytes|text|varchar|secretstr|optional|required|hidden|masked|sensitive|field|type|input|prompt)\b/i;

/**
 * Code after a secret's name, not a value: a word that starts an expression (`const pass = new Scheduler(p)`,
 * `pwd = await read()`), or a member access of plain names, negated or not (`pass: this.pass`, `exports.pass =
 * exports.only`, `token = res?.data?.token`, `hasToken = !!node.token`). Names with digits are left out, so a
 * password like `Winter2024.Secure` is still one; a password of dotted plain words (`correct.horse`) reads
 * exactly like code and is let go: in the code these lines come from, such lines are everywhere.
 */
function isCode(value: string): boolean {
  if (/^(?:new|await|yield|typeof|function|async|this|self|require|import|lambda|def|fn|func)$|^(?:this|self)\./.test(value)) return true;
  return /^!*[A-Za-z_$]+(?:\??\.[A-Za-z_$]+)+$/.test(value);
}

/** Identifiers joined by `.` or `?.` (`config.db.password`, `scanner2.text`): a member access in code. */
const MEMBER_PATH = /^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+$/;

/** An unquoted `password: value` is prose as often as config: accept it only when it does not read as a word. */
/** A number or hex literal (`STENCIL_PASS: 0x0B96`, `PASS_COUNT = 1000`) is a setting, not a password. */
const NUMERIC = /^(?:0x[0-9a-f]+|[0-9][0-9_.,]*)$/i;

function looksLikePassword(value: string): boolean {
  if (isReference(value) || TYPE_NAMES.test(value) || NUMERIC.test(value) || PATH_LIKE.test(value)) return false;
  if (value.length < 4) return false;
  return /[0-9]/.test(value) || /[^A-Za-z0-9]/.test(value) || (/[a-z]/.test(value) && /[A-Z]/.test(value));
}

/** A path, a file name or a URL path: where a key is kept, not the key (`pwd=/home/ada`, `keyPath: ./server.key`). */
const PATH_LIKE = /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)|\.(?:json|ya?ml|pem|key|crt|cer|p12|pfx|txt|env|toml|ini|gpg|asc|jks)$/i;

/** A name that says "what follows is a credential" on its own (`JWT_SECRET`, `RAILS_MASTER_KEY`, `auth_token`). */
const STRONG_NAME = /(?:secret|passw(?:or)?d|passphrase|token|(?:api|access|auth|master|private|signing|encryption|account|client|app)[_.-]?key|credentials?)/i;
/** A name that says the value is a digest or an id, which look random and are not secret. */
const DIGEST_NAME = /sha|hash|digest|checksum|commit|etag|fingerprint|(?:^|[_.-])ids?(?:$|[_."'-])|uuid|version|nonce_?count|kind|type|length|size|count/i;

/**
 * A long random-looking value: high entropy whatever its alphabet (hex, base64, symbols), not a word, not
 * a version, not a path. `match` is the whole assignment: behind a strong name (`JWT_SECRET=<64 hex>`) a
 * hex string is a secret; behind a digest name (`commit_sha`, `token_id`) it is not.
 */
function looksRandom(value: string, quoted = false, match = ''): boolean {
  if (isReference(value) || PATH_LIKE.test(value)) return false;
  // A word-like identifier or a member access, optional chains too (`cancellationToken: HostCancellationToken`,
  // `tokenText = scanner2.getTokenText()`, `token = res?.data?.token`, `tokenize = r.tokenize??!0` in a
  // minified bundle), is code, not a credential.
  if (/^[A-Za-z_$][A-Za-z_$]*$|^[A-Za-z_$][\w$.?]*\(/.test(value) || MEMBER_PATH.test(value.replace(/\?\?.*$/, '')) || isCode(value)) return false;
  if (NUMERIC.test(value) || /\s/.test(value)) return false;
  const name = match.slice(0, Math.max(0, match.length - value.length)).replace(/["'\s]*(?:=|:=|=>|:)\s*["']?$/, '');
  // `secret_name`, `token_path`, `api_key_id`: the name says what the value is about, not that it is secret.
  if (/(?:^|[_.-])(?:names?|ids?|path|file|dir|url|uri|arn|region|label|prefix|suffix|format|field|header|param|ref|env|provider|type)["']?$/i.test(name)) return false;
  if (/[a-z](?:Name|Id|Path|File|Dir|Url|Uri|Arn|Region|Label|Prefix|Suffix|Format|Field|Header|Param|Ref|Env|Provider|Type)s?["']?$/.test(name)) return false;
  // Lower-case words joined by dashes or underscores (`my-app-production`) name something.
  if (/^[a-z]+(?:[-_][a-z0-9]+)+$/.test(value) && entropy(value) < 4) return false;
  const strong = STRONG_NAME.test(name) && !DIGEST_NAME.test(name);
  if (value.length < (strong ? 12 : 16)) return false;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return strong && /secret|passw/i.test(name); // UUID
  if (/^[0-9a-f]+$/i.test(value)) return strong && value.length >= 24 && entropy(value) >= 3; // hex: git/sha digests unless the name says secret
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
  if (classes < 2) return false;
  return entropy(value) >= (strong ? 3.0 : quoted ? 3.5 : 3.5);
}

// Names start at their keyword (no leading identifier pattern): a regex that begins with a literal
// alternation is scanned far faster than one that begins with a character-class loop.
const PASSWORD_NAME = '(?:pass(?:word|wd|phrase)|(?<![A-Za-z])pass|pwd)(?:_[A-Za-z0-9]+)?';

const SECRET_NAME =
  '(?:api[_-]?key|apikey|secret|token|access[_-]?key|auth[_-]?key|private[_-]?key|signing[_-]?key|master[_-]?key|account[_-]?key|encryption[_-]?key|credentials?|_key\\b)[A-Za-z0-9_-]*';

/** In priority order: when two findings overlap, the earlier pattern wins. */
export const PATTERNS: readonly SecretPattern[] = [
  {
    kind: 'private-key',
    hint: 'PRIVATE KEY',
    // With its END marker, the body may hold base64, headers (Proc-Type, DEK-Info), spaces and real or
    // escaped (\\n) line breaks. Without one (a truncated paste) it must be whole base64/header lines up to
    // the end of the text. A document that merely mentions the BEGIN marker is not a key.
    regex: new RegExp(
      `-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----(?:${PEM_BODY}*?-----END \\1PRIVATE KEY\\2-----|(?:${PEM_BREAK}+${PEM_LINE})+(?:${PEM_BREAK})*[ \\t]*$(?![\\s\\S]))`,
      'g',
    ),
  },
  { kind: 'anthropic-api-key', hint: 'sk-ant-', regex: token('sk-ant-[A-Za-z0-9]{2,10}-[A-Za-z0-9_-]{32,}') },
  {
    kind: 'openai-api-key',
    hint: 'sk-',
    regex: token('sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|sk-[A-Za-z0-9]{48}'),
  },
  { kind: 'github-token', hint: /gh[pousr]_|github_pat_/, regex: token('gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255}') },
  { kind: 'aws-access-key-id', hint: /A[KS]IA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA/, regex: token('(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}') },
  {
    kind: 'aws-secret-access-key',
    hint: /secret_?(?:access_?)?key/i,
    regex: /aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  },
  { kind: 'slack-webhook', hint: 'hooks.slack.com', regex: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]{20,})/g },
  { kind: 'slack-token', hint: /xox|xapp-/, regex: token('xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\\d-[A-Za-z0-9-]{10,}') },
  { kind: 'google-api-key', hint: 'AIza', regex: token('AIza[0-9A-Za-z_-]{35}') },
  { kind: 'google-oauth-token', hint: /ya29\.|GOCSPX-/, regex: token('ya29\\.[0-9A-Za-z_-]{20,}|GOCSPX-[0-9A-Za-z_-]{20,}') },
  { kind: 'stripe-key', hint: /_live_|_test_/, regex: token('(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{20,}') },
  { kind: 'jwt', hint: 'eyJ', regex: token('eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}') },
  {
    kind: 'bearer-token',
    hint: 'Bearer',
    regex: /\bBearer\s+([A-Za-z0-9._~+/-]{16,}=*)(?![A-Za-z0-9._~+/=-])/g,
    accept: (v) => !isReference(v) && /[0-9]/.test(v) && /[A-Za-z]/.test(v),
  },
  {
    kind: 'basic-auth',
    hint: /basic/i,
    regex: /\bAuthorization["']?\s*[:=]\s*["']?Basic\s+([A-Za-z0-9+/]{8,}=*)/gi,
  },
  {
    kind: 'connection-string',
    hint: '://',
    // scheme://user:password@host — only the password is secret.
    regex: /\b[A-Za-z][A-Za-z0-9+.-]{1,30}:\/\/[^\s:/@'"]*:([^\s/@'"]{1,200})@[^\s/@'"]/g,
    accept: (v) => !isReference(v),
  },
  {
    kind: 'password',
    hint: /pass|pwd/i,
    // `password = x` (code, env, ini, connection-string keys) and quoted `password: "x"`.
    // `==` / `===` compare (`"password" === a.type`): only a single `=` assigns.
    regex: new RegExp(`${PASSWORD_NAME}["']?\\s*(?:=(?!=)|:=|=>)\\s*(?:"([^"\\n]{3,200})"|'([^'\\n]{3,200})'|([^\\s"',;&)]{3,}))`, 'gi'),
    accept: (v, quoted) => !isReference(v) && !TYPE_NAMES.test(v) && !NUMERIC.test(v) && !PATH_LIKE.test(v) && !/\(/.test(v) && (quoted || !isCode(v)),
  },
  {
    kind: 'password',
    hint: /pass|pwd/i,
    // `password: x` (YAML, JSON, headers): quoted values always, bare ones only when they do not read as a word.
    regex: new RegExp(`${PASSWORD_NAME}["']?\\s*:\\s*(?:"([^"\\n]{3,200})"|'([^'\\n]{3,200})'|([^\\s"',;{}\\[\\]]{4,})(?=\\s*(?:$|[,;}\\]#])))`, 'gim'),
    accept: (v, quoted) => (quoted ? !isReference(v) && !TYPE_NAMES.test(v) && !PATH_LIKE.test(v) : looksLikePassword(v) && !isCode(v) && !/\(/.test(v)),
  },
  {
    kind: 'azure-storage-key',
    hint: /Account_?Key|SharedAccess|sig=/i,
    // Azure connection strings and SAS URLs: AccountKey=...;  SharedAccessKey=...;  ?sig=...
    regex: /\b(?:AccountKey|SharedAccessKey|SharedAccessSignature|sig)=([A-Za-z0-9+/%]{20,}(?:={1,2}|%3D){0,2})/gi,
    accept: (v) => !isReference(v),
  },
  {
    kind: 'docker-auth',
    hint: '"auth',
    // ~/.docker/config.json: "auth": base64 of user:password.
    regex: /"(?:auth|identitytoken|password)"\s*:\s*"([A-Za-z0-9+/=_-]{12,})"/g,
    accept: (v) => {
      const decoded = Buffer.from(v, 'base64').toString('latin1');
      return /^[\x20-\x7e]+:[\x20-\x7e]+$/.test(decoded) || looksRandom(v);
    },
  },
  {
    kind: 'webhook-url',
    hint: /webhook|hooks\.|discord/i,
    // Webhook URLs carry their secret in the path: whoever has the URL can post.
    regex:
      /(https:\/\/(?:(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{40,}|[a-z0-9-]+\.webhook\.office\.com\/webhookb2\/[^\s"']+|chat\.googleapis\.com\/v1\/spaces\/[^\s"']+key=[^\s"']+))/g,
  },
  {
    kind: 'cli-password',
    hint: /sshpass|mysql|curl|--(?:pass|token|api|secret|auth|access|client)/,
    // Credentials given on a command line: `sshpass -p X`, `mysql -pX`, `--password X`, `--token=X`, `curl -u user:X`.
    regex:
      /(?:\bsshpass\s+-p\s*|\bmysql(?:dump|admin)?\b[^\n|;&]*?\s-p|\s--(?:password|passwd|pass|token|api-key|apikey|secret|auth-token|access-token|client-secret)(?:=|\s+)|\bcurl\b[^\n|;&]*?\s(?:-u|--user)\s+[^\s:'"]+:)(?:"([^"\n]{3,200})"|'([^'\n]{3,200})'|([^\s"'`;&|]{3,}))/g,
    accept: (v) => !isReference(v) && !NUMERIC.test(v) && !/^-/.test(v) && !PATH_LIKE.test(v),
  },
  {
    kind: 'secret-assignment',
    hint: /key|secret|token|credential/i,
    regex: new RegExp(`${SECRET_NAME}["']?\\s*(?:=(?!=)|:=|=>|:)\\s*(?:"([^"\\n]{12,300})"|'([^'\\n]{12,300})'|([A-Za-z0-9_+/=.~!@#$%^&*?-]{12,}))`, 'gi'),
    accept: looksRandom,
  },
];
