// Prints the page text pdf.js (Firefox) extracts (getTextContent), one string per page,
// as JSON: {"pages": [...]}. Used by check-text.py.
//
//   node scripts/pdfjs-text.mjs IN.pdf
//
// pdfjs-dist is looked up in $PDFJS_DIR (default: scripts/.pdfjs/node_modules/pdfjs-dist,
// where `npm install --prefix scripts/.pdfjs pdfjs-dist@4` puts it).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.env.PDFJS_DIR ?? join(here, ".pdfjs", "node_modules", "pdfjs-dist");
const pdfjs = await import(pathToFileURL(join(dir, "legacy", "build", "pdf.mjs")).href);

const [input] = process.argv.slice(2);
const doc = await pdfjs.getDocument({
  data: new Uint8Array(readFileSync(input)),
  standardFontDataUrl: join(dir, "standard_fonts") + "/",
  verbosity: 0,
}).promise;
const pages = [];
for (let i = 1; i <= doc.numPages; i++) {
  const page = await doc.getPage(i);
  const content = await page.getTextContent();
  pages.push(content.items.map((item) => item.str).join(" "));
}
console.log(JSON.stringify({ pages }));
