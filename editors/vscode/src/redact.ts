// Masks secrets in text bound for an output channel, so that tracing the protocol with
// `northflank.trace.server` never writes the API token to the log. Pure.

const MASK = '***';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces every occurrence of each secret (raw, and as it appears inside a JSON string) and
 * the value of any `"token": "…"` member with `***`. The second rule catches a token that
 * came from elsewhere (e.g. typed into settings.json) which the extension does not know.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) {
      continue; // masking a 1–3 character string would mangle ordinary log text
    }
    const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
    for (const form of forms) {
      out = out.replace(new RegExp(escapeRegExp(form), 'g'), MASK);
    }
  }
  // "token": "value" in JSON (also with escaped quotes, as in a stringified trace)
  out = out.replace(/("token"\s*:\s*")((?:[^"\\]|\\.)*)(")/g, `$1${MASK}$3`);
  out = out.replace(/(\\"token\\"\s*:\s*\\")((?:[^"\\]|\\[^"])*)(\\")/g, `$1${MASK}$3`);
  return out;
}
