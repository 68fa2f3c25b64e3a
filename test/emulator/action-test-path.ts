// The JSON paths of a translation map, in the simple form the samples and the Genesys examples use:
// `$`, `$.a.b`, `$.a[0].b`, `$.a.*` is not supported (a path the emulator does not read finds nothing).
const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\])/;

/** The value at `path` in `document`, or undefined when the path finds nothing or is not simple. */
export function readPath(document: unknown, path: string): unknown {
  if (!path.startsWith('$')) return undefined;
  let rest = path.slice(1);
  let current: unknown = document;
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest);
    if (match === null) return undefined;
    rest = rest.slice(match[0].length);
    const key = match[1] ?? match[3];
    if (key !== undefined) {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[key];
    } else {
      if (!Array.isArray(current)) return undefined;
      current = current[Number(match[2])];
    }
    if (current === undefined) return undefined;
  }
  return current;
}
