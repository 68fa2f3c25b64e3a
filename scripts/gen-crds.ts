// Writes crds/*.yaml from the zod schemas in src/api/. Run: npm run gen:crds
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderCrdFiles } from './crd-files.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'crds');
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(renderCrdFiles())) {
  writeFileSync(join(dir, name), text);
  console.log(`Wrote crds/${name}`);
}
