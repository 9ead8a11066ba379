const encoder = new TextEncoder();

/**
 * Compares a presented credential with the expected one in constant time. Both are hashed
 * first so the comparison also hides the expected token's length.
 */
export async function credentialsMatch(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([crypto.subtle.digest("SHA-256", encoder.encode(presented)), crypto.subtle.digest("SHA-256", encoder.encode(expected))]);
  return crypto.subtle.timingSafeEqual(a, b);
}
