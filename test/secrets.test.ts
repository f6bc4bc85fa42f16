import t from 'tap';
import { randomBytes } from 'node:crypto';
import { scanSecrets, redactSecrets, createLineRedactor } from '../src/secrets/index.js';
import { redactDeep } from '../src/compiler/artifacts/redact.js';

// Realistic-looking fakes (never real credentials), assembled so this file itself does not look like a leak.
const rnd = (n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string =>
  Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3 * (i % 5) + 11) % alphabet.length]).join('');
const ANTHROPIC = 'sk-ant-' + 'api03-' + rnd(93, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-') + 'AA';
const OPENAI = 'sk-' + 'proj-' + rnd(60, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-');
const OPENAI_LEGACY = 'sk-' + rnd(20) + 'T3Blbk' + 'FJ' + rnd(20);
const GITHUB = 'gh' + 'p_' + rnd(36);
const GITHUB_PAT = 'github' + '_pat_' + rnd(22) + '_' + rnd(59);
const AWS_ID = 'AKIA' + 'IOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY';
const SLACK = 'xox' + 'b-1234567890-1234567890123-' + rnd(24);
const SLACK_HOOK = 'https://hooks.slack.com/services/' + 'T00000000/B00000000/' + rnd(24);
const GOOGLE = 'AI' + 'za' + rnd(35);
const STRIPE = 'sk_' + 'live_' + rnd(24);
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' + 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.' + 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2v', 'ZGB+dQ3cFJ7jUWCSvwH1o0DgcjHU', '-----END RSA PRIVATE KEY-----'].join('\n');

const kinds = (text: string): string[] => scanSecrets(text).map((f) => f.kind);

t.test('provider keys and tokens are found with their kind and exact position', async (t) => {
  const cases: [string, string, string][] = [
    [`ANTHROPIC_API_KEY=${ANTHROPIC}`, ANTHROPIC, 'anthropic-api-key'],
    [`export OPENAI_API_KEY="${OPENAI}"`, OPENAI, 'openai-api-key'],
    [`key: ${OPENAI_LEGACY}`, OPENAI_LEGACY, 'openai-api-key'],
    [`git clone https://${GITHUB}@github.com/o/r`, GITHUB, 'github-token'],
    [`token ${GITHUB_PAT} used`, GITHUB_PAT, 'github-token'],
    [`aws_access_key_id = ${AWS_ID}`, AWS_ID, 'aws-access-key-id'],
    [`aws_secret_access_key = ${AWS_SECRET}`, AWS_SECRET, 'aws-secret-access-key'],
    [`SLACK_BOT=${SLACK}`, SLACK, 'slack-token'],
    [`curl -X POST ${SLACK_HOOK}`, SLACK_HOOK, 'slack-webhook'],
    [`const maps = "${GOOGLE}";`, GOOGLE, 'google-api-key'],
    [`stripe.api_key = '${STRIPE}'`, STRIPE, 'stripe-key'],
    [`cookie: session=${JWT}; Path=/`, JWT, 'jwt'],
    ['Authorization: Bearer abc123def456ghi789jkl012', 'abc123def456ghi789jkl012', 'bearer-token'],
    ['-H "Authorization: Basic dXNlcjpodW50ZXIy"', 'dXNlcjpodW50ZXIy', 'basic-auth'],
    ['DATABASE_URL=postgres://app:s3cr3t-P4ss@db.internal:5432/app', 's3cr3t-P4ss', 'connection-string'],
    ['mongodb+srv://admin:hunter2@cluster0.mongodb.net/test', 'hunter2', 'connection-string'],
    ['DB_PASSWORD=hunter2', 'hunter2', 'password'],
    ['PGPASSWORD=correcthorse psql', 'correcthorse', 'password'],
    ['Server=db;User Id=sa;Password=Str0ng!Pass;', 'Str0ng!Pass', 'password'],
    ['  password: "correct horse"', 'correct horse', 'password'],
    ['  password: Tr0ub4dor&3', 'Tr0ub4dor&3', 'password'],
    ['{"password": "letmein"}', 'letmein', 'password'],
    ['password = Winter2024.Secure', 'Winter2024.Secure', 'password'],
    ['const pass = "new"', 'new', 'password'],
    ['client_secret = "Zx9fQ2LmP0aR7tYv3KsW8nBc"', 'Zx9fQ2LmP0aR7tYv3KsW8nBc', 'secret-assignment'],
    ['SIGNING_KEY: 9f8A7b6C5d4E3f2G1h0IjKlMnOp', '9f8A7b6C5d4E3f2G1h0IjKlMnOp', 'secret-assignment'],
  ];
  for (const [text, secret, kind] of cases) {
    const found = scanSecrets(text);
    t.equal(found.length, 1, `one finding in ${JSON.stringify(text.slice(0, 40))}`);
    const f = found[0];
    if (!f) continue;
    t.equal(f.kind, kind, `kind of ${JSON.stringify(text.slice(0, 40))}`);
    t.equal(text.slice(f.start, f.end), secret, `span of ${kind}`);
    t.notMatch(f.preview, secret, 'preview never carries the secret');
  }
});

t.test('private key blocks are redacted whole, even when unterminated', async (t) => {
  const text = `before\n${PEM}\nafter`;
  t.same(kinds(text), ['private-key']);
  t.equal(redactSecrets(text), 'before\n[REDACTED:private-key]\nafter');
  const truncated = 'key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ';
  t.equal(redactSecrets(truncated), 'key:\n[REDACTED:private-key]');
  t.same(scanSecrets(text)[0]!.line, 2);
  const json = '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n", "client_email": "x@y.iam"}';
  t.equal(redactSecrets(json), '{"private_key": "[REDACTED:private-key]\\n", "client_email": "x@y.iam"}', 'a key inside JSON (escaped newlines)');
});

t.test('a line redactor hides every line of a key that arrives line by line', async (t) => {
  const doc = createLineRedactor();
  t.same(
    ['Keys look like `-----BEGIN RSA PRIVATE KEY-----`', 'and this line is prose.'].map(doc),
    ['Keys look like `-----BEGIN RSA PRIVATE KEY-----`', 'and this line is prose.'],
    'a mention is not a block',
  );
  const cut = createLineRedactor();
  t.same(
    ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'ok 3 tests passed'].map(cut),
    ['[REDACTED:private-key]', '[REDACTED:private-key]', 'ok 3 tests passed'],
    'a line that is not key body ends a truncated block',
  );
  const redact = createLineRedactor();
  const out = ['start', ...PEM.split('\n'), `done DB_PASSWORD=hunter2`].map(redact);
  t.same(out, ['start', '[REDACTED:private-key]', '[REDACTED:private-key]', '[REDACTED:private-key]', '[REDACTED:private-key]', 'done DB_PASSWORD=[REDACTED:password]']);
});

t.test('redaction keeps the context and every secret in a multi-secret text', async (t) => {
  const text = `a=${AWS_ID} b=postgres://u:pw12345@h/db\nAuthorization: Bearer ${JWT}`;
  t.equal(redactSecrets(text), 'a=[REDACTED:aws-access-key-id] b=postgres://u:[REDACTED:connection-string]@h/db\nAuthorization: Bearer [REDACTED:jwt]');
  const found = scanSecrets(text);
  t.same(
    found.map((f) => [f.kind, f.line, f.column]),
    [
      ['aws-access-key-id', 1, 3],
      ['connection-string', 1, 39],
      ['jwt', 2, 23],
    ],
  );
});

t.test('look-alikes are not secrets', async (t) => {
  const negatives = [
    'commit 3f786850e387550fdab836ed7e6dc881de23001b (HEAD -> main)',
    'sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'request_id: 123e4567-e89b-12d3-a456-426614174000',
    'token_id = 123e4567-e89b-12d3-a456-426614174000',
    'git_token_sha = 3f786850e387550fdab836ed7e6dc881de23001b',
    'password: ${{ secrets.DB_PASSWORD }}',
    'password=$DB_PASSWORD',
    'password = os.environ["DB_PASSWORD"]',
    'password = getPassword()',
    'password: string;',
    'password: <your-password>',
    'DB_PASSWORD=',
    'The password: must be at least 12 characters',
    'password: hashed',
    'api_key: process.env.OPENAI_API_KEY',
    'max_tokens = 4096',
    'secret_name = "my-app-production"',
    'Authorization: Bearer ${TOKEN}',
    'Authorization: Bearer <token>',
    'https://github.com/owner/repo.git',
    'https://user@example.com/path',
    'see https://example.com:8080/a@b',
    'sk-learn is a library; task-skip',
    'const tokenizer = new Tokenizer(); // key: value',
    'Bearer authentication is described in RFC 6750',
    'import { AKIAHelper } from "./aws";',
    'readonly cancellationToken: HostCancellationToken;',
    'outputTokens: usage.outputTokens, token: SyntaxKind.ExtendsKeyword',
    'readonly STENCIL_BACK_PASS_DEPTH_PASS: 0x8803;',
    'PASS_COUNT = 1000',
    'the password in `scheme://user:password@host`',
    'redacts `password=`/`token:`-style assignments',
    '| `private-key` | `-----BEGIN RSA PRIVATE KEY-----` ... `-----END ...-----` |\nthe rest of the document',
    'api_key_path: ./config/ApiKeys2024.json',
    'SSL_KEY_FILE=/etc/ssl/private/Server2024Key.pem',
    'const pass = new ParallelScheduler(problem);',
    'const pwd = await readPassword();',
    'pass = this.password',
    '  pass: this.pass,',
    'exports.setThePassword = urlStateMachine.setThePassword;',
    'const inputTypeToken = inputSpec?.get("type")?.[1];',
    'const token = res?.data?.token;',
    'exports.pass = exports.only = exports.ok;',
    '// request.password = TODO',
    'const hasExclamationToken = !!node.exclamationToken;',
    "  PWD: '/Users/ada',",
    'return b&&("text"===a.type||"password"===a.type)',
    'x={password:un(e,t),signed:1}',
    'password: reader.readStringNT(),',
    'this._tokenizeBlocks=r.tokenizeBlocks??!0,this',
  ];
  for (const text of negatives) t.same(kinds(text), [], JSON.stringify(text));
});

t.test('base64 payloads are left alone even when they contain key-like runs', async (t) => {
  const png = randomBytes(30000).toString('base64');
  const planted = png.slice(0, 5000) + AWS_ID + GOOGLE + 'eyJabcdefghij.eyJabcdefghij.abcdefghijk' + png.slice(5000);
  const img = `<img src="data:image/png;base64,${planted}">`;
  t.same(kinds(img), []);
  t.equal(redactSecrets(img), img);
  const url = randomBytes(3000).toString('base64url');
  t.same(kinds(`x ${url} y`), []);
  // The same run, but with the GitHub prefixes that random base64url holds by chance now and then.
  for (const prefix of ['gh' + 'o_', 'gh' + 'p_', 'gh' + 'r_', 'gh' + 's_']) {
    const inside = url.slice(0, 100) + prefix + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8' + url.slice(100);
    t.same(kinds(`x ${inside} y`), [], `${prefix} inside base64url`);
  }
  // ...while the same token on its own, or after `=` or a quote, is still found.
  const oauth = 'gh' + 'o_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
  for (const text of [`token ${oauth}`, `GH_TOKEN=${oauth}\n`, `{"token":"${oauth}"}`]) t.ok(kinds(text).length > 0, text);
});

t.test('text without secrets comes back identical (same string)', async (t) => {
  const text = 'compiling src/index.ts\nok 12 tests passed\n';
  t.equal(redactSecrets(text), text);
  t.same(scanSecrets(''), []);
});

t.test('a compiled plan is redacted however its records are shared', async (t) => {
  const plain = { tasks: [{ id: 'A', run: 'make' }], shared: { note: 'fine' } };
  t.equal(redactDeep(plain), plain, 'nothing to hide: the same object back');
  // Shared at every level (2^30 paths to the leaf) and a cycle: the check is not a walk of every path.
  let doubled: unknown = { text: `token ${GITHUB}` };
  for (let i = 0; i < 30; i++) doubled = [doubled, doubled];
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic.self = cyclic;
  const out = redactDeep({ doubled, cyclic });
  t.equal(out.cyclic.name, 'loop', 'the text without a secret is kept');
  let leaf: unknown = out.doubled;
  for (let i = 0; i < 30; i++) leaf = (leaf as unknown[])[1];
  t.same(leaf, { text: 'token [REDACTED:github-token]' });
  t.equal(out.cyclic.self, out.cyclic, 'the copy keeps the cycle');
  const quiet = { doubled: [cyclic, cyclic], cyclic };
  t.equal(redactDeep(quiet), quiet, 'no secret behind the cycle');
  // The secret's record is met only after 2^30 quiet paths (the walk takes the last key's record first):
  // the walk that does not track what it has seen gives up, and the tracked one must still find it.
  let wide: unknown = { text: 'nothing here' };
  for (let i = 0; i < 30; i++) wide = [wide, wide];
  const late = redactDeep({ late: { text: `token ${GITHUB}` }, wide });
  t.same(late.late, { text: 'token [REDACTED:github-token]' }, 'found behind a structure shared at every level');
});
