// Client secrets come from the Web Crypto CSPRNG only (SPEC §4): 32 random bytes = 256 bits,
// base64url without padding = 43 characters. Admins never type one.

export const SECRET_BYTES = 32;

export function generateClientSecret(): string {
  const bytes = new Uint8Array(SECRET_BYTES);
  crypto.getRandomValues(bytes);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
