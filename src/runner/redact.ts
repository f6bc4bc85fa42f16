/**
 * Secret redaction for logs, state and notes: the shared detector of src/secrets/ (provider keys and
 * tokens, private keys, passwords, connection-string credentials, high-entropy secret assignments), which
 * leaves look-alikes such as `"input_tokens": 1200`, git SHAs and UUIDs alone.
 */
export { redactSecrets as redact } from '../secrets/index.js';
