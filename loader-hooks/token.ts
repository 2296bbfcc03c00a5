// Registry tokens (see src/registry.ts): HMAC-SHA256 of a module URL under a per-agent secret. The register entry
// makes the secret and keeps the verifier; the hooks get the secret (in-thread, or as initialize() data in the
// hooks thread) and issue tokens. node:crypto is loaded on first use, so apps without struct modules never load it.
import { createRequire } from 'node:module';

type Crypto = typeof import('node:crypto');
let crypto: Crypto | undefined;

/** Token issuer under `secret`; a function secret is asked for on first use (in-thread hooks make it lazily). */
export function createTokenIssuer(secret: string | (() => string)): (url: string) => string {
  return (url) => {
    crypto ??= createRequire(import.meta.url)('node:crypto') as Crypto;
    return crypto.createHmac('sha256', typeof secret === 'string' ? secret : secret()).update(url).digest('base64url');
  };
}

/**
 * A fresh secret: 256 random bits from Web Crypto (a global in every supported Node). Touching it loads Node's
 * crypto internals (a few ms), so in-thread hooks defer it to the first module that needs a token.
 */
export function createSecret(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
