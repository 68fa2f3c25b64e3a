/** metav1.MicroTime's wire format: RFC 3339 with exactly six fractional digits (the server rejects fewer). */
export function formatMicroTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/Z$/, '000Z');
}
