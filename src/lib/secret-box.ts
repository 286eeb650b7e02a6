// AES-256-GCM with WebCrypto (runs on Node and Deno alike). Each ciphertext names the key that
// made it, so keys can be rotated: add the new key first in SECRETS_KEYS, old ones still decrypt.

export interface SealedSecret {
  keyId: string;
  ciphertext: string;
}
export interface SecretBox {
  seal(plain: string): Promise<SealedSecret>;
  open(sealed: SealedSecret): Promise<string>;
}

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

export function parseKeyring(spec: string): Array<{ id: string; raw: Uint8Array }> {
  const keys = spec.split(',').map((part) => {
    const [id, key] = part.trim().split(':');
    if (!id || !key) throw new Error('SECRETS_KEYS: expected "keyId:base64Key[,keyId:base64Key]"');
    const raw = unb64(key);
    if (raw.length !== 32) throw new Error(`SECRETS_KEYS: key "${id}" must be 32 bytes (base64 of 32 random bytes)`);
    return { id, raw };
  });
  if (keys.length === 0) throw new Error('SECRETS_KEYS: no key');
  return keys;
}

export async function createSecretBox(spec: string): Promise<SecretBox> {
  const ring = parseKeyring(spec);
  const keys = new Map<string, CryptoKey>();
  for (const k of ring) {
    keys.set(k.id, await crypto.subtle.importKey('raw', k.raw as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']));
  }
  const active = ring[0]!.id;
  return {
    async seal(plain) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(active) },
          keys.get(active)!,
          new TextEncoder().encode(plain),
        ),
      );
      return { keyId: active, ciphertext: `${b64(iv)}.${b64(ct)}` };
    },
    async open({ keyId, ciphertext }) {
      const key = keys.get(keyId);
      if (!key) throw new Error(`secret sealed with unknown key id "${keyId}"`);
      const [iv, ct] = ciphertext.split('.');
      if (!iv || !ct) throw new Error('malformed sealed secret');
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: unb64(iv) as BufferSource, additionalData: new TextEncoder().encode(keyId) },
        key,
        unb64(ct) as BufferSource,
      );
      return new TextDecoder().decode(plain);
    },
  };
}

export function randomKeySpec(id = 'k1'): string {
  return `${id}:${b64(crypto.getRandomValues(new Uint8Array(32)))}`;
}
